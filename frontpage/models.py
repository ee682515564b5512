"""What editors pin to the front page: the lead story and an ordered set of featured stories."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone


class PlacementQuerySet(models.QuerySet):
    def next_expiry(self, now):
        """The soonest ``expires_at`` after ``now``, as a queryset of one value: the front page changes then."""
        return self.filter(expires_at__gt=now).order_by("expires_at").values("expires_at")[:1]

    def live(self):
        """Placements not yet expired whose article readers may see (Article.objects.published()).

        A pinned draft, scheduled or unpublished story is left out until it is public, so pinning never leaks it.
        """
        from articles.models import Article

        now = timezone.now()
        # EXISTS per placement (a primary-key lookup each), not IN (every public article of the archive).
        public = Article.objects.published().filter(pk=OuterRef("article_id"))
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)).filter(Exists(public))


class Placement(models.Model):
    class Slot(models.TextChoices):
        LEAD = "lead", "Lead story"
        FEATURED = "featured", "Featured"

    article = models.OneToOneField(
        "articles.Article",
        on_delete=models.CASCADE,
        related_name="placement",
        help_text="A story on the front page. It shows only while it is published, even when pinned.",
    )
    slot = models.CharField(
        max_length=20,
        choices=Slot.choices,
        default=Slot.FEATURED,
        help_text="Lead: the top story (the first live one counts). Featured: the row under it.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Featured stories are shown lowest first.")
    expires_at = models.DateTimeField(
        "expires", null=True, blank=True, help_text="Leave empty to keep it until you remove it."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["slot", "order", "-created_at"]
        indexes = [models.Index(fields=["slot", "order"], name="placement_slot_order_idx")]
        verbose_name = "front-page placement"

    def __str__(self):
        return f"{self.get_slot_display()}: {self.article}"

    def get_absolute_url(self):
        return self.article.get_absolute_url()
