"""Render time and SQL queries of each public page with few vs many articles, side by side.

    .venv/bin/python benchmarks/run.py            # throwaway SQLite database in memory
    DATABASE_URL=postgres://... make bench        # that server's test database, created and dropped

Not a test: timings vary by machine. What matters is the ratio column (close to 1 = the page does not slow
down as the archive grows) and the query columns (equal = a constant number of queries).
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

from articles.models import Article, Author, Byline, Citation, Section, Source, Tag, TaggedArticle  # noqa: E402

SMALL, LARGE = 50, 1000
PER_ARTICLE = 3  # tags, sources and authors on each article
REPEAT = 15


def build(start, count, sections, tags, sources, authors):
    """``count`` published articles, one an hour back in time, each with PER_ARTICLE tags, sources, authors."""
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            headline=f"Benchmark story {i}",
            slug=f"benchmark-story-{i}",
            dek="A standfirst of ordinary length, as most are.",
            body="<p>First paragraph.</p><p>Second paragraph.</p>" * 10,
            status=Article.Status.PUBLISHED,
            published_at=now - datetime.timedelta(hours=i),
            section=sections[i % len(sections)],
        )
        for i in range(start, start + count)
    )
    if connection.vendor == "sqlite":  # bulk_create does not return the primary keys of every backend
        articles = list(Article.objects.filter(slug__in=[a.slug for a in articles]))
    picks = [(article, [(article.pk + k) % len(tags) for k in range(PER_ARTICLE)]) for article in articles]
    TaggedArticle.objects.bulk_create(TaggedArticle(content_object=a, tag=tags[k]) for a, ks in picks for k in ks)
    Citation.objects.bulk_create(
        Citation(article=a, source=sources[k % len(sources)], order=n) for a, ks in picks for n, k in enumerate(ks)
    )
    Byline.objects.bulk_create(
        Byline(article=a, author=authors[k % len(authors)], order=n) for a, ks in picks for n, k in enumerate(ks)
    )


def pages():
    article = Article.objects.published().first()
    now = timezone.now()
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag": article.tags.first().get_absolute_url(),
        "source": article.citations.first().source.get_absolute_url(),
        "author": article.bylines.first().author.get_absolute_url(),
        "archive month": f"/archive/{now:%Y}/{now:%m}/",
        "search": "/search/?q=paragraph",
        "rss": "/feeds/rss/",
        "json feed": "/feed.json",
        "sitemap": "/sitemap.xml",
        "news sitemap": "/news-sitemap.xml",
    }


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    count = len(queries)  # now: the next request empties the log
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, count


def main():
    setup_test_environment(debug=False)  # render as production does
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        # Few enough that every list is a full page (20) with the small data too: like is compared with like.
        sections = [Section.objects.create(name=f"Section {i}", order=i) for i in range(2)]
        tags = [Tag.objects.create(name=f"Tag {i}", slug=f"tag-{i}") for i in range(5)]
        sources = [Source.objects.create(name=f"Source {i}") for i in range(5)]
        authors = [Author.objects.create(name=f"Author {i}") for i in range(5)]
        client = Client()

        build(0, SMALL, sections, tags, sources, authors)
        urls = pages()
        small = {name: measure(client, url) for name, url in urls.items()}
        build(SMALL, LARGE - SMALL, sections, tags, sources, authors)
        if connection.vendor == "postgresql":
            # Fresh tables have no planner statistics yet (autovacuum has them on a live database).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        large = {name: measure(client, url) for name, url in urls.items()}
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"{connection.vendor}: median of {REPEAT} renders, {SMALL} vs {LARGE} articles")
    print(f"{'page':<14}{'ms ' + str(SMALL):>10}{'ms ' + str(LARGE):>10}{'ratio':>8}{'queries':>12}")
    for name in urls:
        (ms_small, q_small), (ms_large, q_large) = small[name], large[name]
        print(f"{name:<14}{ms_small:>10.1f}{ms_large:>10.1f}{ms_large / ms_small:>8.2f}{q_small:>7} / {q_large}")
    changed = [name for name in urls if small[name][1] != large[name][1]]
    if changed:
        print("Query counts grew with the data on:", ", ".join(changed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
