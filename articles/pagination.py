"""Pagination whose cost does not grow with the archive: counted up to a cap, never past it."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Lists stop after this many pages (2,000 articles): deeper offsets cost more with every page, and older
# articles are a click away in the archive by year and month, whose lists are short.
MAX_PAGES = 100


class CappedPaginator(Paginator):
    """Counts at most MAX_PAGES pages of rows, so no request counts the whole archive.

    ``capped`` says that there are more rows than the pages show ("2,000+ articles"). ``count_queryset``, if
    given, is counted instead of the rows: the same rows, in the shape a database counts fastest.
    """

    def __init__(self, *args, count_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_queryset = count_queryset

    @cached_property
    def count(self):
        limit = MAX_PAGES * self.per_page
        # No ORDER BY: the database stops after limit + 1 rows instead of sorting every match first.
        rows = self.object_list if self.count_queryset is None else self.count_queryset
        found = rows.order_by()[: limit + 1].count()
        self.capped = found > limit
        return min(found, limit)

    capped = False

    def _get_page(self, object_list, *args, **kwargs):
        # A list, so the template can name the page's last article (the link to older ones in the archive).
        return super()._get_page(list(object_list), *args, **kwargs)


class CappedListMixin:
    paginator_class = CappedPaginator
