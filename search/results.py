"""Reading the index: matching articles, ranked and paged, their snippets and the facets of a search."""

import datetime
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Window
from django.utils import timezone
from django.utils.timezone import get_current_timezone

from articles.cache import per_generation
from articles.links import slug_url
from articles.models import Article, Byline, Citation, Section, TaggedArticle
from articles.querysets import unpublished_statuses
from articles.templatetags.newsroom import byline

from .engines import get_engine
from .highlight import Highlighter
from .models import SearchEntry
from .query import parse
from .text import facet_token

FACET_SIZE = 10  # values shown per facet
FACET_SAMPLE = 500  # matches the facets count, newest first (the page says so when there are more)
HEADLINE_IDS_INLINE = 1000  # up to this many headline matches are excluded from the rest by their ids
RECENT_FIRST = ("-published_at", "-pk")
# Article lookups of the search form's filters (SearchForm.FILTERS) that the index answers: by facet tokens
# (search.text.facet_token), and on PostgreSQL the year by the entry's own copy of the publication time.
FACET_LOOKUPS = {
    "section__slug": "section",
    "tagged_items__tag__slug": "tag",
    "citations__source__slug": "source",
    "bylines__author__slug": "author",
}
ENTRY_LOOKUPS = {"published_at__year": "public_since__year"}


def _sections():
    """Every section as ``{pk: (slug, name)}``, read once per content change (a new or renamed section is one)."""
    return per_generation("sections", lambda: {pk: (slug, name) for pk, slug, name in _section_rows()})


def _section_rows(**lookups):
    return Section.objects.filter(**lookups).values_list("pk", "slug", "name")


def _ids(articles, start, stop):
    """Ids ``start:stop`` of ``articles``, newest first."""
    return list(articles.order_by(*RECENT_FIRST).values_list("pk", flat=True)[start:stop])


def filter_articles(articles, text):
    """``articles`` (any Article queryset, e.g. the desk's, drafts included) narrowed to those matching the
    query ``text``; none when it has nothing to search for."""
    match = get_engine(articles.db).match(parse(text))
    return articles.filter(match) if match is not None else articles.none()


class SearchResults:
    """The public articles matching ``query``, narrowed by ``filters`` (Article lookups), lazily, in the shape
    Django's Paginator wants (``count()`` and slices of :class:`Result`).

    ``sort="relevance"``: articles matching in the headline first, then the rest; newest first within each.
    No row is scored: the first pass is a cheap, indexed match on the headline alone (FTS5 column filter / a
    GIN-indexed headline tsvector), and each page then reads only its ids in date order from the article
    index, so a common word matching a quarter of the archive costs about what a rare one does.
    ``sort="date"``: newest first.

    One read serves most of a search: ``newest``, the newest FACET_SAMPLE visible matches, gives the facets'
    sample, the pages it reaches (in either order) and, when it holds every match, the total. Only a page beyond
    it, or a total beyond it, is read on its own.

    Visibility is ``Article.objects.published()``, at query time. On SQLite the matches are joined with the
    articles; for a query matching many, the total is counted as the index's count less the matches that are
    not public (the complement of the same rule): drafts and articles in review by their status tokens in the
    index, scheduled ones on the article index, instead of joining every match to its article. On PostgreSQL
    (``entries_first``) each entry's copy of when its article became public (``SearchEntry.public_since``) is
    compared with the time of the search (``read_entries``). Either way the page's articles are loaded through
    published() again.
    """

    MANY = 2000  # from this many index matches on, the plans for large result sets are used

    def __init__(self, query, filters=None, *, sort="relevance"):
        filters = filters or {}
        facets = [
            facet_token(FACET_LOOKUPS[lookup], value) for lookup, value in filters.items() if lookup in FACET_LOOKUPS
        ]
        self.query = query.with_facets(*facets)
        self.filters = {lookup: value for lookup, value in filters.items() if lookup not in FACET_LOOKUPS}
        self.sort = sort
        self.engine = get_engine()
        self.visible = Article.objects.published().filter(**self.filters)
        if self.engine.entries_first:
            self.newest, self.indexed = self.read_entries()  # here the visible matches
        else:
            self.indexed = self.engine.count(self.query)
        self.many = self.indexed >= self.MANY
        self.matched = self.visible.filter(self.engine.match(self.query, scan=self.many))  # to count
        # To read the newest few: each article checked on its own when the matches are many.
        self.walked = self.visible.filter(self.engine.match(self.query, scan=self.many, probe=self.many))
        self.highlighter = Highlighter(self.query)

    @cached_property
    def total(self):
        if not self.indexed:
            return 0
        if self.newest_are_all:
            return len(self.newest)
        if self.engine.entries_first:
            return self.indexed
        if not self.many or self.filters:
            return self.matched.count()
        # Drafts and articles in review counted in the index by their status tokens, an intersection of two
        # token lists; scheduled articles (published, their time not come) on the article index.
        unpublished = sum(
            self.engine.count(self.query.with_facets(facet_token("status", s))) for s in unpublished_statuses(Article)
        )
        scheduled = Article.objects.scheduled().filter(self.engine.match(self.query, scan=True)).count()
        return self.indexed - unpublished - scheduled

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
        # Driven by the (usually few) headline matches, each checked against the full query.
        return self.visible.filter(self.engine.match(self.query, headline_only=True)).filter(
            self.engine.match(self.query, scan=True, probe=True)
        )

    @cached_property
    def _headline_head(self):
        # The newest HEADLINE_IDS_INLINE + 1 visible headline matches' ids: one more tells there are more.
        return list(
            self._headline_match.order_by(*RECENT_FIRST).values_list("pk", flat=True)[: HEADLINE_IDS_INLINE + 1]
        )

    @property
    def headline_ids(self):
        """The visible headline matches' ids, newest first; None when there are more than HEADLINE_IDS_INLINE."""
        return self._headline_head if len(self._headline_head) <= HEADLINE_IDS_INLINE else None

    @cached_property
    def headline_total(self):
        return len(self.headline_ids) if self.headline_ids is not None else self._headline_match.count()

    def _ids(self, start, stop):
        if stop <= start or not self.indexed:
            return []
        if self.sort == "date":
            return self._newest_ids(self.walked, (), start, stop)
        if stop <= HEADLINE_IDS_INLINE < len(self._headline_head):  # a page among the first of many headline matches
            return self._headline_head[start:stop]
        head = self.headline_total
        found = []
        if start < head:
            if self.headline_ids is not None:
                found = self.headline_ids[start:stop]
            else:
                found = _ids(self._headline_match, start, min(stop, head))
        if stop > head:
            if self.headline_ids is not None:
                # The few headline matches as literal ids: a NOT IN (subquery) makes PostgreSQL scan every article.
                skip = self.headline_ids
                rest = self.walked.exclude(pk__in=skip) if skip else self.walked
            else:
                skip = None
                rest = self.walked.exclude(self.engine.match(self.query, headline_only=True))
            found += self._newest_ids(rest, skip, max(start - head, 0), stop - head)
        return found

    def _newest_ids(self, articles, skip, start, stop):
        """Ids ``start:stop`` of ``articles`` (visible matches, less the ids ``skip``; None: skip unknown) newest
        first: cut from ``newest`` when it reaches that far, else read."""
        if skip is not None:
            skip = set(skip)
            ids = [row[0] for row in self.newest if row[0] not in skip]
            if stop <= len(ids) or self.newest_are_all:
                return ids[start:stop]
        return _ids(articles, start, stop)

    def _load(self, ids):
        """The page's results, in the order of ``ids``: two queries (the articles with their section and
        visible text, their bylines), plain rows rather than model instances (20 articles, sections and
        entries a page: what building instances and rendering a template per result cost was a third of a
        search), the snippet cut from the index's visible text."""
        fields = ("pk", "slug", "headline", "dek", "language", "published_at", "section__slug", "section__name")
        # published() again: what an entry says of its article's visibility is never the last word.
        rows = Article.objects.published().filter(pk__in=ids).values_list(*fields, "search_entry__body")
        found = {row[0]: row for row in rows}
        bylines = {}
        for line in Byline.objects.filter(article_id__in=list(found)).select_related("author"):
            bylines.setdefault(line.article_id, []).append(line)
        results = []
        for pk in ids:
            if pk not in found:
                continue
            _, slug, headline, dek, language, published_at, section_slug, section_name, text = found[pk]
            results.append(
                Result(
                    url=slug_url("articles:article", slug),
                    headline=self.highlighter.highlight(headline),
                    snippet=self.highlighter.snippet(text) if text else "",
                    dek=dek,
                    language=language,
                    published_at=published_at,
                    section_url=slug_url("articles:section", section_slug),
                    section_name=section_name,
                    byline=byline(bylines.get(pk, ())),
                )
            )
        return results

    @cached_property
    def newest(self):
        """The newest FACET_SAMPLE visible matches as ``(pk, section slug, section name, published_at)`` rows,
        newest first (RECENT_FIRST): the facets' sample, and the pages it reaches.

        On SQLite one walk of the article index newest first, each article checked against the matches (7 ms
        for a word in a quarter of 100,000 articles); engines with ``entries_first`` (PostgreSQL) set it from
        ``read_entries`` instead.
        """
        if not self.indexed:
            return []
        fields = ("pk", "section__slug", "section__name", "published_at")
        return list(self.walked.order_by(*RECENT_FIRST).values_list(*fields)[:FACET_SAMPLE])

    def read_entries(self):
        """``(newest, count)``: the newest FACET_SAMPLE visible matches (rows as ``newest``'s) and how many
        visible matches there are, in one read of search_searchentry (engines with ``entries_first``).

        Its GIN index finds the matches and each match's own row holds public_since and section: no join with
        the articles, however many match (a word in a quarter of 100,000 articles: about 14 ms on PostgreSQL,
        where counting, sampling and the hidden matches took three reads and 22 ms). Facets are tokens of the
        match itself (FACET_LOOKUPS); the year is the entry's own publication time.
        """
        entries = SearchEntry.objects.filter(self.engine.entry_match(self.query), public_since__lte=timezone.now())
        for lookup, value in self.filters.items():
            if lookup in ENTRY_LOOKUPS:  # the entry's own copy: no join with every visible article
                entries = entries.filter(**{ENTRY_LOOKUPS[lookup]: value})
            else:
                entries = entries.filter(article_id__in=Article.objects.filter(**{lookup: value}).values("pk"))
        rows = list(
            entries.annotate(total=Window(Count("pk")))
            .order_by("-public_since", "-article_id")
            .values_list("article_id", "section_id", "public_since", "total")[:FACET_SAMPLE]
        )
        sections = _sections()
        missing = {section_id for _, section_id, _, _ in rows} - sections.keys()
        if missing:  # written since the sections were read (another process's change, not yet seen here)
            sections = sections | {pk: (slug, name) for pk, slug, name in _section_rows(pk__in=missing)}
        newest = [(pk, *sections[section_id], since) for pk, section_id, since, _ in rows]
        return newest, (rows[0][3] if rows else 0)

    @property
    def newest_are_all(self):
        """True when ``newest`` holds every visible match (fewer than FACET_SAMPLE)."""
        return len(self.newest) < FACET_SAMPLE

    @property
    def facet_sample(self):
        """The rows the facets count: ``newest``."""
        return self.newest

    @property
    def facets_are_sampled(self):
        """True when the facets count only the newest FACET_SAMPLE of more matches."""
        return self.total > len(self.facet_sample)

    def facets(self):
        """Counts by section, tag, source, author and year: ``[Facet, ...]``, each value's count descending.

        Exact up to FACET_SAMPLE matches; beyond, counted over the newest FACET_SAMPLE (see
        ``facets_are_sampled``), so a word in a quarter of the archive does not join 25,000 articles to their
        tags, sources and authors on every search. Three queries for the counts, and one to three for the sample
        (facet_sample's window), whatever the number of matches.
        """
        rows = self.facet_sample
        ids = [row[0] for row in rows]
        sections = Counter((slug, name) for _, slug, name, _ in rows)
        zone = get_current_timezone()
        years = Counter(published.astimezone(zone).year for *_, published in rows if published)
        # Counted on the link tables, whose article column is indexed: one probe per sampled article.
        links = {
            "tag": (TaggedArticle, "content_object"),
            "source": (Citation, "article"),
            "author": (Byline, "article"),
        }
        values = {}
        for name, (model, article) in links.items():
            rows = (
                model.objects.filter(self.engine.among(ids, article))
                .values_list(f"{name}__slug", f"{name}__name")
                .annotate(n=Count("pk"))
                .order_by("-n", f"{name}__name")
            )
            values[name] = [FacetValue(*row) for row in rows[:FACET_SIZE]]
        by_count = sorted(sections.items(), key=lambda item: (-item[1], item[0][1]))[:FACET_SIZE]
        return [
            Facet("section", "Section", [FacetValue(slug, name, n) for (slug, name), n in by_count]),
            Facet("tag", "Tag", values["tag"]),
            Facet("source", "Source", values["source"]),
            Facet("author", "Author", values["author"]),
            Facet(
                "year", "Year", [FacetValue(str(y), str(y), years[y]) for y in sorted(years, reverse=True)][:FACET_SIZE]
            ),
        ]


@dataclass(frozen=True)
class Result:
    """One search result as search/search.html shows it: strings are safe HTML where they hold markup
    (``headline`` and ``snippet`` with ``<mark>``, ``byline`` with links), plain text elsewhere."""

    url: str
    headline: str
    snippet: str
    dek: str
    language: str
    published_at: datetime.datetime
    section_url: str
    section_name: str
    byline: str


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
