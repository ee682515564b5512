from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ImagesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "images"
    verbose_name = "Image library"

    def ready(self):
        from articles import cache

        # Alt text, caption, credit, focal point or a deleted picture changes the pages showing it: retire every
        # cached page (articles/cache.py).
        model = self.get_model("Image")
        post_save.connect(cache.content_changed, sender=model, dispatch_uid="page-cache-images")
        post_delete.connect(cache.content_changed, sender=model, dispatch_uid="page-cache-del-images")
