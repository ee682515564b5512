"""Editorial rules, each stated once. Views, feeds, sitemaps, search and admin reuse them."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ArticleQuerySet(models.QuerySet):
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

    def visible_to(self, user):
        """Readers see published(); staff who may view articles also see drafts (with a banner)."""
        if user.is_authenticated and user.is_staff and user.has_perm("articles.view_article"):
            return self
        return self.published()

    def for_listing(self):
        """Everything a list of articles shows, fetched in a fixed number of queries."""
        return self.select_related("section").prefetch_related("bylines__author", "tags")

    def search(self, query):
        """Articles whose headline, dek or body contain every word of ``query``."""
        condition = Q()
        for word in query.split():
            condition &= Q(headline__icontains=word) | Q(dek__icontains=word) | Q(body__icontains=word)
        return self.filter(condition) if condition else self.none()
