"""The picture library: every image is a record with its alt text, caption, credit and focal point."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Q

from articles.text import nfc

from . import renditions, uploads


class Image(models.Model):
    """One uploaded picture, reused by any number of articles (as featured image or inside the body)."""

    file = models.ImageField(
        upload_to="images/%Y/%m/",
        validators=[uploads.validate_upload],
        help_text="JPEG, PNG, WebP, GIF or AVIF. Location and camera data (EXIF) are removed.",
    )
    alt_text = models.CharField(
        "alt text", max_length=300, help_text="What the image shows, for readers who cannot see it. Required."
    )
    caption = models.CharField(max_length=500, blank=True, help_text="Shown under the image.")
    credit = models.CharField(max_length=200, blank=True, help_text="Photographer and agency.")
    focal_x = models.PositiveSmallIntegerField(
        "focal point x",
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="Where the subject is, in percent of the width from the left; crops keep it in view.",
    )
    focal_y = models.PositiveSmallIntegerField(
        "focal point y",
        default=50,
        validators=[MaxValueValidator(100)],
        help_text="Where the subject is, in percent of the height from the top.",
    )
    width = models.PositiveIntegerField(null=True, editable=False, help_text="In pixels, read on upload.")
    height = models.PositiveIntegerField(null=True, editable=False, help_text="In pixels, read on upload.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["-created_at"], name="image_recent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text=""), name="image_has_alt", violation_error_message="An image needs alt text."
            ),
            models.CheckConstraint(
                condition=Q(focal_x__lte=100, focal_y__lte=100),
                name="image_focal_point_in_percent",
                violation_error_message="The focal point is given in percent (0–100).",
            ),
        ]

    def __str__(self):
        # What the article form's picker lists: editors know a picture by its caption and photographer.
        label = self.caption or self.alt_text
        return f"{label} ({self.credit})" if self.credit else label

    def save(self, *args, **kwargs):
        # Whichever way a picture arrives (desk, shell, import, fixture): its texts in NFC without outer spaces,
        # so alt text of spaces alone is empty and refused (image_has_alt).
        for field in ("alt_text", "caption", "credit"):
            setattr(self, field, nfc(getattr(self, field) or "").strip())
        uploaded = bool(self.file) and not self.file._committed
        if uploaded:
            # A new upload: stored without its EXIF, whichever way it arrived (desk, shell, import).
            content, self.width, self.height = uploads.without_metadata(self.file)
            self.file = content
        super().save(*args, **kwargs)
        if uploaded and settings.NEWSROOM_RENDITIONS_ON_UPLOAD:
            # The editor who uploads waits a few seconds for every size and format; readers then never do.
            transaction.on_commit(lambda: renditions.make_all(self))

    def get_absolute_url(self):
        """The original file (renditions are what pages show; see images.renditions)."""
        return self.file.url

    @property
    def anchor(self):
        """The focal point as pilkit wants it: (x, y) fractions of the width and height."""
        return (self.focal_x / 100, self.focal_y / 100)
