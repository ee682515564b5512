import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_fill_article_uid"),
    ]

    operations = [
        migrations.AlterField(
            model_name="article",
            name="uid",
            field=models.UUIDField(
                default=uuid.uuid4,
                editable=False,
                help_text="Never changes, whatever the slug: feed readers know the article by it (RSS guid, Atom id).",
                unique=True,
                verbose_name="permanent identifier",
            ),
        ),
    ]
