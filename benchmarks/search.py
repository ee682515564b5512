"""Search at scale: p50/p95 of 200 searches over N generated articles (default 100,000). Not a test.

    .venv/bin/python benchmarks/search.py                      # SQLite (a throwaway test database)
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/search.py
    make bench-search                                           # the first, with ARTICLES=N to change N

Each search is a full request of /search/ through Django's test client: parsing, the count, the ranked page,
snippets and the five facets, rendered. Queries: rare terms, a common term that is in a quarter of all
articles (alone and with another word), phrases, two-word queries and searches narrowed by a facet.
Timings depend on the machine; the report names it.
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
os.environ["NEWSROOM_PAGE_CACHE_SECONDS"] = "0"  # every search is computed: a repeated query is not a cache hit

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from tqdm import tqdm  # noqa: E402

from articles.models import Article, Author, Byline, Citation, Section, Source, Tag, TaggedArticle  # noqa: E402
from search import indexing  # noqa: E402

COMMON = "market"  # in a quarter of all articles
VOCABULARY = 20_000
BATCH = 2_000
rng = random.Random(8)  # noqa: S311  (made-up text, repeatable; nothing secret)


def vocabulary():
    """Pronounceable made-up words, most frequent first (drawn with a Zipf-like weight)."""
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    words = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4))))
    words = sorted(words)
    rng.shuffle(words)
    return words


def generator(words):
    weights = [1 / (rank + 1) for rank in range(len(words))]
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def sentence(n):
        return " ".join(rng.choices(words, cum_weights=cumulative, k=n))

    return sentence


def generate(count):
    """``count`` articles (5% drafts) over five years, each with 3 tags, 1-2 sources and an author, in bulk."""
    words = vocabulary()
    sentence = generator(words)
    sections = [Section.objects.create(name=f"Section {i}", order=i) for i in range(8)]
    tags = Tag.objects.bulk_create(Tag(name=f"Topic {w}", slug=f"topic-{w}") for w in words[100:300])
    sources = Source.objects.bulk_create(Source(name=f"Agency {w}", slug=f"agency-{w}") for w in words[300:350])
    authors = Author.objects.bulk_create(Author(name=f"Writer {w}", slug=f"writer-{w}") for w in words[350:450])
    now = timezone.now()
    bar = tqdm(total=count, desc="articles", unit="article")
    for start in range(0, count, BATCH):
        batch = []
        for i in range(start, min(start + BATCH, count)):
            paragraphs = [sentence(rng.randint(40, 70)) for _ in range(3)]
            if rng.random() < 0.25:
                paragraphs[rng.randrange(3)] += f" the {COMMON} moved"
            draft = rng.random() < 0.05
            batch.append(
                Article(
                    headline=sentence(rng.randint(5, 9)).capitalize(),
                    slug=f"generated-{i}",
                    dek=sentence(15).capitalize() + ".",
                    body="".join(f"<p>{p.capitalize()}.</p>" for p in paragraphs),
                    status=Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
                    published_at=None if draft else now - datetime.timedelta(minutes=rng.randint(1, 5 * 525_600)),
                    section=rng.choice(sections),
                )
            )
        with transaction.atomic():
            created = Article.objects.bulk_create(batch)
            TaggedArticle.objects.bulk_create(
                TaggedArticle(content_object=a, tag=t) for a in created for t in rng.sample(tags, 3)
            )
            Citation.objects.bulk_create(
                Citation(article=a, source=s, order=n)
                for a in created
                for n, s in enumerate(rng.sample(sources, rng.randint(1, 2)))
            )
            Byline.objects.bulk_create(Byline(article=a, author=rng.choice(authors)) for a in created)
        bar.update(len(batch))
    bar.close()
    return words, sections, tags


def searches(words, sections, tags):
    """200 searches: (kind, params)."""
    bodies = list(Article.objects.published().order_by("?").values_list("body", flat=True)[:200])
    pairs = []
    for body in bodies:
        text = body.replace("<p>", " ").replace("</p>", " ").replace(".", " ").split()
        k = rng.randrange(len(text) - 1)
        pairs.append((text[k].lower(), text[k + 1].lower()))
    rare = words[-2000:]  # in ~0.1% of articles each
    frequent = words[50:300]  # in ~5-25% of articles each (Zipf: the first 50 are in nearly all)
    plan = []
    for i in range(200):
        match i % 8:
            case 0:
                plan.append(("rare", {"q": rng.choice(rare)}))
            case 1:
                plan.append(("common", {"q": COMMON}))
            case 2:
                plan.append(("common+word", {"q": f"{COMMON} {rng.choice(frequent)}"}))
            case 3:
                plan.append(("phrase", {"q": '"{} {}"'.format(*pairs[i])}))
            case 4:
                plan.append(("two words", {"q": f"{rng.choice(frequent)} {rng.choice(words[300:2000])}"}))
            case 5:
                plan.append(("facet", {"q": COMMON, "section": rng.choice(sections).slug}))
            case 6:
                plan.append(("facet", {"q": rng.choice(frequent), "tag": rng.choice(tags).slug}))
            case 7:
                plan.append(("date sort", {"q": f"{COMMON}", "sort": "date", "page": str(rng.randint(1, 5))}))
    return plan


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def measure(plan):
    """``{kind: [(wall ms, CPU ms of this process, SQL queries), ...]}``. On SQLite the CPU time includes the
    database's (it runs in this process), so it shows the cost of a search apart from other load on the machine."""
    client = Client()
    client.get("/search/", plan[0][1])  # warm the connection and caches of Python
    results = {}
    for kind, params in tqdm(plan, desc="searches"):
        with CaptureQueriesContext(connection) as queries:
            started, cpu = time.perf_counter(), time.process_time()
            response = client.get("/search/", params)
            elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
        assert response.status_code == 200, (params, response.status_code)
        results.setdefault(kind, []).append((elapsed, cpu, len(queries)))
    return results


def report(results, count, seconds_to_index, load):
    every = [ms for rows in results.values() for ms, _, _ in rows]
    every_cpu = [cpu for rows in results.values() for _, cpu, _ in rows]
    lines = [
        f"{connection.vendor} ({connection.Database.__name__} {getattr(connection.Database, 'sqlite_version', '')}"
        f"{connection.pg_version if connection.vendor == 'postgresql' else ''}), {count:,} articles,"
        f" indexed in {seconds_to_index:.0f} s; {platform.machine()}, {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}; load average {load[0]:.1f} before the"
        f" searches, {load[1]:.1f} after",
        "",
        "| searches | n | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms | SQL queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, rows in results.items():
        ms, cpu = [m for m, _, _ in rows], [c for _, c, _ in rows]
        queries = sorted({q for _, _, q in rows})
        lines.append(
            f"| {kind} | {len(ms)} | {statistics.median(ms):.1f} | {percentile(ms, 95):.1f} | {max(ms):.1f} |"
            f" {statistics.median(cpu):.1f} | {percentile(cpu, 95):.1f} |"
            f" {'-'.join(map(str, (queries[0], queries[-1]))) if len(queries) > 1 else queries[0]} |"
        )
    lines.append(
        f"| **all** | {len(every)} | **{statistics.median(every):.1f}** | **{percentile(every, 95):.1f}** |"
        f" {max(every):.1f} | {statistics.median(every_cpu):.1f} | {percentile(every_cpu, 95):.1f} | |"
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=int(os.environ.get("ARTICLES", 100_000)))
    parser.add_argument(
        "--existing", action="store_true", help="search the configured database as it is (generated before)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the generated database (its name is printed) for --existing"
    )
    args = parser.parse_args()
    setup_test_environment(debug=False)
    if args.existing:
        words, sections, tags = vocabulary(), list(Section.objects.all()), list(Tag.objects.all())
        args.articles = Article.objects.count()
        before = os.getloadavg()[0]
        results = measure(searches(words, sections, tags))
        print(f"\n{datetime.date.today()}\n")
        print(report(results, args.articles, 0, (before, os.getloadavg()[0])), flush=True)
        return
    if connection.vendor == "sqlite":  # not the test suite's database file
        connection.settings_dict["TEST"]["NAME"] = os.path.join(tempfile.gettempdir(), "newsroom-bench-search.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        # The generator writes in bulk: the index is built once at the end, as rebuild_search_index does.
        from django.db.models.signals import post_save

        post_save.receivers, saved = [], post_save.receivers
        try:
            words, sections, tags = generate(args.articles)
        finally:
            post_save.receivers = saved
        started = time.perf_counter()
        with tqdm(total=args.articles, desc="index", unit="article") as bar:
            indexing.rebuild(progress=bar.update)
        seconds = time.perf_counter() - started
        with connection.cursor() as cursor:
            # Fresh tables have no planner statistics yet (and on PostgreSQL no visibility map): what autovacuum
            # gives a real archive soon after a bulk load.
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
        plan = searches(words, sections, tags)
        before = os.getloadavg()[0]
        results = measure(plan)
        load = (before, os.getloadavg()[0])
    finally:
        if args.keep:
            print(f"kept the generated database: {connection.settings_dict['NAME']}")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"\n{datetime.date.today()}\n")
    print(report(results, args.articles, seconds, load), flush=True)


if __name__ == "__main__":
    main()
