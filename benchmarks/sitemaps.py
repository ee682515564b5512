"""Serving time and SQL of the sitemap index and its pages at 1,000 vs 100,000 articles, side by side.

    .venv/bin/python benchmarks/sitemaps.py                    # throwaway SQLite test database
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/sitemaps.py

Not a test: timings vary by machine. The index and any one page should cost the same at both sizes
(ratio close to 1; a page always holds at most SITEMAP_LIMIT URLs), and no query should COUNT or OFFSET.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.models import Article, Section  # noqa: E402
from articles.sitemaps import SITEMAP_LIMIT  # noqa: E402
from tests.bulk import bulk_articles  # noqa: E402

SMALL, LARGE = 10_000, 100_000  # SMALL fills two pages, so page 1 is alike in both
REPEAT = 5


def pages():
    last = -(-Article.objects.latest("pk").pk // SITEMAP_LIMIT)
    return {
        "index": "/sitemap.xml",
        "articles p=1": "/sitemap-articles.xml",
        "articles last": f"/sitemap-articles.xml?p={last}",
        "sections": "/sitemap-sections.xml",
        "news": "/news-sitemap.xml",
    }


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    count = len(queries)  # now: the next request empties the log
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    flags = ",".join(word for word in ("COUNT(", "OFFSET") if word in sql) or "-"
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, count, flags


def main():
    setup_test_environment(debug=False)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        section = Section.objects.create(name="News")
        published = timezone.now() - datetime.timedelta(days=3)
        client = Client()
        bulk_articles(SMALL, section=section, published_at=published)
        small = {name: measure(client, url) for name, url in pages().items()}
        bulk_articles(LARGE - SMALL, section=section, published_at=published, prefix="more")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        large = {name: measure(client, url) for name, url in pages().items()}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"{connection.vendor}: median of {REPEAT}, {SMALL:,} vs {LARGE:,} articles, {SITEMAP_LIMIT:,} URLs a page")
    print(f"{'sitemap':<15}{'ms small':>10}{'ms large':>10}{'ratio':>8}{'queries':>10}  COUNT/OFFSET")
    for name in small:
        (ms_s, q_s, f_s), (ms_l, q_l, f_l) = small[name], large[name]
        print(f"{name:<15}{ms_s:>10.1f}{ms_l:>10.1f}{ms_l / ms_s:>8.2f}{q_s:>5} / {q_l:<3}  {f_s} / {f_l}")


if __name__ == "__main__":
    main()
