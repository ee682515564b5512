"""One full-text engine per database vendor, behind the same small interface.

An engine stores the tokens of :mod:`search.text` (``write``/``remove``) and turns a parsed
:class:`search.query.Query` into a subquery of matching article ids (``match``). Which articles a reader
may see is not the engine's business: callers join the ids with ``Article.objects.published()`` at query
time, so a scheduled article appears on the second it goes live and an unpublished one disappears at once.
"""

from django.db import connections

from .postgresql import PostgreSQLEngine
from .sqlite import SQLiteEngine

ENGINES = {"sqlite": SQLiteEngine, "postgresql": PostgreSQLEngine}


def get_engine(using="default"):
    """The engine of the database ``using``; ValueError for a vendor without one."""
    vendor = connections[using].vendor
    try:
        return ENGINES[vendor](using)
    except KeyError:
        raise ValueError(f"Search has no engine for the {vendor!r} database.") from None
