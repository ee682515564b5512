"""sitemap.xml and the Google News sitemap, parsed as XML and checked for their schemas' required elements."""

import datetime

import pytest
from django.utils import timezone
from lxml import etree

from articles import sitemaps
from tests.factories import ArticleFactory, CorrectionFactory, FullArticleFactory

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}
SITE = "http://127.0.0.1:8000"


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "xml" in response["Content-Type"]
    root = etree.fromstring(response.content)
    assert root.tag == "{%s}urlset" % NS["s"]  # noqa: UP031
    return root


def test_sitemap_lists_every_public_page_with_lastmod_for_articles(client):
    article = FullArticleFactory(headline="Вести дня")
    ArticleFactory(headline="Draft", draft=True)
    root = parse(client, "/sitemap.xml")
    urls = {url.findtext("s:loc", namespaces=NS): url for url in root.findall("s:url", NS)}
    for url in urls:
        assert url.startswith(f"{SITE}/")
    expected = [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        *(citation.source.get_absolute_url() for citation in article.citations.all()),
        *(byline.author.get_absolute_url() for byline in article.bylines.all()),
        *(tag.get_absolute_url() for tag in article.tags.all()),
    ]
    assert set(urls) == {f"{SITE}{path}" for path in expected}
    lastmod = urls[f"{SITE}{article.get_absolute_url()}"].findtext("s:lastmod", namespaces=NS)
    assert datetime.datetime.fromisoformat(lastmod) == article.updated_at.replace(microsecond=0)


def test_a_correction_moves_the_lastmod(client):
    article = ArticleFactory()
    correction = CorrectionFactory(article=article, published_at=article.updated_at + datetime.timedelta(hours=1))
    root = parse(client, "/sitemap.xml")
    [lastmod] = root.xpath("//s:url[contains(s:loc, '/articles/')]/s:lastmod/text()", namespaces=NS)
    assert datetime.datetime.fromisoformat(lastmod) == correction.published_at.replace(microsecond=0)


def test_news_sitemap_has_the_last_two_days(client):
    recent = ArticleFactory(headline="Fresh & <new>", published_at=timezone.now() - datetime.timedelta(hours=5))
    ArticleFactory(headline="Old", published_at=timezone.now() - datetime.timedelta(days=3))
    ArticleFactory(headline="Scheduled", scheduled=True)
    root = parse(client, "/news-sitemap.xml")
    [url] = root.findall("s:url", NS)
    assert url.findtext("s:loc", namespaces=NS) == f"{SITE}{recent.get_absolute_url()}"
    news = url.find("news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == "Newsroom"
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Fresh & <new>"
    published = datetime.datetime.fromisoformat(news.findtext("news:publication_date", namespaces=NS))
    assert published == recent.published_at.replace(microsecond=published.microsecond)


def test_news_sitemap_is_capped_newest_first(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 3)
    for hours in range(1, 6):
        ArticleFactory(headline=f"{hours} hours ago", published_at=timezone.now() - datetime.timedelta(hours=hours))
    titles = [t.text for t in parse(client, "/news-sitemap.xml").iterfind(".//news:title", NS)]
    assert titles == ["1 hours ago", "2 hours ago", "3 hours ago"]


def test_empty_sitemaps_are_valid(client):
    assert parse(client, "/news-sitemap.xml").findall("s:url", NS) == []
    assert [u.findtext("s:loc", namespaces=NS) for u in parse(client, "/sitemap.xml")] == [f"{SITE}/"]
