"""PostgreSQL: weighted ``tsvector`` columns with GIN indexes on ``search_searchentry``.

``document`` holds every token with its position and weight (A headline, B dek/tags/section/bylines/sources,
C body) and, without positions, each field's adjacent pairs for phrases (:func:`search.text.pairs`);
``headline_document`` the headline alone (and its pairs), for the cheap "matches in the headline" ranking pass.
Both are written as tsvector literals from the tokens of :mod:`search.text`, and queries are tsquery
literals (``&``, ``|``, ``!``, ``<->`` for phrases, ``:*`` for prefixes; the tree websearch_to_tsquery would
build), so PostgreSQL's parser and dictionaries never re-split a token and both databases hold the same
tokens (https://www.postgresql.org/docs/current/datatype-textsearch.html). The columns and indexes are
created by migration ``search.0001_initial`` on PostgreSQL only, with the ``unaccent`` extension.
"""

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..text import pairs
from .base import Engine

MAX_POSITION = 16383  # PostgreSQL's limit; later words share it (phrases that far in may then miss)
MAX_POSITIONS_PER_TOKEN = 255
FIELD_GAP = 2  # no phrase spans two fields, as with FTS5's columns


def _quote(token):
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(*fields):
    """A tsvector literal of token lists, one per weight A, B, C: ``'kyiv':1A,9C 'talk':2A``."""
    positions, position = {}, 0
    for weight, tokens in zip("ABC", fields, strict=False):
        for token in tokens:
            position = min(position + 1, MAX_POSITION)
            entries = positions.setdefault(token, [])
            if len(entries) < MAX_POSITIONS_PER_TOKEN:
                entries.append(f"{position}{weight}")
        position += FIELD_GAP
    return " ".join(f"{_quote(token)}:{','.join(entries)}" for token, entries in positions.items())


def _lexeme(token, prefix):
    return _quote(token) + (":*" if prefix else "")


def _phrase(phrase):
    """One word, or a phrase: its adjacent pairs (search.text.pairs) when it has no prefix word, found in the
    GIN index alone; from three words on also its positions (``<->``), checked only where every pair is."""
    words = " <-> ".join(_lexeme(token, prefix) for token, prefix in phrase.tokens)
    if len(phrase.tokens) < 2 or any(prefix for _, prefix in phrase.tokens):
        return f"({words})"
    found = [_quote(pair) for pair in pairs([token for token, _ in phrase.tokens])]
    if len(phrase.tokens) > 2:
        found.append(f"({words})")
    return "(" + " & ".join(found) + ")"


def tsquery(query):
    """The tsquery literal of ``query``, e.g. ``('negoti') & (('kyiv') | ('kiev')) & !('draft')``."""
    parts = ["(" + " | ".join(_phrase(p) for p in group) + ")" for group in query.required]
    parts += [_quote(token) for token in query.facets]
    parts += ["!" + _phrase(p) for p in query.excluded]
    return " & ".join(parts)


def _with_pairs(vector, *fields, extra=()):
    """``vector`` and the pair tokens of each field and the ``extra`` tokens (facets), which carry no positions
    (they are never in a phrase)."""
    found = {pair for tokens in fields for pair in pairs(tokens)} | set(extra)
    return " ".join([vector, *(_quote(token) for token in sorted(found))]) if found else vector


class PostgreSQLEngine(Engine):
    vendor = "postgresql"
    entries_first = True

    def store(self, entries, rows):
        """One INSERT per entry with its tsvectors, not an INSERT and then an UPDATE: an entry long enough to be
        moved out of line (migration 0002) would otherwise leave a dead full-width row version behind on every
        save, and a table grown ten-fold by them makes PostgreSQL scan it instead of using the GIN index."""
        vectors = {
            pk: (_with_pairs(tsvector(h, m, b), h, m, b, extra=f), _with_pairs(tsvector(h), h))
            for pk, h, m, b, f in rows
        }
        now = timezone.now()
        with self.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_searchentry (article_id, language, meta, body, extra, section_id, public_since,"
                " indexed_at, document, headline_document)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::tsvector, %s::tsvector)",
                [
                    (e.article_id, e.language, e.meta, e.body, e.extra, e.section_id, e.public_since, now)
                    + vectors[e.article_id]
                    for e in entries
                ],
            )

    def remove(self, article_ids):
        pass  # the rows are search_searchentry's own, deleted with it

    def clear(self):
        pass

    def entry_match(self, query):
        """``document @@ <tsquery>`` on search_searchentry's own rows: its GIN index finds them, and each match's
        public_since is read from the same narrow row (migration 0002), not from a join with the articles."""
        return RawSQL('"search_searchentry"."document" @@ %s::tsquery', [tsquery(query)], BooleanField())

    def ids_sql(self, ids):
        # The array as its text form ('{1,2,3}'): psycopg's client-side binding would quote each element in Python.
        return "SELECT unnest(%s::bigint[])", ["{" + ",".join(map(str, ids)) + "}"]

    def match_sql(self, query, *, headline_only=False, scan=False, probe=False):
        """The matching ids; fenced by ``OFFSET 0`` unless the caller probes a few rows.

        Unfenced, PostgreSQL may merge the subquery into the outer query and test each outer row's tsvector on
        its own, fetching it from TOAST (about 10 µs a row): right for a page of a newest-first walk through many
        matches (it stops after a page), wrong for a count or for a rare word, whose share of the rows
        PostgreSQL guesses poorly (given ``ORDER BY published_at LIMIT 20`` it walked all 100,000 articles for
        a word in 100 of them: 0.2 s). ``OFFSET 0`` keeps the subquery apart, so the matches are read from the
        GIN index once and joined by id (1 ms for that word; a few ms to count a word in 25,000 articles).
        """
        if not query:
            return None
        if headline_only:
            column, query = "headline_document", type(query)(required=query.required)
        else:
            column = "document"
        fence = "" if probe else " OFFSET 0"
        # Only the tsquery travels as a parameter; the column and fence are this engine's constants.
        sql = f"SELECT article_id FROM search_searchentry WHERE {column} @@ %s::tsquery{fence}"  # noqa: S608
        return sql, [tsquery(query)]
