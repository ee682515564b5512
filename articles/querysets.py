"""Editorial rules, each stated once. Views, feeds, sitemaps, search and admin reuse them."""

from django.db import models
from django.db.models import Count, Prefetch
from django.utils import timezone


class ArticleQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        """Fixtures address articles by slug, so reloading one updates the article it made before."""
        return self.get(slug=slug)

    def published(self):
        """What readers may see: published, and the publication time has come.

        Checked at query time, so a scheduled article goes live on the second with no cron or worker.
        """
        return self.filter(status="published", published_at__lte=timezone.now())

    def scheduled(self):
        """Published by an editor, waiting for its publication time."""
        return self.filter(status="published", published_at__gt=timezone.now())

    def unpublished(self):
        """Drafts and articles in review."""
        return self.exclude(status="published")

    def on_desk_of(self, user):
        """The articles ``user`` works on: all of them for editors, their own for everyone else."""
        from .permissions import may_publish  # permissions imports the models, which import this module

        if may_publish(user):
            return self
        return self.filter(created_by=user.pk) if user.is_authenticated else self.none()

    def visible_to(self, user):
        """Readers see published(); staff also see the unpublished articles on their desk (under a banner)."""
        if user.is_authenticated and user.is_staff and user.has_perm("articles.view_article"):
            return self.published() | self.on_desk_of(user)
        return self.published()

    def for_listing(self):
        """Everything a list of articles shows, fetched in a fixed number of queries."""
        return self.select_related("section").prefetch_related(self._joined("bylines", "author"), "tags")

    def for_detail(self):
        """Everything the article page shows, fetched in a fixed number of queries."""
        return self.for_listing().prefetch_related(self._joined("citations", "source"), "notes", "corrections")

    def _joined(self, relation, foreign_key):
        """Prefetch ``relation`` with its ``foreign_key`` joined in: one query where "relation__fk" takes two."""
        model = self.model._meta.get_field(relation).related_model
        return Prefetch(relation, queryset=model.objects.select_related(foreign_key))

    def related_to(self, article):
        """Articles sharing tags with ``article``, those sharing most first."""
        return (
            self.filter(tagged_items__tag__in=article.tagged_items.values("tag"))
            .exclude(pk=article.pk)
            .annotate(shared_tags=Count("tagged_items"))
            .order_by("-shared_tags", "-published_at", "-pk")
        )

    def with_last_correction(self):
        """Each article's latest correction time as ``last_correction_at`` (None without one), for seo.updated_at.

        One subquery per row instead of a prefetch of every correction: a sitemap page lists thousands.
        """
        from .models import Correction  # the models import this module

        latest = Correction.objects.filter(article=models.OuterRef("pk")).order_by("-published_at")
        return self.annotate(last_correction_at=models.Subquery(latest.values("published_at")[:1]))

    def published_since(self, when):
        """Articles whose publication time is ``when`` or later (e.g. the news sitemap's last two days)."""
        return self.filter(published_at__gte=when)


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Corrections and clarifications readers see: those of public articles, newest first."""
        from .models import Article  # the models import this module

        return self.filter(article__in=Article.objects.published()).order_by("-published_at", "-pk")
