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


def sqlite_steps(client, url):
    """SQLite virtual-machine steps (in thousands) of one request for ``url``: the database's work, any machine."""
    connection.ensure_connection()
    steps = [0]

    def count():
        steps[0] += 1
        return 0

    connection.connection.set_progress_handler(count, 1000)
    try:
        assert client.get(url).status_code == 200
    finally:
        connection.connection.set_progress_handler(None, 1000)
    return steps[0]


def busiest_pages():
    """The home page, the newest article, and the section, tag, source and author with most articles."""
    from django.db.models import Count

    from articles.models import Author, Section, Source, Tag

    def busiest(model, relation):
        return model.objects.annotate(n=Count(relation)).order_by("-n", "pk").first().get_absolute_url()

    return {
        "home": "/",
        "article": Article.objects.published().first().get_absolute_url(),
        "section": busiest(Section, "articles"),  # led by its newest pictured story (frontpage.section_lead)
        "tag": busiest(Tag, "tagged_articles"),
        "source": busiest(Source, "citations"),
        "author": busiest(Author, "bylines"),
    }


def test_the_database_work_of_a_page_does_not_grow_with_the_archive(client, settings, monkeypatch):
    """Ten times the articles, about the same work: no query reads the whole archive (SQLite counts it).

    Lists are counted up to their cap (pagination.MAX_PAGES, here 100 articles), which both archives exceed.
    """
    from django.core.management import call_command

    if connection.vendor != "sqlite":
        pytest.skip("counts SQLite's virtual-machine steps")
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(pagination, "MAX_PAGES", 5)
    call_command("generate_demo", articles=300, seed=1, verbosity=0)
    pages = busiest_pages()
    client.get("/")  # the navigation and the archive years are read once per change
    small = {name: sqlite_steps(client, url) for name, url in pages.items()}
    call_command("generate_demo", articles=2700, seed=2, verbosity=0)
    client.get("/")
    large = {name: sqlite_steps(client, url) for name, url in pages.items()}
    grown = {name: (small[name], large[name]) for name in pages if large[name] >= 2 * max(small[name], 10)}
    assert not grown, grown


def test_a_list_is_counted_once_per_change(client, settings):
    """The capped count of a list is kept until the content changes (exact: a new article counts at once)."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    ArticleFactory.create_batch(3, tags=["Ports"])
    assert "3 articles" in client.get("/tags/ports/").content.decode()
    with CaptureQueriesContext(connection) as captured:
        assert "3 articles" in client.get("/tags/ports/?page=1").content.decode()
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"]]
    ArticleFactory(tags=["Ports"])
    assert "4 articles" in client.get("/tags/ports/").content.decode()


def test_a_section_lead_is_found_without_reading_the_section(settings):
    """The newest pictured story of a section with none pictured: an index that lists only pictured stories."""
    from django.core.management import call_command

    from articles.models import Section
    from frontpage.selection import section_lead

    if connection.vendor != "sqlite":
        pytest.skip("counts SQLite's virtual-machine steps")
    connection.ensure_connection()
    steps = [0]

    def count():
        steps[0] += 1
        return 0

    def lead_steps(section):
        steps[0] = 0
        connection.connection.set_progress_handler(count, 100)
        try:
            assert section_lead(section) is None  # demo stories have no pictures
        finally:
            connection.connection.set_progress_handler(None, 100)
        return steps[0]

    call_command("generate_demo", articles=300, seed=1, verbosity=0)
    section = Section.objects.filter(slug__startswith="demo--").first()
    small = lead_steps(section)
    call_command("generate_demo", articles=2700, seed=2, verbosity=0)
    assert lead_steps(section) < 2 * max(small, 10), small
