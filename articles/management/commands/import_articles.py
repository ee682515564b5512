from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles import services


class Command(BaseCommand):
    help = (
        "Create one article per plain-text file: headline, dek, one paragraph per line, `- ` background notes, "
        "and a last `- Section` line. Drafts unless --publish. All files are imported or none is."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Plain-text article files (UTF-8).")
        parser.add_argument("--publish", action="store_true", help="Publish the new articles now.")
        parser.add_argument(
            "--language", metavar="CODE", help="Language of the articles, e.g. uk or ar (default: NEWSROOM_LANGUAGE)."
        )

    def handle(self, *args, paths, publish, language, verbosity, **options):
        try:
            result = services.import_articles(
                paths, publish=publish, language=language, progress=self.progress if verbosity else None
            )
        except ValidationError as error:
            raise CommandError(f"Nothing was imported: --language: {' '.join(error.messages)}") from None
        except services.ImportRejected as error:
            problems = "\n".join(f"  {problem}" for problem in error.problems)
            raise CommandError(
                f"Nothing was imported: {len(error.problems)} of {len(paths)} file(s) cannot be imported:\n{problems}"
            ) from None
        if verbosity:
            state = "published" if publish else "draft"
            self.stdout.write(
                f"Imported {len(result.created)} {state} article(s); "
                f"skipped {len(result.skipped)} whose headline already exists.",
                self.style.SUCCESS,
            )

    def progress(self, index, total, imported):
        if imported.created:
            self.stdout.write(f"[{index}/{total}] {imported.path} -> {imported.slug}")
        else:
            self.stdout.write(
                f"[{index}/{total}] {imported.path}: skipped, an article with this headline exists: {imported.slug}",
                self.style.WARNING,
            )
