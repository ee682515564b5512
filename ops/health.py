"""The health check: does the database answer, does the cache answer."""

import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

log = logging.getLogger("newsroom.health")


def database_ok():
    """One ``SELECT 1`` on the default database (no table is read). True or False."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        # One line, no traceback: a probe every few seconds must not flood the log with the same one.
        log.warning("health check: the database does not answer")
        return False


def cache_ok():
    """Writes and reads back one short-lived key. True or False.

    The cache is configured to swallow its errors (a cache miss is not an outage for readers), so a failure
    shows as a value that does not come back.
    """
    token = uuid.uuid4().hex
    try:
        cache.set("newsroom:healthz", token, timeout=10)
        if cache.get("newsroom:healthz") == token:
            return True
    except Exception:  # noqa: S110 - any backend's connection error: the check must answer, not raise
        pass
    log.warning("health check: the cache does not answer")
    return False


def health_response():
    """200 ``{"database": "ok", "cache": "ok"}``, or 503 with ``"failed"`` for each part that did not answer.

    Never cached, and a 503 here is not logged again as a server error (a probe every few seconds would flood
    the error log).
    """
    checks = {"database": database_ok(), "cache": cache_ok()}
    body = {name: "ok" if ok else "failed" for name, ok in checks.items()}
    response = JsonResponse(body, status=200 if all(checks.values()) else 503)
    add_never_cache_headers(response)
    response._has_been_logged = True
    return response
