from django.conf import settings

from .models import Section


def site(request):
    """The publication's name, address and language, and the sections for the navigation (one query)."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_url": settings.NEWSROOM_SITE_URL,
        "site_language": settings.NEWSROOM_LANGUAGE,
        "nav_sections": Section.objects.only("name", "slug"),
    }
