"""What search engines and feed readers are told about a page: absolute URLs, times, structured data."""

import datetime
import re
from urllib.parse import urljoin

import nh3
from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.translation import to_locale

from images.renditions import social_card

from . import text
from .cache import per_process

# An edit within this long of publication is part of publishing, not an update readers need to hear about.
UPDATE_GRACE = datetime.timedelta(minutes=5)

# schema.org properties for each byline role; the rest of the team are contributors.
BYLINE_PROPERTIES = {"written": "author", "reporting": "author", "additional": "author", "translated": "translator"}


# Characters XML 1.0 forbids; one pasted from a PDF would otherwise break a feed or sitemap for everyone.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# The territory OpenGraph's og:locale ("ll_TT") takes for a language code that names none; others get ll_LL.
LOCALE_TERRITORIES = {
    "en": "US", "uk": "UA", "ar": "AR", "hi": "IN", "bn": "IN", "ta": "IN", "ur": "PK", "fa": "IR", "he": "IL",
    "el": "GR", "ja": "JP", "ko": "KR", "zh-hans": "CN", "zh-hant": "TW", "sv": "SE", "da": "DK", "cs": "CZ",
    "vi": "VN", "ka": "GE", "hy": "AM", "kk": "KZ", "be": "BY", "sr": "RS", "sl": "SI", "et": "EE", "nb": "NO",
}  # fmt: skip


# What iri_to_uri() leaves as it is: unreserved ASCII and the characters it passes to quote() as safe.
_URI_ALREADY = re.compile(r"[A-Za-z0-9_.~/#%\[\]=:;$&()+,!?*@'-]*")


def absolute_url(path):
    """``path`` on the public site, whatever host the request came in on (an absolute URL stays as it is).

    An IRI becomes a URI as Django's iri_to_uri() makes it (RFC 3987, section 3.1); one that is a URI already,
    as most are, is used as it is (quote() costs a few microseconds, a dozen times a page).
    """
    path = str.__str__(str(path))  # a plain str, as iri_to_uri() returns: not a lazy or a safe string
    url = path if path.startswith(("https://", "http://")) else f"{settings.NEWSROOM_SITE_URL}{path}"
    return url if _URI_ALREADY.fullmatch(url) else iri_to_uri(url)


def og_locale(code):
    """A language code (BCP 47, e.g. "uk", "pt-br", "zh-hans") as OpenGraph's ``language_TERRITORY``."""
    code = (code or settings.NEWSROOM_LANGUAGE).lower()
    if code in LOCALE_TERRITORIES:
        return f"{code.split('-')[0]}_{LOCALE_TERRITORIES[code]}"
    language, _, territory = to_locale(code).partition("_")
    return f"{language}_{territory.upper() if len(territory) == 2 else language.upper()}"


def card_image(article=None):
    """The image link previews and structured data show for ``article`` (or any other page).

    Its featured image with its size in pixels, else the site's default image (settings.NEWSROOM_DEFAULT_IMAGE,
    a static file of NEWSROOM_DEFAULT_IMAGE_SIZE). A dict of ``url`` (absolute), ``width``, ``height`` (ints or
    None) and ``alt``; the default one is shared (cache.per_process): not to be changed.
    """
    picture = social_card(getattr(article, "featured_image", None))
    if picture:
        return {**picture, "url": absolute_url(picture["url"])}
    return _default_card()


@per_process
def _default_card():
    width, height = settings.NEWSROOM_DEFAULT_IMAGE_SIZE
    return {
        "url": absolute_url(static(settings.NEWSROOM_DEFAULT_IMAGE)),
        "width": width,
        "height": height,
        "alt": settings.NEWSROOM_SITE_NAME,
    }


def _image_object(image):
    data = {"@type": "ImageObject", "url": image["url"], "width": image["width"], "height": image["height"]}
    return {key: value for key, value in data.items() if value}


@per_process
def organization():
    """The publisher, as schema.org NewsMediaOrganization with its logo (settings.NEWSROOM_LOGO). Shared: not
    to be changed."""
    width, height = settings.NEWSROOM_LOGO_SIZE
    logo = {"url": absolute_url(static(settings.NEWSROOM_LOGO)), "width": width, "height": height}
    return {
        "@type": "NewsMediaOrganization",
        "@id": absolute_url("/#organization"),
        "name": settings.NEWSROOM_SITE_NAME,
        "url": absolute_url("/"),
        "logo": _image_object(logo),
    }


def site_jsonld():
    """The home page's schema.org data: the WebSite, with a SearchAction on /search/, and its publisher."""
    search = absolute_url(reverse("search:search"))
    website = {
        "@type": "WebSite",
        "@id": absolute_url("/#website"),
        "name": settings.NEWSROOM_SITE_NAME,
        "url": absolute_url("/"),
        "inLanguage": settings.NEWSROOM_LANGUAGE,
        "publisher": {"@id": absolute_url("/#organization")},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }
    return {"@context": "https://schema.org", "@graph": [website, organization()]}


def absolute_links(fragment, base):
    """``fragment`` sanitized as articles.text.sanitize_html does, with every link absolute against ``base``.

    Feed readers show an item away from the site, where "/sections/news/" leads nowhere.
    """

    def absolutize(element, attribute, value):
        return urljoin(base, value) if attribute in {"href", "cite", "src"} else value

    return nh3.clean(
        fragment or "",
        tags=text.ALLOWED_TAGS,
        attributes=text.ALLOWED_ATTRIBUTES,
        url_schemes=text.ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=absolutize,
    )


def feed_content_html(article, *, full_text=None):
    """What a feed item carries as HTML: the body (or, as summaries only, the dek) and the corrections.

    ``full_text`` defaults to settings.NEWSROOM_FEED_FULL_TEXT. The corrections must be prefetched.
    Every URL in it is absolute.
    """
    full_text = settings.NEWSROOM_FEED_FULL_TEXT if full_text is None else full_text
    html = render_to_string("feeds/item_content.html", {"article": article, "full_text": full_text})
    return xml_text(absolute_links(html, absolute_url(article.get_absolute_url())))


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

    The corrections must be prefetched, or their latest time annotated as ``last_correction_at``
    (ArticleQuerySet.with_last_correction(), for long lists such as sitemaps). Every "updated" or
    "modified" time the site shows comes from here.
    """
    if not article.published_at:
        return None
    edited = article.updated_at if article.updated_at > article.published_at + UPDATE_GRACE else None
    if hasattr(article, "last_correction_at"):
        times = [article.last_correction_at] if article.last_correction_at else []
    else:
        times = [c.published_at for c in article.corrections.all()]
    corrected = [when for when in times if when > article.published_at]
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
    """schema.org NewsArticle for ``article`` (fetched with ArticleQuerySet.for_detail()).

    Google's Article guidance: headline, image (with its size), dates with their time zone, authors as
    Person with name and url (the publication when there is no byline). Empty lists are left out.
    """
    url = absolute_url(article.get_absolute_url())
    site = organization()
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.headline,
        "description": article.dek,
        "image": [_image_object(card_image(article))],
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
    return {key: value for key, value in data.items() if value not in ([], "", None)}
