"""One address per page: a URL in another Unicode normal form redirects to its NFC spelling."""

from django.http import HttpResponsePermanentRedirect
from django.utils.encoding import escape_uri_path

from .text import nfc


class UnicodeRequestMiddleware:
    """Answer a GET or HEAD for a path not in NFC (e.g. an NFD slug) with a 301 to the NFC path.

    Slugs are stored in NFC (articles.text.validate_slug); macOS and some keyboards send NFD, so a
    link typed or pasted there still reaches its page, and search engines see one URL (Unicode UAX #15).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        canonical = nfc(path)
        if canonical != path and request.method in {"GET", "HEAD"}:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(escape_uri_path(canonical) + (f"?{query}" if query else ""))
        return self.get_response(request)
