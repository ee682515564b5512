"""manage.py make_renditions: make every rendition of every library image that does not have them yet."""

from django.core.management.base import BaseCommand

from images import renditions
from images.models import Image


class Command(BaseCommand):
    help = (
        "Make the renditions (every layout's sizes, AVIF, WebP and JPEG) of every library image that lacks them: "
        "after a data migration, a restore of media files, or a change to images.renditions.LAYOUTS."
    )

    def handle(self, *args, verbosity=1, **options):
        images = Image.objects.order_by("pk")
        total, failed = images.count(), []
        for i, image in enumerate(images.iterator(), start=1):
            done = renditions.make_all(image)
            if not done:
                failed.append(image)
            if verbosity:
                self.stdout.write(f"[{i}/{total}] {image.file.name}: {'ok' if done else 'cannot be read'}")
        if failed:
            self.stderr.write(f"{len(failed)} image(s) could not be read: " + ", ".join(str(i.pk) for i in failed))
