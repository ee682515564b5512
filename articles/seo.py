"""What search engines and feed readers are told about a page: absolute URLs, times, structured data."""

import datetime
import re

from django.conf import settings
from django.utils.encoding import iri_to_uri

# An edit within this long of publication is part of publishing, not an update readers need to hear about.
UPDATE_GRACE = datetime.timedelta(minutes=5)

# schema.org properties for each byline role; the rest of the team are contributors.
BYLINE_PROPERTIES = {"written": "author", "reporting": "author", "additional": "author", "translated": "translator"}


# Characters XML 1.0 forbids; one pasted from a PDF would otherwise break a feed or sitemap for everyone.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def absolute_url(path):
    """``path`` on the public site, whatever host the request came in on."""
    return iri_to_uri(f"{settings.NEWSROOM_SITE_URL}{path}")


def http_url(url):
    """``url`` if it is a web address, else "" (a javascript: URL imported as a report link is never a link)."""
    return url if url and url.lower().startswith(("https://", "http://")) else ""


def news_language(code):
    """The language code Google News wants: ISO 639, except zh-cn and zh-tw for Chinese scripts."""
    return {"zh-hans": "zh-cn", "zh-hant": "zh-tw"}.get(code.lower(), code.split("-")[0].lower())


def xml_text(text):
    return _NOT_XML.sub("", text) if text else text


def updated_at(article):
    """When readers last had a change to hear about, or None: an edit after publication or a correction.

    The corrections must be prefetched. Every "updated" or "modified" time the site shows comes from here.
    """
    if not article.published_at:
        return None
    edited = article.updated_at if article.updated_at > article.published_at + UPDATE_GRACE else None
    corrected = [c.published_at for c in article.corrections.all() if c.published_at > article.published_at]
    return max(filter(None, [edited, *corrected]), default=None)


def modified_at(article):
    """The last change of any kind, publication included (for sitemaps, JSON-LD and Last-Modified)."""
    return updated_at(article) or article.published_at or article.updated_at


def _person(author):
    return {"@type": "Person", "name": author.name, "url": absolute_url(author.get_absolute_url())}


def _cited_work(citation):
    source = citation.source
    work = {
        "@type": "CreativeWork",
        "publisher": {"@type": "Organization", "name": source.name, "url": absolute_url(source.get_absolute_url())},
    }
    if http_url(citation.url):
        work["url"] = citation.url
    if http_url(source.homepage):
        work["publisher"]["sameAs"] = source.homepage
    return work


def article_jsonld(article):
    """schema.org NewsArticle for ``article`` (fetched with ArticleQuerySet.for_detail())."""
    url = absolute_url(article.get_absolute_url())
    site = {"@type": "NewsMediaOrganization", "name": settings.NEWSROOM_SITE_NAME, "url": absolute_url("/")}
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.headline,
        "description": article.dek,
        "inLanguage": article.language,
        "datePublished": (article.published_at or article.created_at).isoformat(),
        "dateModified": modified_at(article).isoformat(),
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "publisher": site,
        "isBasedOn": [_cited_work(c) for c in article.citations.all() if c.role == "primary"],
        "citation": [_cited_work(c) for c in article.citations.all()],
        "correction": [
            {"@type": "CorrectionComment", "text": c.public_text, "datePublished": c.published_at.isoformat()}
            for c in article.corrections.all()
        ],
    }
    for byline in article.bylines.all():
        data.setdefault(BYLINE_PROPERTIES.get(byline.role, "contributor"), []).append(_person(byline.author))
    data.setdefault("author", [site])
    if article.featured_image:
        data["image"] = absolute_url(article.featured_image.url)
    return data
