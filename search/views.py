"""The readers' search page: /search/?q= over published articles only, never indexed by search engines."""

from urllib.parse import urlencode

from django.views.generic import ListView

from .forms import SearchForm
from .query import parse
from .results import SearchResults

PAGE_SIZE = 20


class SearchView(ListView):
    """Ranked results with snippets, the total, facets that narrow, pages and a choice of order.

    The query syntax is search.query's; a query with nothing to search for shows the form, bad
    parameters a form error (status 200, input kept).
    """

    template_name = "search/search.html"
    paginate_by = PAGE_SIZE
    results = None
    _params = None

    def get_queryset(self):
        self.form = SearchForm(self.request.GET or None)
        if not self.form.is_valid():
            return []
        self.query = parse(self.form.cleaned_data["q"])
        if not self.query:
            return []
        self.results = SearchResults(
            self.query, self.form.filters(), sort=self.form.cleaned_data["sort"] or "relevance"
        )
        return self.results

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            form=self.form, results=self.results, previous_label="Previous results", next_label="More results", **kwargs
        )
        if self.results is not None and self.results.total:
            context["facets"] = [
                (facet.label, [(item, self._url(**{facet.name: item.value})) for item in facet.values])
                for facet in self.results.facets()
            ]
        context["filters"] = [(name, value, self._url(**{name: None})) for name, value in self.form.active_filters]
        return context

    def _url(self, **changes):
        """This page's query string with ``changes`` (None removes a parameter), back on page 1."""
        if self._params is None:  # read once: a page has some forty facet links
            self._params = [(k, v) for k, v in self.request.GET.lists() if k != "page"]
        params = [(k, [changes[k]] if k in changes else v) for k, v in self._params if changes.get(k, v) is not None]
        params += [(k, [v]) for k, v in changes.items() if v is not None and k not in self.request.GET]
        return "?" + urlencode(params, doseq=True)
