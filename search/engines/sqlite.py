"""SQLite: an FTS5 virtual table (https://sqlite.org/fts5.html), one row per article, rowid = article id.

Columns ``headline``, ``meta`` (dek, tags, section, bylines, cited sources) and ``body`` (visible text,
background notes, corrections) hold the tokens of :mod:`search.text`, ``pairs`` each field's adjacent pairs
for phrases (:func:`search.text.pairs`) and the article's facet tokens (:func:`search.text.facet_token`); the
``unicode61 remove_diacritics 0 categories 'L* N* M* Co'`` tokenizer splits them on spaces only (combining marks
and private-use characters are token characters) and folds nothing but case again, so it holds the tokens
PostgreSQL holds. The table is created by migrations ``search.0001_initial`` and ``0003_phrase_pairs`` on SQLite
only (``0006_facet_tokens`` gives existing rows their facet tokens, ``0007_facet_tokens_exact`` rewrites them as
search.text.facet_token now spells them, ``0008_fts_tokens_as_written`` sets the tokenizer).
"""

import json

from ..text import pairs
from .base import Engine


def _string(token, prefix):
    # Tokens are letters and digits only (search.text), but quote them anyway: a bare word could be an
    # operator (AND, OR, NOT, NEAR) to FTS5.
    return '"' + token.replace('"', '""') + '"' + ("*" if prefix else "")


def _phrase(phrase, pairs_column="pairs"):
    """One word, or a phrase: its adjacent pairs (search.text.pairs) when it has no prefix word; from three
    words on also the phrase itself, checked only where every pair is. Pairs are looked up in ``pairs_column``,
    or with no column filter of their own inside a headline-only expression (the headline column ends with
    its own pairs)."""
    words = " + ".join(_string(token, prefix) for token, prefix in phrase.tokens)
    if len(phrase.tokens) < 2 or any(prefix for _, prefix in phrase.tokens):
        return words
    found = " AND ".join(_string(pair, False) for pair in pairs([token for token, _ in phrase.tokens]))
    found = f"({{{pairs_column}}} : ({found}))" if pairs_column else f"({found})"
    return found + (f" AND ({words})" if len(phrase.tokens) > 2 else "")


def expression(query, *, headline_only=False):
    """The FTS5 MATCH expression of ``query``, e.g. ``("negoti") AND ("kyiv" OR "kiev") NOT ("draft")``."""
    column = None if headline_only else "pairs"  # a column filter cannot hold another
    positive = " AND ".join("(" + " OR ".join(_phrase(p, column) for p in group) + ")" for group in query.required)
    if headline_only:
        return "{headline} : (" + positive + ")"
    if query.facets:
        positive += " AND {pairs} : (" + " AND ".join(_string(token, False) for token in query.facets) + ")"
    if query.excluded:
        positive = f"({positive}) NOT (" + " OR ".join(_phrase(p) for p in query.excluded) + ")"
    return positive


def columns(headline, meta, body, facets=()):
    """The FTS5 row of token lists: headline (its pairs after its words, for headline-only phrase lookups),
    meta, body, and every field's pairs with the facet tokens."""
    return (
        " ".join(headline + pairs(headline)),
        " ".join(meta),
        " ".join(body),
        " ".join(pairs(headline) + pairs(meta) + pairs(body) + list(facets)),
    )


class SQLiteEngine(Engine):
    vendor = "sqlite"

    def write(self, rows):
        """Add rows; an article's old row must have been removed first (index_articles does)."""
        with self.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts (rowid, headline, meta, body, pairs) VALUES (%s, %s, %s, %s, %s)",
                [(pk, *columns(h, m, b, f)) for pk, h, m, b, f in rows],
            )

    def remove(self, article_ids):
        with self.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(pk,) for pk in article_ids])

    def clear(self):
        with self.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def ids_sql(self, ids):
        return "SELECT value FROM json_each(%s)", [json.dumps(ids)]

    def match_sql(self, query, *, headline_only=False, scan=False, probe=False):
        if not query:
            return None
        return "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [
            expression(query, headline_only=headline_only)
        ]
