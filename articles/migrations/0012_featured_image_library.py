"""Step 1 of 3 towards the image library: keep the old image fields aside and add the foreign key."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_desk_notes"),
        ("images", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="article", name="article_image_has_alt"),
        migrations.RenameField(model_name="article", old_name="featured_image", new_name="legacy_image"),
        migrations.AddField(
            model_name="article",
            name="featured_image",
            field=models.ForeignKey(
                blank=True,
                help_text="Picked from the image library (search by caption or credit); its alt text, caption and "
                "credit go with it.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="featured_in",
                to="images.image",
            ),
        ),
    ]
