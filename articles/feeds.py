"""RSS 2.0, Atom 1.0 and JSON Feed 1.1. One base feed; each subclass only says which articles it narrows to.

The formats themselves (escaping, namespaces, required elements) are in articles.feedformats; every
feed here exists in all three, named "<kind>_<format>" in articles.urls.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import format_html

from . import feedformats, seo
from .models import Article, Author, Correction, Section, Source, Tag

FEED_SIZE = 50
DASH = "\N{EN DASH}"


class ArticleFeed(Feed):
    """The newest published articles of the whole site."""

    kind = "site"  # the URL is named "<kind>_<format>"
    format = "rss"
    feed_type = feedformats.RssFeed
    model = None  # a subclass narrows the feed to one Section, Tag, Source or Author ...
    article_filter = ""  # ... through this lookup

    allow_empty = False  # as on the pages: an object known only from drafts is not public either

    def get_object(self, request, slug=None):
        if self.model is None:
            return None
        obj = get_object_or_404(self.model, slug=slug)
        if not self.allow_empty and not self.articles(obj).exists():
            raise Http404
        return obj

    def articles(self, obj):
        articles = Article.objects.published()
        return articles.linked_to(self.article_filter, obj) if obj is not None else articles

    def items(self, obj):
        return self.articles(obj).for_feed()[:FEED_SIZE]

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

    def feed_guid(self, obj):
        # Each feed its own identity (Atom's feed id): its own address.
        return self.feed_url(obj)

    def author_name(self):
        return settings.NEWSROOM_SITE_NAME

    def author_link(self):
        return seo.absolute_url("/")

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = self.feed_language(obj)  # Django reads a fixed attribute, not a method
        return feed

    def feed_language(self, obj):
        """The language of the feed's articles when they share one (a section in Arabic), else the site's."""
        languages = set(self.articles(obj).order_by("-published_at")[:FEED_SIZE].values_list("language", flat=True))
        return languages.pop() if len(languages) == 1 else settings.NEWSROOM_LANGUAGE

    def item_title(self, item):
        return seo.xml_text(item.headline)

    def item_description(self, item):
        return seo.xml_text(item.dek)  # plain text; each format escapes it as it must

    def item_link(self, item):
        return seo.absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        return item.urn  # never changes with the slug, so a renamed article is not "new" to readers

    item_guid_is_permalink = False

    def item_author_name(self, item):
        return seo.xml_text(", ".join(name for name, _ in self._authors(item))) or settings.NEWSROOM_SITE_NAME

    def item_author_link(self, item):
        authors = self._authors(item)
        return authors[0][1] if len(authors) == 1 else None

    def _authors(self, item):
        return [(b.author.name, seo.absolute_url(b.author.get_absolute_url())) for b in item.bylines.all()]

    def item_categories(self, item):
        return [seo.xml_text(item.section.name), *(seo.xml_text(tag.name) for tag in item.tags.all())]

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return seo.modified_at(item)

    def item_extra_kwargs(self, item):
        return {
            "content_html": seo.feed_content_html(item),
            "summary": seo.xml_text(item.dek),
            "language": item.language,
            "authors": [(seo.xml_text(name), url) for name, url in self._authors(item)]
            or [(settings.NEWSROOM_SITE_NAME, seo.absolute_url("/"))],
        }


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

    def articles(self, obj):
        return Correction.objects.public()

    def items(self, obj):
        return self.articles(obj).select_related("article")[:FEED_SIZE]

    def feed_language(self, obj):
        languages = set(self.articles(obj)[:FEED_SIZE].values_list("article__language", flat=True))
        return languages.pop() if len(languages) == 1 else settings.NEWSROOM_LANGUAGE

    def link(self, obj):
        return seo.absolute_url(reverse("articles:corrections"))

    def title(self, obj):
        return f"Corrections {DASH} {settings.NEWSROOM_SITE_NAME}"

    def description(self, obj):
        return f"Corrections and clarifications to articles from {settings.NEWSROOM_SITE_NAME}"

    def item_title(self, item):
        return seo.xml_text(f"{item.get_kind_display()}: {item.article.headline}")

    def item_description(self, item):
        return seo.xml_text(item.public_text)

    def item_link(self, item):
        return seo.absolute_url(item.get_absolute_url())

    def item_guid(self, item):
        return f"{item.article.urn}#correction-{item.pk}"

    def item_author_name(self, item):
        return settings.NEWSROOM_SITE_NAME

    def item_author_link(self, item):
        return seo.absolute_url("/")

    def item_categories(self, item):
        return [item.get_kind_display()]

    def item_pubdate(self, item):
        return item.published_at

    item_updateddate = item_pubdate

    def item_extra_kwargs(self, item):
        article = item.article
        link = format_html('<a href="{}">{}</a>', seo.absolute_url(article.get_absolute_url()), article.headline)
        return {
            "content_html": seo.xml_text(format_html("<p>{}</p>\n<p>{}</p>", item.text, link)),
            "summary": seo.xml_text(item.text),
            "language": item.article.language,
            "authors": [(settings.NEWSROOM_SITE_NAME, seo.absolute_url("/"))],
        }


class AtomFeed:
    """Mixed into a feed above to serve the same items as Atom 1.0."""

    feed_type = feedformats.AtomFeed
    format = "atom"


class JsonFeed:
    """Mixed into a feed above to serve the same items as JSON Feed 1.1."""

    feed_type = feedformats.JsonFeed
    format = "json"


def _formats(feed):
    return feed, type(f"{feed.__name__}Atom", (AtomFeed, feed), {}), type(f"{feed.__name__}Json", (JsonFeed, feed), {})


ArticleFeed, ArticleAtomFeed, ArticleJsonFeed = _formats(ArticleFeed)
SectionFeed, SectionAtomFeed, SectionJsonFeed = _formats(SectionFeed)
TagFeed, TagAtomFeed, TagJsonFeed = _formats(TagFeed)
SourceFeed, SourceAtomFeed, SourceJsonFeed = _formats(SourceFeed)
AuthorFeed, AuthorAtomFeed, AuthorJsonFeed = _formats(AuthorFeed)
CorrectionsFeed, CorrectionsAtomFeed, CorrectionsJsonFeed = _formats(CorrectionsFeed)

# Every feed by kind and format, for articles.urls: "site" has no slug, "corrections" neither.
FEEDS = {
    "site": (ArticleFeed, ArticleAtomFeed, ArticleJsonFeed),
    "section": (SectionFeed, SectionAtomFeed, SectionJsonFeed),
    "tag": (TagFeed, TagAtomFeed, TagJsonFeed),
    "source": (SourceFeed, SourceAtomFeed, SourceJsonFeed),
    "author": (AuthorFeed, AuthorAtomFeed, AuthorJsonFeed),
    "corrections": (CorrectionsFeed, CorrectionsAtomFeed, CorrectionsJsonFeed),
}
