"""`manage.py seed`: load fixtures/seed.json into an empty newsroom only (what `make run` calls).

Reloading a fixture overwrites the rows it made with its own values, reverting whatever editors did
to them since; so once the database holds any article, section, source or tag this does nothing and
says so. `manage.py loaddata seed` still loads it on purpose.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles.models import Article, Section, Source, Tag


class Command(BaseCommand):
    help = "Load the sample article (fixtures/seed.json) if the newsroom is empty; otherwise change nothing."

    def handle(self, *args, **options):
        existing = {model._meta.verbose_name_plural: model.objects.count() for model in (Article, Section, Source, Tag)}
        if any(existing.values()):
            held = ", ".join(f"{count} {name}" for name, count in existing.items() if count)
            self.stdout.write(
                f"The database already holds {held}: the seed was not loaded, so nothing editors did is reverted. "
                "(`manage.py loaddata seed` loads it anyway, overwriting the seed's own rows.)"
            )
            return
        call_command("loaddata", "seed", verbosity=options["verbosity"])
