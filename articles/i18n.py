"""Which language an article page's labels and dates are in."""

import functools
from pathlib import Path

from django.conf import settings


@functools.cache
def translated_languages():
    """The language codes our catalogues cover (locale/<code>/LC_MESSAGES/django.mo), plus the site's."""
    found = {
        path.parent.parent.name.replace("_", "-").lower()
        for folder in settings.LOCALE_PATHS
        for path in Path(folder).glob("*/LC_MESSAGES/django.mo")
    }
    return found | {settings.LANGUAGE_CODE, settings.NEWSROOM_LANGUAGE}


def label_language(code):
    """``code`` if the labels ("Published", "Updated", "Corrections"...) exist in it, else the site's language.

    So a Ukrainian story says "Оновлено" with a Ukrainian date, and a story in a language we have no labels
    for keeps the site's labels and dates rather than mixing two languages in one line.
    """
    return code if code in translated_languages() else settings.NEWSROOM_LANGUAGE
