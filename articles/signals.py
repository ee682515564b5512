"""Signals of the newsroom's own, for changes that Django's model signals do not announce."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import Signal

# Sent with ``article_ids`` when what those articles show has changed in a way Django's model signals do not
# announce: bulk updates (merging tags or sources), bulk_create of their rows (imports), or the end of a
# batched_changes() block. Search re-indexes them.
articles_changed = Signal()

_pending = ContextVar("pending_article_changes", default=None)


@contextmanager
def batched_changes():
    """Collect the articles changed inside the block and announce them once, as one articles_changed, at
    its end (inside the caller's transaction). Receivers ask :func:`defer` first. Nested blocks join the
    outermost; nothing is sent if the block raises."""
    if _pending.get() is not None:
        yield
        return
    ids = set()
    token = _pending.set(ids)
    try:
        yield
    finally:
        _pending.reset(token)
    if ids:
        articles_changed.send(sender=None, article_ids=sorted(ids))


def defer(article_id):
    """True if a batched_changes() block is open and will announce ``article_id`` at its end."""
    ids = _pending.get()
    if ids is None:
        return False
    ids.add(article_id)
    return True


_loading_fixtures = ContextVar("loading_fixtures", default=False)


@contextmanager
def loading_fixtures():
    """Mark the block as a fixture or backup load (articles' loaddata): the rows it brings are complete as they
    are, so receivers that would make related rows themselves (an Author for a writer) leave it alone."""
    token = _loading_fixtures.set(True)
    try:
        yield
    finally:
        _loading_fixtures.reset(token)


def is_loading_fixtures():
    return _loading_fixtures.get()
