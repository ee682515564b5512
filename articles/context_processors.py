from django.conf import settings
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe

from .cache import per_generation
from .models import Section

_site_links = {}  # script prefix -> site_links()


def navigation_sections():
    """The sections of the navigation, [Section (pk, name, slug)] in their order: read once per content change."""
    return per_generation("nav-sections", lambda: list(Section.objects.only("name", "slug")))


def navigation(current_section=None):
    """The navigation's items (HTML ``<li>``s, includes/navigation.html), ``current_section`` marked as the
    current page: rendered once per content generation and current section, not on every page."""
    key = f"nav-html:{current_section.pk if current_section else ''}"

    def render():
        context = {"nav_sections": navigation_sections(), "current_section": current_section}
        return render_to_string("includes/navigation.html", context)

    return mark_safe(per_generation(key, render))  # noqa: S308 (a template's escaped output)


def site_links():
    """The addresses every page links to, found once per process (and script prefix), not per page.

    A dict: ``home``, ``search``, ``rss``, ``atom``, ``json`` (the site's feeds), ``corrections`` and
    ``corrections_rss``, and the static files ``stylesheet``, ``favicon`` and ``touch_icon``. Reversing a URL
    name costs about 30 microseconds; a page's frame had eleven.
    """
    prefix = get_script_prefix()
    links = _site_links.get(prefix)
    if links is None:
        links = _site_links[prefix] = {
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
    return links


def site(request):
    """The publication's name, address and language, and its links (the navigation: templatetags navigation)."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_url": settings.NEWSROOM_SITE_URL,
        "site_language": settings.NEWSROOM_LANGUAGE,
        "site_links": site_links(),
    }
