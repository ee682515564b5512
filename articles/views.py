"""Public pages. Every queryset starts from Article.objects.published() (or visible_to for previews)."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Article, Author, Section, Source, Tag


class HomeView(ListView):
    template_name = "articles/home.html"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().for_listing()


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).select_related("section")


class FilteredListView(ListView):
    """Published articles of one section, tag, source or author."""

    model = None
    article_filter = ""
    template_name = "articles/article_list.html"
    paginate_by = 20

    def get_queryset(self):
        self.object = get_object_or_404(self.model, slug=self.kwargs["slug"])
        return Article.objects.published().filter(**{self.article_filter: self.object}).for_listing().distinct()

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, **kwargs)


class SectionView(FilteredListView):
    model, article_filter = Section, "section"


class TagView(FilteredListView):
    model, article_filter = Tag, "tags"


class SourceView(FilteredListView):
    model, article_filter = Source, "sources"


class AuthorView(FilteredListView):
    model, article_filter = Author, "authors"
