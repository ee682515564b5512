"""The public page cache: anonymous pages served from Django's cache, never stale.

How a page stays fresh without timers or purges:

* The **content generation** is one integer in the cache (``GENERATION_KEY``). Any write a reader could see
  (a save or delete of an article, its bylines, citations, notes, corrections or tags, or of a section, author,
  source, alias or tag, including a fixture load or a revision restore) bumps it, through the signals connected
  in ``ArticlesConfig.ready()``. It is bumped at once and again when the transaction commits, so a page rendered
  from not-yet-committed data is retired too. Every stored page and ETag carries it, so after a change every page
  is rendered afresh (and replaces its old entry). Each request reads it from the shared cache, together with
  the page: a change made by any process is seen by the next request everywhere.
* The **next scheduled publication** is folded into the key and caps every lifetime: when it arrives, the keys
  change and the article is live on time, with no job. It is read once per generation (an indexed query).
* A revalidation is answered from these two values alone: the ETag is ``W/"<generation>.<next>.<url hash>"``,
  not a hash of the body, so a 304 costs no rendering and no database query.

Only anonymous GET requests for public pages are cached: no session cookie (staff have one), not the desk
(``/admin/``) nor share links (``/preview/``), and only 200 responses without Set-Cookie or a private /
no-store Cache-Control. Such a page cannot depend on a cookie, so ``Vary: Cookie`` is dropped and the response
says ``Cache-Control: public, max-age=0, s-maxage=N, stale-while-revalidate=N``: browsers revalidate every time
(cheaply), a CDN may keep it ``NEWSROOM_SHARED_CACHE_SECONDS``. Bodies are stored compressed (Brotli or gzip,
as the client accepts: RFC 9110 section 12.5.3), once per fill, not per hit; public pages hold no secret, so
compression cannot leak one (BREACH).
"""

import functools
import gzip
import hashlib
import math
import secrets
import time

import brotli
from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe

GENERATION_KEY = "newsroom:generation"
CHANGED_KEY = "newsroom:changed-at"
EXCLUDED_PREFIXES = ("/admin/", "/preview/")
MIN_COMPRESS = 500  # bytes: smaller bodies are not worth a Content-Encoding


def page_cache_seconds():
    return settings.NEWSROOM_PAGE_CACHE_SECONDS


# --- The content generation ----------------------------------------------------------------------------


def generation():
    """The current content generation (an int); a flushed cache starts from the clock, never from an old value."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = _start_generation()
    return value


def _start_generation():
    """A first generation for an empty cache: the clock in milliseconds, then six random digits.

    Later than any generation before a flush (bumps are far fewer than 10**6 a millisecond), and unlike any
    other process's first value even when the clock stands still (tests freeze it): a process remembers the
    State of the generation it saw last (``current_state``), so a generation number must never come back.
    """
    cache.add(GENERATION_KEY, time.time_ns() // 1_000_000 * 1_000_000 + secrets.randbelow(1_000_000), timeout=None)
    return cache.get(GENERATION_KEY)


def bump():
    """Retire every cached page: call after any change readers could see. Safe inside a transaction."""
    _bump_now()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump_now)


def _bump_now():
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not in the cache (first use or flushed): start from the clock
        generation()
    cache.set(CHANGED_KEY, time.time(), timeout=None)


def content_changed(sender, **kwargs):
    """Signal receiver (post_save, post_delete, m2m_changed) for every model readers see."""
    if kwargs.get("action", "post_").startswith("post_"):
        bump()


# Moments when pages change by themselves, besides the next scheduled publication (e.g. a front-page pin's
# expiry): callables returning a one-value queryset of the next such datetime after ``now``. Registered by watch().
_next_changes = []


def watch(model, next_change=None):
    """Retire every cached page on any write to ``model`` (a model whose rows readers see).

    ``next_change(now)``, if given, returns a queryset of one value (``.values("field")[:1]``): the next moment
    after ``now`` at which pages that show ``model`` change without a write, e.g. a placement expiring. It caps
    cache lifetimes like the next scheduled publication does, read in the same single query. Apps call this from
    AppConfig.ready().
    """
    label = model._meta.label
    post_save.connect(content_changed, sender=model, dispatch_uid=f"page-cache-{label}")
    post_delete.connect(content_changed, sender=model, dispatch_uid=f"page-cache-del-{label}")
    # tags.add() and the like: the sender is the link model (TaggedArticle, Byline, Citation).
    m2m_changed.connect(content_changed, sender=model, dispatch_uid=f"page-cache-m2m-{label}")
    if next_change is not None and next_change not in _next_changes:
        _next_changes.append(next_change)


class State:
    """What every page's freshness depends on: the generation and the next scheduled publication."""

    def __init__(self, generation, next_publication, last_modified):
        self.generation = generation
        self.next_publication = next_publication  # a Unix time, or None when nothing is scheduled
        self.last_modified = last_modified  # Unix time of the last change readers could see

    @property
    def token(self):
        return f"{self.generation}.{int(self.next_publication or 0)}"

    def expired(self, now):
        """Whether the next scheduled publication (Unix time) has arrived by ``now``: then the State is old."""
        return self.next_publication is not None and self.next_publication <= now

    def http_last_modified(self, now):
        """Last-Modified as an HTTP date, or None while the second of the last change is not over.

        HTTP dates have one-second resolution, so a page sent in the same second as a change could be followed
        by another change in that second with the same date; a client would then get a 304 for a changed page.
        Sending no date until the second is over rules that out (RFC 9110 section 8.8.2.2: a date is a reliable
        validator only a second after it). Formatted once per State.
        """
        second = int(self.last_modified)
        if int(now) <= second:
            return None
        if getattr(self, "_http_date", None) is None:
            self._http_date = http_date(second)
        return self._http_date

    def lifetime(self, now, seconds=None):
        """Seconds a page (or ``seconds``, for other data) may be kept, but never past the next publication."""
        seconds = page_cache_seconds() if seconds is None else seconds
        if self.next_publication is not None:
            seconds = min(seconds, math.ceil(self.next_publication - now))
        return max(seconds, 1)


# The State this process saw last. The generation it belongs to is read from the shared cache on every call, so
# a change made anywhere retires it at once; only the State's own reads (a cache get, or its query) are saved.
_last_state = None


def current_state(gen=None):
    """The State of generation ``gen`` (default: the current one, read from the shared cache).

    Kept by this process for its generation, and in the shared cache for the others: one indexed query per
    generation and per publication for the whole site.
    """
    global _last_state
    now = time.time()
    if gen is None:
        gen = generation()
    state = _last_state
    if state is not None and state.generation == gen and not state.expired(now):
        return state
    key = f"newsroom:state:{gen}"
    state = cache.get(key)
    if state is None or state.expired(now):
        state = _compute_state(gen, now)
        cache.set(key, state, timeout=state.lifetime(now, 3600))  # even when pages are not cached
    _last_state = state
    return state


def _compute_state(gen, now):
    from django.db.models import Subquery

    from .models import Article

    # One query, two index lookups: the next scheduled time and the newest public time (both stated by the
    # queryset rules). Any single row carries the two uncorrelated subqueries; an empty table gives no row.
    upcoming = Article.objects.scheduled().order_by("published_at").values("published_at")[:1]
    latest = Article.objects.published().order_by("-published_at").values("published_at")[:1]
    others = {f"next_{i}": Subquery(next_change(timezone.now())) for i, next_change in enumerate(_next_changes)}
    row = (
        Article.objects.order_by()
        .values(upcoming=Subquery(upcoming), latest=Subquery(latest), **others)
        .values_list("upcoming", "latest", *others)
        .first()
    )
    upcoming, latest, *moments = row or (None, None)
    upcoming = min((moment for moment in (upcoming, *moments) if moment), default=None)
    changed = cache.get(CHANGED_KEY) or 0
    last_modified = max(changed, latest.timestamp() if latest else 0) or now
    return State(gen, upcoming.timestamp() if upcoming else None, last_modified)


# --- Other data kept per generation --------------------------------------------------------------------

DATA_CACHE_SECONDS = 3600  # per_generation() values; a change retires them at once anyway


def per_generation(name, compute):
    """``compute()``, kept in the cache until the content changes or the next article goes live.

    For data whose query reads much of the archive (lists of dates, capped counts) or that every page shows (the
    navigation). Only with a cache all processes share (``NEWSROOM_DATA_CACHE``, off in production without
    Redis): a process's own cache would not see another's change, so there ``compute()`` runs every time.
    """
    if not settings.NEWSROOM_DATA_CACHE:
        return compute()
    state = current_state()
    key = f"newsroom:{name}:{state.token}"
    value = cache.get(key)
    if value is None:
        value = compute()
        # Not the page cache's lifetime: this stays useful when pages are not cached (0).
        cache.set(key, value, timeout=state.lifetime(time.time(), DATA_CACHE_SECONDS))
    return value


# --- Data kept per process -----------------------------------------------------------------------------

_per_process = {}  # (function, arguments) -> its value


@receiver(setting_changed)
def _forget_per_process(**kwargs):
    """A test that changes the settings (site URL, static files, URLs) gets values made with its settings."""
    _per_process.clear()


def per_process(function):
    """``function(*args)``, which depends on its arguments, the settings, URLs and static files only, computed
    once per process for each set of arguments (the site's links, its publisher, its default card image).

    Each call returns the same object: callers must not change it. A reversed URL or a static file's hashed
    address costs 20-30 microseconds, on every page.
    """

    @functools.wraps(function)
    def once(*args):
        key = (function, args)
        try:
            return _per_process[key]
        except KeyError:
            value = _per_process[key] = function(*args)
            return value

    return once


# --- The middleware ------------------------------------------------------------------------------------


def is_public_request(request):
    """An anonymous GET of a public page: no session, no credentials, not the desk, previews or files."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path_info.startswith(EXCLUDED_PREFIXES)
        and not request.path_info.startswith((settings.STATIC_URL, settings.MEDIA_URL))
    )


def is_cacheable_request(request):
    return page_cache_seconds() > 0 and is_public_request(request)


def is_cacheable_response(request, response):
    """A 200 for everyone: no cookie set, no CSRF token in it, not private, varying on nothing but the cookie."""
    control = response.get("Cache-Control", "")
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a form's token belongs to one client
        and "'nonce-" not in response.get("Content-Security-Policy", "")  # a nonce is for one response only
        and not any(word in control for word in ("private", "no-store", "no-cache"))
        and vary <= {"cookie", "accept-encoding"}
    )


def accepted_encoding(request):
    """'br', 'gzip' or '' for the best encoding the client accepts (ignoring q-values other than 0)."""
    offered = {}
    for part in request.META.get("HTTP_ACCEPT_ENCODING", "")[:200].split(","):
        name, _, params = part.strip().partition(";")
        offered[name.strip().lower()] = params.replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}
    for encoding in ("br", "gzip"):
        if offered.get(encoding, offered.get("*", False)):
            return encoding
    return ""


def compress(body, encoding):
    if encoding == "br":
        return brotli.compress(body, quality=5)
    return gzip.compress(body, compresslevel=6, mtime=0)


def _compress(response, encoding):
    """Compress a public page's body in place with ``encoding`` ('br', 'gzip' or '' for none); Vary says so.

    Only for responses that hold no secret (is_cacheable_response), so compression cannot leak one (BREACH).
    """
    if encoding and len(response.content) >= MIN_COMPRESS and not response.has_header("Content-Encoding"):
        response.content = compress(response.content, encoding)
        response["Content-Encoding"] = encoding
        response["Content-Length"] = str(len(response.content))
    patch_vary_headers(response, ["Accept-Encoding"])


def page_key(state, encoding, full_path):
    """(cache key, ETag) of the page at ``full_path`` (path and query string) in ``state``.

    The key names the page and encoding only: the entry carries its state's token, so a page rendered again
    after a change replaces the old entry instead of adding one. The ETag carries the token.
    """
    url_hash = hashlib.md5(full_path.encode(), usedforsecurity=False).hexdigest()
    return f"newsroom:page:{encoding}:{url_hash}", f'W/"{state.token}.{url_hash[:16]}"'


class PublicPageCacheMiddleware:
    """Serves anonymous public pages from the cache, and answers revalidations without rendering.

    A hit is one read of the shared cache (the generation and the page together: one Redis round trip), no
    query, and a response built from the stored headers. Place it after SecurityMiddleware and
    WhiteNoiseMiddleware, before SessionMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            response = self.get_response(request)
            if is_public_request(request) and is_cacheable_response(request, response):
                _compress(response, accepted_encoding(request))  # pages not cached are still sent compressed
            return response
        now = time.time()
        encoding = accepted_encoding(request)
        url_hash = hashlib.md5(request.get_full_path().encode(), usedforsecurity=False).hexdigest()
        key = f"newsroom:page:{encoding}:{url_hash}"
        found = cache.get_many([GENERATION_KEY, key])
        gen = found.get(GENERATION_KEY)
        state = current_state(gen if gen is not None else _start_generation())
        etag = f'W/"{state.token}.{url_hash[:16]}"'
        cached = found.get(key)
        if cached is not None and cached[0] == state.token:
            _token, status, headers, body = cached
            if self._not_modified(request, etag, state, now, known_page=True):
                return self._not_modified_response(headers.values())
            response = HttpResponse(body, status=status)
            # The stored headers were checked when the page was rendered: copied as they are (Django keeps them
            # as {lower-case name: (name, value)}), not validated and encoded again on every hit.
            response.headers._store = headers.copy()
            last_modified = state.http_last_modified(now)
            if last_modified is not None and "last-modified" not in headers:  # stored before its second was over
                response["Last-Modified"] = last_modified
            return response
        if self._not_modified(request, etag, state, now, known_page=False):
            return self._not_modified_response(self._freshness_headers(etag, state, now))
        response = self.get_response(request)
        if is_cacheable_response(request, response):
            self._store(response, key, etag, state, now, encoding)
        return response

    def _not_modified(self, request, etag, state, now, *, known_page):
        client_etags = request.META.get("HTTP_IF_NONE_MATCH")
        if client_etags:
            return any(tag.removeprefix("W/") == etag.removeprefix("W/") for tag in parse_etags(client_etags))
        since_header = request.META.get("HTTP_IF_MODIFIED_SINCE")
        # A date says nothing about a URL that was never a page: only a page in the cache is answered by date.
        if not (known_page and since_header):
            return False
        since = parse_http_date_safe(since_header)
        last_modified = state.http_last_modified(now)
        return since is not None and last_modified is not None and since >= int(state.last_modified)

    def _freshness_headers(self, etag, state, now):
        shared = settings.NEWSROOM_SHARED_CACHE_SECONDS
        headers = [
            ("ETag", etag),
            ("Cache-Control", f"public, max-age=0, s-maxage={shared}, stale-while-revalidate={shared}"),
            ("Vary", "Accept-Encoding"),
        ]
        last_modified = state.http_last_modified(now)
        if last_modified is not None:
            headers.append(("Last-Modified", last_modified))
        return headers

    def _not_modified_response(self, headers):
        response = HttpResponseNotModified()
        for name, value in headers:
            if name in {"ETag", "Cache-Control", "Vary", "Last-Modified", "Content-Location", "Expires"}:
                response[name] = value
        return response

    def _store(self, response, key, etag, state, now, encoding):
        # The request had no cookie, so the page cannot depend on one (the view may still have looked).
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip() and v.strip().lower() != "cookie"]
        if vary:
            response["Vary"] = ", ".join(vary)
        elif response.has_header("Vary"):
            del response["Vary"]
        _compress(response, encoding)
        for name in ("ETag", "Last-Modified", "Cache-Control"):
            if response.has_header(name):
                del response[name]
        for name, value in self._freshness_headers(etag, state, now):
            if name != "Vary":
                response[name] = value
        # (token, status, {lower-case name: (name, value)}, body): the token tells a hit from an older state's page.
        entry = (state.token, response.status_code, dict(response.headers._store), response.content)
        cache.set(key, entry, state.lifetime(now))
