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
def test_natural_keys_are_slugs_names_and_article_plus_what_identifies_the_child():
    citation = CitationFactory(article__headline="Ціна миру", source__name="Reuters", order=3)
    tagged = TaggedArticle.objects.create(content_object=citation.article, tag=Tag.objects.create(name="NATO"))
    assert citation.article.natural_key() == ("ціна-миру",)
    assert citation.source.natural_key() == ("reuters",)
    assert citation.natural_key() == ("ціна-миру", "reuters")
    assert tagged.natural_key() == ("ціна-миру", "NATO")
    assert Source.objects.get_by_natural_key("reuters") == citation.source
    assert Article.objects.get_by_natural_key("ціна-миру") == citation.article


# Each model's natural key, as the database columns its uniqueness rests on.
NATURAL_KEY_COLUMNS = {
    Article: {"slug"},
    Section: {"slug"},
    Source: {"slug"},
    Tag: {"name"},
    TaggedArticle: {"content_object", "tag"},  # the tag by its unique name
    Citation: {"article", "source"},  # the source by its unique slug
    BackgroundNote: {"article", "order"},
    Byline: {"article", "author"},
    Correction: {"article", "published_at"},
}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_natural_key_is_unique_in_the_database(model):
    """A fixture row can never match two rows: each natural key is a unique field or constraint."""
    unique_sets = [{f.name} for f in model._meta.fields if f.unique and not f.primary_key]
    unique_sets += [set(c.fields) for c in model._meta.constraints if getattr(c, "fields", None)]
    assert NATURAL_KEY_COLUMNS[model] in unique_sets


@pytest.mark.django_db
def test_a_reload_finds_each_citation_by_its_source_even_with_equal_orders(tmp_path):
    article = ArticleFactory(headline="Two sources, one order")
    CitationFactory(article=article, source__name="Reuters", order=0)
    CitationFactory(article=article, source__name="AP", order=0)  # an editor added one at the same position
    dump(tmp_path / "dump.json")
    call_command("loaddata", str(tmp_path / "dump.json"), verbosity=0)
    assert sorted(article.citations.values_list("source__name", flat=True)) == ["AP", "Reuters"]


@pytest.mark.django_db
def test_corrections_are_stored_to_the_millisecond_so_their_natural_key_matches_one_row():
    import datetime

    when = datetime.datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC)
    correction = CorrectionFactory(published_at=when)
    correction.refresh_from_db()
    assert correction.published_at.microsecond == 678000
    assert Correction.objects.get_by_natural_key(correction.article.slug, when) == correction
