"""gunicorn settings, read from the project root (https://docs.gunicorn.org/en/stable/settings.html).

`make serve` runs gunicorn with these. Every value can be set from the environment:
PORT (8000), HOST (0.0.0.0), WEB_CONCURRENCY (workers, default 2 x CPUs + 1), GUNICORN_THREADS (1),
GUNICORN_TIMEOUT (seconds, 30), FORWARDED_ALLOW_IPS (the TLS proxy's address, 127.0.0.1).
"""

import multiprocessing
import os

wsgi_app = "newsroom.wsgi:application"
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104 - behind the proxy
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# A request still running after this many seconds has its worker killed and replaced; the database's own
# timeouts (DATABASE_CONNECT_TIMEOUT, DATABASE_STATEMENT_TIMEOUT) end a stuck query well before.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Workers are recycled now and then, so a slow leak never becomes an outage.
max_requests = 1000
max_requests_jitter = 100
# The proxy in front sets X-Forwarded-Proto; only it is believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# No access log here: the app writes one JSON line per request itself (ops.middleware.RequestLogMiddleware),
# with the request id and user. gunicorn's own messages go to stderr as JSON too.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    # gunicorn merges this over its defaults key by key, so every part its defaults refer to is given.
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
        "error_console": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"handlers": ["error_console"], "level": loglevel.upper(), "propagate": False},
        # Its access lines would double the app's own request lines (see accesslog above).
        "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}
# No runtime control socket (gunicornc): one path per user would be shared by every gunicorn on the host.
control_socket_disable = True


def post_worker_init(worker):
    """Once a worker has loaded the app: move everything loaded so far out of the garbage collector's sight.

    Modules, settings, URL patterns and compiled templates live as long as the worker; without this every full
    collection walks them again (https://docs.python.org/3/library/gc.html#gc.freeze). About 5-10% less CPU per
    uncached page here (benchmarks/hits.py with BENCH_GC_FREEZE=1).
    """
    import gc

    gc.freeze()
