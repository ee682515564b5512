"""A permanent identifier per article, the record of old slugs, and the featured image's size.

The identifier is added nullable, filled for existing rows by 0005, and made unique and required by 0006:
one random UUID per row, which a single default would not give.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_article_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="permanent identifier"),
        ),
        migrations.AddField(
            model_name="article",
            name="image_height",
            field=models.PositiveIntegerField(blank=True, editable=False, help_text="In pixels.", null=True),
        ),
        migrations.AddField(
            model_name="article",
            name="image_width",
            field=models.PositiveIntegerField(blank=True, editable=False, help_text="In pixels.", null=True),
        ),
        migrations.AlterField(
            model_name="article",
            name="featured_image",
            field=models.ImageField(
                blank=True,
                height_field="image_height",
                help_text="Shown on the page and in link previews (at least 1200 pixels wide is best).",
                upload_to="articles/%Y/%m/",
                width_field="image_width",
            ),
        ),
        migrations.AddIndex(
            model_name="correction",
            index=models.Index(fields=["-published_at"], name="correction_newest_idx"),
        ),
        migrations.CreateModel(
            name="SlugHistory",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("article", "Article"),
                            ("section", "Section"),
                            ("tag", "Tag"),
                            ("source", "Source"),
                            ("author", "Author"),
                        ],
                        max_length=20,
                    ),
                ),
                ("old_slug", models.CharField(help_text="The slug the address had.", max_length=255)),
                ("object_id", models.PositiveBigIntegerField(help_text="The row the old address now leads to.")),
                (
                    "created_at",
                    models.DateTimeField(auto_now=True, help_text="When the address was last given up."),
                ),
            ],
            options={
                "verbose_name": "old address",
                "verbose_name_plural": "old addresses",
                "ordering": ["-created_at", "-pk"],
                "constraints": [models.UniqueConstraint(fields=("kind", "old_slug"), name="slug_history_unique")],
            },
        ),
    ]
