import django.db.models.deletion
from django.db import migrations, models

# Each engine's own storage (search/engines/), written out here so that this migration never changes.
CREATE = {
    "sqlite": [
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(headline, meta, body, "
        "tokenize = 'unicode61 remove_diacritics 2')",
    ],
    "postgresql": [
        "CREATE EXTENSION IF NOT EXISTS unaccent",
        "ALTER TABLE search_searchentry ADD COLUMN document tsvector, ADD COLUMN headline_document tsvector",
        "CREATE INDEX search_document_gin ON search_searchentry USING gin (document)",
        "CREATE INDEX search_headline_gin ON search_searchentry USING gin (headline_document)",
    ],
}
DROP = {
    "sqlite": ["DROP TABLE IF EXISTS search_fts"],
    "postgresql": [
        "DROP INDEX IF EXISTS search_headline_gin",
        "DROP INDEX IF EXISTS search_document_gin",
        "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS document, DROP COLUMN IF EXISTS headline_document",
    ],
}


def create_engine_tables(apps, schema_editor):
    """The FTS5 table on SQLite; tsvector columns, GIN indexes and unaccent on PostgreSQL; nothing elsewhere."""
    for statement in CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def drop_engine_tables(apps, schema_editor):
    for statement in DROP.get(schema_editor.connection.vendor, []):
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
