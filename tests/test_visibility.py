"""Nothing unpublished appears anywhere public: not its page, not in a list, count, related box, feed or sitemap."""

import pytest

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    CitationFactory,
    CorrectionFactory,
    FullArticleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom():
    """One public article, and a draft, an article in review and a scheduled one that share its tags, source and
    author, plus tags, a source and an author of their own. Every secret word contains SECRET."""
    public = FullArticleFactory(headline="Public story", tags=["Shared"])
    shared_source = public.citations.first().source
    shared_author = public.bylines.first().author
    hidden = [
        ArticleFactory(headline="SECRET draft", draft=True),
        ArticleFactory(headline="SECRET review", review=True),
        ArticleFactory(headline="SECRET scheduled", scheduled=True),
    ]
    secret_source, secret_author = SourceFactory(name="SECRET source"), AuthorFactory(name="SECRET author")
    for article in hidden:
        article.dek = "SECRET dek"
        article.save()
        article.tags.add("Shared", "Topic 0", "SECRET tag")
        CitationFactory(article=article, source=shared_source)
        CitationFactory(article=article, source=secret_source, url="https://example.org/SECRET")
        BylineFactory(article=article, author=shared_author)
        BylineFactory(article=article, author=secret_author)
        CorrectionFactory(article=article, text="SECRET correction")
    return {"public": public, "hidden": hidden, "source": shared_source, "author": shared_author}


def public_urls(public, source, author):
    tag = public.tags.get(name="Shared")
    return [
        "/",
        public.get_absolute_url(),
        public.section.get_absolute_url(),
        tag.get_absolute_url(),
        source.get_absolute_url(),
        author.get_absolute_url(),
        f"/archive/{public.published_at:%Y}/",
        f"/archive/{public.published_at:%Y}/{public.published_at:%m}/",
        "/search/?q=draft",
        "/search/?q=scheduled",
        "/search/?q=story",
        "/feeds/rss/",
        "/feeds/atom/",
        "/feed.json",
        f"/feeds/sections/{public.section.slug}/rss/",
        f"/feeds/tags/{tag.slug}/atom/",
        f"/feeds/sources/{source.slug}/rss/",
        f"/feeds/authors/{author.slug}/atom/",
        "/feeds/corrections/rss/",
        "/feeds/corrections/atom/",
        "/feeds/corrections/json/",
        f"/feeds/tags/{tag.slug}/json/",
        "/corrections/",
        "/sitemap.xml",
        *(f"/sitemap-{name}.xml" for name in ("home", "articles", "sections", "tags", "sources", "authors")),
        "/news-sitemap.xml",
    ]


def test_nothing_unpublished_on_any_public_page(client, newsroom):
    for url in public_urls(newsroom["public"], newsroom["source"], newsroom["author"]):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "SECRET" not in body, url
        for article in newsroom["hidden"]:
            assert article.slug not in body, url


def test_counts_count_only_published_articles(client, newsroom):
    for obj in (newsroom["source"], newsroom["author"], newsroom["public"].tags.get(name="Shared")):
        assert '<p class="count">1 article' in client.get(obj.get_absolute_url()).content.decode(), obj


def test_unpublished_article_is_the_same_404_as_a_slug_that_never_existed(client, newsroom):
    never = client.get("/articles/never-existed/")
    assert never.status_code == 404
    for article in newsroom["hidden"]:
        response = client.get(article.get_absolute_url())
        assert response.status_code == 404
        assert response.content == never.content


@pytest.mark.parametrize("prefix", ["tags", "sources", "authors"])
def test_objects_known_only_from_unpublished_articles_are_404(client, newsroom, prefix):
    slug = "secret-tag" if prefix == "tags" else f"secret-{prefix[:-1]}"
    feeds = [f"/feeds/{prefix}/{slug}/{fmt}/" for fmt in ("rss", "atom", "json")]
    for url in (f"/{prefix}/{slug}/", *feeds):
        assert client.get(url).status_code == 404, url


def test_scheduled_article_goes_public_on_time_without_a_cron(client, newsroom, time_machine):
    scheduled = newsroom["hidden"][2]
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    time_machine.move_to(scheduled.published_at)
    assert client.get(scheduled.get_absolute_url()).status_code == 200
    assert scheduled.headline in client.get("/").content.decode()
