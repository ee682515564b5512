from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from articles import demo


class Command(BaseCommand):
    help = (
        "Add N realistic demo articles (slugs starting with “demo--”) in bulk, with bylines, tags, citations, notes "
        "and corrections, published over several years. Real articles are never touched. No revision history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000, metavar="N", help="How many articles to add.")
        parser.add_argument("--seed", type=int, default=0, help="Same seed, same articles (default 0).")
        parser.add_argument("--delete", action="store_true", help="Delete every demo row first.")
        parser.add_argument(
            "--no-index",
            action="store_false",
            dest="index",
            help="Do not index the articles for search (faster; run rebuild_search_index later).",
        )

    def handle(self, *args, articles, seed, delete, index, verbosity, **options):
        if articles < 0:
            raise CommandError("--articles must be 0 or more.")
        if delete:
            deleted = demo.delete_demo()
            if verbosity:
                self.stdout.write(f"Deleted {deleted} demo rows.")
        with tqdm(total=articles, unit="article", disable=not verbosity, file=self.stderr) as bar:
            try:
                made = demo.generate(articles, seed=seed, progress=bar.update, index=index)
            except ValueError as error:
                raise CommandError(str(error)) from None
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Added {made} demo articles (seed {seed})."))
