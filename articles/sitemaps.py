"""sitemap.xml (every public page) and the Google News sitemap (the last two days)."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.shortcuts import render
from django.utils import timezone

from . import seo
from .models import Article, Author, Section, Source, Tag

# Google News reads only articles of the last two days, at most 1000 of them.
NEWS_WINDOW = datetime.timedelta(days=2)
NEWS_LIMIT = 1000


class PublicSitemap(Sitemap):
    """Absolute URLs on NEWSROOM_SITE_URL, like every other public link (django.contrib.sites is not used)."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.NEWSROOM_SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.NEWSROOM_SITE_URL).netloc


class HomeSitemap(PublicSitemap):
    changefreq = "hourly"

    def items(self):
        return ["/"]

    def location(self, item):
        return item


class ArticleSitemap(PublicSitemap):
    def items(self):
        articles = Article.objects.published().only("slug", "published_at", "updated_at")
        return articles.prefetch_related("corrections").order_by("-published_at", "-pk")

    def lastmod(self, article):
        return seo.modified_at(article)


class WithPublishedArticlesSitemap(PublicSitemap):
    """Sections, tags, sources or authors that have a public article; the others have nothing to index."""

    model = None
    article_lookup = ""

    def items(self):
        public = Article.objects.published()
        return self.model.objects.filter(**{f"{self.article_lookup}__in": public}).distinct().order_by("pk")


class SectionSitemap(WithPublishedArticlesSitemap):
    model, article_lookup = Section, "articles"


class TagSitemap(WithPublishedArticlesSitemap):
    model, article_lookup = Tag, "tagged_articles__content_object"


class SourceSitemap(WithPublishedArticlesSitemap):
    model, article_lookup = Source, "articles"


class AuthorSitemap(WithPublishedArticlesSitemap):
    model, article_lookup = Author, "articles"


SITEMAPS = {
    "home": HomeSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "sources": SourceSitemap,
    "authors": AuthorSitemap,
}


def news_sitemap(request):
    """The Google News sitemap: https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap"""
    articles = (
        Article.objects.published()
        .published_since(timezone.now() - NEWS_WINDOW)
        .only("slug", "headline", "published_at", "language")
        .order_by("-published_at", "-pk")[:NEWS_LIMIT]
    )
    context = {"articles": articles}
    return render(request, "sitemaps/news.xml", context, content_type="application/xml; charset=utf-8")
