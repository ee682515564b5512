"""Desk filters that stay small at any archive size: a text box instead of a list of every tag or source."""

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext

from .cache import per_generation
from .models import Article, Byline, Citation, TaggedArticle


class LanguageFilter(admin.SimpleListFilter):
    """The languages articles are written in, by name ("Ukrainian (uk)"); read once per content change."""

    title, parameter_name = "language", "language"

    def lookups(self, request, model_admin):
        names = dict(settings.LANGUAGES)
        codes = per_generation(
            "desk-languages", lambda: sorted(Article.objects.order_by().values_list("language", flat=True).distinct())
        )
        return sorted(((code, f"{gettext(names.get(code, code))} ({code})") for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


class NameInputFilter(admin.SimpleListFilter):
    """Filter articles by the name (or part of it) of a related tag, source or author, typed in a box.

    Django's related-field filters list every row of the related table on every changelist page: thousands of
    tags make the page hundreds of kilobytes. Subclasses set ``through`` (the link model), ``article_field``
    and ``name_lookup``.
    """

    template = "admin/articles/input_filter.html"
    through = None
    article_field = "article"
    name_lookup = ""

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        # The box submits a plain GET form: carry the changelist's other parameters along.
        self.other_params = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in {self.parameter_name, "p"}
            for value in values
        ]

    def lookups(self, request, model_admin):
        return [("", "")]  # one placeholder, so the admin shows the filter at all

    def choices(self, changelist):
        yield {
            "selected": not self.value(),
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "All",
        }

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        linked = self.through.objects.filter(**{f"{self.name_lookup}__icontains": value})
        return queryset.filter(pk__in=linked.values(self.article_field))


class TagNameFilter(NameInputFilter):
    title, parameter_name = "tag", "tag_name"
    through, article_field, name_lookup = TaggedArticle, "content_object", "tag__name"


class SourceNameFilter(NameInputFilter):
    title, parameter_name = "cited source", "source_name"
    through, name_lookup = Citation, "source__name"


class AuthorNameFilter(NameInputFilter):
    title, parameter_name = "author", "author_name"
    through, name_lookup = Byline, "author__name"
