"""`manage.py backup FILE`: the whole database as a portable fixture that `manage.py restore` reads back."""

import re

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Rebuilt by `migrate` (content types, permissions) or not worth keeping (sessions, login throttling records).
# Everything else is written, with its primary key.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]


class Command(BaseCommand):
    help = (
        "Write every row of the database to FILE, named *.backup or *.backup.gz (.bz2, .xz, .lzma compress): "
        "Django's JSON fixture format with exact times (ops.serializers). Primary keys are kept, so that "
        "django-reversion's revisions (which name their object by its primary key, as text) still belong to "
        "the same article after `manage.py restore`. Uploaded "
        "media files are not in it: back up MEDIA_ROOT or the bucket separately."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write, e.g. newsroom-2026-11-29.backup.gz")

    def handle(self, *args, file, **options):
        if not re.search(r"\.backup(\.(gz|bz2|xz|lzma))?$", file):
            raise CommandError(f"{file}: name the file *.backup or *.backup.gz, so that restore knows its format.")
        # --natural-foreign names content types and permissions by app and model, which differ between
        # databases; never --natural-primary, which drops the keys that revisions and log entries refer to.
        call_command("dumpdata", format="backup", natural_foreign=True, exclude=EXCLUDED, output=file, verbosity=0)
        if options["verbosity"]:
            self.stdout.write(f"Backed up the database to {file}.")
