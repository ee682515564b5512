"""RSS 2.0, Atom and JSON Feed. One base feed; each subclass only says which articles it narrows to."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from . import seo
from .models import Article, Author, Correction, Section, Source, Tag

FEED_SIZE = 50
DASH = "\N{EN DASH}"


def _authors(article):
    return ", ".join(byline.author.name for byline in article.bylines.all())


class ArticleFeed(Feed):
    """The newest published articles of the whole site."""

    kind = "site"  # the URL is named "<kind>_<format>"
    format = "rss"
    model = None  # a subclass narrows the feed to one Section, Tag, Source or Author ...
    article_filter = ""  # ... through this lookup

    allow_empty = False  # as on the pages: an object known only from drafts is not public either

    def get_object(self, request, slug=None):
        if self.model is None:
            return None
        obj = get_object_or_404(self.model, slug=slug)
        if not self.allow_empty and not Article.objects.published().filter(**{self.article_filter: obj}).exists():
            raise Http404
        return obj

    def items(self, obj):
        articles = Article.objects.published()
        if obj is not None:
            articles = articles.filter(**{self.article_filter: obj})
        return articles.for_listing().prefetch_related("corrections")[:FEED_SIZE]

    def title(self, obj):
        return seo.xml_text(f"{obj} {DASH} {settings.NEWSROOM_SITE_NAME}") if obj else settings.NEWSROOM_SITE_NAME

    def description(self, obj):
        if obj is None:
            return f"The latest articles from {settings.NEWSROOM_SITE_NAME}"
        return seo.xml_text(f"The latest articles: {obj}")

    def subtitle(self, obj):
        return self.description(obj)  # Atom's word for it

    def link(self, obj):
        return seo.absolute_url(obj.get_absolute_url() if obj else reverse("articles:home"))

    def feed_url(self, obj):
        return seo.absolute_url(reverse(f"articles:{self.kind}_{self.format}", args=[obj.slug] if obj else []))

    @property
    def language(self):
        return settings.NEWSROOM_LANGUAGE

    def item_title(self, item):
        return seo.xml_text(item.headline)

    def item_description(self, item):
        # Feed readers read the description as HTML; the dek is plain text.
        return escape(seo.xml_text(item.dek))

    def item_link(self, item):
        return seo.absolute_url(item.get_absolute_url())

    def item_author_name(self, item):
        return seo.xml_text(_authors(item)) or None

    def item_categories(self, item):
        return [seo.xml_text(tag.name) for tag in item.tags.all()]

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return seo.modified_at(item)


class SectionFeed(ArticleFeed):
    kind, model, article_filter = "section", Section, "section"
    allow_empty = True


class TagFeed(ArticleFeed):
    kind, model, article_filter = "tag", Tag, "tags"


class SourceFeed(ArticleFeed):
    kind, model, article_filter = "source", Source, "sources"

    def description(self, obj):
        return seo.xml_text(f"The latest articles citing {obj}")


class AuthorFeed(ArticleFeed):
    kind, model, article_filter = "author", Author, "authors"

    def description(self, obj):
        return seo.xml_text(f"The latest articles by {obj}")


class CorrectionsFeed(ArticleFeed):
    """Corrections and clarifications to published articles, newest first."""

    kind = "corrections"

    def items(self, obj):
        return (
            Correction.objects.filter(article__in=Article.objects.published())
            .select_related("article")
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def title(self, obj):
        return f"Corrections {DASH} {settings.NEWSROOM_SITE_NAME}"

    def description(self, obj):
        return f"Corrections and clarifications to articles from {settings.NEWSROOM_SITE_NAME}"

    def item_title(self, item):
        return seo.xml_text(f"{item.get_kind_display()}: {item.article.headline}")

    def item_description(self, item):
        return escape(seo.xml_text(item.public_text))

    def item_link(self, item):
        return seo.absolute_url(f"{item.article.get_absolute_url()}#correction-{item.pk}")

    def item_author_name(self, item):
        return None

    def item_categories(self, item):
        return [item.get_kind_display()]

    def item_pubdate(self, item):
        return item.published_at

    item_updateddate = item_pubdate


class AtomFeed:
    """Mixed into a feed above to serve the same items as Atom 1.0."""

    feed_type = Atom1Feed
    format = "atom"


class ArticleAtomFeed(AtomFeed, ArticleFeed):
    pass


class SectionAtomFeed(AtomFeed, SectionFeed):
    pass


class TagAtomFeed(AtomFeed, TagFeed):
    pass


class SourceAtomFeed(AtomFeed, SourceFeed):
    pass


class AuthorAtomFeed(AtomFeed, AuthorFeed):
    pass


class CorrectionsAtomFeed(AtomFeed, CorrectionsFeed):
    pass


def _json_item(article):
    url = seo.absolute_url(article.get_absolute_url())
    return {
        "id": url,
        "url": url,
        "title": article.headline,
        "summary": article.dek,
        "content_html": article.body_html,
        "date_published": article.published_at.isoformat(),
        "date_modified": seo.modified_at(article).isoformat(),
        "authors": [
            {"name": b.author.name, "url": seo.absolute_url(b.author.get_absolute_url())} for b in article.bylines.all()
        ],
        "tags": [tag.name for tag in article.tags.all()],
        "language": article.language,
    }


def json_feed(request):
    """The site's feed as JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
    articles = Article.objects.published().for_listing().prefetch_related("corrections")[:FEED_SIZE]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": settings.NEWSROOM_SITE_NAME,
        "home_page_url": seo.absolute_url(reverse("articles:home")),
        "feed_url": seo.absolute_url(reverse("articles:site_json")),
        "language": settings.NEWSROOM_LANGUAGE,
        "items": [_json_item(article) for article in articles],
    }
    return JsonResponse(feed, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False})
