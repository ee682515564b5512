"""Step 2 of 3: every article's own image becomes a library Image with the same file, alt, caption and credit."""

from django.db import migrations


def _dimensions(field_file):
    from PIL import Image as PILImage

    try:
        with field_file.open("rb") as handle, PILImage.open(handle) as image:
            return image.size
    except (OSError, ValueError, SyntaxError):
        return None, None  # a missing file: the record keeps the name, pages show no picture for it


def to_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("images", "Image")
    for article in Article.objects.exclude(legacy_image="").exclude(legacy_image__isnull=True).iterator():
        width, height = _dimensions(article.legacy_image)
        image = Image.objects.create(
            file=article.legacy_image.name,
            alt_text=article.image_alt.strip() or article.headline,
            caption=article.image_caption,
            credit=article.image_credit,
            width=width,
            height=height,
            uploaded_by_id=article.created_by_id,
        )
        Article.objects.filter(pk=article.pk).update(featured_image=image)


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
    dependencies = [("articles", "0004_featured_image_library")]

    operations = [migrations.RunPython(to_library, from_library)]
