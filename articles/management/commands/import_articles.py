import argparse

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles import services
from articles.forms import TAG_MAX_LENGTH
from articles.models import Author, Byline

ROLES = {key.casefold(): value for value, label in Byline.Role.choices for key in (value, label)}
AUTHOR_MAX_LENGTH = Author._meta.get_field("name").max_length


def author_option(text):
    """ "NAME" or "NAME:ROLE" (a Byline role, e.g. reporting, or its label, e.g. "Reporting by") -> (name, role)."""
    name, role = text, Byline.Role.WRITTEN
    if ":" in text:
        name, _, typed = text.rpartition(":")
        role = ROLES.get(typed.strip().casefold())
        if role is None:
            known = ", ".join(Byline.Role.values)
            raise argparse.ArgumentTypeError(f"unknown role “{typed.strip()}” in “{text}” (one of: {known})")
    name = services.clean_name(name)
    if not name:
        raise argparse.ArgumentTypeError(f"an author needs a name: “{text}”")
    if len(name) > AUTHOR_MAX_LENGTH:
        raise argparse.ArgumentTypeError(
            f"the author name “{name[:40]}…” is longer than {AUTHOR_MAX_LENGTH} characters"
        )
    return name, role


def tag_option(text):
    name = services.clean_name(text)
    if not name:
        raise argparse.ArgumentTypeError("a tag needs a name")
    if len(name) > TAG_MAX_LENGTH:
        raise argparse.ArgumentTypeError(f"the tag “{name[:40]}…” is longer than {TAG_MAX_LENGTH} characters")
    return name


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
        parser.add_argument(
            "--author",
            dest="authors",
            action="append",
            default=[],
            type=author_option,
            metavar="NAME[:ROLE]",
            help="A byline for every new article, e.g. 'Jane Doe:reporting' (roles: "
            + ", ".join(Byline.Role.values)
            + "; default written). Repeat for several, in order. A new name creates the author.",
        )
        parser.add_argument(
            "--tag",
            dest="tags",
            action="append",
            default=[],
            type=tag_option,
            metavar="NAME",
            help="A tag for every new article (created when new). Repeat for several.",
        )

    def handle(self, *args, paths, publish, language, authors, tags, verbosity, **options):
        try:
            result = services.import_articles(
                paths,
                publish=publish,
                language=language,
                authors=authors,
                tags=tags,
                progress=self.progress if verbosity else None,
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
