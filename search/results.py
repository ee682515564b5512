"""Reading the index: matching articles, ranked and paged, their snippets and the facets of a search."""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Max, Min, Q
from django.utils.timezone import localtime

from articles.models import Article, Author, Source, Tag

from .engines import get_engine
from .highlight import Highlighter
from .query import parse

FACET_SIZE = 10
RECENT_FIRST = ("-published_at", "-pk")


def filter_articles(articles, text):
    """``articles`` (any Article queryset, e.g. the desk's, drafts included) narrowed to those matching the
    query ``text``; none when it has nothing to search for."""
    match = get_engine(articles.db).match(parse(text))
    return articles.filter(pk__in=match) if match is not None else articles.none()


class SearchResults:
    """The articles of ``articles`` matching ``query``, lazily, in the shape Django's Paginator wants
    (``count()`` and slices of Article objects, each with ``headline_html`` and ``snippet``).

    ``sort="relevance"``: articles matching in the headline first, then the rest; newest first within each.
    The first pass is a cheap, indexed match on the headline alone (FTS5 column filter / a GIN-indexed
    headline tsvector), so a common word matching a quarter of the archive is never scored row by row:
    each page reads only its ids in date order from the article index.
    ``sort="date"``: newest first.
    """

    def __init__(self, query, articles, *, sort="relevance"):
        self.query, self.sort = query, sort
        self.engine = get_engine(articles.db)
        self.matched = articles.filter(pk__in=self.engine.match(query))
        self.highlighter = Highlighter(query)

    @classmethod
    def of_text(cls, text, articles, **kwargs):
        return cls(parse(text), articles, **kwargs)

    @cached_property
    def total(self):
        return self.matched.count()

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        start, stop = key.start or 0, key.stop if key.stop is not None else self.total
        return self._load(self._ids(start, stop))

    @cached_property
    def _headline_match(self):
        return self.matched.filter(pk__in=self.engine.match(self.query, headline_only=True))

    @cached_property
    def headline_total(self):
        return self._headline_match.count()

    def _ids(self, start, stop):
        if stop <= start:
            return []
        ids = lambda articles, a, b: list(articles.order_by(*RECENT_FIRST).values_list("pk", flat=True)[a:b])  # noqa: E731
        if self.sort == "date":
            return ids(self.matched, start, stop)
        head = self.headline_total
        found = ids(self._headline_match, start, min(stop, head)) if start < head else []
        if stop > head:
            rest = self.matched.exclude(pk__in=self.engine.match(self.query, headline_only=True))
            found += ids(rest, max(start - head, 0), stop - head)
        return found

    def _load(self, ids):
        articles = Article.objects.filter(pk__in=ids).for_listing().select_related("search_entry").in_bulk()
        ordered = [articles[pk] for pk in ids if pk in articles]
        for article in ordered:
            article.headline_html = self.highlighter.highlight(article.headline)
            entry = getattr(article, "search_entry", None)
            article.snippet = self.highlighter.snippet(entry.body) if entry else ""
        return ordered

    def facets(self):
        """Counts of the matching articles by section, tag, source, author and year: ``[Facet, ...]``."""
        ids = self.matched.order_by().values("pk")
        sections = (
            self.matched.order_by()
            .values_list("section__slug", "section__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "section__name")[:FACET_SIZE]
        )
        years = self._years()
        related = {
            "tag": Tag.objects.filter(tagged_articles__content_object__in=ids).annotate(n=Count("tagged_articles")),
            "source": Source.objects.filter(citations__article__in=ids).annotate(n=Count("citations")),
            "author": Author.objects.filter(bylines__article__in=ids).annotate(n=Count("bylines")),
        }
        values = {
            name: qs.order_by("-n", "name").values_list("slug", "name", "n")[:FACET_SIZE]
            for name, qs in related.items()
        }
        return [
            Facet("section", "Section", [FacetValue(slug, name, n) for slug, name, n in sections]),
            Facet("tag", "Tag", [FacetValue(*row) for row in values["tag"]]),
            Facet("source", "Source", [FacetValue(*row) for row in values["source"]]),
            Facet("author", "Author", [FacetValue(*row) for row in values["author"]]),
            Facet("year", "Year", [FacetValue(str(year), str(year), n) for year, n in years]),
        ]

    def _years(self):
        """``[(year, count), ...]``, newest first, of the matches' publication years (site time zone).

        Counted with one range condition per year (``published_at__year`` compiles to BETWEEN), so SQLite
        needs no Python function call per matching row. The years are the public archive's (two index reads).
        """
        span = Article.objects.published().aggregate(first=Min("published_at"), last=Max("published_at"))
        if span["first"] is None:
            return []
        first, last = localtime(span["first"]).year, localtime(span["last"]).year
        years = range(last, max(first, last - FACET_SIZE * 3) - 1, -1)
        counts = self.matched.aggregate(**{f"y{y}": Count("pk", filter=Q(published_at__year=y)) for y in years})
        return [(year, counts[f"y{year}"]) for year in years if counts[f"y{year}"]][:FACET_SIZE]


@dataclass(frozen=True)
class FacetValue:
    value: str  # the URL parameter's value (a slug or a year)
    label: str
    count: int


@dataclass(frozen=True)
class Facet:
    name: str  # the URL parameter
    label: str
    values: list
