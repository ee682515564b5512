"""The client's address as the app sees it behind its proxies."""

from django.conf import settings


def client_ip(request):
    """The client's IP address (a string) for login throttling.

    Each trusted proxy (``NEWSROOM_TRUSTED_PROXIES``, counted from the app outwards) appends the address it was
    connected from to ``X-Forwarded-For``, so the client is the N-th address from the right; anything left of it
    was written by the client and can be forged. With no trusted proxy, or a header shorter than that, it is
    ``REMOTE_ADDR``.
    """
    trusted = settings.NEWSROOM_TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if trusted and len(forwarded) >= trusted:
        return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR", "")
