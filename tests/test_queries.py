"""Every public page runs a constant number of SQL queries, whatever the number of articles, tags and sources."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ArticleFactory, FullArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

# No page may need more than this, however small the data.
CEILING = 15


def page_types(article):
    tag = article.tags.get(name="Topic 0")
    source = article.citations.first().source
    author = article.bylines.first().author
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "source": source.get_absolute_url(),
        "author": author.get_absolute_url(),
        "year": f"/archive/{article.published_at:%Y}/",
        "month": f"/archive/{article.published_at:%Y}/{article.published_at:%m}/",
        "search": "/search/?q=paragraph",
        "search narrowed": f"/search/?q=paragraph+OR+headline&tag={tag.slug}&sort=date&year={article.published_at:%Y}",
        "rss": "/feeds/rss/",
        "atom": "/feeds/atom/",
        "json": "/feed.json",
        "section rss": f"/feeds/sections/{article.section.slug}/rss/",
        "tag atom": f"/feeds/tags/{tag.slug}/atom/",
        "source rss": f"/feeds/sources/{source.slug}/rss/",
        "author rss": f"/feeds/authors/{author.slug}/rss/",
        "corrections": "/feeds/corrections/rss/",
        "corrections json": "/feeds/corrections/json/",
        "tag json": f"/feeds/tags/{tag.slug}/json/",
        "corrections page": "/corrections/",
        "sitemap": "/sitemap.xml",
        "article sitemap": "/sitemap-articles.xml",
        "tag sitemap": "/sitemap-tags.xml",
        "news sitemap": "/news-sitemap.xml",
    }


def grow(article, count, size):
    """``count`` more articles like ``article``: same section, tags, first source and author; ``size`` of each."""
    source = article.citations.first().source
    author = article.bylines.first().author
    for _ in range(count):
        other = FullArticleFactory(section=article.section, everything__tags=size, everything__sources=size)
        other.citations.create(source=source, order=99)
        other.bylines.create(author=author, order=99)
    SectionFactory.create_batch(size)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def test_query_counts_do_not_grow_with_the_data(client, django_assert_max_num_queries):
    article = FullArticleFactory()
    # Enough that the front page has a story left for its "latest" list (an empty list skips its prefetches).
    grow(article, 9, 1)
    small = {name: queries(client, url) for name, url in page_types(article).items()}
    grow(article, 30, 4)
    ArticleFactory.create_batch(5, draft=True)
    for name, url in page_types(article).items():
        assert small[name] <= CEILING, (name, small[name])
        with django_assert_max_num_queries(small[name]):
            assert client.get(url).status_code == 200, name


def test_staff_preview_query_count_is_constant(client, admin_user, django_assert_max_num_queries):
    client.force_login(admin_user)
    draft = FullArticleFactory(draft=True)
    grow(draft, 1, 1)
    small = queries(client, draft.get_absolute_url())
    grow(draft, 10, 4)
    with django_assert_max_num_queries(small):
        client.get(draft.get_absolute_url())


def test_the_article_page_and_lists_run_few_queries(client, settings):
    """Rendered (page cache off): the article page and its related cards, and a section page.

    The article: itself, bylines, tags, citations, notes, corrections; related articles and their bylines (8, were
    10). A section: itself, a capped count, the page, its bylines (5, were 7). The
    navigation comes from the cache (once per content change), and lists prefetch no tags (cards show none).
    """
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = FullArticleFactory()
    grow(article, 5, 2)
    client.get("/")  # fills the navigation and archive years of this generation
    client.get(ArticleFactory().get_absolute_url())  # on PostgreSQL, prepares the article page's statements
    # On PostgreSQL the article and its five lists are one round trip (articles.compiled.run_together).
    assert queries(client, article.get_absolute_url()) == (3 if connection.vendor == "postgresql" else 8)
    assert queries(client, article.section.get_absolute_url()) == 5


def test_the_navigation_follows_a_renamed_section_at_once(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = FullArticleFactory()
    assert article.section.name in client.get("/").content.decode()
    article.section.name = "Renamed desk"
    article.section.save()
    assert "Renamed desk" in client.get(article.get_absolute_url()).content.decode()
