"""CPU time per request of each public page, in-process, next to a static file of the same size.

    DATABASE_URL=... .venv/bin/python benchmarks/hits.py [cached|uncached] [N] [page ...]

Calls the production WSGI application directly (no server, no sockets: only the app's own cost), with the
production settings (DEBUG off), the request log off (NEWSROOM_REQUEST_LOG=0) and a local-memory cache. For
each page: the median of N (default 200) requests' ``time.process_time()`` in microseconds, the same for a
static file of exactly the page's size served by WhiteNoise, and their ratio static/page (1.0 = as cheap as a
static file; the throughput ratio of ``benchmarks/serve.py`` without the server's own share). ``cached`` (the
default) fills the page cache first and measures hits; ``uncached`` turns the page cache off.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote_to_bytes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MODE = sys.argv[1] if len(sys.argv) > 1 else "cached"
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 200
ONLY = sys.argv[3:]
STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT", Path(tempfile.gettempdir()) / "newsroom-hits-static"))
os.environ.update(
    {
        "NEWSROOM_ENV": "production",
        "DJANGO_SECRET_KEY": "bench-only-not-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "NEWSROOM_PAGE_CACHE_SECONDS": "600" if MODE == "cached" else "0",
        "NEWSROOM_DATA_CACHE": "1",  # one process, nothing written: its own memory is exact
        "NEWSROOM_STATIC_ROOT": str(STATIC_ROOT),
        "NEWSROOM_REQUEST_LOG": "0",
    }
)
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

if not (STATIC_ROOT / "staticfiles.json").exists():
    import subprocess

    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True)

import django  # noqa: E402

django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402

from articles.models import Article, Author, Section, Source, Tag  # noqa: E402


def pages():
    from django.db.models import Count

    def busiest(model, relation):
        return model.objects.annotate(n=Count(relation)).order_by("-n").first()

    article = Article.objects.published().first()
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "section": busiest(Section, "articles").get_absolute_url(),
        "tag": busiest(Tag, "tagged_articles").get_absolute_url(),
        "source": busiest(Source, "citations").get_absolute_url(),
        "author": busiest(Author, "bylines").get_absolute_url(),
        "rss": "/feeds/rss/",
    }


def environ(path):
    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),  # as a server passes it (PEP 3333)
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_ACCEPT_ENCODING": "",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(app, path):
    """The body of one request, read as a server would (status line, headers, every chunk, close())."""
    status = []
    result = app(environ(path), lambda s, h, exc_info=None: status.append(s))
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return status[0], body


def cost(app, path):
    """Median CPU microseconds of COUNT requests for ``path``."""
    call(app, path)
    call(app, path)
    times = []
    for _ in range(COUNT):
        start = time.process_time()
        call(app, path)
        times.append(time.process_time() - start)
    return statistics.median(times) * 1e6


def main():
    app = get_wsgi_application()
    if os.environ.get("BENCH_GC_FREEZE") == "1":  # as gunicorn.conf.py does once a worker has loaded the app
        import gc

        gc.freeze()
    print(f"{MODE}, {Article.objects.count()} articles, median CPU us per request of {COUNT}")
    for name, path in pages().items():
        if ONLY and name not in ONLY:
            continue
        status, body = call(app, path)
        twin = STATIC_ROOT / f"twin-{len(body)}.html"
        twin.write_bytes(b"x" * len(body))
        app = get_wsgi_application()  # WhiteNoise lists the static files when it starts
        page = cost(app, path)
        static = cost(app, f"/static/{twin.name}")
        ratio = static / page
        print(f"  {name:8} {status[:3]} {len(body):7} B  page {page:8.0f}  static {static:6.0f}  ratio {ratio:.3f}")


if __name__ == "__main__":
    main()
