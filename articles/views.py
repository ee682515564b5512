"""Public pages. Every queryset starts from Article.objects.published() (or visible_to for previews)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, ListView, RedirectView, TemplateView, dates

from .cache import per_generation
from .models import Article, Author, Correction, Section, Source, Tag
from .pagination import CappedListMixin
from .querysets import article_for_page

PAGE_SIZE = 20
RELATED_COUNT = 4


def archive_years():
    """The years with public articles, newest first (read once per content change)."""
    return per_generation(
        "archive-years", lambda: list(Article.objects.published().dates("published_at", "year", order="DESC"))
    )


def related_box(article):
    """The article page's "Related articles" box as HTML ("" when none): up to RELATED_COUNT public articles
    sharing ``article``'s tags, most shared first (ArticleQuerySet.related_to), as cards.

    Rendered once per content generation (and article): it weighs hundreds of candidates, and only a change
    readers could see, or the next publication, can change it. ``article``'s tags must be prefetched.
    """

    def render():
        related = list(Article.objects.published().related_to(article).for_listing()[:RELATED_COUNT])
        return render_to_string("includes/related.html", {"related": related})

    return mark_safe(per_generation(f"related:{article.pk}", render))  # noqa: S308 (a template's escaped output)


class ArticleDetailView(DetailView):
    """One article. Staff who may view drafts see them here too, under a banner, never cached or indexed."""

    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).for_detail()

    def get_object(self, queryset=None):
        if queryset is not None:
            return super().get_object(queryset)
        article = article_for_page(self.kwargs["slug"], self.request.user)
        if article is None:
            raise Http404("No article found matching the query")
        return article

    def get_context_data(self, **kwargs):
        box = related_box(self.object)
        return super().get_context_data(related_box=box, current_section=self.object.section, **kwargs)

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        # No Last-Modified from the article's own times: the page also shows related articles, sections and
        # corrections, and an edit soon after publication does not move seo.modified_at(). Readers get the
        # page cache's validators (articles/cache.py); staff get an ETag of the body.
        if not self.object.is_public:
            response["X-Robots-Tag"] = "noindex"
            add_never_cache_headers(response)
        return response


class FilteredListView(CappedListMixin, ListView):
    """Published articles of one section, tag, source or author, with that object's feeds."""

    model = None
    kind = ""  # names the template and the feeds
    article_filter = ""
    paginate_by = PAGE_SIZE
    # A tag, source or author known only from drafts is not public either: same 404 as a wrong slug.
    allow_empty = False

    def get_template_names(self):
        return [f"articles/{self.kind}.html"]

    def get_queryset(self):
        self.object = get_object_or_404(self.model, slug=self.kwargs["slug"])
        return Article.objects.published().linked_to(self.article_filter, self.object).for_listing()

    def get_paginator(self, queryset, per_page, **kwargs):
        # Counted from the links' side, which stops after the cap, whichever way the page itself is read.
        count = Article.objects.published().linked_to(self.article_filter, self.object, dense=0)
        return super().get_paginator(queryset, per_page, count_queryset=count, **kwargs)

    def get_context_data(self, **kwargs):
        formats = ("rss", "atom", "json")
        feeds = {fmt: reverse(f"articles:{self.kind}_{fmt}", args=[self.object.slug]) for fmt in formats}
        return super().get_context_data(object=self.object, object_feeds=feeds, **kwargs)


class SectionView(FilteredListView):
    model, kind, article_filter = Section, "section", "section"
    allow_empty = True  # a section is in the navigation before its first article

    def get_context_data(self, **kwargs):
        return super().get_context_data(current_section=self.object, **kwargs)


class TagView(FilteredListView):
    model, kind, article_filter = Tag, "tag", "tags"


class SourceView(FilteredListView):
    model, kind, article_filter = Source, "source", "sources"


class AuthorView(FilteredListView):
    model, kind, article_filter = Author, "author", "authors"


class ArchiveMixin(CappedListMixin):
    date_field = "published_at"
    paginate_by = PAGE_SIZE
    make_object_list = True

    def get_queryset(self):
        return Article.objects.published()

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        # The months of a year: a read of every article of that year, so once per content generation.
        key = f"date-list:{self.request.path}:{date_type}:{ordering}"
        return per_generation(key, lambda: list(super(ArchiveMixin, self).get_date_list(queryset, date_type, ordering)))

    def get_dated_queryset(self, **lookup):
        # Only the listed articles need their bylines and tags; the next/previous links need one date each.
        return super().get_dated_queryset(**lookup).for_listing()


class YearArchiveView(ArchiveMixin, dates.YearArchiveView):
    template_name = "articles/archive_year.html"


class MonthArchiveView(ArchiveMixin, dates.MonthArchiveView):
    template_name = "articles/archive_month.html"
    month_format = "%m"


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"


class CorrectionsView(CappedListMixin, ListView):
    """Every correction and clarification to a public article, newest first."""

    template_name = "articles/corrections.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Correction.objects.public().select_related("article")


class StaticFileRedirect(RedirectView):
    """A static file at the address browsers ask for without a link (/favicon.ico, touch icons)."""

    file = ""

    def get_redirect_url(self, *args, **kwargs):
        return static(self.file)  # not permanent: the hashed name changes with the file
