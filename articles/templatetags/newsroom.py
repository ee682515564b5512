import itertools
import json
import operator
import unicodedata

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.template.defaultfilters import stringfilter, truncatechars
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from articles import context_processors, i18n, seo
from articles.models import Byline

register = template.Library()

# The characters that could end the <script> element or open a comment inside it, as in json_script.
_SCRIPT_ESCAPES = {">": "\\u003E", "<": "\\u003C", "&": "\\u0026"}


# The public-URL, time and XML rules of articles.seo, as filters.
register.filter("absolute", seo.absolute_url)
register.filter("updated_at", seo.updated_at)
register.filter("http_url", seo.http_url)
register.filter("news_language", seo.news_language)
register.filter("xml_text", seo.xml_text)
register.filter("og_locale", seo.og_locale)
register.filter("label_language", i18n.label_language)
register.simple_tag(seo.card_image, name="card_image")


@register.filter(is_safe=True)
@stringfilter
def clip(value, length):
    """``value|truncatechars:length``, the same string, without Django's walk over each character (and its
    lazy objects) for a text that is short enough already: every page's descriptions are (meta.html)."""
    if len(value) <= int(length) and unicodedata.is_normalized("NFC", value):
        return value
    return truncatechars(value, length)


@register.filter
def isotime(value):
    """A machine-readable time for <time datetime>, sitemaps and meta tags (whole seconds, as HTML requires)."""
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's address on the public site; later pages of a list keep their ?page=."""
    url = seo.absolute_url(escape_uri_path(context["request"].path))
    page = context.get("page_obj")
    return f"{url}?page={page.number}" if page and page.number > 1 else url


def _jsonld(data):
    """``data`` as an ld+json data block (a data block runs no code, so CSP allows it)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    # Three str.replace take microseconds; str.translate with a table takes a slow path on any non-ASCII text
    # (typographic quotes, any script): about 0.15 ms for a story.
    for character, escaped in _SCRIPT_ESCAPES.items():
        text = text.replace(character, escaped)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag
def navigation(current_section=None):
    """The navigation's sections as ``<li>``s, ``current_section`` marked (articles.context_processors)."""
    return context_processors.navigation(current_section or None)


@register.simple_tag
def article_jsonld(article):
    """The article's schema.org NewsArticle."""
    return _jsonld(seo.article_jsonld(article))


@register.simple_tag
def site_jsonld():
    """The home page's schema.org WebSite and publisher."""
    return _jsonld(seo.site_jsonld())


@register.simple_tag
def byline(bylines):
    """A byline as readers see it: ``By <a>Ann</a>, <a>Bo</a> and <a>Cy</a>; Photos by <a>Di</a>``.

    ``bylines``: Byline rows in order, authors joined. Consecutive bylines of one role share its label (as
    Django's ``regroup`` groups them); labels and "and" are in the active language. Safe HTML. Written in
    Python, not as a template, because every article card shows one (20 to 50 a page), with plain escaping
    rather than format_html() and a dict of role labels rather than get_role_display(): a third of the cost.
    """
    groups = []
    for role, group in itertools.groupby(bylines, key=_role):
        links = [f'<a href="{escape(b.author.get_absolute_url())}">{escape(b.author.name)}</a>' for b in group]
        names = links[-1]
        if len(links) > 1:
            names = f"{', '.join(links[:-1])} {escape(gettext('and'))} {names}"
        groups.append(f'<span class="byline__role">{escape(_ROLE_LABELS.get(role, role))}</span> {names}')
    return mark_safe("; ".join(groups))  # noqa: S308 (every value escaped above)


_ROLE_LABELS = dict(Byline.Role.choices)  # role -> its label, translated when read
_role = operator.attrgetter("role")
