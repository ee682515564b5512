"""Log records that say which request they belong to."""

import contextvars
import logging

request_id_var = contextvars.ContextVar("request_id", default=None)
user_id_var = contextvars.ContextVar("user_id", default=None)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` of the request being served (or None) to every record."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "user_id"):
            record.user_id = user_id_var.get()
        return True
