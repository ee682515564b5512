"""Newsroom settings: one module, driven by environment variables.

NEWSROOM_ENV picks the mode. ``development`` (the default of manage.py) runs with safe local defaults and
needs no variables. ``production`` (the default of wsgi.py and asgi.py) refuses to start without
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = os.environ.get("NEWSROOM_ENV", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(f"NEWSROOM_ENV must be 'development' or 'production', not {ENVIRONMENT!r}.")
PRODUCTION = ENVIRONMENT == "production"


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def required(name):
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when NEWSROOM_ENV=production.")
    return value


if PRODUCTION:
    SECRET_KEY = required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = required("DJANGO_ALLOWED_HOSTS").split(",")
    DEBUG = False
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "development-only-not-secret")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
    DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "csp",
    "taggit",
    "reversion",
    "django_prose_editor",
    "axes",
    "imagekit",
    "articles",
    "ops",
    "search",
    "images",
    "frontpage",
]

MIDDLEWARE = [
    # Outermost: one JSON log line per request (with its X-Request-ID), timing everything below it.
    "ops.middleware.RequestLogMiddleware",
    # Answers /healthz before the host check and the HTTPS redirect, which a load balancer's probe would fail.
    "ops.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A non-NFC path (e.g. an NFD slug) redirects to its NFC address before anything else runs.
    "articles.middleware.UnicodeRequestMiddleware",
    # Anonymous public pages from the cache, revalidations answered without rendering (articles/cache.py).
    "articles.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETags from the response body for what the page cache does not handle (the desk, staff, previews).
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

# SQLite by default so `make run` needs nothing but Python; DATABASE_URL=postgres://... in production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A database that does not answer must fail a request within seconds (a 503 page, see ops.views.server_error)
# rather than hold a worker until the proxy gives up: every worker would soon wait on it.
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))  # seconds; libpq's minimum is 2
DATABASE_STATEMENT_TIMEOUT = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT", "30000"))  # milliseconds
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, but a reused connection is checked without a round trip (ops/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "ops.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # libpq connection parameters: https://www.postgresql.org/docs/current/libpq-connect.html
            "connect_timeout": DATABASE_CONNECT_TIMEOUT,
            "options": f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}",
            # A server that vanishes mid-query (packets dropped, no reset) is given up after 10 s without an
            # acknowledgement; a slow but live server acknowledges at once, so this cuts no long query short.
            "tcp_user_timeout": 10000,
            "keepalives": 1,
            "keepalives_idle": 30,
        }
    )
# The article page's statements are prepared once per PostgreSQL connection (articles.compiled). Turn this off
# (0) behind a transaction-mode pooler such as PgBouncer with pool_mode = transaction, where a session's
# prepared statements do not follow the app from one transaction to the next.
NEWSROOM_PREPARED_STATEMENTS = os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") == "1"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests may write at once (editors saving, imports); wait a little instead of failing at once,
    # but not longer than a reader would.
    busy_timeout = int(os.environ.get("DATABASE_BUSY_TIMEOUT", "10"))  # seconds
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": busy_timeout, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory, so the tests' parallel requests share one database, as a server's do.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "test-db.sqlite3")}

# Redis is the shared cache of several app servers; one process alone can use local memory.
# django-redis with IGNORE_EXCEPTIONS: with Redis down a read is a miss and a write is dropped (logged), so pages
# and sessions (cached_db, which then reads the database) keep working; the timeouts keep a black-holed Redis
# from holding a request.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5")),  # seconds
                "SOCKET_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", "0.5")),  # seconds
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "newsroom.cache"
else:
    # Bounded: a page is about 10-40 KB and each worker process has its own copy.
    CACHES = {"default": {"BACKEND": "ops.cache.LocalMemoryCache", "OPTIONS": {"MAX_ENTRIES": 1000}}}

# How long an anonymous public page may be kept in the cache (0 turns the page cache off). Changes retire
# cached pages at once whatever this says; it only bounds memory use.
# Without Redis each process has its own cache, and a change made through one gunicorn worker would not retire the
# pages the other workers keep (an unpublished story stayed online): production caches pages only with REDIS_URL.
_PAGE_CACHE_DEFAULT = "0" if PRODUCTION and not os.environ.get("REDIS_URL") else "600"
NEWSROOM_PAGE_CACHE_SECONDS = int(os.environ.get("NEWSROOM_PAGE_CACHE_SECONDS") or _PAGE_CACHE_DEFAULT)
# Data kept per content generation (articles.cache.per_generation: navigation, list counts, archive years) needs
# the same shared cache: off by default in production without REDIS_URL. A benchmark that writes nothing may
# turn it on with several workers.
NEWSROOM_DATA_CACHE = (os.environ.get("NEWSROOM_DATA_CACHE") or ("0" if _PAGE_CACHE_DEFAULT == "0" else "1")) == "1"
# s-maxage and stale-while-revalidate for shared caches (a CDN or reverse proxy) in front of the site.
NEWSROOM_SHARED_CACHE_SECONDS = int(os.environ.get("NEWSROOM_SHARED_CACHE_SECONDS", "30"))
# Where each picture's rendition URLs are remembered, per process: a page with forty pictures then makes no
# network round trip for them. (Whether a rendition file exists is kept in the default cache by django-imagekit.)
CACHES["renditions"] = {
    "BACKEND": "ops.cache.LocalMemoryCache",
    "LOCATION": "renditions",
    "TIMEOUT": 3600,
    "OPTIONS": {"MAX_ENTRIES": 20000},
}

# Argon2 first (new and re-saved passwords); the others still check passwords hashed before the switch.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Login throttling (django-axes, https://django-axes.readthedocs.io/): 5 failures within 15 minutes lock out the
# username, and separately the client IP, with a 429 page. The lock ends by itself 15 minutes after the last
# counted failure; failures while locked out do not extend it, so nobody can keep a colleague locked out.
# The database handler keeps working with Redis down; a successful login clears that user's failures.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("NEWSROOM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("NEWSROOM_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
# Behind the TLS proxy REMOTE_ADDR is the proxy: the client is read from X-Forwarded-For (see ops.net).
AXES_CLIENT_IP_CALLABLE = "ops.net.client_ip"
AXES_VERBOSE = False
# How many proxies in front of the app append to X-Forwarded-For (0: none, use REMOTE_ADDR).
NEWSROOM_TRUSTED_PROXIES = int(os.environ.get("NEWSROOM_TRUSTED_PROXIES", "1" if PRODUCTION else "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("NEWSROOM_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# Our translations of the readers' labels (locale/<lang>/LC_MESSAGES/django.po, compiled .mo committed) and the
# date formats we prefer over Django's for some languages (newsroom/formats/<lang>/formats.py).
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["newsroom.formats"]

# A request body Django parses in memory: room for an article body of articles.models.BODY_MAX_LENGTH
# characters of any script, percent-encoded (up to 12 bytes a character), so an over-long body
# gets a form error that keeps the text instead of a bare 400. Uploads (images) stream to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("NEWSROOM_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("NEWSROOM_MEDIA_ROOT", BASE_DIR / "media"))
# Uploads: a local folder served by the app (ops.views.media; one app server, or a shared volume), or any
# S3-compatible object store through django-storages, so that app servers keep no state.
NEWSROOM_STORAGE = os.environ.get("NEWSROOM_STORAGE", "local")
if NEWSROOM_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured(f"NEWSROOM_STORAGE must be 'local' or 's3', not {NEWSROOM_STORAGE!r}.")
if NEWSROOM_STORAGE == "s3":
    # https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html; boto3 reads
    # AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment itself.
    AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("AWS_STORAGE_BUCKET_NAME must be set when NEWSROOM_STORAGE=s3.")
    AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None  # e.g. https://s3.example.org (MinIO...)
    AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
    AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None  # a CDN or public bucket host
    # Public images are linked without expiring signatures unless the bucket is private.
    AWS_QUERYSTRING_AUTH = os.environ.get("AWS_QUERYSTRING_AUTH", "0") == "1"
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None
    MEDIA_STORAGE_BACKEND = "storages.backends.s3.S3Storage"
else:
    MEDIA_STORAGE_BACKEND = "django.core.files.storage.FileSystemStorage"


def media_origins():
    """Where uploaded images are served from when that is not this site (for the CSP's img-src)."""
    if NEWSROOM_STORAGE != "s3":
        return []
    if AWS_S3_CUSTOM_DOMAIN:
        return [f"https://{AWS_S3_CUSTOM_DOMAIN}"]
    return [AWS_S3_ENDPOINT_URL or "https://*.amazonaws.com"]


STORAGES = {
    "default": {"BACKEND": MEDIA_STORAGE_BACKEND},
    # Hashed, compressed names (cached for a year by whitenoise) need `collectstatic`, which
    # production runs on deploy; development serves the files as they are.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Django serves /media/ itself unless a web server in front does (then set NEWSROOM_SERVE_MEDIA=0).
NEWSROOM_SERVE_MEDIA = os.environ.get("NEWSROOM_SERVE_MEDIA", "1") == "1"
# Uploaded pictures (images app): bigger files or more pixels are refused with a message saying so.
NEWSROOM_IMAGE_MAX_BYTES = int(os.environ.get("NEWSROOM_IMAGE_MAX_BYTES", str(20_000_000)))
NEWSROOM_IMAGE_MAX_PIXELS = int(os.environ.get("NEWSROOM_IMAGE_MAX_PIXELS", str(50_000_000)))
# Renditions (django-imagekit) are made when a picture is uploaded (unless NEWSROOM_RENDITIONS_ON_UPLOAD=0), or
# else on first use, and kept in the default storage under media/CACHE/;
# whether one exists is remembered in the default cache.
IMAGEKIT_CACHEFILE_DIR = "CACHE/images"
NEWSROOM_RENDITIONS_ON_UPLOAD = os.environ.get("NEWSROOM_RENDITIONS_ON_UPLOAD", "1") == "1"

# Hashed files are cached for ten years by whitenoise; the rest for an hour in production. Outside
# production whitenoise serves straight from the app folders, so no collectstatic (and no warning) is needed.
WHITENOISE_MAX_AGE = 3600 if PRODUCTION else 0
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# `manage.py backup` writes files named *.backup[.gz]: JSON with times to the microsecond (ops.serializers).
SERIALIZATION_MODULES = {"backup": "ops.serializers"}

# `manage.py loaddata seed` finds fixtures/seed.json here.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

TAGGIT_CASE_INSENSITIVE = True

# The publication's identity, used in feeds, sitemaps and structured data.
NEWSROOM_SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "Newsroom")
NEWSROOM_SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
NEWSROOM_LANGUAGE = os.environ.get("NEWSROOM_LANGUAGE", "en")  # the default language of new articles
# Feeds carry each article's whole text (1) or only its dek (0); corrections travel either way.
NEWSROOM_FEED_FULL_TEXT = os.environ.get("NEWSROOM_FEED_FULL_TEXT", "1") == "1"
# Link previews of pages (and articles) without a featured image show this static file, of this size in pixels.
NEWSROOM_DEFAULT_IMAGE = os.environ.get("NEWSROOM_DEFAULT_IMAGE", "img/card.png")
NEWSROOM_DEFAULT_IMAGE_SIZE = (
    int(os.environ.get("NEWSROOM_DEFAULT_IMAGE_WIDTH", "1200")),
    int(os.environ.get("NEWSROOM_DEFAULT_IMAGE_HEIGHT", "630")),
)
# The publication's logo in structured data (Google wants a rectangle no taller than 60 pixels, or a square).
NEWSROOM_LOGO = os.environ.get("NEWSROOM_LOGO", "img/logo.png")
NEWSROOM_LOGO_SIZE = (
    int(os.environ.get("NEWSROOM_LOGO_WIDTH", "600")),
    int(os.environ.get("NEWSROOM_LOGO_HEIGHT", "60")),
)
# How long an account-free preview link stays valid.
NEWSROOM_PREVIEW_MAX_AGE = int(os.environ.get("NEWSROOM_PREVIEW_MAX_AGE", str(7 * 24 * 3600)))

# No third-party assets: everything comes from this site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # https: for pictures an editor places in a body by address (articles.text keeps only https ones).
        "img-src": [SELF, "data:", "https:", *media_origins()],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the cache (Redis, shared by every app server) and kept in the database too,
# so a restarted cache logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    # Off unless asked for: they bind every subdomain of the site's domain to HTTPS for good.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DJANGO_HSTS_INCLUDE_SUBDOMAINS", "0") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("DJANGO_HSTS_PRELOAD", "0") == "1"
    # Both are the operator's decision for the whole domain, made with the variables above, not a defect of this
    # deployment: `check --deploy` (run in CI) must otherwise report nothing.
    SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]

# One JSON object per line on stderr (python-json-logger): a line per request from ops.middleware (logger
# newsroom.request: request_id, user_id, method, path, status, duration_ms) and one per error (django.request
# logs 5xx with the traceback inside the same line), every line carrying the request id of its request.
NEWSROOM_LOG_FORMAT = os.environ.get("NEWSROOM_LOG_FORMAT", "json")  # or "text" for a terminal
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "ops.logging.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "text" if NEWSROOM_LOG_FORMAT == "text" else "json",
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        # The request log is information, not a warning: shown unless NEWSROOM_REQUEST_LOG=0.
        "newsroom.request": {"level": "INFO" if os.environ.get("NEWSROOM_REQUEST_LOG", "1") == "1" else "WARNING"},
    },
}
