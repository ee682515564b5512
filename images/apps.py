from django.apps import AppConfig


class ImagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "images"
    verbose_name = "Image library"

    def ready(self):
        from articles import cache

        from .models import Image

        # A picture's alt text, caption and credit show on cached pages.
        cache.watch(Image)
