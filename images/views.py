"""Serving the uploaded pictures and their renditions when no web server in front does it."""

from django.conf import settings
from django.views.decorators.http import require_safe
from django.views.static import serve

# Rendition names are hashes of their source and recipe: a changed image gets new names, so they never go stale.
FOREVER = "public, max-age=31536000, immutable"
AN_HOUR = "public, max-age=3600"


@require_safe
def media(request, path):
    """The file at ``path`` under MEDIA_ROOT (django.views.static.serve refuses paths outside it), with caching.

    Uploads are checked images (images.uploads), so nothing served here is a page or a script.
    """
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = FOREVER if path.startswith(f"{settings.IMAGEKIT_CACHEFILE_DIR}/") else AN_HOUR
    return response
