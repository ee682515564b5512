"""The article page's fast paths (compiled, batched and prepared statements, remembered sanitizing, absolute
URLs) under what a newsroom does to them: slugs moved mid-page, schema changes, hostile slugs and URLs, threads,
reconnections. First written by a reviewer as reproductions of faults, all fixed since.
"""

import json
import threading
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection, connections, transaction
from django.template import Context, Template
from django.utils.encoding import iri_to_uri
from django.utils.functional import lazy
from django.utils.safestring import SafeData, mark_safe

from articles import compiled as compiled_queries
from articles import seo
from articles.models import Article
from articles.querysets import article_for_page
from tests.factories import FullArticleFactory
from tests.scenarios import forget_prepared_statements, postgresql_only, public_and_draft

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite runs the statements one by one")


# 1. A schema change that alters a selected column's type breaks the article page on every connection that
#    prepared its statements, for as long as that connection lives: not "one request at most".


@postgresql_only
@pytest.mark.django_db
def test_after_a_column_type_change_the_article_page_fails_once_at_most(settings):
    settings.NEWSROOM_PREPARED_STATEMENTS = True
    forget_prepared_statements()
    article = FullArticleFactory()
    try:
        assert article_for_page(article.slug, AnonymousUser()) == article  # prepared on this connection
        with connection.cursor() as cursor:  # a migration: CharField(max_length=300) -> 400
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (the test's own transaction has deferred checks)
            cursor.execute("ALTER TABLE articles_article ALTER COLUMN headline TYPE varchar(400)")
        # The first page after it may fail ("cached plan must not change result type")...
        with pytest.raises(DatabaseError), transaction.atomic():
            article_for_page(article.slug, AnonymousUser())
        # ...but the next must not: the error made run_together() re-read pg_prepared_statements, which still
        # lists the same (stale) statement names, so it EXECUTEs them again and fails again, every time.
        with transaction.atomic():
            assert article_for_page(article.slug, AnonymousUser()) == article
    finally:
        forget_prepared_statements()


# 2. The six statements find the article by slug each on their own; nothing ties the children to the row the
#    first statement returned. A slug moved between them attaches another (e.g. a draft's) rows to the public
#    article. On PostgreSQL the six are one message, but in READ COMMITTED each statement takes its own snapshot.


def _swap_slugs(public_pk, draft_pk, slug):
    Article.objects.filter(pk=public_pk).update(slug=slug + "-renamed")
    Article.objects.filter(pk=draft_pk).update(slug=slug)


def _leaked(page):
    return {
        "bylines": [b.author.name for b in page.bylines.all() if b.author.name == "Undercover Source"],
        "notes": [n.text for n in page.notes.all() if n.text.startswith("EMBARGOED")],
    }


@sqlite_only
@pytest.mark.django_db
def test_a_slug_moved_during_the_page_s_queries_leaks_no_draft_rows_sqlite():
    public, draft = public_and_draft()
    slug = public.slug
    seen = []

    def swap_after_first(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        seen.append(sql)
        if len(seen) == 1:  # an editor's commit lands between the article's statement and its children's
            _swap_slugs(public.pk, draft.pk, slug)
        return result

    with connection.execute_wrapper(swap_after_first):
        page = article_for_page(slug, AnonymousUser())
    assert page is not None and page.pk == public.pk
    assert _leaked(page) == {"bylines": [], "notes": []}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_slug_moved_during_the_page_s_queries_leaks_no_draft_rows_postgresql(settings):
    """Another session holds a lock on the bylines table, so the message's second statement waits after the
    first has read the public article; that session moves the slug to a draft and commits. The statements after
    it (tags, citations, notes, corrections) then read the draft's rows."""
    settings.NEWSROOM_PREPARED_STATEMENTS = True
    public, draft = public_and_draft()
    slug = public.slug
    assert article_for_page(slug, AnonymousUser()) == public  # prepared, so only the EXECUTEs are timed
    locked, done, errors = threading.Event(), threading.Event(), []

    def editor():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("LOCK TABLE articles_byline IN ACCESS EXCLUSIVE MODE")
                locked.set()
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:  # until the reader waits on the lock
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            "AND query LIKE 'EXECUTE newsroom_%%'"
                        )
                        if cursor.fetchone()[0]:
                            break
                    time.sleep(0.02)
                _swap_slugs(public.pk, draft.pk, slug)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=editor)
    thread.start()
    try:
        assert locked.wait(10)
        page = article_for_page(slug, AnonymousUser())
    finally:
        thread.join(20)
    assert not errors
    assert page is not None and page.pk == public.pk
    assert _leaked(page) == {"bylines": [], "notes": []}


# 3. absolute_url() now returns its input object itself when it "is a URI already": a SafeString stays safe (so
#    the |absolute filter no longer escapes & and '), and a lazy string fails.


def test_absolute_filter_escapes_as_before_for_a_safe_string():
    url = mark_safe("https://agency.example.org/report?id=1&lang=en&q='x'")
    assert not isinstance(iri_to_uri(url), SafeData)
    assert not isinstance(seo.absolute_url(url), SafeData)
    rendered = Template("{% load newsroom %}<loc>{{ url|absolute }}</loc>").render(Context({"url": url}))
    assert rendered == "<loc>https://agency.example.org/report?id=1&amp;lang=en&amp;q=&#x27;x&#x27;</loc>"


def test_absolute_url_takes_a_lazy_absolute_url_as_iri_to_uri_does():
    url = lazy(lambda: "https://agency.example.org/report", str)()
    assert seo.absolute_url(url) == iri_to_uri(url) == "https://agency.example.org/report"


# What held: absolute_url() equals iri_to_uri() (as text) for every one-character insertion tried.


@pytest.mark.parametrize("prefix", ["https://[2001:db8::1]:8443/a", "/articles/"])
def test_absolute_url_text_equals_iri_to_uri(settings, prefix):
    characters = [chr(i) for i in range(0x300)] + ["\u2028", "\u2029", "\ufeff", "\U0001f600", "%41", "%zz"]
    for character in characters:
        path = prefix + character + "x"
        full = path if path.startswith("https://") else settings.NEWSROOM_SITE_URL + path
        assert str(seo.absolute_url(path)) == iri_to_uri(full), repr(character)


# 4. The memoized sanitizer's memory bound: the docstring says about 256 x 2 x 20,000 characters; an output can
#    be five times its input ("&" -> "&amp;"), and one astral character makes the whole str 4 bytes a character.


def test_the_remembered_bodies_stay_within_their_bound_however_they_are_written():
    from articles import text

    limit = text._REMEMBERED_CHARACTERS
    long_output = "&" * (limit // 100)  # five times longer sanitized: over one entry's share, not remembered
    assert text.sanitized(long_output) == "&amp;" * (limit // 100)
    assert (long_output, text.settings.MEDIA_URL) not in text._remembered
    for n in range(400):  # more than fit: the oldest go
        body = f"<p>{n} " + "\U0001f600" * (limit // 120) + "</p>"
        assert text.sanitized(body) == body
    assert text._remembered_size <= limit
    assert text._remembered_size == sum(len(key[0]) + len(value) for key, value in text._remembered.items())


# What held (run on SQLite and PostgreSQL).


@pytest.mark.django_db
def test_hostile_slugs_in_the_address_give_404_and_leave_the_page_working(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = FullArticleFactory()
    for slug in (
        "x'; DROP TABLE articles_article; --",
        "100%25s",
        "%25%25",
        "$1",
        "a\\b",
        "\x01",
        "e\u0301t\u00e9",
        "\u2028",
        "x" * 5000,
        article.slug + "%27",
        "EXECUTE newsroom_0(1)",
        "a%3Bb",
    ):
        response = client.get(f"/articles/{slug}/")
        assert response.status_code in (301, 302, 404), (slug, response.status_code)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert Article.objects.filter(pk=article.pk).exists()


@postgresql_only
@pytest.mark.django_db
def test_prepared_statements_survive_rollback_and_a_new_connection(settings):
    settings.NEWSROOM_PREPARED_STATEMENTS = True
    forget_prepared_statements()
    article = FullArticleFactory()
    try:
        with pytest.raises(ZeroDivisionError), transaction.atomic():  # PREPARE is not undone by a rollback
            assert article_for_page(article.slug, AnonymousUser()) == article
            1 / 0  # noqa: B018
        assert article_for_page(article.slug, AnonymousUser()) == article
        raw = connection.connection
        assert len(compiled_queries._prepared[raw]) == 6
    finally:
        forget_prepared_statements()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_reopened_connection_and_other_threads_prepare_their_own(settings):
    settings.NEWSROOM_PREPARED_STATEMENTS = True
    first, second = FullArticleFactory(), FullArticleFactory(everything__tags=3)
    assert article_for_page(first.slug, AnonymousUser()) == first
    connection.close()
    assert article_for_page(second.slug, AnonymousUser()) == second
    results, errors = [], []

    def read(article):
        try:
            for _ in range(20):
                page = article_for_page(article.slug, AnonymousUser())
                results.append((article.pk, page.pk, sorted(t.name for t in page.tags.all())))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read, args=(a,)) for a in (first, second, first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors and len(results) == 80
    assert all(wanted == got for wanted, got, _ in results)
    assert {len(tags) for pk, _, tags in results if pk == second.pk} == {3}


def test_values_kept_per_process_follow_changed_settings(settings):
    before = seo.organization()
    settings.NEWSROOM_SITE_URL = "https://other.example.net"
    settings.NEWSROOM_SITE_NAME = "Other Paper"
    after = seo.organization()
    assert after["url"] == "https://other.example.net/" and after["name"] == "Other Paper"
    assert seo.card_image()["url"].startswith("https://other.example.net/") and before is not after


def test_jsonld_cannot_end_its_script_element():
    from articles.templatetags.newsroom import _jsonld

    html = str(_jsonld({"a": "</script><!-- <script> & \u2028 </SCRIPT >"}))
    inner = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner and "&" not in inner
    assert json.loads(inner) == {"a": "</script><!-- <script> & \u2028 </SCRIPT >"}
