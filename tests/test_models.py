"""The data model's editorial rules: what is public, and what the database refuses."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Citation
from images.models import Image
from tests.factories import ArticleFactory, CitationFactory, ImageFactory, SourceAliasFactory, SourceFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 12, 2, 8, 0, tzinfo=datetime.UTC)


@time_machine.travel(NOW, tick=False)
def test_published_is_only_published_articles_whose_time_has_come():
    past = ArticleFactory(published_at=NOW - datetime.timedelta(seconds=1))
    now = ArticleFactory(published_at=NOW)
    ArticleFactory(draft=True)
    ArticleFactory(review=True)
    ArticleFactory(published_at=NOW + datetime.timedelta(seconds=1))
    # Drafts with a publication time (e.g. unpublished after going live) stay private too.
    ArticleFactory(status=Article.Status.DRAFT, published_at=NOW - datetime.timedelta(days=1))

    assert set(Article.objects.published()) == {past, now}
    assert [a.is_public for a in Article.objects.order_by("pk")] == [True, True, False, False, False, False]


def test_scheduled_article_goes_public_when_its_time_passes_without_any_save(client):
    with time_machine.travel(NOW, tick=False) as clock:
        article = ArticleFactory(published_at=NOW + datetime.timedelta(hours=1))
        version = Article.objects.get(pk=article.pk).version
        assert article.is_scheduled
        assert not Article.objects.published().exists()
        assert list(Article.objects.scheduled()) == [article]
        assert client.get(article.get_absolute_url()).status_code == 404

        clock.shift(datetime.timedelta(hours=1))

        assert list(Article.objects.published()) == [article]
        assert not Article.objects.scheduled().exists()
        assert client.get(article.get_absolute_url()).status_code == 200
    article.refresh_from_db()
    assert article.version == version  # nothing saved it


def test_unpublished_is_drafts_and_review():
    draft, review = ArticleFactory(draft=True), ArticleFactory(review=True)
    ArticleFactory()
    assert set(Article.objects.unpublished()) == {draft, review}


@time_machine.travel(NOW, tick=False)
def test_publishing_without_a_time_means_now():
    article = ArticleFactory(draft=True)
    article.status = Article.Status.PUBLISHED
    article.save()
    assert article.published_at == NOW
    assert Article.objects.published().get() == article


def test_database_refuses_a_published_article_without_a_time():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(published_at=None)


def test_database_refuses_an_image_without_alt_text():
    image = ImageFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Image.objects.filter(pk=image.pk).update(alt_text="")


def test_an_article_cites_a_source_once():
    citation = CitationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(article=citation.article, source=citation.source, role=Citation.Role.SECONDARY)


def test_source_names_include_its_aliases():
    alias = SourceAliasFactory(source=SourceFactory(name="Reuters"), name="Thomson Reuters")
    assert alias.source.names == ["Reuters", "Thomson Reuters"]


def test_created_and_updated_times_are_set_on_save():
    before = timezone.now()
    article = ArticleFactory()
    assert before <= article.created_at <= article.updated_at


@pytest.mark.parametrize("state", ["draft", "review", "scheduled"])
def test_readers_get_404_for_articles_that_are_not_public(client, state):
    article = ArticleFactory(**{state: True})
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.headline not in client.get("/").content.decode()
