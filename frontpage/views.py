"""The home page and the section pages' lead. The lists under them are the articles app's."""

from django.views.generic import ListView

from articles.models import Article
from articles.pagination import CappedListMixin
from articles.views import PAGE_SIZE, SectionView, archive_years

from . import selection


class FrontPageView(CappedListMixin, ListView):
    """Lead, featured row and section blocks (page 1 only), then the latest of the rest, paginated."""

    template_name = "frontpage/home.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.front = selection.front_page()
        return Article.objects.published().exclude(pk__in=self.front.shown).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(front=self.front, archive_years=archive_years(), **kwargs)


class SectionFrontView(SectionView):
    """A section's page, led by its newest pictured story."""

    template_name = "frontpage/section.html"

    def get_template_names(self):
        return [self.template_name]

    def get_queryset(self):
        queryset = super().get_queryset()
        self.lead = selection.section_lead(self.object)
        return queryset.exclude(pk=self.lead.pk) if self.lead else queryset

    def get_context_data(self, **kwargs):
        return super().get_context_data(section_lead=self.lead, **kwargs)
