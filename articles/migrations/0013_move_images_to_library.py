"""Step 2 of 3: every article's own image becomes a library Image with the same file, alt, caption and credit."""

from django.db import migrations


def _dimensions(name):
    from django.core.files.storage import default_storage
    from PIL import Image as PILImage

    try:
        with default_storage.open(name, "rb") as handle, PILImage.open(handle) as image:
            return image.size
    except (OSError, ValueError, SyntaxError):
        return None, None  # a missing file: the record keeps the name, pages show no picture for it


FIELDS = ("pk", "headline", "legacy_image", "image_alt", "image_caption", "image_credit", "image_width", "image_height")


def to_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("images", "Image")
    # values(), not instances: an ImageField with width_field opens a file whose size is unknown on loading a row.
    rows = Article.objects.exclude(legacy_image="").exclude(legacy_image__isnull=True).values(*FIELDS, "created_by")
    for row in rows.iterator():
        width, height = row["image_width"], row["image_height"]  # recorded by migration 0005
        if not (width and height):
            width, height = _dimensions(row["legacy_image"])
        image = Image.objects.create(
            file=row["legacy_image"],
            alt_text=row["image_alt"].strip() or row["headline"],
            caption=row["image_caption"],
            credit=row["image_credit"],
            width=width,
            height=height,
            uploaded_by_id=row["created_by"],
        )
        Article.objects.filter(pk=row["pk"]).update(featured_image=image)


def from_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.filter(featured_image__isnull=False).select_related("featured_image"):
        image = article.featured_image
        Article.objects.filter(pk=article.pk).update(
            legacy_image=image.file.name,
            image_alt=image.alt_text,
            image_caption=image.caption,
            image_credit=image.credit,
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_featured_image_library")]

    operations = [migrations.RunPython(to_library, from_library)]
