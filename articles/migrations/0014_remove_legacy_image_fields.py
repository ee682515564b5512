"""Step 3 of 3: the article's own image fields are gone; the library holds the pictures."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_move_images_to_library")]

    operations = [
        migrations.RemoveField(model_name="article", name="legacy_image"),
        migrations.RemoveField(model_name="article", name="image_alt"),
        migrations.RemoveField(model_name="article", name="image_caption"),
        migrations.RemoveField(model_name="article", name="image_credit"),
        migrations.RemoveField(model_name="article", name="image_width"),
        migrations.RemoveField(model_name="article", name="image_height"),
    ]
