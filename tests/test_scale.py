"""Costs that must not grow with the archive: bounded candidates, capped counts and pages, cached years."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import pagination, views
from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_related_articles_weigh_only_the_newest_candidates():
    article = ArticleFactory(tags=["Grain", "Ports"])
    old_twin = ArticleFactory(headline="Old twin", tags=["Grain", "Ports"])
    newer = [ArticleFactory(headline=f"Newer {i}", tags=["Grain"]) for i in range(3)]
    article = Article.objects.prefetch_related("tags").get(pk=article.pk)
    everything = list(Article.objects.published().related_to(article))
    assert everything[0] == old_twin  # shares most
    bounded = list(Article.objects.published().related_to(article, candidates=3))
    assert old_twin not in bounded and set(bounded) == set(newer)


def test_lists_count_and_page_only_up_to_the_cap(client, monkeypatch):
    monkeypatch.setattr(pagination, "MAX_PAGES", 2)
    ArticleFactory.create_batch(45, tags=["Busy"])
    response = client.get("/tags/busy/")
    assert "40+ articles" in response.content.decode()
    assert "Page 1 of 2" in response.content.decode()
    last = client.get("/tags/busy/?page=2").content.decode()
    assert "Older articles in the archive" in last
    assert client.get("/tags/busy/?page=3").status_code == 404
    assert client.get("/?page=3").status_code == 404


def test_a_small_list_shows_its_exact_count(client):
    ArticleFactory.create_batch(3, tags=["Quiet"])
    html = client.get("/tags/quiet/").content.decode()
    assert "3 articles" in html and "+" not in html.split("3 articles")[0][-3:]


def test_archive_years_are_computed_once_per_change(client):
    ArticleFactory()
    views.archive_years()
    with CaptureQueriesContext(connection) as captured:
        views.archive_years()
    assert len(captured) == 0
    ArticleFactory(published_at=ArticleFactory().published_at.replace(year=2001))
    assert [d.year for d in views.archive_years()][-1] == 2001


@pytest.mark.parametrize("dense", [0, 1, 1000])
def test_linked_articles_are_the_same_whichever_way_they_are_read(dense):
    from tests.factories import BylineFactory, CitationFactory

    tagged = [ArticleFactory(tags=["Energy"]) for _ in range(3)]
    ArticleFactory(tags=["Energy"], draft=True)
    ArticleFactory(tags=["Other"])
    citation = CitationFactory()
    byline = BylineFactory()
    tag = tagged[0].tags.get()
    published = Article.objects.published()
    assert list(published.linked_to("tags", tag, dense=dense)) == sorted(
        tagged, key=lambda a: (a.published_at, a.created_at), reverse=True
    )
    assert list(published.linked_to("sources", citation.source, dense=dense)) == [citation.article]
    assert list(published.linked_to("authors", byline.author, dense=dense)) == [byline.article]
    assert list(published.linked_to("section", citation.article.section, dense=dense))
