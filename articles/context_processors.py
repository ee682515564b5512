from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe

from .cache import per_generation, per_process
from .models import Section


def navigation(current_section=None):
    """The navigation's items (HTML ``<li>``s, includes/navigation.html): every section in order,
    ``current_section`` marked as the current page.

    With the data cache (NEWSROOM_DATA_CACHE), rendered once per content generation for every current section
    at once (one query, one cache read a page); without it, the one needed, on each page.
    """

    def render(current, sections):
        return render_to_string("includes/navigation.html", {"nav_sections": sections, "current_section": current})

    if not settings.NEWSROOM_DATA_CACHE:
        return mark_safe(render(current_section, Section.objects.only("name", "slug")))  # noqa: S308 (escaped)

    def render_all():
        sections = list(Section.objects.only("name", "slug"))
        return {None: render(None, sections)} | {section.pk: render(section, sections) for section in sections}

    variants = per_generation("navigation", render_all)
    html = variants.get(current_section.pk if current_section else None, variants[None])
    return mark_safe(html)  # noqa: S308 (a template's escaped output)


def site_links():
    """The addresses every page links to, found once per process (and script prefix), not per page.

    A dict: ``home``, ``search``, ``rss``, ``atom``, ``json`` (the site's feeds), ``corrections`` and
    ``corrections_rss``, and the static files ``stylesheet``, ``favicon`` and ``touch_icon``. Reversing a URL
    name costs about 30 microseconds; a page's frame had eleven.
    """
    return _site_links(get_script_prefix())


@per_process
def _site_links(prefix):
    return {
        "home": reverse("articles:home"),
        "search": reverse("search:search"),
        "rss": reverse("articles:site_rss"),
        "atom": reverse("articles:site_atom"),
        "json": reverse("articles:site_json"),
        "corrections": reverse("articles:corrections"),
        "corrections_rss": reverse("articles:corrections_rss"),
        "stylesheet": static("css/site.css"),
        "favicon": static("favicon.ico"),
        "touch_icon": static("img/apple-touch-icon.png"),
    }


def site(request):
    """The publication's name, address and language, and its links (the navigation: templatetags navigation)."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_url": settings.NEWSROOM_SITE_URL,
        "site_language": settings.NEWSROOM_LANGUAGE,
        "site_links": site_links(),
    }
