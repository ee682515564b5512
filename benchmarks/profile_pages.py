"""Time each public page and its slowest SQL query against the database in DATABASE_URL (no page cache).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python benchmarks/profile_pages.py [--explain]

With --explain on PostgreSQL, prints EXPLAIN ANALYZE of each page's slowest query.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ["NEWSROOM_PAGE_CACHE_SECONDS"] = "0"

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from articles.models import Article, Author, Source, Tag  # noqa: E402


def busiest(model, relation):
    from django.db.models import Count

    return model.objects.annotate(n=Count(relation)).order_by("-n").first()


def pages():
    article = Article.objects.published().first()
    tag, source, author = busiest(Tag, "tagged_articles"), busiest(Source, "citations"), busiest(Author, "bylines")
    year = article.published_at.year
    return {
        "home": "/",
        "home page 40": "/?page=40",
        "home page 4000": "/?page=4000",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag (busiest)": tag.get_absolute_url(),
        "source (busiest)": source.get_absolute_url(),
        "author (busiest)": author.get_absolute_url(),
        "year": f"/archive/{year}/",
        "month": f"/archive/{year}/{article.published_at:%m}/",
        "search rare": "/search/?q=quokka",
        "search common": "/search/?q=ceasefire",
        "rss": "/feeds/rss/",
        "tag rss": f"/feeds/tags/{tag.slug}/rss/",
        "json": "/feed.json",
        "corrections": "/feeds/corrections/rss/",
        "news sitemap": "/news-sitemap.xml",
    }


def main(explain=False):
    client = Client()
    print(f"{connection.vendor}, {Article.objects.count()} articles")
    for name, url in pages().items():
        client.get(url)  # warm
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            status = client.get(url).status_code
            elapsed = time.perf_counter() - start
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default={"time": 0, "sql": ""})
        print(
            f"{name:18} {status} {elapsed * 1000:8.1f} ms {len(captured):3} q",
            f"slowest {float(slowest['time']) * 1000:7.1f} ms",
        )
        if explain and connection.vendor == "postgresql" and float(slowest["time"]) > 0.005:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + slowest["sql"])
                print("    " + "\n    ".join(row[0] for row in cursor.fetchall()))
            print("    SQL: " + slowest["sql"][:600])


if __name__ == "__main__":
    main("--explain" in sys.argv)
