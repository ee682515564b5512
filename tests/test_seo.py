"""What search engines and link previews read: titles, descriptions, canonical links, OpenGraph, JSON-LD."""

import datetime
import json

import pytest
from lxml import html as lxml_html

from tests.factories import ArticleFactory, CitationFactory, FullArticleFactory

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"
HOSTILE = "</script><script>alert(1)</script> & <!-- \u2028"


def page_types(article):
    tag = article.tags.first()
    return [
        "/",
        "/?page=2",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        tag.get_absolute_url(),
        article.citations.first().source.get_absolute_url(),
        article.bylines.first().author.get_absolute_url(),
        f"/archive/{article.published_at:%Y}/",
        f"/archive/{article.published_at:%Y}/{article.published_at:%m}/",
    ]


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.content)


def meta(doc, key):
    values = doc.xpath(f'//meta[@name="{key}" or @property="{key}"]/@content')
    assert len(values) == 1, key
    return values[0]


def test_every_page_has_unique_title_description_canonical_and_cards(client):
    article = FullArticleFactory(headline="Главная новость", dek="The standfirst.")
    ArticleFactory.create_batch(30)  # the front page shows 8 above its list of 20
    titles = set()
    for url in page_types(article):
        doc = head(client, url)
        [title] = doc.xpath("//title/text()")
        titles.add(title)
        assert meta(doc, "description")
        [canonical] = doc.xpath('//link[@rel="canonical"]/@href')
        assert canonical.startswith(SITE)
        assert meta(doc, "og:url") == canonical
        assert meta(doc, "og:title") and meta(doc, "og:site_name") == "Newsroom"
        assert meta(doc, "twitter:card") == "summary_large_image"  # every page has a card image
        assert meta(doc, "og:image").startswith(SITE)
        assert meta(doc, "og:locale") == "en_US"
        assert len(doc.xpath("//h1")) == 1, url
    assert len(titles) == len(page_types(article))


def test_article_meta_uses_headline_and_dek(client):
    article = FullArticleFactory(headline="Главная новость", dek="The standfirst.")
    doc = head(client, article.get_absolute_url())
    assert doc.xpath("//title/text()") == ["Главная новость \N{EN DASH} Newsroom"]
    assert meta(doc, "description") == meta(doc, "og:description") == "The standfirst."
    assert meta(doc, "og:type") == "article"
    assert doc.xpath('//link[@rel="canonical"]/@href') == [f"{SITE}{article.get_absolute_url()}"]
    assert meta(doc, "article:published_time") == article.published_at.isoformat(timespec="seconds")


def test_second_page_has_its_own_canonical(client):
    ArticleFactory.create_batch(30)
    doc = head(client, "/?page=2")
    assert doc.xpath('//link[@rel="canonical"]/@href') == [f"{SITE}/?page=2"]


def jsonld(client, article):
    response = client.get(article.get_absolute_url())
    body = response.content.decode()
    start = body.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    text = body[start : body.index("</script>", start)]
    return text, json.loads(text)


def test_jsonld_news_article(client):
    article = FullArticleFactory(everything__sources=3)
    CitationFactory(article=article, role="secondary")
    _, data = jsonld(client, article)
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["headline"] == article.headline and data["description"] == article.dek
    assert data["url"] == f"{SITE}{article.get_absolute_url()}"
    assert data["datePublished"] == article.published_at.isoformat()
    assert data["dateModified"] >= data["datePublished"]
    assert data["articleSection"] == article.section.name
    assert sorted(data["keywords"]) == ["Topic 0", "Topic 1"]
    assert data["publisher"] == {
        "@type": "NewsMediaOrganization",
        "@id": f"{SITE}/#organization",
        "name": "Newsroom",
        "url": f"{SITE}/",
        "logo": {"@type": "ImageObject", "url": f"{SITE}/static/img/logo.png", "width": 600, "height": 60},
    }
    writers = [b.author.name for b in article.bylines.all() if b.role == "written"]
    translators = [b.author.name for b in article.bylines.all() if b.role == "translated"]
    assert [a["name"] for a in data["author"]] == writers
    assert [a["name"] for a in data["translator"]] == translators
    cited = [c["publisher"]["name"] for c in data["citation"]]
    assert cited == [c.source.name for c in article.citations.all()]
    assert len(data["isBasedOn"]) == 3  # the primary sources only
    report_urls = {c["url"] for c in data["citation"] if "url" in c}
    assert report_urls == {c.url for c in article.citations.all() if c.url}
    [correction] = data["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == article.corrections.get().text


def test_jsonld_cannot_break_out_of_its_script(client):
    article = ArticleFactory(headline=HOSTILE, dek=HOSTILE)
    text, data = jsonld(client, article)
    assert "<" not in text and ">" not in text and "&" not in text
    assert data["headline"] == HOSTILE
    assert client.get(article.get_absolute_url()).content.decode().count("<script") == 1


def test_article_without_bylines_is_by_the_publication(client):
    _, data = jsonld(client, ArticleFactory())
    assert data["author"] == [data["publisher"]]


def test_noindex_pages_have_no_canonical(client):
    for url in ("/search/?q=x", "/no-such-page/"):
        doc = lxml_html.fromstring(client.get(url).content)
        assert meta(doc, "robots") == "noindex"
        assert doc.xpath('//link[@rel="canonical"]') == []


def test_jsonld_follows_googles_article_guidance_and_has_no_empty_lists(client):
    article = ArticleFactory(headline="Bare")  # no tags, sources, corrections or bylines
    _, data = jsonld(client, article)
    assert data["headline"] == "Bare"
    assert [key for key, value in data.items() if value in ([], "", None)] == []
    assert "keywords" not in data and "citation" not in data and "correction" not in data
    assert data["image"] == [
        {"@type": "ImageObject", "url": f"{SITE}/static/img/card.png", "width": 1200, "height": 630}
    ]
    for key in ("datePublished", "dateModified"):
        assert datetime.datetime.fromisoformat(data[key]).tzinfo is not None
    signed = FullArticleFactory()
    _, data = jsonld(client, signed)
    for person in data["author"] + data["translator"]:
        assert person["@type"] == "Person" and person["name"] and person["url"].startswith(f"{SITE}/authors/")


def test_every_article_has_a_card_image_with_its_size(client):
    doc = head(client, ArticleFactory().get_absolute_url())
    assert meta(doc, "og:image") == f"{SITE}/static/img/card.png"
    assert (meta(doc, "og:image:width"), meta(doc, "og:image:height")) == ("1200", "630")
    assert meta(doc, "og:image:alt") == "Newsroom"
    assert meta(doc, "twitter:card") == "summary_large_image"
    assert client.get("/static/img/card.png").status_code == 200


@pytest.mark.parametrize(
    ("language", "locale"), [("ar", "ar_AR"), ("uk", "uk_UA"), ("pt-br", "pt_BR"), ("de", "de_DE")]
)
def test_og_locale_follows_the_article_language(client, language, locale):
    doc = head(client, ArticleFactory(language=language).get_absolute_url())
    assert meta(doc, "og:locale") == locale


def test_home_page_carries_the_website_with_search_and_the_organization(client):
    ArticleFactory()
    body = client.get("/").content.decode()
    start = body.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    data = json.loads(body[start : body.index("</script>", start)])
    website, organization = data["@graph"]
    assert website["@type"] == "WebSite" and website["url"] == f"{SITE}/"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == f"{SITE}/search/?q={{search_term_string}}"
    assert action["query-input"] == "required name=search_term_string"
    assert organization["@type"] == "NewsMediaOrganization" and organization["logo"]["url"].startswith(SITE)
    assert website["publisher"] == {"@id": organization["@id"]}


def test_favicon_and_touch_icons_exist(client):
    doc = head(client, "/")
    icons = doc.xpath('//link[@rel="icon" or @rel="apple-touch-icon"]/@href')
    assert len(icons) == 2
    for url in [*icons, "/favicon.ico", "/apple-touch-icon.png", "/apple-touch-icon-precomposed.png"]:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("image/"), url


def test_an_absolute_url_is_what_iri_to_uri_makes_and_costs_no_quoting_when_already_a_uri(monkeypatch, settings):
    """Pages make a dozen absolute URLs each (links, structured data): one that is a URI already (most are:
    ASCII slugs) is used as it is; any other is quoted by Django's iri_to_uri (RFC 3987, section 3.1)."""
    import random
    import urllib.parse

    from django.utils.encoding import iri_to_uri

    from articles import seo

    settings.NEWSROOM_SITE_URL = "https://news.example.org"
    alphabet = "aZ09-_.~/#%[]=:;$&()+,!?*@'\\\"<> ^`{|}\t\n\x7fé—हि"
    rng = random.Random(7)
    paths = ["/articles/plain-slug/", "/tags/हिन्दी/", "/a b/", "/x%20y/", "https://ex.org/a?b=c&d=é"]
    paths += ["/" + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    for path in paths:
        expected = iri_to_uri(path if path.startswith("https://") else settings.NEWSROOM_SITE_URL + path)
        assert seo.absolute_url(path) == expected, path
    quoted = []
    quote = urllib.parse.quote
    monkeypatch.setattr(urllib.parse, "quote", lambda *a, **k: quoted.append(a) or quote(*a, **k))
    monkeypatch.setattr("django.utils.encoding.quote", urllib.parse.quote)
    assert seo.absolute_url("/articles/plain-slug/") == "https://news.example.org/articles/plain-slug/"
    assert quoted == []
