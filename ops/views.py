"""Views for operating the site: the server error handler and uploaded media."""

import sys

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponseServerError
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import static
from django.views.decorators.http import require_safe

# Seconds a client is asked to wait before retrying while the database is unavailable.
RETRY_AFTER = 30


def _database_unavailable(error):
    """True when ``error`` (or an exception it was raised from) says the database cannot be reached."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def server_error(request):
    """``handler500``: a 503 page (templates/503.html, Retry-After) when the database cannot be reached,
    otherwise the 500 page.

    Django calls it while handling the uncaught exception, from any layer (view, template, middleware), so
    ``sys.exc_info()`` is that exception. Both pages render without context: the database may be down.
    """
    if _database_unavailable(sys.exc_info()[1]):
        response = HttpResponseServerError(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(RETRY_AFTER)
        add_never_cache_headers(response)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


@require_safe
def media(request, path):
    """An uploaded file from ``MEDIA_ROOT`` (local storage), by its path under ``MEDIA_URL``.

    ``django.views.static.serve`` refuses paths outside the folder and answers conditional requests. An upload
    is never run as a page: it gets a sandboxing CSP, nosniff, and is cached for a day (a replaced file gets a
    new name, as the storage does not overwrite).
    """
    try:
        response = static.serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:  # a path leaving the folder: nothing there, as for any missing file
        raise Http404("No such file.") from None
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    # Rendition names are hashes of their source and recipe (django-imagekit): a changed picture gets new names.
    rendition = path.startswith(f"{settings.IMAGEKIT_CACHEFILE_DIR}/")
    response["Cache-Control"] = "public, max-age=31536000, immutable" if rendition else "public, max-age=86400"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
