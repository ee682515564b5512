"""Phrases are looked up as adjacent pairs of tokens (search.text.pairs): FTS5 gets a ``pairs`` column
(and the headline column its own pairs after its words) and PostgreSQL's documents get the pair tokens.
Existing entries are given their pairs here, from the text the index already holds (SearchEntry rows and
headlines), so phrase searches keep working through the upgrade."""

from django.db import migrations

from search.text import pairs, tokens

FTS_COLUMNS = "headline, meta, body{}, tokenize = 'unicode61 remove_diacritics 2'"
BATCH = 500


def _quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _fields(apps, using):
    """(article id, headline tokens, meta tokens, body tokens) of every indexed article, in batches."""
    entries = apps.get_model("search", "SearchEntry").objects.using(using).order_by("article_id")
    rows = entries.values_list("article_id", "article__headline", "meta", "body", "extra")
    for pk, headline, meta, body, extra in rows.iterator(chunk_size=BATCH):
        yield pk, tokens(headline), tokens(meta), tokens(body) + tokens(extra)


def add_pairs(apps, schema_editor):
    connection, using = schema_editor.connection, schema_editor.connection.alias
    if connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
        schema_editor.execute(f"CREATE VIRTUAL TABLE search_fts USING fts5({FTS_COLUMNS.format(', pairs')})")
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts (rowid, headline, meta, body, pairs) VALUES (%s, %s, %s, %s, %s)",
                [(pk, " ".join(h + pairs(h)), " ".join(m), " ".join(b), " ".join(pairs(h) + pairs(m) + pairs(b)))
                 for pk, h, m, b in _fields(apps, using)],
            )  # fmt: skip
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for pk, h, m, b in _fields(apps, using):
                found = {pair for field in (h, m, b) for pair in pairs(field)}
                if found:
                    cursor.execute(
                        "UPDATE search_searchentry SET document = document || %s::tsvector,"
                        " headline_document = headline_document || %s::tsvector WHERE article_id = %s",
                        [" ".join(map(_quote, found)), " ".join(map(_quote, set(pairs(h)))) or "", pk],
                    )


def remove_pairs(apps, schema_editor):
    """Back to the three-column FTS5 table (empty: run ``manage.py rebuild_search_index`` with the old code);
    on PostgreSQL the pair tokens are left in place, where the old code never looks."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")
        schema_editor.execute(f"CREATE VIRTUAL TABLE search_fts USING fts5({FTS_COLUMNS.format('')})")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_searchentry_narrow_rows")]

    operations = [migrations.RunPython(add_pairs, remove_pairs, elidable=False)]
