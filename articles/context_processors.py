from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .cache import per_generation
from .models import Section


def navigation_sections():
    """The sections of the navigation, [Section (pk, name, slug)] in their order: read once per content change."""
    return per_generation("nav-sections", lambda: list(Section.objects.only("name", "slug")))


def site(request):
    """The publication's name, address and language, and the sections for the navigation (from the cache)."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_url": settings.NEWSROOM_SITE_URL,
        "site_language": settings.NEWSROOM_LANGUAGE,
        "nav_sections": SimpleLazyObject(navigation_sections),  # pages without navigation do not read it
    }
