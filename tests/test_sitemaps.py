"""The sitemap index, its sitemaps and the Google News sitemap: every document valid against the sitemaps.org
and Google News schemas (tests/schemas), every page answering 200, every public URL in exactly one sitemap."""

import datetime
import math
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from lxml import etree

from articles import sitemaps
from articles.models import Article
from tests.bulk import bulk_articles
from tests.factories import ArticleFactory, CorrectionFactory, FullArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}
SITE = "http://127.0.0.1:8000"
SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schemas" / "sitemap.xsd")))


def fetch(client, url):
    """The document at ``url`` (absolute or a path), valid against the schema."""
    parts = urlsplit(url)
    response = client.get(parts.path, dict(p.split("=") for p in parts.query.split("&") if p))
    assert response.status_code == 200, url
    assert "xml" in response["Content-Type"]
    root = etree.fromstring(response.content)
    SCHEMA.assertValid(root)
    return root


def crawl(client, url="/sitemap.xml"):
    """Every <url> reachable from the index at ``url``: a list of (sitemap, url element)."""
    index = fetch(client, url)
    assert index.tag == "{%s}sitemapindex" % NS["s"]  # noqa: UP031
    found = []
    for loc in index.xpath("s:sitemap/s:loc/text()", namespaces=NS):
        assert loc.startswith(f"{SITE}/")
        found += [(loc, url) for url in fetch(client, loc).findall("s:url", NS)]
    return found


def locations(found):
    return [url.findtext("s:loc", namespaces=NS) for _, url in found]


def article_urls(found):
    return {
        url.findtext("s:loc", namespaces=NS): url
        for _, url in found
        if "/articles/" in url.findtext("s:loc", namespaces=NS)
    }


def test_the_index_lists_sitemaps_of_every_public_page_with_lastmod_for_articles(client):
    article = FullArticleFactory(headline="Вести дня")
    ArticleFactory(headline="Draft", draft=True)
    found = crawl(client)
    urls = set(locations(found))
    expected = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        *(citation.source.get_absolute_url() for citation in article.citations.all()),
        *(byline.author.get_absolute_url() for byline in article.bylines.all()),
        *(tag.get_absolute_url() for tag in article.tags.all()),
    ]
    assert urls == {f"{SITE}{path}" for path in expected}
    lastmod = article_urls(found)[f"{SITE}{article.get_absolute_url()}"].findtext("s:lastmod", namespaces=NS)
    changed = max(article.updated_at, article.corrections.get().published_at)  # an edit or its correction
    assert datetime.datetime.fromisoformat(lastmod) == changed.replace(microsecond=0)


def test_a_correction_moves_the_lastmod(client):
    article = ArticleFactory()
    correction = CorrectionFactory(article=article, published_at=article.updated_at + datetime.timedelta(hours=1))
    [url] = article_urls(crawl(client)).values()
    lastmod = url.findtext("s:lastmod", namespaces=NS)
    assert datetime.datetime.fromisoformat(lastmod) == correction.published_at.replace(microsecond=0)


def test_every_article_is_in_exactly_one_page_and_pages_hold_at_most_the_limit(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 4)
    monkeypatch.setattr(sitemaps.TagSitemap, "limit", 2)
    public = [ArticleFactory(tags=[f"Tag {i}"]) for i in range(9)]
    ArticleFactory.create_batch(5, draft=True)  # a whole page of ids with nothing public on it
    public.append(ArticleFactory(scheduled=False))
    found = crawl(client)
    per_sitemap = {}
    for sitemap, url in found:
        per_sitemap.setdefault(sitemap, []).append(url)
    assert all(len(urls) <= 4 for urls in per_sitemap.values())
    listed = [loc for loc in locations(found) if "/articles/" in loc]
    assert sorted(listed) == sorted(f"{SITE}{a.get_absolute_url()}" for a in public)  # each once, no draft
    pages = math.ceil(Article.objects.aggregate(highest=Max("pk"))["highest"] / 4)  # ids count on after other tests
    assert sum("sitemap-articles.xml" in s for s in per_sitemap) == pages  # incl. one of drafts only
    tags = [loc for loc in locations(found) if "/tags/" in loc]
    assert len(tags) == len(set(tags)) == 9


def test_pages_beyond_the_last_and_bad_page_numbers_are_404(client):
    ArticleFactory()
    assert client.get("/sitemap-articles.xml", {"p": "2"}).status_code == 404
    assert client.get("/sitemap-articles.xml", {"p": "x"}).status_code == 404
    assert client.get("/sitemap-nope.xml").status_code == 404


@pytest.mark.parametrize("archive", [10, 40])
def test_the_index_and_a_page_cost_the_same_whatever_the_archive(client, monkeypatch, archive):
    """No COUNT and no OFFSET over the archive: the index reads the highest id, a page one range of ids."""
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 5)
    ArticleFactory.create_batch(archive, tags=["World"])
    for url in ("/sitemap.xml", "/sitemap-articles.xml?p=2", "/sitemap-tags.xml"):
        with CaptureQueriesContext(connection) as queries:
            fetch(client, url)
        sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
        assert "COUNT(" not in sql and "OFFSET" not in sql, url
        assert len(queries) <= 6, url


def test_news_sitemap_has_the_last_two_days(client):
    recent = ArticleFactory(headline="Fresh & <new>", published_at=timezone.now() - datetime.timedelta(hours=5))
    ArticleFactory(headline="Old", published_at=timezone.now() - datetime.timedelta(days=3))
    ArticleFactory(headline="Scheduled", scheduled=True)
    root = fetch(client, "/news-sitemap.xml")
    [url] = root.findall("s:url", NS)
    assert url.findtext("s:loc", namespaces=NS) == f"{SITE}{recent.get_absolute_url()}"
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Newsroom"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Fresh & <new>"
    published = datetime.datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
    assert published == recent.published_at.replace(microsecond=published.microsecond)


def test_more_news_than_one_file_holds_becomes_an_index_and_none_is_dropped(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 3)
    for hours in range(1, 8):
        ArticleFactory(headline=f"{hours} hours ago", published_at=timezone.now() - datetime.timedelta(hours=hours))
    found = crawl(client, "/news-sitemap.xml")
    titles = [url.findtext("news:news/news:title", namespaces=NS) for _, url in found]
    assert titles == [f"{hours} hours ago" for hours in range(1, 8)]
    assert len({sitemap for sitemap, _ in found}) == 3
    assert client.get("/news-sitemap.xml", {"p": "4"}).status_code == 404


def test_a_news_sitemap_without_news_is_still_valid(client):
    root = fetch(client, "/news-sitemap.xml")
    assert [u.findtext("s:loc", namespaces=NS) for u in root.findall("s:url", NS)] == [f"{SITE}/"]
    old = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=3))
    root = fetch(client, "/news-sitemap.xml")
    [url] = root.findall("s:url", NS)
    assert url.findtext("s:loc", namespaces=NS) == f"{SITE}{old.get_absolute_url()}"
    assert url.find("news:news", NS) is None  # Google's advice for articles older than two days


def test_an_empty_site_has_valid_sitemaps(client):
    assert locations(crawl(client)) == [f"{SITE}/"] * 6  # each empty sitemap lists the home page


def test_more_than_50000_articles_are_each_in_exactly_one_sitemap_of_at_most_50000(client, monkeypatch):
    monkeypatch.setattr(sitemaps.ArticleSitemap, "limit", 25_000)  # three pages; 5,000 a page in production
    bulk_articles(50_001, section=SectionFactory(name="Bulk"), published_at=timezone.now() - datetime.timedelta(days=3))
    found = crawl(client)
    listed = [loc for loc in locations(found) if "/articles/" in loc]
    assert len(listed) == len(set(listed)) == 50_001
    pages = {}
    for sitemap, _ in found:
        pages[sitemap] = pages.get(sitemap, 0) + 1
    assert max(pages.values()) <= 25_000
    assert sum("sitemap-articles.xml" in s for s in pages) == 3


def test_article_locations_are_their_canonical_addresses_in_every_script(client):
    slugs = ["вести-дня", "東京-ニュース", "خبر-عاجل", "हिंदी-समाचार", "a~b:c@d!$&'()*+,;=", "100%-sure"]
    articles = [ArticleFactory(slug=slug) for slug in slugs]
    found = set(locations(crawl(client)))
    for article in articles:
        assert f"{SITE}{article.get_absolute_url()}" in found, article.slug
