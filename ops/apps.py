from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Newsroom in production: health check, logs, failure pages, media, backups."""

    name = "ops"
    verbose_name = "Operations"
