"""Demo data at an archive's scale: realistic articles written in bulk, kept apart from real ones.

Every row this module makes has a slug starting with ``DEMO_PREFIX`` (articles, sections, authors, sources
and tags), so demo rows are found, counted and deleted without touching an editor's work: its double hyphen is
something articles.text.slugify never makes, so no slug made from a real headline or name starts with it. Articles are
written with ``bulk_create``, which skips ``Article.save()``: the slug, version, timestamps and sanitized
body are set here instead, and no django-reversion history is made (demo rows need none; an edit in the
desk starts their history).
"""

import datetime
import html
import random
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import Article, Author, BackgroundNote, Byline, Citation, Correction, Section, Source, Tag, TaggedArticle
from .signals import articles_changed
from .text import slugify

DEMO_PREFIX = "demo--"
CHUNK = 2000  # articles per transaction: large enough for speed, small enough for a steady progress bar
YEARS = 6  # publication times are spread over this many years back from today
COMMON_WORD = "ceasefire"  # in COMMON_SHARE of the articles: a search with many results
COMMON_SHARE = 0.25
RARE_WORD = "quokka"  # in about one article in RARE_EVERY: a search with few results
RARE_EVERY = 20_000
DRAFT_SHARE = 0.03  # some demo articles are drafts, so public pages have something to hide

SECTIONS = ["World", "Europe", "Politics", "Business", "Science", "Climate", "Culture", "Sport"]
# Word lists for headlines, bodies and names (lists, not str.split, for ruff's SIM905).
FIRST = [
    "Alex", "Maria", "Olena", "Chen", "Amir", "Sofia", "Jonas", "Priya", "Kwame", "Lucia", "Taras", "Yuki", "Omar",
    "Ingrid", "Rafael", "Nadia",
]  # fmt: skip
LAST = [
    "Kovalenko", "Müller", "García", "Okafor", "Tanaka", "Novak", "Haddad", "Larsen", "Silva", "Ivanova", "Brown",
    "Rossi", "Singh", "Kim",
]  # fmt: skip
NOUNS = [
    "harbour", "council", "grain", "pipeline", "election", "budget", "border", "court", "treaty", "reactor", "summit",
    "drought", "vaccine", "strike", "parliament", "satellite", "railway", "bank", "market", "festival", "museum",
    "coalition", "refinery", "glacier", "frontier", "tariff", "minister", "union", "river", "forest", "mayor",
    "ministry", "delegation", "embassy", "convoy", "bridge", "factory", "archive",
]  # fmt: skip
VERBS = [
    "approved", "rejected", "delayed", "announced", "expanded", "questioned", "signed", "criticised", "reviewed",
    "halted", "backed",
]  # fmt: skip
ADJECTIVES = [
    "northern", "regional", "emergency", "national", "coastal", "disputed", "new", "temporary", "historic", "local",
    "record",
]  # fmt: skip


@dataclass
class Vocabulary:
    """Sentences made once and combined per article: composing text word by word is too slow at 100,000."""

    sentences: list
    common: list  # sentences containing COMMON_WORD

    @classmethod
    def build(cls, rng):
        def sentence(extra=""):
            words = [
                rng.choice(ADJECTIVES).capitalize(),
                rng.choice(NOUNS),
                rng.choice(VERBS),
                "the",
                rng.choice(ADJECTIVES),
                rng.choice(NOUNS),
                *([extra] if extra else []),
                "after",
                rng.choice(NOUNS),
                "talks",
            ]
            return " ".join(words) + "."

        return cls([sentence() for _ in range(3000)], [sentence(f"despite the {COMMON_WORD}") for _ in range(300)])


@dataclass
class Cast:
    """The demo sections, authors, sources and tags, with weights so some tags and sources are very common."""

    sections: list
    authors: list
    sources: list
    tags: list

    def weights(self, items):
        return [1 / (rank + 1) for rank in range(len(items))]


def demo_articles():
    return Article.objects.filter(slug__startswith=DEMO_PREFIX)


def delete_demo():
    """Delete every demo row; real articles, and real sections, tags, sources and authors, stay. Returns a count."""
    with transaction.atomic():
        count, _ = demo_articles().delete()
        for model in (Tag, Source, Author, Section):
            # A demo section or source that a real article uses is kept (PROTECT) rather than deleted.
            model.objects.filter(slug__startswith=DEMO_PREFIX).exclude(
                **({"articles__isnull": False} if model is not Tag else {"tagged_articles__isnull": False})
            ).delete()
    return count


def _get_or_make(model, names, **extra):
    """Demo rows named ``names``, reusing those an earlier run made, skipping names a real row has."""
    slugs = {f"{DEMO_PREFIX}{slugify(name)}": name for name in names}
    existing = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    taken = set(model.objects.filter(~Q(slug__startswith=DEMO_PREFIX), name__in=names).values_list("name", flat=True))
    new = [model(name=name, slug=slug, **extra) for slug, name in slugs.items() if slug not in existing]
    model.objects.bulk_create([obj for obj in new if obj.name not in taken])
    return list(model.objects.filter(slug__in=slugs).order_by("pk"))


def make_cast(rng):
    sections = _get_or_make(Section, [f"{name} (demo)" for name in SECTIONS], order=50)
    authors = _get_or_make(Author, sorted({f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(400)})[:300])
    sources = _get_or_make(Source, [f"{noun.capitalize()} Wire {n}" for n in range(1, 5) for noun in NOUNS])
    tags = _get_or_make(Tag, [f"{a} {n}" for a in ADJECTIVES for n in NOUNS])
    rng.shuffle(tags)  # the weights then favour a random few tags, not the alphabetically first
    rng.shuffle(sources)
    return Cast(sections, authors, sources, tags)


def generate(count, *, seed=0, progress=None, now=None, index=True):
    """Add ``count`` demo articles with bylines, tags, citations, notes and some corrections.

    Repeatable: the same ``seed`` gives the same articles. A seed's articles have slugs
    ``demo--<seed>-<n>-...``; running a seed again adds nothing and raises ValueError naming the seed.
    ``progress(n)`` is called after each chunk of n articles. Returns the number of articles made.
    ``index``: announce each chunk (``articles_changed``) in its transaction, so search indexes it as it does
    any bulk write; ``False`` leaves that to ``manage.py rebuild_search_index`` (it is most of the time taken).
    """
    if count <= 0:
        return 0
    rng = random.Random(seed)  # noqa: S311 - repeatable demo text, not secrets
    prefix = f"{DEMO_PREFIX}{seed}-"
    if Article.objects.filter(slug__startswith=prefix).exists():
        raise ValueError(f"Demo articles of seed {seed} exist already: use another --seed, or --delete first.")
    now = (now or timezone.now()).replace(microsecond=0)
    vocabulary = Vocabulary.build(rng)
    cast = make_cast(rng)
    made = 0
    while made < count:
        size = min(CHUNK, count - made)
        with transaction.atomic():
            ids = _write_chunk(rng, cast, vocabulary, prefix, made, size, now)
            if index:
                articles_changed.send(sender=Article, article_ids=ids)
        made += size
        if progress:
            progress(size)
    _analyze()
    return made


def _analyze():
    """Refresh the planner's statistics: without them, a table that grew 100,000 rows at once is planned as
    if it were empty (PostgreSQL then sorts the whole archive for one page; autovacuum comes later)."""
    connection = connections[router.db_for_write(Article)]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _write_chunk(rng, cast, vocabulary, prefix, start, size, now):
    span = YEARS * 365 * 24 * 3600
    articles = [_article(rng, cast, vocabulary, prefix, start + i, now, span) for i in range(size)]
    connection = connections[router.db_for_write(Article)]
    if connection.vendor == "postgresql":
        _copy_articles(connection, articles, now)
    else:
        Article.objects.bulk_create(articles, batch_size=500)
        # The auto_now fields were set to this moment on insert; a demo article was last edited when published.
        published = [a.pk for a in articles if a.published_at]
        Article.objects.filter(pk__in=published).update(created_at=F("published_at"), updated_at=F("published_at"))
    _write_children(rng, cast, articles, now)
    return [article.pk for article in articles]


def _copy_articles(connection, articles, now):
    """PostgreSQL: ids from the table's sequence, then one COPY (bulk_create's INSERT ... RETURNING is slower)."""
    table = Article._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(articles)]
        )
        for article, (pk,) in zip(articles, cursor.fetchall(), strict=True):
            article.pk = pk
            article.created_at = article.updated_at = article.published_at or now
        fields = Article._meta.concrete_fields
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for article in articles:
                copy.write_row([field.get_prep_value(getattr(article, field.attname)) for field in fields])


def _article(rng, cast, vocabulary, prefix, n, now, span):
    topic = rng.choice(NOUNS)
    headline = f"{rng.choice(ADJECTIVES).capitalize()} {topic} {rng.choice(VERBS)} as {rng.choice(NOUNS)} waits"
    sentences = rng.sample(vocabulary.sentences, 12)
    if rng.random() < COMMON_SHARE:
        sentences[rng.randrange(12)] = rng.choice(vocabulary.common)
    if n % RARE_EVERY == RARE_EVERY // 2:
        sentences[0] = f"A {RARE_WORD} was seen near the {topic}."
    # Plain text escaped into paragraphs: the same markup sanitize_html keeps, so no nh3 pass is needed.
    body = "\n".join(f"<p>{html.escape(' '.join(sentences[i : i + 3]), quote=False)}</p>" for i in range(0, 12, 3))
    draft = rng.random() < DRAFT_SHARE
    published_at = None if draft else now - datetime.timedelta(seconds=rng.randrange(span))
    return Article(
        headline=headline,
        slug=f"{prefix}{n}-{headline.lower().replace(' ', '-')}",
        dek=html.unescape(sentences[0]),
        body=body,
        status=Article.Status.DRAFT if draft else Article.Status.PUBLISHED,
        published_at=published_at,
        section=rng.choice(cast.sections),
        version=1,
    )


def _pick(rng, items, weights, k):
    chosen = []
    while len(chosen) < k:
        item = rng.choices(items, weights=weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def _write_children(rng, cast, articles, now):
    tag_weights, source_weights = cast.weights(cast.tags), cast.weights(cast.sources)
    rows = {Byline: [], Citation: [], TaggedArticle: [], BackgroundNote: [], Correction: []}
    for article in articles:
        for order, author in enumerate(rng.sample(cast.authors, rng.choice((1, 1, 1, 2)))):
            rows[Byline].append((article.pk, author.pk, Byline.Role.WRITTEN, order))
        for order, source in enumerate(_pick(rng, cast.sources, source_weights, rng.choice((1, 2, 2, 3)))):
            role = Citation.Role.PRIMARY if order == 0 else Citation.Role.SECONDARY
            rows[Citation].append((article.pk, source.pk, "", role, order))
        for tag in _pick(rng, cast.tags, tag_weights, rng.choice((2, 3, 3, 4))):
            rows[TaggedArticle].append((article.pk, tag.pk))
        rows[BackgroundNote].append((article.pk, article.dek, 0))
        if article.published_at and rng.random() < 0.02:
            hours = datetime.timedelta(hours=rng.randrange(1, 72))
            when = min(article.published_at + hours, now)  # a correction is never in the future
            kind = Correction.Kind.CORRECTION
            rows[Correction].append((article.pk, kind, "An earlier version misstated a date.", when, ""))
    for model, values in rows.items():
        _insert(model, values)


# Child rows go in with executemany: the ORM's bulk_create costs more per row than the database does.
CHILD_COLUMNS = {
    Byline: ("article", "author", "role", "order"),
    Citation: ("article", "source", "url", "role", "order"),
    TaggedArticle: ("content_object", "tag"),
    BackgroundNote: ("article", "text", "order"),
    Correction: ("article", "kind", "text", "published_at", "retraction_reason"),
}


def _insert(model, values):
    if not values:
        return
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in CHILD_COLUMNS[model]]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    if connection.vendor == "postgresql":
        # COPY is several times faster than INSERT there; psycopg adapts each value itself.
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(fields))
    if model is Correction:  # times go through the backend's adapter (SQLite stores text)
        values = [(*row[:3], connection.ops.adapt_datetimefield_value(row[3]), *row[4:]) for row in values]
    with connection.cursor() as cursor:
        cursor.executemany(
            # Names come from our models, values go as parameters.
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608
            values,
        )
