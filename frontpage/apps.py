from django.apps import AppConfig


class FrontpageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontpage"
    verbose_name = "Front page"

    def ready(self):
        from articles import cache

        from .models import Placement

        # Pins show on cached pages: a change retires them, and so does the next pin's expiry.
        cache.watch(Placement, next_change=Placement.objects.next_expiry)
