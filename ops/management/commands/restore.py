"""`manage.py restore FILE`: replace the database's contents with a `manage.py backup`."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Article


class Command(BaseCommand):
    help = (
        "Replace everything in the (migrated) database with the contents of FILE, written by `manage.py "
        "backup`, in one transaction: if any row cannot be loaded, the database is left as it was. A database "
        "that already holds articles is only replaced with --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a file written by `manage.py backup`")
        parser.add_argument(
            "--replace", action="store_true", help="delete the articles and everything else already here"
        )

    def handle(self, *args, file, replace, **options):
        if not Path(file).is_file():
            raise CommandError(f"{file}: no such file.")
        existing = Article.objects.count()
        if existing and not replace:
            raise CommandError(
                f"The database already holds {existing} articles; restoring replaces everything in it. "
                "Pass --replace to do that, or restore into a new database."
            )
        try:
            with transaction.atomic():
                # flush empties every table and re-creates content types and permissions (post_migrate); the
                # backup refers to those by natural key and brings every other row back with its own key.
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", file, verbosity=0)
        except Exception as error:  # whatever loaddata met, the transaction undid the flush too
            raise CommandError(f"{file}: {error} Nothing was changed.") from error
        if options["verbosity"]:
            self.stdout.write(f"Restored the database from {file}.")
