"""Existing entries get their facet tokens (search.text.facet_token: section, tags, cited sources and authors),
written in SQL from the link tables, one statement per database: U+E001 kind U+E001 slug, the slug's - and _
as U+E002 and U+E003. Frozen here on purpose: later changes to facet_token need a migration of their own."""

from django.db import migrations

_TOKEN = "{mark} || '{kind}' || {mark} || {translate}"  # noqa: S105  (an SQL expression, no secret)
_PARTS = [
    ("section", "articles_article a JOIN articles_section x ON x.id = a.section_id", "a.id"),
    ("tag", "articles_taggedarticle l JOIN articles_tag x ON x.id = l.tag_id", "l.content_object_id"),
    ("source", "articles_citation l JOIN articles_source x ON x.id = l.source_id", "l.article_id"),
    ("author", "articles_byline l JOIN articles_author x ON x.id = l.author_id", "l.article_id"),
]


def _tokens(mark, translate, article):
    """One SELECT of every facet token of the article whose id is the SQL expression ``article``."""
    token = _TOKEN.format(mark=mark, kind="{kind}", translate=translate)
    # Constant SQL: every piece is this module's own text, nothing from outside.
    return " UNION ".join(
        f"SELECT {token.format(kind=kind)} AS token FROM {tables} WHERE {key} = {article}"  # noqa: S608
        for kind, tables, key in _PARTS
    )


POSTGRESQL = (
    "UPDATE search_searchentry SET document = document || array_to_tsvector(ARRAY("  # noqa: S608
    + _tokens("chr(57345)", "translate(x.slug, '-_', chr(57346) || chr(57347))", "search_searchentry.article_id")
    + "))"
)
SQLITE = (
    "UPDATE search_fts SET pairs = pairs || ' ' || IFNULL((SELECT group_concat(token, ' ') FROM ("  # noqa: S608
    + _tokens("char(57345)", "replace(replace(x.slug, '-', char(57346)), '_', char(57347))", "search_fts.rowid")
    + ")), '')"
)


def fill(apps, schema_editor):
    statement = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if statement:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0005_entry_visibility")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=False)]
