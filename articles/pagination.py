"""Pagination whose cost does not grow with the archive: counted up to a cap, never past it."""

import hashlib

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .cache import per_generation

# Lists stop after this many pages (2,000 articles): deeper offsets cost more with every page, and older
# articles are a click away in the archive by year and month, whose lists are short.
MAX_PAGES = 100


class CappedPaginator(Paginator):
    """Counts at most MAX_PAGES pages of rows, so no request counts the whole archive.

    ``capped`` says that there are more rows than the pages show ("2,000+ articles"). ``count_queryset``, if
    given, is counted instead of the rows: the same rows, in the shape a database counts fastest. With a
    ``count_key`` (the list's identity, e.g. its path) the count is read once per content generation.
    """

    def __init__(self, *args, count_queryset=None, count_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_queryset = count_queryset
        self.count_key = count_key

    @cached_property
    def count(self):
        limit = MAX_PAGES * self.per_page
        if self.count_key is None:
            found = self._count(limit)
        else:  # the same list (count_key) has the same count until the content changes
            key = hashlib.md5(f"{limit}:{self.count_key}".encode(), usedforsecurity=False).hexdigest()
            found = per_generation(f"list-count:{key}", lambda: self._count(limit))
        self.capped = found > limit
        return min(found, limit)

    def _count(self, limit):
        """The rows, counted up to ``limit`` + 1 (more than the pages show)."""
        # No ORDER BY: the database stops after limit + 1 rows instead of sorting every match first.
        rows = self.object_list if self.count_queryset is None else self.count_queryset
        return rows.order_by()[: limit + 1].count()

    capped = False

    def _get_page(self, object_list, *args, **kwargs):
        # A list, so the template can name the page's last article (the link to older ones in the archive).
        return super()._get_page(list(object_list), *args, **kwargs)


class CappedListMixin:
    """A list view paginated by CappedPaginator, its count kept per content generation under the list's path.

    Public lists only: the rows of a path (its slug, year or month) are the same for every reader.
    """

    paginator_class = CappedPaginator

    def get_paginator(self, queryset, per_page, **kwargs):
        kwargs.setdefault("count_key", self.request.path)
        return super().get_paginator(queryset, per_page, **kwargs)
