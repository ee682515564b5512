"""Feeds as a feed reader sees them: parsed by feedparser, with no errors."""

import datetime
import json

import feedparser
import pytest
from django.utils import timezone

from tests.factories import ArticleFactory, CorrectionFactory, FullArticleFactory

pytestmark = pytest.mark.django_db


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return feed


@pytest.fixture
def article():
    return FullArticleFactory(
        headline='Café & </script> "quotes" — Новости 東京', dek="A <b>dek</b> & more", tags=["NATO"]
    )


def object_feed_urls(article):
    tag = article.tags.get(name="NATO")
    source = article.citations.first().source
    author = article.bylines.first().author
    return [
        f"/feeds/sections/{article.section.slug}/",
        f"/feeds/tags/{tag.slug}/",
        f"/feeds/sources/{source.slug}/",
        f"/feeds/authors/{author.slug}/",
    ]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_every_feed_parses_and_carries_the_article(client, article, fmt):
    for base in ["/feeds/", *object_feed_urls(article)]:
        feed = parse(client, f"{base}{fmt}/")
        assert feed.version == ("rss20" if fmt == "rss" else "atom10")
        assert feed.feed.language == "en"
        [entry] = feed.entries
        assert entry.title == article.headline
        assert entry.link == f"http://127.0.0.1:8000{article.get_absolute_url()}"
        assert entry.summary == "A &lt;b&gt;dek&lt;/b&gt; &amp; more"  # the dek is text, never markup
        assert {t.term for t in entry.tags} == {"NATO", "Topic 0", "Topic 1"}
        assert entry.author == ", ".join(b.author.name for b in article.bylines.all())
        published = datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC)
        assert abs(published - article.published_at) < datetime.timedelta(seconds=1)
        if fmt == "atom":
            assert entry.updated_parsed >= entry.published_parsed


def test_object_feeds_are_titled_and_self_linked(client, article):
    source = article.citations.first().source
    feed = parse(client, f"/feeds/sources/{source.slug}/atom/")
    assert feed.feed.title == f"{source.name} \N{EN DASH} Newsroom"
    assert feed.feed.subtitle == f"The latest articles citing {source.name}"
    assert any(
        link.rel == "self" and link.href.endswith(f"/feeds/sources/{source.slug}/atom/") for link in feed.feed.links
    )


def test_feeds_of_unknown_objects_are_404(client):
    for prefix in ("sections", "tags", "sources", "authors"):
        assert client.get(f"/feeds/{prefix}/nope/rss/").status_code == 404


def test_feed_is_newest_first_and_limited(client):
    for i in range(55):
        ArticleFactory(headline=f"Story {i}", published_at=timezone.now() - datetime.timedelta(hours=55 - i))
    feed = parse(client, "/feeds/rss/")
    assert len(feed.entries) == 50
    assert feed.entries[0].title == "Story 54"


def test_corrections_feed(client, article):
    CorrectionFactory(article=article, kind="clarification", text="Clarified <who> said it.")
    for fmt in ("rss", "atom"):
        feed = parse(client, f"/feeds/corrections/{fmt}/")
        titles = [entry.title for entry in feed.entries]
        assert titles == [f"Clarification: {article.headline}", f"Correction: {article.headline}"]
        assert "#correction-" in feed.entries[0].link
        assert feed.entries[0].summary == "Clarified &lt;who&gt; said it."


def test_control_characters_do_not_break_feeds(client):
    ArticleFactory(headline="Pasted\x0bfrom\x0ca PDF", dek="bell\x07")
    for url in ("/feeds/rss/", "/feeds/atom/", "/news-sitemap.xml"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"\x0b" not in response.content
    assert parse(client, "/feeds/rss/").entries[0].title == "Pastedfroma PDF"


def test_json_feed(client, article):
    response = client.get("/feed.json")
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == "http://127.0.0.1:8000/feed.json"
    [item] = feed["items"]
    assert item["title"] == article.headline
    assert item["url"] == f"http://127.0.0.1:8000{article.get_absolute_url()}"
    assert item["content_html"] == article.body_html
    assert [a["name"] for a in item["authors"]] == [b.author.name for b in article.bylines.all()]
    assert set(item["tags"]) == {"NATO", "Topic 0", "Topic 1"}
    assert datetime.datetime.fromisoformat(item["date_published"]) == article.published_at


def test_pages_link_their_feeds(client, article):
    html = client.get("/").content.decode()
    for href, kind in (("/feeds/rss/", "rss"), ("/feeds/atom/", "atom"), ("/feed.json", "feed+json")):
        assert f'type="application/{kind}' in html and f'href="{href}"' in html
    tag = article.tags.get(name="NATO")
    html = client.get(tag.get_absolute_url()).content.decode()
    link = f'type="application/atom+xml" title="NATO \N{EN DASH} Newsroom (Atom)" href="/feeds/tags/{tag.slug}/atom/"'
    assert f'<link rel="alternate" {link}>' in html


@pytest.mark.parametrize("kind", ["section", "tag", "source", "author"])
def test_a_name_with_markup_is_plain_text_in_the_channel_description(client, kind):
    from articles.models import Tag
    from tests.factories import AuthorFactory, BylineFactory, CitationFactory, SectionFactory, SourceFactory

    name = 'Evil <img src=x onerror="pwned()"> & Co'
    article = ArticleFactory(section=SectionFactory(name=name))
    article.tags.add(Tag.objects.create(name=name))
    CitationFactory(article=article, source=SourceFactory(name=name))
    BylineFactory(article=article, author=AuthorFactory(name=name))
    obj = {
        "section": article.section,
        "tag": article.tags.get(),
        "source": article.sources.get(),
        "author": article.authors.get(),
    }[kind]
    rss = client.get(f"/feeds/{kind}s/{obj.slug}/rss/").content.decode()
    description = rss.split("<description>", 1)[1].split("</description>", 1)[0]
    assert "<img" not in description and "&lt;img" not in description  # escaped twice: text to an HTML reader
    assert "&amp;lt;img" in description
    atom = feedparser.parse(client.get(f"/feeds/{kind}s/{obj.slug}/atom/").content)
    assert name in atom.feed.subtitle
