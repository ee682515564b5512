"""Querysets compiled once per process and run again with other values: the ORM's per-query cost, paid once.

Django builds and compiles a queryset's SQL on every evaluation: about 0.2-0.6 ms of CPU a query, several times
what the database takes to answer an indexed lookup. A page that runs the same few queries with another id or
slug each time (the article page) can keep the compiled SQL and only execute it.
"""

import contextlib
import functools
import hashlib
import re
import threading
import weakref

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models.query import get_related_populators


class CompiledQuery:
    """The SQL of ``build(*markers)`` compiled on first use, then run with other values in the markers' places.

    ``build`` takes placeholder values and returns a model queryset (filters, subqueries, ordering,
    ``select_related``; no ``prefetch_related``, ``extra`` or ``only``/``defer``). Each marker must reach the SQL
    parameters unchanged (an int or str compared with ``=``; not a datetime, whose adaptation differs by
    database, nor a list), once or more, and be a value nothing else in the query uses. Calling the CompiledQuery
    with one value per marker returns the list of model instances that iterating ``build(*values)`` would
    (selected relations attached, values converted as the ORM converts them), running the database query only.

    Raises ValueError when first compiled if a marker is not among the parameters, or the queryset is not one
    it can run.
    """

    def __init__(self, build, *markers):
        self.build = build
        self.markers = markers
        self._compiled = None  # (alias, sql, params, positions, converters, model fields, related populators)
        self._lock = threading.Lock()

    def _compile(self, queryset):
        if queryset._prefetch_related_lookups or queryset.query.deferred_loading != (frozenset(), True):
            raise ValueError("A CompiledQuery runs no prefetch_related() and loads every field.")
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        if compiler.has_extra_select or compiler.annotation_col_map:
            raise ValueError("A CompiledQuery selects model fields only.")
        positions = []
        for index, marker in enumerate(self.markers):
            found = [i for i, param in enumerate(params) if type(param) is type(marker) and param == marker]
            if not found:
                raise ValueError(f"Marker {marker!r} is not among the SQL parameters.")
            positions.extend((position, index) for position in found)
        klass_info, select = compiler.klass_info, compiler.select
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        populators = get_related_populators(klass_info, select, queryset.db)
        converters = list(compiler.get_converters([column[0] for column in select[: compiler.col_count]]).items())
        model = (klass_info["model"], start, end, init_list)
        return queryset.db, sql, tuple(params), positions, converters, model, populators

    def statement(self, *values):
        """(database alias, SQL, parameters) of this query for ``values``, compiling it on first use."""
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    self._compiled = self._compile(self.build(*self.markers))
        alias, sql, params, positions = self._compiled[:4]
        params = list(params)
        for position, index in positions:
            params[position] = values[index]
        return alias, sql, params

    def instances(self, rows, connection):
        """Model instances of ``rows`` (this query's result, read on ``connection``), as the ORM makes them."""
        alias, converters, (model, start, end, init_list), populators = (
            self._compiled[0],
            *self._compiled[4:],
        )
        instances = []
        for row in rows:
            if converters:  # the database's values as the ORM gives them (aware times on SQLite, UUIDs...)
                row = list(row)
                for position, (functions, expression) in converters:
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
            instance = model.from_db(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            instances.append(instance)
        return instances

    def __call__(self, *values):
        """The model instances for ``values`` (one per marker, in order), as a list."""
        return run_together((self, values))[0]


def run_together(*calls, snapshot=False):
    """Run several compiled queries, each ``(query, values)``; return the list of each one's instances, in order.

    On PostgreSQL with client-side binding (Django's default for psycopg 3), the statements go in one message of
    the simple query protocol and their results are read in turn (``cursor.nextset()``): one round trip for all,
    where each statement alone would cost the server about 0.1 ms of its own and the app as much again
    (https://www.psycopg.org/psycopg3/docs/basic/from_pg2.html#multiple-results). There, unless
    settings.NEWSROOM_PREPARED_STATEMENTS is off, each statement is also prepared once per connection (see
    ``_prepared_statements``). Elsewhere (SQLite, server-side binding) they run one by one. All queries must use
    the same database.

    Each statement reads its own snapshot (READ COMMITTED), unless ``snapshot``: then, on PostgreSQL in
    autocommit (a request's reads), the message is one read-only REPEATABLE READ transaction, so every statement
    sees the database as the first one did. Inside a transaction, and on SQLite, callers must check that rows
    found by one statement's values still belong together.
    """
    statements = [query.statement(*values) for query, values in calls]
    alias = statements[0][0]
    if any(other != alias for other, _, _ in statements):
        raise ValueError("Queries run together must use one database.")
    connection = connections[alias]  # this thread's connection; the compiler was made on another's
    with connection.cursor() as cursor:
        if not _several_per_round_trip(cursor):
            results = []
            for _, sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
        else:
            snapshot = snapshot and len(statements) > 1 and connection.get_autocommit()
            if settings.NEWSROOM_PREPARED_STATEMENTS:
                results = _run_prepared(cursor, statements, snapshot)
            else:
                results = _run_in_one_message(cursor, statements, snapshot)
    return [query.instances(rows, connection) for (query, _), rows in zip(calls, results, strict=True)]


def _several_per_round_trip(cursor):
    """Whether ``cursor`` (Django's wrapper) sends a query string of several statements as one message."""
    if cursor.db.vendor != "postgresql":
        return False
    import psycopg  # only here: SQLite-only installs may lack it

    return isinstance(cursor.cursor, psycopg.ClientCursor)


def _run_in_one_message(cursor, statements, snapshot=False):
    """The rows of each of ``statements`` ((alias, sql, params)), sent as one string of statements; in one
    REPEATABLE READ, READ ONLY transaction if ``snapshot`` (the connection must be in autocommit)."""
    sqls = [sql for _, sql, _ in statements]
    if snapshot:
        sqls = ["BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", *sqls, "COMMIT"]
    try:
        cursor.execute(";\n".join(sqls), [p for _, _, params in statements for p in params])
    except DatabaseError:
        if snapshot:  # the statements after the failed one, COMMIT among them, were skipped
            with contextlib.suppress(DatabaseError):
                cursor.execute("ROLLBACK")
        raise
    if snapshot:
        cursor.nextset()  # past BEGIN's status (and COMMIT's, last, is not read)
    results = [cursor.fetchall()]
    for _ in statements[1:]:
        cursor.nextset()
        results.append(cursor.fetchall())
    return results


# The names of the statements prepared on each PostgreSQL connection (psycopg's), as far as this process knows;
# _DISTRUSTED after an error, until the connection's own statements are deallocated and prepared again.
_prepared = weakref.WeakKeyDictionary()
_DISTRUSTED = object()
# SQLSTATEs of prepared statements gone wrong (https://www.postgresql.org/docs/current/errcodes-appendix.html):
# invalid_sql_statement_name (one deallocated), feature_not_supported ("cached plan must not change result
# type" after a schema change) and duplicate_prepared_statement (one this process did not know of).
_STALE_STATEMENT = {"26000", "0A000", "42P05"}
_PARAMETER = re.compile(r"%%|%s")


def _run_prepared(cursor, statements, snapshot=False):
    """The rows of each of ``statements``, run as prepared statements (see ``_prepared_statements``).

    After an error of the statements themselves (``_STALE_STATEMENT``) the connection's statements are
    distrusted: a schema change can leave a prepared statement failing on every run ("cached plan must not
    change result type"), and a pooler's DISCARD ALL drops them. In autocommit (a request's reads) the call is
    retried once with them deallocated and prepared again; inside a transaction the error stands (the
    transaction is broken), and the next use prepares them again. Any other error (a timeout, a lock, a lost
    connection) is raised as it is.
    """
    raw = cursor.db.connection
    for attempt in (1, 2):
        try:
            return _run_in_one_message(cursor, _prepared_statements(cursor, statements), snapshot)
        except DatabaseError as error:
            if getattr(error.__cause__, "sqlstate", None) not in _STALE_STATEMENT:
                raise  # a timeout, a lock, a lost server: not the statements' fault, and not worth a second wait
            _prepared[raw] = _DISTRUSTED
            if attempt == 2 or not cursor.db.get_autocommit():
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _prepared_statements(cursor, statements):
    """``statements`` as EXECUTEs of statements prepared on this connection, PREPAREd first where needed.

    PostgreSQL plans a statement on every run; planning these small indexed reads costs it several times their
    execution. A prepared statement (https://www.postgresql.org/docs/current/sql-prepare.html) is planned once
    per session, named here after its SQL. What the session has is read from ``pg_prepared_statements`` on the
    connection's first use (a pooled session may have them); after an error (``_run_prepared``) they are
    deallocated and prepared anew. SQL-level PREPARE does not survive a transaction-mode pooler (PgBouncer's
    ``pool_mode = transaction``): turn NEWSROOM_PREPARED_STATEMENTS off there.
    """
    raw = cursor.db.connection
    known = _prepared.get(raw)
    if known is None or known is _DISTRUSTED:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE starts_with(name, 'newsroom_')")
        names = {name for (name,) in cursor.fetchall()}
        if known is _DISTRUSTED and names:
            cursor.execute(";\n".join(f"DEALLOCATE {name}" for name in sorted(names)))
            names = set()
        known = _prepared[raw] = names
    named = [(_statement_name(sql), sql, params) for _, sql, params in statements]
    missing = {name: sql for name, sql, _ in named if name not in known}
    if missing:  # no parameters: the statements' text goes as written
        cursor.execute(";\n".join(f"PREPARE {name} AS {_numbered(sql)}" for name, sql in missing.items()))
        known.update(missing)
    executes = [
        f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"
        for name, _, params in named
    ]
    return [(None, sql, params) for sql, (_, _, params) in zip(executes, named, strict=True)]


@functools.lru_cache(maxsize=64)  # a few compiled queries' SQL: hashed once, not on every page
def _statement_name(sql):
    """A name for the prepared statement of ``sql``: another SQL (after an upgrade) gets another name."""
    return "newsroom_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()


def _numbered(sql):
    """``sql``, written for psycopg's ``%s`` placeholders (``%%`` a percent sign), as PostgreSQL's own text for
    PREPARE: numbered ``$1, $2...`` placeholders and plain percent signs."""
    numbers = iter(range(1, sql.count("%") + 1))
    return _PARAMETER.sub(lambda match: "%" if match.group() == "%%" else f"${next(numbers)}", sql)
