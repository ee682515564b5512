import django.db.models.deletion
from django.db import migrations, models

from search.engines import postgresql, sqlite


def create_engine_tables(apps, schema_editor):
    """The FTS5 table on SQLite; tsvector columns, GIN indexes and unaccent on PostgreSQL."""
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(sqlite.CREATE_SQL)
    elif vendor == "postgresql":
        for statement in postgresql.CREATE_SQL:
            schema_editor.execute(statement)


def drop_engine_tables(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(sqlite.DROP_SQL)
    elif vendor == "postgresql":
        for statement in postgresql.DROP_SQL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0003_article_language"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_entry",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("language", models.CharField(help_text="The article's language when it was indexed.", max_length=12)),
                (
                    "meta",
                    models.TextField(
                        blank=True, help_text="Dek, section, tags, bylines and cited source names, one a line."
                    ),
                ),
                (
                    "body",
                    models.TextField(blank=True, help_text="The body's visible text (no markup), for snippets."),
                ),
                ("extra", models.TextField(blank=True, help_text="Background notes and corrections, one a line.")),
                ("indexed_at", models.DateTimeField(auto_now=True)),
            ],
            options={"verbose_name_plural": "search entries", "ordering": ["article"]},
        ),
        migrations.RunPython(create_engine_tables, drop_engine_tables, elidable=False),
    ]
