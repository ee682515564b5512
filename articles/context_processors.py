from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject

from .cache import per_generation
from .models import Section

_site_links = {}  # script prefix -> site_links()


def navigation_sections():
    """The sections of the navigation, [Section (pk, name, slug)] in their order: read once per content change.

    Each has its address as ``url`` already, so the navigation of every page costs no URL building.
    """

    def read():
        sections = list(Section.objects.only("name", "slug"))
        for section in sections:
            section.url = section.get_absolute_url()
        return sections

    return per_generation("nav-sections", read)


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
    """The publication's name, address and language, its links, and the sections for the navigation (cached)."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_url": settings.NEWSROOM_SITE_URL,
        "site_language": settings.NEWSROOM_LANGUAGE,
        "site_links": site_links(),
        "nav_sections": SimpleLazyObject(navigation_sections),  # pages without navigation do not read it
    }
