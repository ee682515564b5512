from django.db import connections
from django.db.models import BooleanField, Expression, F


class MatchIn(Expression):
    """``<article pk> IN (<engine's subquery>)`` as a filter condition.

    ``scan=True`` writes the pk as ``(pk + 0)``: SQLite then walks the article index of the other conditions
    (status and publication time, in date order) and probes the matches, instead of looking up every match
    by primary key: the fast plan when the matches are many and the page wants the newest few.
    """

    output_field = BooleanField()
    conditional = True

    def __init__(self, sql, params, *, scan=False, column=None):
        super().__init__()
        self.sql, self.params, self.scan = sql, list(params), scan
        self.column = column if column is not None else F("pk")

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, expressions):
        (self.column,) = expressions

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        if self.scan:
            column = f"({column} + 0)"
        # The query text travels as a parameter; the SQL around it is the engine's own constant.
        return f"{column} IN ({self.sql})", [*params, *self.params]


class Engine:
    """What every engine does. Rows to write are ``(article_id, headline, meta, body, facets)``, each a token list
    (facets: search.text.facet_token, found without positions)."""

    # Whether search_searchentry holds the tokens beside what readers may see (public_since), so that the visible
    # matches, newest first, and their count come from one indexed read of it (SearchResults.read_entries).
    entries_first = False

    def entry_match(self, query):
        """A filter condition on SearchEntry for the matches of ``query`` (engines with ``entries_first``)."""
        raise NotImplementedError

    def __init__(self, using="default"):
        self.using = using

    def write(self, rows):
        """Write the engine's own rows for articles whose SearchEntry rows exist (used by ``store``)."""
        raise NotImplementedError

    def store(self, entries, rows):
        """Save new SearchEntry ``entries`` (their old rows deleted) and write the engine's ``rows`` for them."""
        from ..models import SearchEntry  # the models module is the app's, loaded after the engines

        SearchEntry.objects.using(self.using).bulk_create(entries)
        self.write(rows)

    def remove(self, article_ids):
        raise NotImplementedError

    def match_sql(self, query, *, headline_only=False, scan=False, probe=False):
        """``(sql, params)`` selecting the ids of articles matching ``query`` (one column), or None."""
        raise NotImplementedError

    def match(self, query, *, headline_only=False, scan=False, probe=False):
        """A filter condition on Article for the matches of ``query``; None when it has nothing to match.

        Hints to the engine, which words its SQL so that its database takes the plan that fits (see MatchIn
        and PostgreSQLEngine.match_sql):

        - ``scan``: the matches are many (SearchResults.MANY), so walking the articles newest first and checking
          each beats looking every match up by id;
        - ``probe``: only a few rows will be checked (a page of a walk, a few headline matches), so checking
          each row on its own beats reading every match first. Counts never probe.
        """
        found = self.match_sql(query, headline_only=headline_only, scan=scan, probe=probe)
        return MatchIn(*found, scan=scan and self.vendor == "sqlite") if found else None

    def ids_sql(self, ids):
        """``(sql, params)`` selecting the integers ``ids`` as one column, passed as a single parameter."""
        raise NotImplementedError

    def among(self, ids, field="pk"):
        """A filter condition: ``field`` is one of the integers ``ids``.

        The same as ``field__in=ids``, but the list travels as one parameter (a JSON array on SQLite, an array
        on PostgreSQL), so a thousand ids cost one bound value instead of a thousand prepared lookups.
        """
        return MatchIn(*self.ids_sql([int(pk) for pk in ids]), column=F(field))

    def count(self, query):
        """How many articles match ``query``, drafts included: one read of the index, no join."""
        found = self.match_sql(query)
        if not found:
            return 0
        with self.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({found[0]}) AS matches", found[1])  # noqa: S608  (constant SQL)
            return cursor.fetchone()[0]

    def cursor(self):
        return connections[self.using].cursor()
