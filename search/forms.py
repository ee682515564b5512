from django import forms

from articles.fields import SlugFormField

SORTS = [("relevance", "Relevance"), ("date", "Newest first")]


class SearchForm(forms.Form):
    """What readers type (``q``), the order, and the facets that narrow a search. Bad input is a form
    error naming the field, never a server error (NUL bytes and over-long input included). Facets take every
    slug the site makes (articles.text.validate_slug: combining marks too, in NFC, at most its length)."""

    q = forms.CharField(label="Search articles", max_length=200, required=False, strip=True)
    sort = forms.ChoiceField(label="Sort by", choices=SORTS, required=False)
    section = SlugFormField(required=False)
    tag = SlugFormField(required=False)
    source = SlugFormField(required=False)
    author = SlugFormField(required=False)
    year = forms.IntegerField(min_value=1, max_value=9999, required=False)

    # Each facet's parameter and the article lookup it narrows by.
    FILTERS = {
        "section": "section__slug",
        "tag": "tagged_items__tag__slug",
        "source": "citations__source__slug",
        "author": "bylines__author__slug",
        "year": "published_at__year",
    }

    def filters(self):
        """The chosen facets as Article lookups, e.g. ``{"section__slug": "news"}`` (call after is_valid())."""
        return {lookup: self.cleaned_data[name] for name, lookup in self.FILTERS.items() if self.cleaned_data.get(name)}

    @property
    def active_filters(self):
        """``[(parameter, value), ...]`` of the facets in use, for hidden inputs and "remove" links."""
        if not self.is_valid():
            return []
        return [(name, self.cleaned_data[name]) for name in self.FILTERS if self.cleaned_data.get(name)]
