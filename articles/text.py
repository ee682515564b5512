"""Text helpers shared by models, imports and templates: slugs and safe HTML."""

import collections
import functools
import html
import re
import threading
import unicodedata
from urllib.parse import quote

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError

# Slugs keep letters, digits and combining marks of every script, so a Hindi, Thai, Cyrillic or
# CJK headline gets a readable slug instead of an empty or mangled one. Django's
# validate_unicode_slug uses \w, which leaves out the combining marks (Unicode Mn/Mc) that Hindi,
# Bengali, Tamil, Thai, Arabic and Hebrew words are spelt with, so Newsroom has its own validator.
_SLUG_CATEGORIES = ("L", "N", "M")
SLUG_FALLBACK = "article"
# An emitted URL must stay well under the 2,000 characters that browsers, crawlers and feed readers
# accept: a slug is capped by the length of its percent-encoded UTF-8 form (RFC 3986), not its characters.
SLUG_MAX_ENCODED = 600
# Control characters (Unicode Cc) that a text field may hold; any other one breaks PostgreSQL (NUL),
# XML (feeds, sitemaps) or the layout, and is never typed on purpose.
TEXT_CONTROLS = frozenset("\t\n\r")

# The body is the only HTML we render. This is the editor's vocabulary and nothing more.
ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "a", "blockquote", "q", "cite",
    "ul", "ol", "li", "h2", "h3", "h4", "hr", "abbr", "code", "pre", "figure", "figcaption", "span",
    "img",
}  # fmt: skip
# lang and dir mark a phrase in another language or direction (HTML: the lang and dir attributes).
_LANGUAGE_ATTRIBUTES = {"lang", "dir"}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title", *_LANGUAGE_ATTRIBUTES},
    "q": {"cite", *_LANGUAGE_ATTRIBUTES},
    "span": _LANGUAGE_ATTRIBUTES,
    "img": {"src", "alt", "width", "height"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Attributes holding a URL (HTML's cite, href and src): kept only when relative or of a safe scheme.
URL_ATTRIBUTES = {"cite", "href", "src"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
# What browsers ignore inside a URL before reading its scheme (WHATWG URL: C0 controls and space).
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]+")
# Pictures in the body never hold up the page: the browser fetches them as they scroll into view.
SET_ATTRIBUTES = {"img": {"loading": "lazy", "decoding": "async"}}
# nh3 writes every tag it keeps as <img attr="..."> (double quotes; a quote inside a value is escaped).
_IMG = re.compile(r"<img\b[^>]*>")
_IMG_ALT = re.compile(r'\salt="')


def nfc(value: str) -> str:
    """``value`` in Unicode Normalization Form C, the one form Newsroom stores (UAX #15)."""
    return unicodedata.normalize("NFC", value)


def name_key(name: str) -> str:
    """The key two names are "the same" by: NFC, inner whitespace collapsed, case folded (Unicode casefold).

    "Україна", "УКРАЇНА" and an NFD spelling of either get one key, on SQLite and PostgreSQL alike,
    because the key is computed here and stored, not left to the database's collation.
    """
    return nfc(" ".join(str(name).split())).casefold()


def control_characters(value: str, allowed=TEXT_CONTROLS) -> list[str]:
    """The control characters in ``value`` a record may not hold, as "U+0007" names: Unicode Cc other than
    ``allowed``, and bidirectional controls left unbalanced (unbalanced_bidi_controls)."""
    found = dict.fromkeys(f"U+{ord(c):04X}" for c in value if unicodedata.category(c) == "Cc" and c not in allowed)
    found.update(dict.fromkeys(unbalanced_bidi_controls(value)))
    return list(found)


# Unicode bidirectional formatting characters (UAX #9, section 2): embeddings and overrides closed by PDF,
# isolates closed by PDI.
_BIDI_OPENERS = {"\u202a": "\u202c", "\u202b": "\u202c", "\u202d": "\u202c", "\u202e": "\u202c",
                 "\u2066": "\u2069", "\u2067": "\u2069", "\u2068": "\u2069"}  # fmt: skip
_BIDI_CLOSERS = {"\u202c", "\u2069"}


def unbalanced_bidi_controls(value: str) -> list[str]:
    """The bidirectional controls of ``value`` that are never closed, or close nothing, as "U+202E" names.

    An override or isolate left open reorders everything after it, in the title of a page, a feed or a desk
    list alike: the "Trojan Source" spoofing (CVE-2021-42574). Balanced pairs (an Arabic quote isolated in an
    English headline) are kept. Each line is checked on its own, as the algorithm ends every paragraph.
    """
    if not any("\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069" for c in value):
        return []
    found = []
    for line in value.splitlines():
        stack = []
        for c in line:
            if c in _BIDI_OPENERS:
                stack.append(c)
            elif c in _BIDI_CLOSERS:
                if stack and _BIDI_OPENERS[stack[-1]] == c:
                    stack.pop()
                else:
                    found.append(c)
        found += stack
    return list(dict.fromkeys(f"U+{ord(c):04X}" for c in found))


# Unicode's category Cc is exactly these 65 code points, fixed since Unicode 1.1 (C0, DEL and C1).
CONTROL_CODES = [*range(0x00, 0x20), *range(0x7F, 0xA0)]


@functools.cache
def _controls_except(allowed: frozenset) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(chr(c)) for c in CONTROL_CODES if chr(c) not in allowed) + "]")


def strip_control_characters(value: str, allowed=TEXT_CONTROLS) -> str:
    """``value`` without its control characters (Unicode Cc) other than ``allowed``; ``value`` itself if none.

    A regular expression, not a Python loop over every character: an article body is sanitized on each render.
    """
    pattern = _controls_except(frozenset(allowed))
    return pattern.sub("", value) if pattern.search(value) else value


def encoded_length(value: str) -> int:
    """How many characters ``value`` takes in a URL once percent-encoded as UTF-8 (RFC 3986)."""
    return len(quote(value, safe="-"))


def validate_slug(value: str) -> None:
    """Newsroom's one slug rule, shared by model fields, forms, the URL converter and slugify().

    A slug holds letters, digits, combining marks (Unicode L, N, M: any script), hyphens and
    underscores (which Django's slugs allow), is in NFC, does not start with a combining mark, and
    has at most SLUG_MAX_ENCODED characters once percent-encoded. Raises ValidationError naming the problem.
    """
    if not value:
        raise ValidationError("Enter a slug.", code="invalid")
    if value != nfc(value):
        raise ValidationError("The slug is not in Unicode NFC form.", code="invalid")
    bad = sorted({c for c in value if c not in "-_" and unicodedata.category(c)[0] not in _SLUG_CATEGORIES})
    if bad:
        shown = ", ".join(f"“{c}”" if c.isprintable() and not c.isspace() else f"U+{ord(c):04X}" for c in bad)
        raise ValidationError(
            f"A slug may hold only letters, digits, marks, hyphens and underscores, not {shown}.", code="invalid"
        )
    if unicodedata.category(value[0])[0] == "M":
        raise ValidationError("A slug cannot start with a combining mark.", code="invalid")
    if encoded_length(value) > SLUG_MAX_ENCODED:
        raise ValidationError(
            f"The slug is too long for an address ({encoded_length(value)} characters once encoded, at most "
            f"{SLUG_MAX_ENCODED}).",
            code="max_length",
        )


def is_valid_slug(value: str) -> bool:
    try:
        validate_slug(value)
    except ValidationError:
        return False
    return True


def _fits(value: str, max_length: int, max_encoded: int) -> bool:
    return len(value) <= max_length and encoded_length(value) <= max_encoded


def _cut(word: str, max_length: int, max_encoded: int) -> str:
    """The longest start of ``word`` that fits, never ending inside a character with its marks."""
    end = len(word)
    while end and not _fits(word[:end], max_length, max_encoded):
        end -= 1
    # A combining mark belongs to the letter before it: cut before that letter, not between them.
    while 0 < end < len(word) and unicodedata.category(word[end])[0] == "M":
        end -= 1
    return word[:end]


def _without_leading_marks(word: str) -> str:
    start = 0
    while start < len(word) and unicodedata.category(word[start])[0] == "M":
        start += 1
    return word[start:]


def slugify(value: str, max_length: int = 80, max_encoded: int = SLUG_MAX_ENCODED) -> str:
    """Return a lower-case slug of ``value`` (possibly empty) that passes validate_slug().

    Cut at a word boundary so that it has at most ``max_length`` characters and ``max_encoded``
    percent-encoded characters; a single over-long word is cut between graphemes, never inside one.
    """
    value = nfc(unicodedata.normalize("NFKC", str(value)).lower())
    # NFKC splits Thai and Lao AM (ำ, ຳ) into two letters; keep the one readers type and paste.
    value = value.replace("\u0e4d\u0e32", "\u0e33").replace("\u0ecd\u0eb2", "\u0eb3")
    chars = [c if unicodedata.category(c)[0] in _SLUG_CATEGORIES else " " for c in value]
    words = "".join(chars).split()
    # A combining mark must not start a word: it would render on its own.
    words = [word for word in map(_without_leading_marks, words) if word]
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if not _fits(candidate, max_length, max_encoded):
            break
        slug = candidate
    if not slug and words:
        slug = _cut(words[0], max_length, max_encoded)
    return slug


# unique_slug() tries this many numbered slugs in one indexed lookup before it scans for a free number.
SLUG_TRIES = 20


def unique_slug(instance, value: str, *, field: str = "slug", max_length: int = 80) -> str:
    """A slug for ``value`` that no other row of ``instance``'s model has: ``base``, else ``base-2``, ``base-3``...

    The usual case is one lookup of SLUG_TRIES exact values on the unique index (a LIKE prefix scan cannot use
    the index on SQLite, and cost a second per import of 500 files at 100,000 articles); only a base with that
    many numbered namesakes falls back to reading all of them.
    """
    # Room for a "-NNN" suffix within both limits.
    base = slugify(value, max_length=max_length - 8, max_encoded=SLUG_MAX_ENCODED - 8) or SLUG_FALLBACK
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


def safe_url(value: str) -> bool:
    """Whether a URL attribute may stay: relative, or of a scheme in ALLOWED_URL_SCHEMES.

    The scheme is read as browsers read it (WHATWG URL): ignoring controls and spaces, so
    "java\tscript:" is still javascript.
    """
    match = _SCHEME.match(_URL_IGNORED.sub("", value))
    return match is None or match.group(1).lower() in ALLOWED_URL_SCHEMES


def image_source(url: str) -> str | None:
    """``url`` if a body image may load from it: our own media files (MEDIA_URL) or an https address."""
    url = url.strip()
    if url.startswith(settings.MEDIA_URL) and not url.startswith("//") and ".." not in url:
        return url
    return url if url.lower().startswith("https://") else None


def _keep_attribute(tag, attribute, value):
    if attribute in URL_ATTRIBUTES and not safe_url(value):
        return None
    if tag == "img" and attribute == "src":
        return image_source(value)
    if tag == "img" and attribute in ("width", "height"):
        return value if value.isdigit() and 0 < int(value) <= 10_000 else None
    if attribute == "dir" and value.lower() not in {"ltr", "rtl", "auto"}:
        return None
    return value


def sanitize_html(value: str) -> str:
    """Strip everything but the allowed markup; links get rel=noopener noreferrer.

    Unsafe URLs go from every URL attribute (nh3 checks only some attributes' schemes), and control
    characters other than tab and newline are removed from the text (they break XML feeds and PostgreSQL).
    Images keep only a same-site media or https ``src``, ``alt``, and numeric ``width``/``height``, and load
    lazily; an image without a source or without alt text is dropped, since some readers would get nothing.
    """
    cleaned = nh3.clean(
        strip_control_characters(value or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_attribute,
        set_tag_attribute_values=SET_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    if "<img" not in cleaned:
        return cleaned
    return _IMG.sub(lambda m: m.group(0) if _IMG_ALT.search(m.group(0)) and " src=" in m.group(0) else "", cleaned)


# Sanitized bodies remembered per process, most recently used last: (text, MEDIA_URL) -> sanitized text. At
# most _REMEMBERED_CHARACTERS characters in all, texts and results (a str takes 1, 2 or 4 bytes a character:
# 8 MB at worst); one entry at most a 50th of that, so a long read or an output that escaping made five times
# longer is sanitized each time instead.
_REMEMBERED_CHARACTERS = 2_000_000
_remembered = collections.OrderedDict()
_remembered_lock = threading.Lock()
_remembered_size = 0


def sanitized(value: str) -> str:
    """sanitize_html(value), remembered per process for each text and MEDIA_URL (which decides which images stay).

    Pages and feeds sanitize the same stored bodies again on every render (fixtures and raw SQL bypass save());
    nh3 with its per-attribute callback costs about 0.2 ms a story, a lookup a few microseconds.
    """
    global _remembered_size
    key = (value or "", settings.MEDIA_URL)
    with _remembered_lock:
        found = _remembered.get(key)
        if found is not None:
            _remembered.move_to_end(key)
            return found
    cleaned = sanitize_html(key[0])
    size = len(key[0]) + len(cleaned)
    if size <= _REMEMBERED_CHARACTERS // 50:
        with _remembered_lock:
            if key not in _remembered:
                _remembered[key] = cleaned
                _remembered_size += size
            while _remembered_size > _REMEMBERED_CHARACTERS:
                (text, _media), old = _remembered.popitem(last=False)
                _remembered_size -= len(text) + len(old)
    return cleaned


def paragraphs_to_html(paragraphs) -> str:
    """Plain-text paragraphs as body HTML: each escaped and wrapped in one <p>."""
    return "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p.strip())
