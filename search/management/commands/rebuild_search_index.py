from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.models import Article
from search import indexing


class Command(BaseCommand):
    help = "Index every article again (drafts included), with a progress bar. Safe to run at any time."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The database to rebuild the index of.")

    def handle(self, *args, database, verbosity, **options):
        total = Article.objects.using(database).count()
        with tqdm(total=total, unit="article", disable=verbosity == 0, file=self.stderr._out) as bar:
            count = indexing.rebuild(using=database, progress=bar.update)
        if verbosity:
            self.stdout.write(f"Indexed {count} article{'s' if count != 1 else ''}.")
