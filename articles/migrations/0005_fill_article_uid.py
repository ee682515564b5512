"""Give every existing article its own permanent identifier, and record the size of existing images."""

import uuid

from django.db import migrations


def fill(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    # The ids first: SQLite gives no isolation between a running SELECT and UPDATEs of the rows it reads.
    ids = list(Article.objects.filter(uid__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):  # a large archive in a few dozen queries, not one per row
        batch = [Article(pk=pk, uid=uuid.uuid4()) for pk in ids[start : start + 2000]]
        Article.objects.bulk_update(batch, ["uid"])
    for article in Article.objects.exclude(featured_image="").iterator():
        try:
            width, height = article.featured_image.width, article.featured_image.height
        except (OSError, ValueError):  # a missing or unreadable file: cards fall back to the site image
            continue
        Article.objects.filter(pk=article.pk).update(image_width=width, image_height=height)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0004_article_uid_slug_history"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
