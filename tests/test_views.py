"""The readers' pages, one by one: what they show, what they escape, how they fail."""

import datetime
import json
import math

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from django.views.defaults import server_error

from articles import services
from articles.models import Article, Section, Source
from articles.sitemaps import ArticleSitemap
from images.renditions import card_image
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    CitationFactory,
    CorrectionFactory,
    FullArticleFactory,
    ImageFactory,
    SectionFactory,
    SourceFactory,
    UserFactory,
    image_bytes,
)

pytestmark = pytest.mark.django_db

HOSTILE = "</script><script>alert(1)</script> & \"quotes\" 'single'"


def page_text(response):
    assert response.status_code == 200, response.status_code
    # Search marks the words that matched; the text around them is what these tests read.
    return response.content.decode().replace("<mark>", "").replace("</mark>", "")


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_article", "publish_article"]))
    client.force_login(user)
    return user


def test_home_shows_the_lead_story_and_the_latest(client):
    older = ArticleFactory(headline="Older story", published_at=timezone.now() - datetime.timedelta(days=3))
    lead = ArticleFactory(headline="Lead story")
    html = page_text(client.get("/"))
    assert html.index('class="card card--lead') < html.index(lead.headline) < html.index(older.headline)
    assert html.count("<h1") == 1


def latest(response):
    """The "Latest news" list of the front page."""
    html = page_text(response)
    return html.split('id="latest-heading"')[1].split("</section>")[0]


def test_home_is_paginated_and_a_bad_page_is_a_404(client):
    # 1 lead + 4 featured + 3 in the section's block above the list; 40 - 8 = 32 in "Latest news".
    for i in range(40):
        ArticleFactory(published_at=timezone.now() - datetime.timedelta(hours=i + 1))
    first, second = client.get("/"), client.get("/?page=2")
    assert latest(first).count('<article class="card') == 20
    assert latest(second).count('<article class="card') == 12
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert "card--lead" not in second.content.decode()
    assert client.get("/?page=3").status_code == 404
    assert client.get("/?page=abc").status_code == 404


def test_article_page_shows_everything_escaped(client):
    article = FullArticleFactory(headline=f"Headline {HOSTILE}", dek=f"Dek {HOSTILE}")
    CorrectionFactory(article=article, kind="clarification", text=f"Clarified {HOSTILE}", published_at=timezone.now())
    html = page_text(client.get(article.get_absolute_url()))
    assert "<script>alert(1)" not in html
    assert "Headline &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
    assert "<h1" in html and html.count("<h1") == 1
    for byline in article.bylines.all():
        assert byline.get_role_display() in html
        assert f'href="{byline.author.get_absolute_url()}"' in html
    for citation in article.citations.all():
        assert f'href="{citation.source.get_absolute_url()}"' in html
        if citation.url:
            assert f'href="{citation.url}" rel="nofollow noopener noreferrer"' in html
    assert "Sources cited" in html and "Background" in html
    assert "Clarification" in html and "Clarified &lt;/script&gt;" in html
    assert article.notes.get().text in html
    assert f'datetime="{article.published_at.isoformat(timespec="seconds")}"' in html
    assert 'href="/tags/topic-0/" rel="tag"' in html


def test_body_is_the_only_html_and_it_is_sanitized(client):
    article = ArticleFactory(body='<p onclick="x()">Fine <strong>bold</strong></p><script>alert(1)</script>')
    html = page_text(client.get(article.get_absolute_url()))
    assert "<strong>bold</strong>" in html
    assert "onclick" not in html and "alert(1)" not in html


def test_updated_time_shown_only_after_a_real_update(client):
    fresh = ArticleFactory(published_at=timezone.now())
    assert "Updated" not in page_text(client.get(fresh.get_absolute_url()))
    edited = ArticleFactory(published_at=timezone.now() - datetime.timedelta(hours=3))
    assert "Updated <time" in page_text(client.get(edited.get_absolute_url()))


def test_a_javascript_report_url_is_never_a_link(client):
    article = ArticleFactory()
    CitationFactory(article=article, url="javascript:alert(1)")
    Source.objects.filter(pk=article.citations.get().source_id).update(homepage="javascript:alert(2)")
    html = page_text(client.get(article.get_absolute_url()))
    assert "javascript:" not in html
    assert "javascript:" not in page_text(client.get(article.citations.get().source.get_absolute_url()))


def test_related_articles_share_tags_most_shared_first(client):
    article = ArticleFactory(tags=["nato", "ukraine", "summit"])
    one = ArticleFactory(headline="Shares one tag", tags=["nato"])
    two = ArticleFactory(headline="Shares two tags", tags=["nato", "summit"])
    ArticleFactory(headline="Shares nothing", tags=["weather"])
    ArticleFactory(headline="Draft sharing all", tags=["nato", "ukraine", "summit"], draft=True)
    html = page_text(client.get(article.get_absolute_url()))
    related = html[html.index("Related articles") :]
    assert related.index(two.headline) < related.index(one.headline)
    assert "Shares nothing" not in related and "Draft sharing all" not in related


def test_related_articles_are_read_once_per_content_change(client, settings):
    """The related box is kept per content generation: a second view runs no related query, and every change a
    reader could see (a new story, an unpublished one, a renamed author, a scheduled one going live) shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    editor = UserFactory(is_staff=True, is_superuser=True)
    article = ArticleFactory(tags=["nato", "summit"])
    one = ArticleFactory(headline="Shares one tag", tags=["nato"])
    url = article.get_absolute_url()

    def related():
        with CaptureQueriesContext(connection) as captured:
            html = page_text(client.get(url))
        return html[html.index("Related articles") :] if "Related articles" in html else "", len(captured)

    client.get("/corrections/")  # fills this generation's navigation
    first, first_queries = related()
    assert one.headline in first
    again, again_queries = related()
    assert again == first and again_queries == first_queries - 2  # the related articles and their bylines
    two = ArticleFactory(headline="Shares two tags", tags=["nato", "summit"])
    box, _ = related()
    assert box.index(two.headline) < box.index(one.headline)
    services.unpublish([two], user=editor)
    assert two.headline not in related()[0]
    BylineFactory(article=one, author__name="Ann Reporter")
    assert "Ann Reporter" in related()[0]
    later = ArticleFactory(headline="Embargoed and related", tags=["nato", "summit"], draft=True)
    when = timezone.now() + datetime.timedelta(minutes=10)
    services.schedule([later], when, user=editor)
    assert later.headline not in related()[0]
    with time_machine.travel(when + datetime.timedelta(seconds=1)):
        assert later.headline in related()[0]


@pytest.mark.parametrize("headline", ["Новости дня", "東京の天気", "आज की ख़बर", "خبر عاجل"])
def test_pages_with_slugs_in_any_script(client, headline):
    section = SectionFactory(name=f"{headline} section")
    author = AuthorFactory(name=f"{headline} author")
    source = SourceFactory(name=f"{headline} source")
    article = ArticleFactory(headline=headline, section=section, tags=[f"{headline} tag"])
    BylineFactory(article=article, author=author)
    CitationFactory(article=article, source=source)
    tag = article.tags.get()
    for obj in (article, section, tag, source, author):
        assert headline in page_text(client.get(obj.get_absolute_url())), obj


def test_section_page_lists_only_its_published_articles(client):
    sport = SectionFactory(name="Sport", description="Games & results")
    ArticleFactory(headline="Match report", section=sport)
    ArticleFactory(headline="Elsewhere")
    html = page_text(client.get(sport.get_absolute_url()))
    assert "Match report" in html and "Elsewhere" not in html
    assert "Games &amp; results" in html
    assert 'aria-current="page"' in html
    assert f'href="/feeds/sections/{sport.slug}/rss/"' in html


def test_the_navigation_is_rendered_once_per_content_change(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    news = SectionFactory(name="News desk", order=1)
    sport = SectionFactory(name="Sport desk", order=2)
    article = ArticleFactory(section=news)

    def navigation(url):
        response = client.get(url)
        nav = response.content.decode().split('aria-label="Sections"')[1].split("</nav>")[0]
        return nav, "includes/navigation.html" in [t.name for t in response.templates]

    nav, rendered = navigation(article.get_absolute_url())
    assert rendered and f'href="{news.get_absolute_url()}" aria-current="page">News desk<' in nav
    assert f'href="{sport.get_absolute_url()}">Sport desk<' in nav
    assert navigation(article.get_absolute_url()) == (nav, False)
    assert navigation(ArticleFactory(section=news).get_absolute_url()) == (nav, True)  # a change: a new story
    assert navigation(news.get_absolute_url()) == (nav, False)  # the same current section
    nav, rendered = navigation(sport.get_absolute_url())  # another: made with the others, once per change
    assert not rendered and f'href="{sport.get_absolute_url()}" aria-current="page">Sport desk<' in nav
    assert 'aria-current="page"' not in navigation("/corrections/")[0]
    sport.name = "Games"
    sport.save()
    nav, rendered = navigation(article.get_absolute_url())
    assert rendered and ">Games<" in nav and "Sport desk" not in nav
    settings.NEWSROOM_DATA_CACHE = False  # production without a shared cache: rendered on each page, as it is
    Section.objects.filter(pk=sport.pk).update(name="Renamed elsewhere")
    nav, rendered = navigation(sport.get_absolute_url())
    assert rendered and 'aria-current="page">Renamed elsewhere<' in nav


def test_empty_section_is_a_page_but_unknown_objects_are_404(client):
    SectionFactory(name="Weather")
    assert "No articles in this section yet" in page_text(client.get("/sections/weather/"))
    for prefix in ("sections", "tags", "sources", "authors"):
        assert client.get(f"/{prefix}/does-not-exist/").status_code == 404


def test_source_page_shows_kind_homepage_description_and_count(client):
    reuters = SourceFactory(name="Reuters", homepage="https://www.reuters.com/", description="A news agency.")
    for _ in range(3):
        CitationFactory(source=reuters)
    CitationFactory(source=reuters, article=ArticleFactory(draft=True))
    html = page_text(client.get(reuters.get_absolute_url()))
    assert "Articles citing Reuters" in html
    assert "News agency" in html and "A news agency." in html
    assert 'href="https://www.reuters.com/"' in html
    assert "3 articles" in html


def test_author_page(client):
    author = AuthorFactory(name="Ana Lima", bio="Covers <energy>.")
    BylineFactory(author=author, article=ArticleFactory(headline="Oil prices"))
    html = page_text(client.get(author.get_absolute_url()))
    assert "Oil prices" in html and "Covers &lt;energy&gt;." in html and "1 article" in html


def test_archive_by_year_and_month(client):
    march = datetime.datetime(2024, 3, 5, 12, tzinfo=datetime.UTC)
    ArticleFactory(headline="March story", published_at=march)
    ArticleFactory(headline="May story", published_at=march.replace(month=5))
    year = page_text(client.get("/archive/2024/"))
    assert "March story" in year and "May story" in year and 'href="/archive/2024/03/"' in year
    month = page_text(client.get("/archive/2024/03/"))
    assert "March story" in month and "May story" not in month
    assert 'href="/archive/2024/05/"' in month
    for url in ("/archive/2024/13/", "/archive/2024/00/", "/archive/2023/", "/archive/0000/", "/archive/9999/12/"):
        assert client.get(url).status_code == 404, url


def test_search_finds_published_articles_by_every_word(client):
    ArticleFactory(headline="Flood warning in Bavaria", dek="Rivers rise")
    ArticleFactory(headline="Flood warning draft", draft=True)
    html = page_text(client.get("/search/", {"q": "flood rivers"}))
    assert "Flood warning in Bavaria" in html and "draft" not in html.lower().split("</form>", 1)[1]
    assert "1 result for" in html
    assert 'name="robots" content="noindex"' in html


@pytest.mark.parametrize("query", ["x" * 500, "bad\x00byte"])
def test_bad_search_input_is_a_form_error(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_empty_search_shows_the_form(client):
    html = page_text(client.get("/search/"))
    assert "Type one or more words" in html


def test_staff_preview_of_a_draft_has_a_banner_and_is_never_cached(client, staff):
    draft = ArticleFactory(headline="Work in progress", draft=True)
    response = client.get(draft.get_absolute_url())
    html = page_text(response)
    assert "Draft / not published" in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert "application/ld+json" not in html


def test_staff_preview_of_a_scheduled_article_says_when(client, staff):
    scheduled = ArticleFactory(scheduled=True)
    html = page_text(client.get(scheduled.get_absolute_url()))
    assert "Scheduled for <time" in html and "/ not published" in html


def test_public_article_for_staff_has_no_banner(client, staff):
    html = page_text(client.get(ArticleFactory().get_absolute_url()))
    assert "not published" not in html


def test_article_answers_if_modified_since_and_a_correction_makes_it_fresh_again(client):
    article = FullArticleFactory()
    # Last-Modified is sent once the second of the last change is over (HTTP dates are whole seconds).
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        last_modified = client.get(article.get_absolute_url())["Last-Modified"]
        assert client.get(article.get_absolute_url(), headers={"if-modified-since": last_modified}).status_code == 304
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        CorrectionFactory(article=article)
        response = client.get(article.get_absolute_url(), headers={"if-modified-since": last_modified})
    assert response.status_code == 200
    assert response.get("Last-Modified") != last_modified


def test_conditional_get_answers_304(client):
    article = FullArticleFactory()
    for url in ("/", article.get_absolute_url(), article.section.get_absolute_url(), "/feeds/rss/"):
        etag = client.get(url)["ETag"]
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304, url
        assert client.get(url, headers={"if-none-match": '"stale"'}).status_code == 200, url


def test_404_page_is_friendly(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_500_page_renders_without_a_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_robots_txt_lists_both_sitemaps(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text
    assert "Sitemap: http://127.0.0.1:8000/news-sitemap.xml" in text


@pytest.mark.parametrize(
    "url", ["/tags/a%00b/", "/articles/a%00/", "/feeds/tags/%00/rss/", "/search/?q=%00", "/?page=%00", "/?page=-1"]
)
def test_hostile_addresses_are_404_or_a_page_never_500(client, url):
    assert client.get(url).status_code in (200, 404)


def test_featured_image_with_alt_text_caption_and_previews(client):
    image = ImageFactory(
        file=ContentFile(image_bytes((1600, 1000)), name="grid.png"),
        alt_text="Pylons <at> dusk",
        caption="The northern line.",
        credit="Jane Doe / Agency",
    )
    article = ArticleFactory(featured_image=image)
    html = page_text(client.get(article.get_absolute_url()))
    assert 'alt="Pylons &lt;at&gt; dusk" fetchpriority="high"' in html
    assert "The northern line." in html and "Jane Doe / Agency" in html
    card = card_image(image)
    assert card.startswith("/media/CACHE/images/") and card.endswith(".jpg")
    assert f'<meta property="og:image" content="http://127.0.0.1:8000{card}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert '<meta property="og:image:alt" content="Pylons &lt;at&gt; dusk">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    data = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    image_object = {"@type": "ImageObject", "url": f"http://127.0.0.1:8000{card}", "width": 1200, "height": 630}
    assert data["image"] == [image_object]


@pytest.mark.parametrize("query", ["москва", "МОСКВА", "Москва мэр", "東京"])
def test_search_ignores_letter_case_in_every_script(client, query):
    ArticleFactory(headline="Москва: мэр открыл 東京 выставку")
    ArticleFactory(headline="Unrelated")
    html = page_text(client.get("/search/", {"q": query}))
    assert "1 result for" in html and "Москва: мэр" in html


def test_hostile_names_are_escaped_on_every_page_and_feed(client):
    name = "<script>alert(1)</script> & Co"
    section = SectionFactory(name=f"Section {name}", description=name)
    author = AuthorFactory(name=f"Author {name}", bio=name)
    source = SourceFactory(name=f"Source {name}", description=name)
    article = ArticleFactory(headline=name, dek=name, section=section, tags=[f"Tag {name}"])
    BylineFactory(article=article, author=author)
    CitationFactory(article=article, source=source)
    tag = article.tags.get()
    pages = [obj.get_absolute_url() for obj in (article, section, author, source, tag)]
    feeds = [f"/feeds/{kind}/{obj.slug}/rss/" for kind, obj in (("sections", section), ("tags", tag))]
    for url in ["/", "/search/?q=alert", *pages, *feeds, "/feeds/atom/", "/news-sitemap.xml"]:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in body, url


def test_a_correction_is_the_updated_time_everywhere_readers_see_one(client):
    """Page, Open Graph, JSON-LD, feeds and sitemap agree: a correction is an update; one dated before
    publication is not."""
    article = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=2))
    Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)  # no edit since publishing
    corrected = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    CorrectionFactory(article=article, published_at=corrected)
    CorrectionFactory(article=article, published_at=article.published_at - datetime.timedelta(days=1))
    iso = corrected.isoformat(timespec="seconds")
    html = page_text(client.get(article.get_absolute_url()))
    assert f'Updated <time datetime="{iso}">' in html
    assert f'<meta property="article:modified_time" content="{iso}">' in html
    jsonld = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert jsonld["dateModified"] == corrected.isoformat()
    assert json.loads(client.get("/feed.json").content)["items"][0]["date_modified"] == corrected.isoformat()
    assert f"<updated>{iso}</updated>" in client.get("/feeds/atom/").content.decode()
    page = math.ceil(article.pk / ArticleSitemap.limit)  # sitemap pages are ranges of ids
    assert f"<lastmod>{iso}</lastmod>" in client.get("/sitemap-articles.xml", {"p": page}).content.decode()


def test_a_byline_groups_roles_as_written_and_lists_names_with_and():
    from django.template import Context, Template
    from django.utils import translation

    from articles.models import Byline
    from tests.factories import ArticleFactory, AuthorFactory, BylineFactory

    article = ArticleFactory()
    for order, (name, role) in enumerate(
        [("Ann", "written"), ("Bo & Co", "written"), ("Cy", "written"), ("Di", "photos"), ("Ed", "written")]
    ):
        BylineFactory(article=article, author=AuthorFactory(name=name), role=role, order=order)
    bylines = list(Byline.objects.filter(article=article).select_related("author"))
    link = lambda b: f'<a href="{b.author.get_absolute_url()}">{b.author.name.replace("&", "&amp;")}</a>'  # noqa: E731
    ann, bo, cy, di, ed = (link(b) for b in bylines)
    expected = (
        f'<span class="byline__role">By</span> {ann}, {bo} and {cy}; '
        f'<span class="byline__role">Photos by</span> {di}; <span class="byline__role">By</span> {ed}'
    )
    template = Template("{% load newsroom %}{% byline bylines %}")
    assert template.render(Context({"bylines": bylines})) == expected
    with translation.override("uk"):
        assert "Автор" in template.render(Context({"bylines": bylines[:1]}))
