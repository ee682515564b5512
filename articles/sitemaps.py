"""The sitemap index, the sitemaps it lists, and the Google News sitemap.

- /sitemap.xml is a sitemap index (https://www.sitemaps.org/protocol.html#index): one entry per page of
  each sitemap below. /sitemap-<section>.xml?p=N are the pages.
- A page holds the public rows whose ids fall in one range of ``limit`` ids (5,000; the protocol allows
  50,000), so every published article is on exactly one page, a page never holds more than ``limit``
  URLs, and serving the index or a page costs the same at 100 or 100,000 articles: the index needs only
  the highest id (one index lookup), a page one range scan of the primary key (no COUNT, no OFFSET).
- The Google News sitemap (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap)
  lists the last two days, at most 1,000 URLs per file; past that /news-sitemap.xml becomes an index of
  ?p=N pages, so no article is dropped.
"""

import datetime
import math
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Exists, Max, OuterRef
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS

from . import seo
from .models import Article, Author, Section, Source, Tag

SITEMAP_LIMIT = 5000
XML = "application/xml; charset=utf-8"

# Google News reads only articles of the last two days, at most 1000 per file.
NEWS_WINDOW = datetime.timedelta(days=2)
NEWS_LIMIT = 1000


class IdRangePaginator:
    """Pages of ``queryset`` by ranges of ids: page n holds the rows with ``(n-1)*per_page < id <= n*per_page``.

    ``num_pages`` comes from the highest id of ``model`` (any status), so it needs no count. A page whose
    range holds no public row is empty; the sitemap then lists the home page alone, as a sitemap needs
    at least one URL (sitemaps.org schema).
    """

    def __init__(self, model, queryset, per_page):
        self.model, self.queryset, self.per_page = model, queryset, per_page

    @property
    def num_pages(self):
        highest = self.model._default_manager.aggregate(highest=Max("pk"))["highest"] or 0
        return max(1, math.ceil(highest / self.per_page))

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("The page number is not a whole number.") from None
        if number < 1 or number > self.num_pages:
            raise EmptyPage("There is no such page.")
        ids = ((number - 1) * self.per_page, number * self.per_page)
        rows = self.queryset.filter(pk__gt=ids[0], pk__lte=ids[1]).order_by("pk")
        return SimpleNamespace(object_list=list(rows) or ["/"], number=number)


class PublicSitemap(Sitemap):
    """Absolute URLs on NEWSROOM_SITE_URL, like every other public link (django.contrib.sites is not used)."""

    model = None
    limit = SITEMAP_LIMIT

    def get_protocol(self, protocol=None):
        return urlsplit(settings.NEWSROOM_SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.NEWSROOM_SITE_URL).netloc

    @property
    def paginator(self):
        if self.model is None:
            return Paginator(self.items(), self.limit)
        return IdRangePaginator(self.model, self.items(), self.limit)

    def location(self, item):
        return item if isinstance(item, str) else item.get_absolute_url()

    def get_latest_lastmod(self):
        return None  # the index lists no lastmod: finding it would read the whole archive


class HomeSitemap(PublicSitemap):
    changefreq = "hourly"

    def items(self):
        return ["/"]


class ArticleSitemap(PublicSitemap):
    model = Article
    _SLUG = "__slug__"

    @cached_property
    def _article_path(self):
        return reverse("articles:article", kwargs={"slug": self._SLUG})

    def location(self, article):
        if isinstance(article, str):
            return article
        # Article.get_absolute_url() exactly, without a reverse() per URL (a third of a 5,000-URL page): the
        # pattern is reversed once and the slug quoted as reverse() quotes it.
        return self._article_path.replace(self._SLUG, quote(article.slug, safe=RFC3986_SUBDELIMS + "/~:@"))

    def items(self):
        return Article.objects.published().only("slug", "published_at", "updated_at").with_last_correction()

    def lastmod(self, article):
        return None if isinstance(article, str) else seo.modified_at(article)


class WithPublishedArticlesSitemap(PublicSitemap):
    """Sections, tags, sources or authors that have a public article; the others have nothing to index."""

    article_lookup = ""

    def items(self):
        public = Article.objects.published().filter(**{self.article_lookup: OuterRef("pk")})
        return self.model.objects.filter(Exists(public))


class SectionSitemap(WithPublishedArticlesSitemap):
    model, article_lookup = Section, "section"


class TagSitemap(WithPublishedArticlesSitemap):
    model, article_lookup = Tag, "tagged_items__tag"


class SourceSitemap(WithPublishedArticlesSitemap):
    model, article_lookup = Source, "citations__source"


class AuthorSitemap(WithPublishedArticlesSitemap):
    model, article_lookup = Author, "bylines__author"


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "sources": SourceSitemap,
    "authors": AuthorSitemap,
}


def sitemap_index(request):
    """/sitemap.xml: every page of every sitemap in SITEMAPS."""
    locations = []
    for section, sitemap in SITEMAPS.items():
        url = seo.absolute_url(reverse("articles:sitemap_section", kwargs={"section": section}))
        locations += [url, *(f"{url}?p={n}" for n in range(2, sitemap().paginator.num_pages + 1))]
    return render(request, "sitemaps/index.xml", {"locations": locations}, content_type=XML)


def news_sitemap(request):
    """The Google News sitemap of the last two days; an index of pages when they hold more than NEWS_LIMIT."""
    recent = (
        Article.objects.published()
        .published_since(timezone.now() - NEWS_WINDOW)
        .only("slug", "headline", "published_at", "language")
        .order_by("-published_at", "-pk")
    )
    paginator = Paginator(recent, NEWS_LIMIT)  # counts two days of news, never the archive
    if "p" not in request.GET and paginator.num_pages > 1:
        url = seo.absolute_url(reverse("articles:news_sitemap"))
        locations = [f"{url}?p={n}" for n in paginator.page_range]
        return render(request, "sitemaps/index.xml", {"locations": locations}, content_type=XML)
    try:
        articles = paginator.page(request.GET.get("p", 1)).object_list
    except (EmptyPage, PageNotAnInteger):
        raise Http404("No such page of the news sitemap.") from None
    context = {"articles": articles}
    if not articles:
        # A sitemap needs one URL: with no news, the newest article without news metadata (Google's advice
        # for articles older than two days), or the home page.
        newest = Article.objects.published().only("slug").order_by("-published_at").first()  # the index's order
        context["fallback"] = newest.get_absolute_url() if newest else reverse("articles:home")
    return render(request, "sitemaps/news.xml", context, content_type=XML)
