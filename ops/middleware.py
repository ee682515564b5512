"""Middleware for operating the site: the request log and the health check."""

import logging
import re
import time
import uuid

from django.utils.functional import empty

from .health import health_response
from .logging import request_id_var, user_id_var

log = logging.getLogger("newsroom.request")

# A proxy's or client's X-Request-ID is kept if it looks like an id (no spaces or control characters).
REQUEST_ID = re.compile(r"[A-Za-z0-9._:@/+=-]{1,128}")
HEALTH_PATH = "/healthz"


def _request_id(request):
    given = request.headers.get("X-Request-ID", "")
    return given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _user_id(request):
    """The logged-in user's id, only if the request already looked the user up (logging must not query)."""
    user = request.__dict__.get("user")
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return getattr(user, "pk", None)


class RequestLogMiddleware:
    """One ``newsroom.request`` log record per request, and its id in the ``X-Request-ID`` response header.

    The id is the incoming ``X-Request-ID`` (as set by the proxy) or a new UUID4 hex; every record logged while
    the request is served carries it (``ops.logging.RequestContextFilter``). Fields: request_id, user_id, method,
    path, status, duration_ms (milliseconds, wall clock). Health checks are logged at DEBUG only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = _request_id(request)
        id_token = request_id_var.set(request.request_id)
        user_token = user_id_var.set(None)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            user_id = _user_id(request)
            user_id_var.set(user_id)
            response["X-Request-ID"] = request.request_id
            log.log(
                logging.DEBUG if request.path == HEALTH_PATH else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user_id,
                },
            )
            return response
        finally:
            request_id_var.reset(id_token)
            user_id_var.reset(user_token)


class HealthCheckMiddleware:
    """Answers ``GET /healthz`` itself, before the host check and HTTPS redirect a probe could not pass."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH and request.method in {"GET", "HEAD"}:
            return health_response()
        return self.get_response(request)
