"""The public page cache: fast for readers, never stale, revalidated without rendering."""

import datetime
import gzip

import brotli
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import services
from articles.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BylineFactory,
    CitationFactory,
    FullArticleFactory,
    ImageFactory,
    SectionFactory,
    SourceAliasFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return UserFactory(is_staff=True, is_superuser=True)


def body(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def rendered_queries(client, url, **headers):
    """(status, SQL queries) of one request."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    return response.status_code, len(captured)


def test_a_cached_page_runs_no_query_and_is_public(client):
    article = FullArticleFactory()
    first = client.get(article.get_absolute_url())
    assert rendered_queries(client, article.get_absolute_url()) == (200, 0)
    again = client.get(article.get_absolute_url())
    assert again.content == first.content
    assert again["Cache-Control"] == "public, max-age=0, s-maxage=30, stale-while-revalidate=30"
    assert "Cookie" not in again.get("Vary", "")
    assert "Accept-Encoding" in again["Vary"]
    assert again["ETag"].startswith('W/"')


def test_revalidation_is_answered_without_rendering(client, django_assert_max_num_queries):
    article = FullArticleFactory()
    url = article.get_absolute_url()
    etag = client.get(url)["ETag"]
    client.get("/")  # another page does not disturb this one
    with django_assert_max_num_queries(0):
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    # A worker without the page in its cache still answers from the generation alone: no template, no query.
    from django.core.cache import cache

    from articles.cache import current_state, page_key

    key, same_etag = page_key(current_state(), "", url)
    assert same_etag == etag and cache.delete(key)
    with django_assert_max_num_queries(1):
        response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304 and not response.templates


@pytest.mark.parametrize(
    "change",
    [
        "edit",
        "publish",
        "unpublish",
        "correction",
        "tag",
        "merge tags",
        "rename tag",
        "merge sources",
        "alias",
        "section",
        "author",
        "byline",
        "delete",
    ],
)
def test_every_change_a_reader_can_see_retires_cached_pages(client, editor, change):
    article = FullArticleFactory(headline="Before the change")
    other = ArticleFactory(headline="Another story", draft=True)
    pages = ["/", article.get_absolute_url(), article.section.get_absolute_url(), "/feeds/rss/"]
    before = {url: client.get(url) for url in pages}
    etags = {url: response["ETag"] for url, response in before.items()}
    tag = article.tags.first()
    source = article.citations.first().source
    match change:
        case "edit":
            article.headline = "After the change"
            article.save()
        case "publish":
            services.publish([other], user=editor)
        case "unpublish":
            services.unpublish([article], user=editor)
        case "correction":
            services.add_correction(article, "A date was wrong.", user=editor)
        case "tag":
            services.add_tag([article], "Fresh tag", user=editor)
        case "merge tags":
            services.merge_tags(article.tags.last(), [tag], user=editor)
        case "rename tag":
            services.rename_tag(tag, "Renamed tag")
        case "merge sources":
            services.merge_sources(CitationFactory().source, source, user=editor)
        case "alias":
            SourceAliasFactory(source=source, name="Another name")
        case "section":
            article.section.name = "Renamed section"
            article.section.save()
        case "author":
            author = article.bylines.first().author
            author.name = "Renamed author"
            author.save()
        case "byline":
            BylineFactory(article=article, author=AuthorFactory(), order=9)
        case "delete":
            article.delete()
    for url in pages:
        response = client.get(url, headers={"if-none-match": etags[url]})
        assert response.status_code in (200, 404), (change, url)
        if response.status_code == 200:
            assert response["ETag"] != etags[url], (change, url)


def test_an_edit_soon_after_publication_is_never_answered_304(client):
    """Last-Modified used to ignore edits within 5 minutes of publication, so clients kept the old page."""
    article = FullArticleFactory(headline="First version")
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        first = client.get(article.get_absolute_url())
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        article.headline = "Second version"
        article.save()
        response = client.get(
            article.get_absolute_url(),
            headers={"if-modified-since": first["Last-Modified"], "if-none-match": first["ETag"]},
        )
        only_date = client.get(article.get_absolute_url(), headers={"if-modified-since": first["Last-Modified"]})
    assert response.status_code == 200 and "Second version" in response.content.decode()
    assert only_date.status_code == 200


def test_no_date_is_sent_in_the_second_of_a_change(client):
    """Two changes in one second would share a date, so a date is only sent once that second is over."""
    with time_machine.travel(timezone.now(), tick=False):
        FullArticleFactory()
        assert "Last-Modified" not in client.get("/")
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        assert "Last-Modified" in client.get("/")


def test_a_scheduled_article_goes_live_on_time_without_a_job(client, editor):
    FullArticleFactory(headline="Already public")
    scheduled = ArticleFactory(headline="Embargoed story", draft=True)
    when = timezone.now() + datetime.timedelta(minutes=10)
    services.schedule([scheduled], when, user=editor)
    home = body(client, "/")
    assert "Embargoed story" not in home
    etag = client.get("/")["ETag"]
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    with time_machine.travel(when + datetime.timedelta(seconds=1)):
        assert "Embargoed story" in body(client, "/")
        assert client.get("/", headers={"if-none-match": etag}).status_code == 200
        assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_a_page_is_kept_no_longer_than_the_next_publication(client, editor):
    from articles.cache import current_state

    scheduled = ArticleFactory(draft=True)
    services.schedule([scheduled], timezone.now() + datetime.timedelta(seconds=90), user=editor)
    assert current_state().lifetime(timezone.now().timestamp()) <= 90


def test_staff_and_previews_bypass_the_cache(client, editor):
    article = FullArticleFactory(headline="Public story")
    draft = ArticleFactory(headline="Secret draft", draft=True)
    client.get(article.get_absolute_url())
    client.force_login(editor)
    status, queries = rendered_queries(client, article.get_absolute_url())
    assert status == 200 and queries > 0
    response = client.get(draft.get_absolute_url())
    assert "Secret draft" in response.content.decode()
    assert "public" not in response.get("Cache-Control", "")
    client.logout()
    client.cookies.clear()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/admin/login/").get("Cache-Control", "") != client.get("/").get("Cache-Control")


def test_a_404_is_not_cached_publicly(client):
    response = client.get("/articles/no-such-story/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(("accept", "decode"), [("br", brotli.decompress), ("gzip, deflate", gzip.decompress)])
def test_pages_feeds_and_sitemaps_are_compressed(client, accept, decode):
    article = FullArticleFactory()
    for url in ("/", article.get_absolute_url(), "/feeds/rss/", "/sitemap.xml"):
        plain = client.get(url).content
        response = client.get(url, headers={"accept-encoding": accept})
        assert response["Content-Encoding"] == accept.split(",")[0], url
        assert decode(response.content) == plain, url
        # From the cache, too.
        again = client.get(url, headers={"accept-encoding": accept})
        assert again["Content-Encoding"] == accept.split(",")[0] and again.content == response.content


def test_refused_encodings_are_not_used(client):
    FullArticleFactory()
    response = client.get("/", headers={"accept-encoding": "br;q=0, gzip;q=0"})
    assert "Content-Encoding" not in response


def test_search_pages_are_cached_per_query(client):
    ArticleFactory(headline="Harbour news")
    ArticleFactory(headline="Grain news")
    # Matches are marked in the headline, so the results are told apart by their links.
    assert "/articles/harbour-news/" in body(client, "/search/?q=harbour")
    assert "/articles/grain-news/" in body(client, "/search/?q=grain")
    assert "/articles/grain-news/" not in body(client, "/search/?q=harbour")


def test_a_change_inside_a_transaction_bumps_at_once_and_again_on_commit(client):
    """A page rendered between the change and the commit (from old rows) is retired by the bump on commit."""
    from django.core.cache import cache
    from django.db import transaction

    from articles.cache import generation

    section = SectionFactory(name="Politics")
    before = generation()
    with transaction.atomic():
        section.description = "New words"
        section.save()
        during = generation()
    assert during > before
    assert cache.get("newsroom:generation") >= during
    assert Article.objects.count() == 0


def test_a_page_with_a_csrf_token_is_never_cached(rf):
    """A form's CSRF token belongs to one client; such a page must not be served to anyone else."""
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from articles.cache import PublicPageCacheMiddleware

    calls = []

    def view(request):
        calls.append(get_token(request))
        return HttpResponse(f"<form>{calls[-1]}</form>")

    middleware = PublicPageCacheMiddleware(view)
    middleware(rf.get("/newsletter/"))
    middleware(rf.get("/newsletter/"))
    assert len(calls) == 2


def test_a_page_with_a_csp_nonce_is_never_cached(rf):
    from django.http import HttpResponse

    from articles.cache import PublicPageCacheMiddleware

    calls = []

    def view(request):
        calls.append(1)
        response = HttpResponse("<script nonce=abc></script>")
        response["Content-Security-Policy"] = "script-src 'self' 'nonce-abc'"
        return response

    middleware = PublicPageCacheMiddleware(view)
    middleware(rf.get("/widget/"))
    middleware(rf.get("/widget/"))
    assert len(calls) == 2


def test_a_change_to_a_library_picture_shows_at_once(client):
    image = ImageFactory(alt_text="Old alt text qzx")
    article = FullArticleFactory(featured_image=image)
    url = article.get_absolute_url()
    assert "Old alt text qzx" in body(client, url)  # now in the page cache
    image.alt_text = "New alt text qzx"
    image.save()
    assert "New alt text qzx" in body(client, url)


def test_a_cached_page_costs_one_round_trip_to_the_shared_cache(client, monkeypatch):
    """A hit reads the generation and the page together (one Redis round trip), and writes nothing."""
    from django.core.cache import caches

    article = FullArticleFactory()
    url = article.get_absolute_url()
    client.get(url)
    client.get(url)  # this process now knows the state of this generation
    backend = caches["default"]
    calls, depth = [], []

    def counted(name, original):
        def call(*args, **kwargs):
            if not depth:  # the local-memory get_many() calls get() itself: count what the middleware asks
                calls.append(name)
            depth.append(name)
            try:
                return original(*args, **kwargs)
            finally:
                depth.pop()

        return call

    for name in ("get", "get_many", "has_key", "set", "add", "incr", "delete", "set_many"):
        monkeypatch.setattr(backend, name, counted(name, getattr(backend, name)))
    response = client.get(url)
    assert response.status_code == 200 and not response.templates
    assert calls == ["get_many"]


def test_a_change_replaces_cached_pages_instead_of_adding_more(client, settings):
    """One entry per page and encoding, whatever the generation: a busy news day does not fill the cache."""
    from django.core.cache import caches

    backend = caches["default"]
    if not hasattr(backend, "_cache"):
        pytest.skip("counts the entries of the local-memory cache")
    article = FullArticleFactory(headline="First")

    def stored_pages():
        return sum(":newsroom:page:" in key for key in backend._cache)

    for headline in ("Second", "Third", "Fourth"):
        client.get(article.get_absolute_url())
        client.get("/")
        article.headline = headline
        article.save()
    assert "Fourth" in body(client, article.get_absolute_url())
    assert stored_pages() == 2


def test_without_a_shared_cache_production_keeps_no_data_between_requests(client, settings):
    """Each gunicorn worker's own memory would keep a section list that a change through another worker did not
    retire: per-generation data (navigation, counts, archive years) is read afresh unless the cache is shared."""
    from articles.models import Section

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    settings.NEWSROOM_DATA_CACHE = False
    article = FullArticleFactory()
    client.get("/")
    # What another worker's change looks like from here: the rows change, this process's generation does not.
    Section.objects.filter(pk=article.section.pk).update(name="Renamed elsewhere")
    navigation = body(client, "/corrections/").split('aria-label="Sections"')[1]
    assert "Renamed elsewhere" in navigation.split("</nav>")[0]


@pytest.mark.parametrize(("accept", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_public_pages_are_compressed_when_pages_are_not_cached(client, settings, editor, accept, decode):
    """Production without a shared cache keeps no pages, but still sends readers compressed ones."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = FullArticleFactory()
    for url in ("/", article.get_absolute_url(), "/feeds/rss/"):
        plain = client.get(url).content
        response = client.get(url, headers={"accept-encoding": accept})
        assert response["Content-Encoding"] == accept and decode(response.content) == plain, url
        assert "Accept-Encoding" in response["Vary"]
    client.force_login(editor)  # a page for one signed-in reader may hold a secret: never compressed by us
    assert "Content-Encoding" not in client.get("/admin/", headers={"accept-encoding": accept})
