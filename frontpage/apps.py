from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class FrontpageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontpage"
    verbose_name = "Front page"

    def ready(self):
        from articles import cache

        # A pin, its order or its removal changes the front page: retire every cached page (articles/cache.py).
        model = self.get_model("Placement")
        post_save.connect(cache.content_changed, sender=model, dispatch_uid="page-cache-frontpage")
        post_delete.connect(cache.content_changed, sender=model, dispatch_uid="page-cache-del-frontpage")
