from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


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
            post_save.connect(cache.content_changed, sender=model, dispatch_uid=f"page-cache-{model._meta.label}")
            post_delete.connect(cache.content_changed, sender=model, dispatch_uid=f"page-cache-del-{model._meta.label}")
            # tags.add() and the like: the sender is the link model (TaggedArticle, Byline, Citation).
            m2m_changed.connect(cache.content_changed, sender=model, dispatch_uid=f"page-cache-m2m-{model._meta.label}")
