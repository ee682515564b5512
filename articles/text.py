"""Text helpers shared by models, imports and templates: slugs and safe HTML."""

import html
import unicodedata

import nh3

# Slugs keep letters, digits and combining marks of every script, so a Hindi, Thai, Cyrillic or
# CJK headline gets a readable slug instead of an empty or mangled one.
_SLUG_CATEGORIES = ("L", "N", "M")
SLUG_FALLBACK = "article"

# The body is the only HTML we render. This is the editor's vocabulary and nothing more.
ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "a", "blockquote", "q", "cite",
    "ul", "ol", "li", "h2", "h3", "h4", "hr", "abbr", "code", "pre", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "abbr": {"title"}, "q": {"cite"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


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


# unique_slug() tries this many numbered slugs in one indexed lookup before it scans for a free number.
SLUG_TRIES = 20


def unique_slug(instance, value: str, *, field: str = "slug", max_length: int = 80) -> str:
    """A slug for ``value`` that no other row of ``instance``'s model has: ``base``, else ``base-2``, ``base-3``...

    The usual case is one lookup of SLUG_TRIES exact values on the unique index (a LIKE prefix scan cannot use
    the index on SQLite, and cost a second per import of 500 files at 100,000 articles); only a base with that
    many numbered namesakes falls back to reading all of them.
    """
    base = slugify(value, max_length=max_length - 8) or SLUG_FALLBACK
    manager = type(instance)._default_manager
    others = manager.exclude(pk=instance.pk) if instance.pk else manager.all()
    candidates = [base, *(f"{base}-{n}" for n in range(2, SLUG_TRIES + 1))]
    taken = set(others.filter(**{f"{field}__in": candidates}).values_list(field, flat=True))
    if len(taken) == len(candidates):
        taken |= set(others.filter(**{f"{field}__startswith": f"{base}-"}).values_list(field, flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def sanitize_html(value: str) -> str:
    """Strip everything but the allowed markup; links get rel=noopener noreferrer."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def paragraphs_to_html(paragraphs) -> str:
    """Plain-text paragraphs as body HTML: each escaped and wrapped in one <p>."""
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p.strip())
