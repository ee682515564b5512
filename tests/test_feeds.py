"""Feeds as a feed reader sees them: every feed parsed by feedparser with no errors, JSON Feed checked
against a JSON Schema of 1.1's fields, Atom against the elements RFC 4287 requires."""

import datetime
import html
import json
from pathlib import Path

import feedparser
import jsonschema
import pytest
from django.utils import timezone
from lxml import etree

from articles.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    CorrectionFactory,
    FullArticleFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JSON_FEED_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "jsonfeed-1.1.json").read_text())
HEADLINE = 'Café & </script> <em>not italics</em> "quotes" — Новости 東京'


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return feed


def shown(detail):
    """The text a feed reader shows for a title or summary: HTML is rendered, plain text is not."""
    if detail.type == "text/html":
        assert "<" not in detail.value, detail.value  # no markup to render: only escaped text
        return html.unescape(detail.value)
    return detail.value


def json_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/feed+json")
    feed = json.loads(response.content)
    jsonschema.validate(feed, JSON_FEED_SCHEMA, format_checker=jsonschema.FormatChecker())
    return feed


def atom(client, url):
    """The Atom feed, checked for what RFC 4287 section 4 requires of a feed and each entry."""
    root = etree.fromstring(client.get(url).content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{required}") is not None, (url, required)
    assert root.find(f"{ATOM}author/{ATOM}name").text
    ids = set()
    for entry in root.iterfind(f"{ATOM}entry"):
        for required in ("id", "title", "updated", "author"):
            assert entry.find(f"{ATOM}{required}") is not None, (url, required)
        assert entry.find(f"{ATOM}content") is not None or entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert entry.get(XML_LANG)
        ids.add(entry.findtext(f"{ATOM}id"))
    assert len(ids) == len(root.findall(f"{ATOM}entry"))
    return root


@pytest.fixture
def article():
    return FullArticleFactory(
        headline=HEADLINE,
        dek="A <b>dek</b> & more",
        body='<p>See <a href="/sections/news/">News</a> and <a href="https://example.org/x">this</a>.</p>',
        tags=["NATO"],
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


def all_feed_urls(article):
    bases = ["/feeds/", "/feeds/corrections/", *object_feed_urls(article)]
    return [f"{base}{fmt}/" for base in bases for fmt in ("rss", "atom")]


def test_every_feed_parses_without_errors(client, article):
    for url in all_feed_urls(article):
        parse(client, url)
    for url in all_feed_urls(article):
        if url.endswith("atom/"):
            atom(client, url)


def test_empty_feeds_are_valid(client):
    SectionFactory(name="Empty")
    for url in ("/feeds/rss/", "/feeds/atom/", "/feeds/corrections/rss/", "/feeds/sections/empty/atom/"):
        parse(client, url)
    atom(client, "/feeds/atom/")
    assert json_feed(client, "/feed.json")["items"] == []
    json_feed(client, "/feeds/corrections/json/")


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_every_feed_carries_the_article(client, article, fmt):
    for base in ["/feeds/", *object_feed_urls(article)]:
        feed = parse(client, f"{base}{fmt}/")
        assert feed.version == ("rss20" if fmt == "rss" else "atom10")
        assert feed.feed.language == "en"
        [entry] = feed.entries
        assert shown(entry.title_detail) == article.headline  # the literal text, never markup
        assert entry.link == f"{SITE}{article.get_absolute_url()}"
        assert shown(entry.summary_detail) == "A <b>dek</b> & more"  # the dek is text, never markup
        assert {t.term for t in entry.tags} == {"News", "NATO", "Topic 0", "Topic 1"}  # the section and tags
        published = datetime.datetime(*entry.published_parsed[:6], tzinfo=datetime.UTC)
        assert abs(published - article.published_at) < datetime.timedelta(seconds=1)
        assert entry.updated_parsed >= entry.published_parsed


def test_atom_authors_are_the_bylines_else_the_publication(client, article):
    unsigned = ArticleFactory(headline="Unsigned")
    root = atom(client, "/feeds/atom/")
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Newsroom"
    entries = {e.findtext(f"{ATOM}title"): e for e in root.iterfind(f"{ATOM}entry")}
    names = [a.findtext(f"{ATOM}name") for a in entries[HEADLINE].iterfind(f"{ATOM}author")]
    assert names == [b.author.name for b in article.bylines.all()]
    uris = [a.findtext(f"{ATOM}uri") for a in entries[HEADLINE].iterfind(f"{ATOM}author")]
    assert uris == [f"{SITE}{b.author.get_absolute_url()}" for b in article.bylines.all()]
    assert [a.findtext(f"{ATOM}name") for a in entries[unsigned.headline].iterfind(f"{ATOM}author")] == ["Newsroom"]
    rss = parse(client, "/feeds/rss/")
    assert {e.title: e.author for e in rss.entries}[unsigned.headline] == "Newsroom"


def test_each_feed_has_its_own_id(client, article):
    ids = [atom(client, url).findtext(f"{ATOM}id") for url in all_feed_urls(article) if url.endswith("atom/")]
    assert len(set(ids)) == len(ids)


def test_items_carry_the_full_text_with_absolute_links_and_the_dek_as_summary(client, article):
    rss = parse(client, "/feeds/rss/").entries[0]
    atom_entry = parse(client, "/feeds/atom/").entries[0]
    [item] = json_feed(client, "/feed.json")["items"]
    for content in (rss.content[0].value, atom_entry.content[0].value, item["content_html"]):
        assert f'href="{SITE}/sections/news/"' in content
        assert 'href="https://example.org/x"' in content
        assert 'href="/' not in content
    assert item["summary"] == "A <b>dek</b> & more"


def test_a_setting_switches_feeds_to_summaries(client, article, settings):
    settings.NEWSROOM_FEED_FULL_TEXT = False
    rss = parse(client, "/feeds/rss/").entries[0]
    [item] = json_feed(client, "/feed.json")["items"]
    for content in (rss.content[0].value, item["content_html"]):
        assert "See" not in content
        assert "A &lt;b&gt;dek&lt;/b&gt; &amp; more" in content


def test_relative_links_in_every_feed_format_are_made_absolute(client):
    ArticleFactory(body='<p><a href="../other/">x</a> <q cite="/about/">y</q></p>')
    [item] = json_feed(client, "/feed.json")["items"]
    assert f'href="{SITE}/articles/other/"' in item["content_html"]
    assert f'cite="{SITE}/about/"' in item["content_html"]


def test_items_say_their_language_and_a_feed_takes_its_articles_language(client):
    arabic = SectionFactory(name="عربي")
    ArticleFactory(headline="خبر", language="ar", section=arabic)
    ArticleFactory(headline="News", language="en")
    site = atom(client, "/feeds/atom/")
    assert site.get(XML_LANG) == "en"
    assert {e.findtext(f"{ATOM}title"): e.get(XML_LANG) for e in site.iterfind(f"{ATOM}entry")} == {
        "خبر": "ar",
        "News": "en",
    }
    assert parse(client, f"/feeds/sections/{arabic.slug}/rss/").feed.language == "ar"
    assert atom(client, f"/feeds/sections/{arabic.slug}/atom/").get(XML_LANG) == "ar"
    section_json = json_feed(client, f"/feeds/sections/{arabic.slug}/json/")
    assert section_json["language"] == "ar"
    assert section_json["items"][0]["language"] == "ar"
    assert {i["title"]: i["language"] for i in json_feed(client, "/feed.json")["items"]} == {"خبر": "ar", "News": "en"}


def test_a_corrected_article_carries_the_correction_and_its_new_time_in_every_format(client):
    article = ArticleFactory(headline="Corrected")
    Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)  # not edited since
    when = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    CorrectionFactory(article=article, text="The minister was <b>Jane</b>, not John.", published_at=when)
    for url in ("/feeds/rss/", "/feeds/atom/"):
        [entry] = parse(client, url).entries
        assert "The minister was &lt;b&gt;Jane&lt;/b&gt;, not John." in entry.content[0].value
        assert datetime.datetime(*entry.updated_parsed[:6], tzinfo=datetime.UTC) == when
    [item] = json_feed(client, "/feed.json")["items"]
    assert "The minister was &lt;b&gt;Jane&lt;/b&gt;, not John." in item["content_html"]
    assert f'href="{SITE}/corrections/"' in item["content_html"]
    assert datetime.datetime.fromisoformat(item["date_modified"]) == when


def test_ids_are_permanent_whatever_the_slug(client, article):
    urn = f"urn:uuid:{article.uid}"
    rss = parse(client, "/feeds/rss/").entries[0]
    assert rss.id == urn
    assert rss.guidislink is False
    assert parse(client, "/feeds/atom/").entries[0].id == urn
    assert json_feed(client, "/feed.json")["items"][0]["id"] == urn
    article.slug = "a-new-address"
    article.save()
    assert parse(client, "/feeds/atom/").entries[0].id == urn
    assert b'isPermaLink="false"' in client.get("/feeds/rss/").content


def test_object_feeds_are_titled_and_self_linked(client, article):
    source = article.citations.first().source
    feed = parse(client, f"/feeds/sources/{source.slug}/atom/")
    assert feed.feed.title == f"{source.name} \N{EN DASH} Newsroom"
    assert feed.feed.subtitle == f"The latest articles citing {source.name}"
    assert any(
        link.rel == "self" and link.href.endswith(f"/feeds/sources/{source.slug}/atom/") for link in feed.feed.links
    )


def test_a_section_named_with_markup_reaches_readers_literally(client):
    section = SectionFactory(name="Q&A <live>")
    ArticleFactory(section=section)
    assert shown(parse(client, f"/feeds/sections/{section.slug}/rss/").feed.title_detail).startswith("Q&A <live>")
    assert parse(client, f"/feeds/sections/{section.slug}/atom/").feed.title.startswith("Q&A <live>")


def test_feeds_of_unknown_objects_are_404(client):
    for prefix in ("sections", "tags", "sources", "authors"):
        for fmt in ("rss", "atom", "json"):
            assert client.get(f"/feeds/{prefix}/nope/{fmt}/").status_code == 404


def test_feed_is_newest_first_and_limited(client):
    for i in range(55):
        ArticleFactory(headline=f"Story {i}", published_at=timezone.now() - datetime.timedelta(hours=55 - i))
    feed = parse(client, "/feeds/rss/")
    assert len(feed.entries) == 50
    assert feed.entries[0].title == "Story 54"


def test_corrections_feed_in_every_format(client, article):
    CorrectionFactory(article=article, kind="clarification", text="Clarified <who> said it.")
    for fmt in ("rss", "atom"):
        feed = parse(client, f"/feeds/corrections/{fmt}/")
        titles = [shown(entry.title_detail) for entry in feed.entries]
        assert titles == [f"Clarification: {article.headline}", f"Correction: {article.headline}"]
        assert "#correction-" in feed.entries[0].link
        assert shown(feed.entries[0].summary_detail) == "Clarified <who> said it."
    feed = json_feed(client, "/feeds/corrections/json/")
    assert [item["title"] for item in feed["items"]] == [
        f"Clarification: {article.headline}",
        f"Correction: {article.headline}",
    ]
    assert feed["items"][0]["summary"] == "Clarified <who> said it."
    assert feed["items"][0]["id"].startswith(f"urn:uuid:{article.uid}#correction-")


def test_control_characters_do_not_break_feeds(client):
    ArticleFactory(headline="Pasted\x0bfrom\x0ca PDF", dek="bell\x07", body="<p>tab\x0bhere</p>")
    for url in ("/feeds/rss/", "/feeds/atom/", "/news-sitemap.xml", "/feed.json"):
        response = client.get(url)
        assert response.status_code == 200
        assert b"\x0b" not in response.content
    assert parse(client, "/feeds/rss/").entries[0].title == "Pastedfroma PDF"


def test_json_feed(client, article):
    feed = json_feed(client, "/feed.json")
    assert feed["feed_url"] == f"{SITE}/feed.json"
    assert feed["authors"] == [{"name": "Newsroom", "url": f"{SITE}/"}]
    [item] = feed["items"]
    assert item["title"] == article.headline
    assert item["url"] == f"{SITE}{article.get_absolute_url()}"
    assert [a["name"] for a in item["authors"]] == [b.author.name for b in article.bylines.all()]
    assert set(item["tags"]) == {"News", "NATO", "Topic 0", "Topic 1"}
    assert datetime.datetime.fromisoformat(item["date_published"]) == article.published_at
    for base in object_feed_urls(article):
        assert json_feed(client, f"{base}json/")["items"][0]["id"] == item["id"]


def test_an_author_with_several_bylines_in_json(client):
    author = AuthorFactory(name="Solo")
    BylineFactory(author=author)
    [item] = json_feed(client, f"/feeds/authors/{author.slug}/json/")["items"]
    assert item["authors"] == [{"name": "Solo", "url": f"{SITE}{author.get_absolute_url()}"}]


def test_pages_link_their_feeds(client, article):
    html_text = client.get("/").content.decode()
    for href, kind in (("/feeds/rss/", "rss"), ("/feeds/atom/", "atom"), ("/feed.json", "feed+json")):
        assert f'type="application/{kind}' in html_text and f'href="{href}"' in html_text
    tag = article.tags.get(name="NATO")
    html_text = client.get(tag.get_absolute_url()).content.decode()
    link = f'type="application/atom+xml" title="NATO \N{EN DASH} Newsroom (Atom)" href="/feeds/tags/{tag.slug}/atom/"'
    assert f'<link rel="alternate" {link}>' in html_text


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
