"""Natural keys: a dump of the articles app loads into another database, or over itself, unchanged."""

import pytest
from django.core.management import call_command

from articles.models import Article, BackgroundNote, Byline, Citation, Correction, Section, Source, Tag, TaggedArticle
from tests.factories import (
    ArticleFactory,
    BackgroundNoteFactory,
    BylineFactory,
    CitationFactory,
    CorrectionFactory,
    SourceAliasFactory,
)

MODELS = (Article, Section, Source, Tag, TaggedArticle, Citation, BackgroundNote, Byline, Correction)


def make_newsroom():
    for headline in ("NATO meets in Brussels", "Рютте: НАТО зосередиться на допомозі"):
        article = ArticleFactory(headline=headline, tags=["NATO", "Україна"])
        BylineFactory(article=article, author__name="Оксана Коваль")
        BylineFactory(article=article, role="translated", order=1)
        alias = SourceAliasFactory(name=f"Alias of {headline}")
        CitationFactory(article=article, source=alias.source, order=0)
        CitationFactory(article=article, role=Citation.Role.SECONDARY, order=1)
        BackgroundNoteFactory(article=article, order=0)
        BackgroundNoteFactory(article=article, order=1)
        CorrectionFactory(article=article)


def dump(path):
    call_command("dumpdata", "articles", natural_foreign=True, natural_primary=True, indent=2, output=str(path))
    return path.read_text(encoding="utf-8")


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.django_db(transaction=True)
def test_dump_flush_and_load_round_trips(tmp_path):
    make_newsroom()
    before, first = counts(), dump(tmp_path / "first.json")
    assert '"pk"' not in first

    call_command("flush", interactive=False, verbosity=0)
    assert not Article.objects.exists()
    call_command("loaddata", str(tmp_path / "first.json"), verbosity=0)

    assert counts() == before
    assert dump(tmp_path / "second.json") == first


@pytest.mark.django_db
def test_loading_a_dump_over_its_own_rows_duplicates_nothing(tmp_path):
    make_newsroom()
    before = counts()
    dump(tmp_path / "dump.json")
    call_command("loaddata", str(tmp_path / "dump.json"), verbosity=0)
    assert counts() == before


@pytest.mark.django_db
def test_natural_keys_are_slugs_names_and_article_plus_position():
    citation = CitationFactory(article__headline="Ціна миру", source__name="Reuters", order=3)
    tagged = TaggedArticle.objects.create(content_object=citation.article, tag=Tag.objects.create(name="NATO"))
    assert citation.article.natural_key() == ("ціна-миру",)
    assert citation.source.natural_key() == ("reuters",)
    assert citation.natural_key() == ("ціна-миру", 3)
    assert tagged.natural_key() == ("ціна-миру", "NATO")
    assert Source.objects.get_by_natural_key("reuters") == citation.source
    assert Article.objects.get_by_natural_key("ціна-миру") == citation.article
