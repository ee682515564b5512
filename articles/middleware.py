"""Requests in any script, and never a 500 from text the database cannot hold."""

from django.http import HttpResponseBadRequest, HttpResponsePermanentRedirect
from django.utils.encoding import escape_uri_path

from .text import nfc


class UnicodeRequestMiddleware:
    """One address per page, and no NUL into a query.

    - A GET or HEAD for a path not in NFC (e.g. an NFD slug, as macOS sends it) answers 301 with the NFC
      path: slugs are stored in NFC (articles.text.validate_slug), so the link still reaches its page
      and search engines see one URL (Unicode UAX #15).
    - A query string holding U+0000 answers 400: PostgreSQL refuses NUL in text, and admin filters,
      search and autocomplete pass query values to the database (a 500 there). Forms already refuse
      NUL in posted fields (Django's ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            return HttpResponseBadRequest("The address holds a NUL character (U+0000).", content_type="text/plain")
        path = request.path
        canonical = nfc(path)
        if canonical != path and request.method in {"GET", "HEAD"}:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(escape_uri_path(canonical) + (f"?{query}" if query else ""))
        return self.get_response(request)
