from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import cache, desk

        desk.connect_signals()
        # Every model of this app is something readers see (articles and their children, sections, authors,
        # sources, aliases, tags): any write to one retires every cached page.
        for model in self.get_models():
            cache.watch(model)
