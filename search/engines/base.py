from django.db import connections
from django.db.models.expressions import RawSQL


class Engine:
    """What every engine does. Rows to write are ``(article_id, headline, meta, body)``, each a token list."""

    def __init__(self, using="default"):
        self.using = using

    def write(self, rows):
        raise NotImplementedError

    def remove(self, article_ids):
        raise NotImplementedError

    def match_sql(self, query, *, headline_only=False):
        """``(sql, params)`` selecting the ids of articles matching ``query`` (one column), or None."""
        raise NotImplementedError

    def match(self, query, *, headline_only=False):
        """The matching ids as an expression for ``pk__in=``; None when the query has nothing to match."""
        found = self.match_sql(query, headline_only=headline_only)
        # The query text travels as a parameter; the SQL around it is the engine's own constant.
        return RawSQL(*found) if found else None  # noqa: S611

    def cursor(self):
        return connections[self.using].cursor()
