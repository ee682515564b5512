"""Text helpers shared by models, imports and templates: slugs and safe HTML."""

import html
import re
import unicodedata

import nh3
from django.conf import settings

# Slugs keep letters, digits and combining marks of every script, so a Hindi, Thai, Cyrillic or
# CJK headline gets a readable slug instead of an empty or mangled one.
_SLUG_CATEGORIES = ("L", "N", "M")
SLUG_FALLBACK = "article"

# The body is the only HTML we render. This is the editor's vocabulary and nothing more.
ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "a", "blockquote", "q", "cite",
    "ul", "ol", "li", "h2", "h3", "h4", "hr", "abbr", "code", "pre", "figure", "figcaption", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "q": {"cite"},
    "img": {"src", "alt", "width", "height"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Pictures in the body never hold up the page: the browser fetches them as they scroll into view.
SET_ATTRIBUTES = {"img": {"loading": "lazy", "decoding": "async"}}
# nh3 writes every tag it keeps as <img attr="..."> (double quotes, no "alt" text inside a value unescaped).
_IMG = re.compile(r"<img\b[^>]*>")
_IMG_ALT = re.compile(r'\salt="')


def slugify(value: str, max_length: int = 80) -> str:
    """Return a lower-case slug of ``value`` (possibly empty), cut at a word boundary."""
    value = unicodedata.normalize("NFKC", str(value)).lower()
    chars = [c if unicodedata.category(c)[0] in _SLUG_CATEGORIES else " " for c in value]
    words = "".join(chars).split()
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    if not slug and words:
        slug = words[0][:max_length]
    # A combining mark must not start a slug: it would render on its own.
    while slug and unicodedata.category(slug[0])[0] == "M":
        slug = slug[1:]
    return slug.strip("-")


def unique_slug(instance, value: str, *, field: str = "slug", max_length: int = 80) -> str:
    """A slug for ``value`` that no other row of ``instance``'s model has."""
    base = slugify(value, max_length=max_length - 8) or SLUG_FALLBACK
    manager = type(instance)._default_manager
    others = manager.exclude(pk=instance.pk) if instance.pk else manager.all()
    taken = set(others.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def image_source(url: str) -> str | None:
    """``url`` if a body image may load from it: our own media files (MEDIA_URL) or an https address."""
    url = url.strip()
    media = settings.MEDIA_URL
    if url.startswith(media) and not url.startswith("//") and ".." not in url:
        return url
    return url if url.lower().startswith("https://") else None


def _attribute_filter(tag, attribute, value):
    if tag == "img" and attribute == "src":
        return image_source(value)
    if tag == "img" and attribute in ("width", "height"):
        return value if value.isdigit() and 0 < int(value) <= 10_000 else None
    return value


def sanitize_html(value: str) -> str:
    """Strip everything but the allowed markup (nh3, https://nh3.readthedocs.io/).

    Links get rel=noopener noreferrer. Images keep only a same-site media or https ``src``, ``alt``, and
    numeric ``width``/``height``, and load lazily; an image without a source or without alt text is dropped,
    since readers who cannot see it would get nothing.
    """
    cleaned = nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        set_tag_attribute_values=SET_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    if "<img" not in cleaned:
        return cleaned
    return _IMG.sub(lambda m: m.group(0) if _IMG_ALT.search(m.group(0)) and " src=" in m.group(0) else "", cleaned)


def paragraphs_to_html(paragraphs) -> str:
    """Plain-text paragraphs as body HTML: each escaped and wrapped in one <p>."""
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p.strip())
