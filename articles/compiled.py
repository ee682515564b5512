"""Querysets compiled once per process and run again with other values: the ORM's per-query cost, paid once.

Django builds and compiles a queryset's SQL on every evaluation: about 0.2-0.6 ms of CPU a query, several times
what the database takes to answer an indexed lookup. A page that runs the same few queries with another id or
slug each time (the article page) can keep the compiled SQL and only execute it.
"""

import threading

from django.db import connections
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

    def __call__(self, *values):
        """The model instances for ``values`` (one per marker, in order), as a list."""
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    self._compiled = self._compile(self.build(*self.markers))
        alias, sql, params, positions, converters, (model, start, end, init_list), populators = self._compiled
        params = list(params)
        for position, index in positions:
            params[position] = values[index]
        connection = connections[alias]  # this thread's connection; the compiler was made on another's
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
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
