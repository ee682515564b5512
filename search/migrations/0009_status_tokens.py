"""Existing entries of drafts and articles in review get their status token (search.text.facet_token("status",
...)): U+E001 "status" U+E001 and the status's UTF-8 bytes in lower-case hex. SQLite counts the unpublished
matches of a search by them. Published articles' entries get theirs when next indexed: no search asks for it.
Frozen here on purpose."""

from django.db import migrations

POSTGRESQL = (
    "UPDATE search_searchentry SET document = document || array_to_tsvector(ARRAY["
    "(SELECT chr(57345) || 'status' || chr(57345) || encode(convert_to(a.status, 'UTF8'), 'hex')"
    " FROM articles_article a"
    " WHERE a.id = search_searchentry.article_id)])"
    " WHERE article_id IN (SELECT id FROM articles_article WHERE status <> 'published')"
)
SQLITE = (
    "UPDATE search_fts SET pairs = pairs || ' ' || ("
    "SELECT char(57345) || 'status' || char(57345) || lower(hex(a.status))"
    " FROM articles_article a WHERE a.id = search_fts.rowid)"
    " WHERE rowid IN (SELECT id FROM articles_article WHERE status <> 'published')"
)


def fill(apps, schema_editor):
    statement = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if statement:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0008_fts_tokens_as_written")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=False)]
