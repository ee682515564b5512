"""SQLite: an FTS5 virtual table (https://sqlite.org/fts5.html), one row per article, rowid = article id.

Columns ``headline``, ``meta`` (dek, tags, section, bylines, cited sources) and ``body`` (visible text,
background notes, corrections) hold the tokens of :mod:`search.text`; the ``unicode61 remove_diacritics 2``
tokenizer splits them on spaces and would fold case and accents in every script had we not done so already.
The table is created by migration ``search.0001_initial`` on SQLite only.
"""

import json

from .base import Engine


def _string(token, prefix):
    # Tokens are letters and digits only (search.text), but quote them anyway: a bare word could be an
    # operator (AND, OR, NOT, NEAR) to FTS5.
    return '"' + token.replace('"', '""') + '"' + ("*" if prefix else "")


def _phrase(phrase):
    return " + ".join(_string(token, prefix) for token, prefix in phrase.tokens)


def expression(query, *, headline_only=False):
    """The FTS5 MATCH expression of ``query``, e.g. ``("negoti") AND ("kyiv" OR "kiev") NOT ("draft")``."""
    positive = " AND ".join("(" + " OR ".join(_phrase(p) for p in group) + ")" for group in query.required)
    if headline_only:
        return "{headline} : (" + positive + ")"
    if query.excluded:
        positive = f"({positive}) NOT (" + " OR ".join(_phrase(p) for p in query.excluded) + ")"
    return positive


class SQLiteEngine(Engine):
    vendor = "sqlite"

    def write(self, rows):
        """Add rows; an article's old row must have been removed first (index_articles does)."""
        with self.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts (rowid, headline, meta, body) VALUES (%s, %s, %s, %s)",
                [(pk, " ".join(h), " ".join(m), " ".join(b)) for pk, h, m, b in rows],
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
