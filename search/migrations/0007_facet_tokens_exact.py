"""Facet tokens that match exactly: each entry's facet tokens of migration 0006 (the slug itself, which SQLite's
unicode61 tokenizer folded and split, so ``tag=cafe`` found articles tagged ``café`` and ``tag=ह`` those tagged
``हिन्दी``) are replaced by tokens spelling the slug as the lower-case hex of its UTF-8 bytes
(search.text.facet_token), in SQL, one statement per database. Frozen here on purpose, like 0006."""

from django.db import migrations

_TOKEN = "{mark} || '{kind}' || {mark} || {hex}"  # noqa: S105  (an SQL expression, no secret)
_PARTS = [
    ("section", "articles_article a JOIN articles_section x ON x.id = a.section_id", "a.id"),
    ("tag", "articles_taggedarticle l JOIN articles_tag x ON x.id = l.tag_id", "l.content_object_id"),
    ("source", "articles_citation l JOIN articles_source x ON x.id = l.source_id", "l.article_id"),
    ("author", "articles_byline l JOIN articles_author x ON x.id = l.author_id", "l.article_id"),
]


def _tokens(mark, hex_slug, article):
    """One SELECT of every facet token of the article whose id is the SQL expression ``article``."""
    token = _TOKEN.format(mark=mark, kind="{kind}", hex=hex_slug)
    # Constant SQL: every piece is this module's own text, nothing from outside.
    return " UNION ".join(
        f"SELECT {token.format(kind=kind)} AS token FROM {tables} WHERE {key} = {article}"  # noqa: S608
        for kind, tables, key in _PARTS
    )


# The old facet tokens are the lexemes that begin with U+E001 (no word or pair token does).
POSTGRESQL = (
    "UPDATE search_searchentry SET document = ts_delete(document, ARRAY("  # noqa: S608
    "SELECT lexeme FROM unnest(document) WHERE left(lexeme, 1) = chr(57345)))"
    " || array_to_tsvector(ARRAY("
    + _tokens("chr(57345)", "encode(convert_to(x.slug, 'UTF8'), 'hex')", "search_searchentry.article_id")
    + "))"
)
# In the pairs column the facet tokens come last (search.engines.sqlite.columns, migration 0006): everything from
# the first U+E001 on is replaced.
SQLITE = (
    "UPDATE search_fts SET pairs = rtrim(CASE WHEN instr(pairs, char(57345)) > 0"  # noqa: S608
    " THEN substr(pairs, 1, instr(pairs, char(57345)) - 1) ELSE pairs END)"
    " || ' ' || IFNULL((SELECT group_concat(token, ' ') FROM ("
    + _tokens("char(57345)", "lower(hex(x.slug))", "search_fts.rowid")
    + ")), '')"
)


def fill(apps, schema_editor):
    statement = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(schema_editor.connection.vendor)
    if statement:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0006_facet_tokens")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=False)]
