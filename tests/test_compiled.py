"""The article page's own queries are compiled once per process, and give what the ORM gives."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, connection
from django.db.models.sql.compiler import SQLCompiler
from django.templatetags.static import StaticNode
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import compiled as compiled_queries
from articles import services
from articles.compiled import CompiledQuery
from articles.models import Article, Byline, Correction
from articles.querysets import _detail_queries, article_for_page
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    CorrectionFactory,
    FullArticleFactory,
    UserFactory,
)
from tests.scenarios import forget_prepared_statements, postgresql_only, prepared_names

pytestmark = pytest.mark.django_db


def shown(article):
    """Everything the page reads from ``article`` and its relations, as plain values."""
    return {
        "fields": {f.attname: getattr(article, f.attname) for f in Article._meta.concrete_fields},
        "section": (article.section.pk, article.section.name, article.section.slug),
        "image": article.featured_image and (article.featured_image.pk, article.featured_image.alt_text),
        "bylines": [(b.pk, b.role, b.order, b.author.name, b.author.slug) for b in article.bylines.all()],
        "tags": [(t.pk, t.name, t.slug) for t in article.tags.all()],
        "citations": [(c.pk, c.role, c.url, c.source.name, c.source.homepage) for c in article.citations.all()],
        "notes": [(n.pk, n.text) for n in article.notes.all()],
        "corrections": [
            (c.pk, c.kind, c.text, c.published_at, c.retracted_at, c.retraction_reason)
            for c in article.corrections.all()
        ],
    }


def test_a_reader_gets_what_the_orm_gives(django_assert_num_queries):
    article = FullArticleFactory(everything__tags=4, everything__authors=3, everything__sources=3, pictured=True)
    article.tags.add("Zebra", "Aardvark")  # the page lists tags in the order they were added, as the manager does
    CorrectionFactory(
        article=article, kind=Correction.Kind.CLARIFICATION, retracted_at=timezone.now(), retraction_reason="Withdrawn."
    )
    ArticleFactory(tags=["Topic 0"])  # another article's rows stay out
    expected = shown(Article.objects.published().select_related("section", "featured_image").get(pk=article.pk))
    fast = article_for_page(article.slug, AnonymousUser())
    assert shown(fast) == expected
    statements = [query.statement(article.slug)[1] for query in _detail_queries().values()]
    # Each relation is read from its own rows (and what they name), finding the article by its slug in a
    # subquery (so that all six can run together), not by a join with the article.
    assert ['JOIN "articles_article"' in sql for sql in statements] == [False] * 6
    assert [sql.split(" FROM ")[1].split()[0] for sql in statements] == [
        '"articles_article"', '"articles_byline"', '"articles_taggedarticle"', '"articles_citation"',
        '"articles_backgroundnote"', '"articles_correction"',
    ]  # fmt: skip
    assert [t.name for t in fast.tags.all()][-2:] == ["Zebra", "Aardvark"]
    prefetched = Article.objects.for_detail().get(pk=article.pk)._prefetched_objects_cache
    assert set(fast._prefetched_objects_cache) == set(prefetched)  # what for_detail() reads, no more, no less
    assert all(c.published_at.tzinfo is not None for c in fast.corrections.all())  # aware, as the ORM gives
    with django_assert_num_queries(0):  # the children know their article, the bylines their authors
        assert {b.article for b in fast.bylines.all()} == {fast}
        assert fast.bylines.all()[0].author.name
        assert fast.citations.all()[0].article is fast


def test_a_reader_s_article_page_is_one_round_trip_to_postgresql(django_assert_num_queries):
    """On PostgreSQL the article and the five lists its page shows are one message of six statements (one
    round trip), not six: each statement costs the server about 0.1 ms of its own besides planning, and the app
    as much again. SQLite, in the process, runs them one by one."""
    article = FullArticleFactory(everything__tags=2, everything__authors=2, everything__sources=2)
    CorrectionFactory(article=article)
    expected = shown(Article.objects.published().select_related("section", "featured_image").get(pk=article.pk))
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 6):
        assert shown(article_for_page(article.slug, AnonymousUser())) == expected
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 6):
        assert article_for_page("no-such-article", AnonymousUser()) is None
    # A slug is a value, never SQL, however it is written.
    for slug in ("x'; DROP TABLE articles_article; --", "100%s", "%%", "$1", "\\", article.slug + "'"):
        assert article_for_page(slug, AnonymousUser()) is None
    assert article_for_page(article.slug, AnonymousUser()) == article


@postgresql_only
def test_on_postgresql_the_article_page_s_statements_are_planned_once_per_connection(settings):
    """Planning the six statements costs PostgreSQL about 1 ms a page, several times their execution: they are
    prepared (SQL PREPARE) once per connection and then only executed, each with its own values."""
    settings.NEWSROOM_PREPARED_STATEMENTS = True
    first, second = FullArticleFactory(), FullArticleFactory(everything__tags=3)
    expected = shown(Article.objects.published().select_related("section", "featured_image").get(pk=second.pk))
    assert article_for_page(first.slug, AnonymousUser()) == first
    assert len(prepared_names()) == 6
    with CaptureQueriesContext(connection) as captured:
        assert shown(article_for_page(second.slug, AnonymousUser())) == expected
        assert article_for_page("no-such-article", AnonymousUser()) is None
    assert len(captured) == 2 and all(
        statement.startswith("EXECUTE newsroom_") for query in captured for statement in query["sql"].split(";\n")
    )


@postgresql_only
def test_prepared_statements_lost_behind_the_app_s_back_are_prepared_again(settings):
    """A connection whose statements were deallocated (DISCARD ALL by a pooler, say) fails one page at most
    inside a transaction (none in autocommit: the page is retried), and the next prepares them again; one that
    has them already (a pooled session) does not prepare twice."""
    from django.db import transaction

    settings.NEWSROOM_PREPARED_STATEMENTS = True
    article = FullArticleFactory()
    assert article_for_page(article.slug, AnonymousUser()) == article
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    with pytest.raises(DatabaseError, match="does not exist"), transaction.atomic():
        article_for_page(article.slug, AnonymousUser())
    assert article_for_page(article.slug, AnonymousUser()) == article
    compiled_queries._prepared.clear()  # the app forgets, the session keeps them
    assert article_for_page(article.slug, AnonymousUser()) == article
    assert len(prepared_names()) == 6


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_in_autocommit_a_page_whose_statements_were_lost_is_retried_not_failed(settings):
    """A request's reads run in autocommit: there a lost or stale prepared statement costs a retry, not a page."""
    settings.NEWSROOM_PREPARED_STATEMENTS = True
    article = FullArticleFactory()
    assert article_for_page(article.slug, AnonymousUser()) == article
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert article_for_page(article.slug, AnonymousUser()) == article
    assert len(prepared_names()) == 6


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("prepared", [True, False])
def test_in_autocommit_the_six_statements_read_one_snapshot(settings, prepared):
    """A request's reads run in autocommit, where each statement of a message would see its own moment: the
    message is one read-only REPEATABLE READ transaction, and one that fails leaves no transaction open."""
    settings.NEWSROOM_PREPARED_STATEMENTS = prepared
    article = FullArticleFactory()
    with CaptureQueriesContext(connection) as captured:
        assert article_for_page(article.slug, AnonymousUser()) == article
    statements = captured[-1]["sql"].split(";\n")
    assert statements[0] == "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" and statements[-1] == "COMMIT"
    assert len(statements) == 8

    def fail_before_commit(execute, sql, params, many, context):
        return execute(sql.replace(";\nCOMMIT", ";\nSELECT 1 / 0;\nCOMMIT"), params, many, context)

    with pytest.raises(DatabaseError), connection.execute_wrapper(fail_before_commit):
        article_for_page(article.slug, AnonymousUser())
    assert connection.connection.info.transaction_status == 0  # idle: rolled back, nothing left open
    assert article_for_page(article.slug, AnonymousUser()) == article


@postgresql_only
def test_prepared_statements_can_be_turned_off_for_a_transaction_mode_pooler(settings):
    settings.NEWSROOM_PREPARED_STATEMENTS = False
    forget_prepared_statements()  # what earlier tests on this connection prepared
    article = FullArticleFactory()
    with CaptureQueriesContext(connection) as captured:
        assert article_for_page(article.slug, AnonymousUser()) == article
    assert "EXECUTE" not in captured[0]["sql"] and prepared_names() == set()


def test_a_reader_s_article_builds_no_filter_until_a_relation_is_filtered(monkeypatch):
    """The page only lists each relation; a filter on one (never on the page) still gets that article's rows."""
    from django.db.models.sql.query import Query

    article = FullArticleFactory(everything__tags=3)
    other = FullArticleFactory(everything__tags=3)
    article_for_page(article.slug, AnonymousUser())  # compiled
    built = []
    original = Query.build_filter
    monkeypatch.setattr(Query, "build_filter", lambda self, *a, **k: built.append(a) or original(self, *a, **k))
    fast = article_for_page(article.slug, AnonymousUser())
    assert len(fast.tags.all()) == 3 and built == []
    other.tags.add("Topic 9")  # another article's tag that a filter must leave out
    assert set(fast.tags.filter(name__startswith="Topic")) == set(article.tags.all())
    assert list(fast.bylines.filter(order__gte=0)) == list(article.bylines.all())
    assert fast.tags.all().order_by("-name")[0] == max(article.tags.all(), key=lambda tag: tag.name)


def test_readers_get_none_for_what_is_not_public(settings):
    user = AnonymousUser()
    draft = ArticleFactory(draft=True)
    scheduled = ArticleFactory(scheduled=True)
    assert article_for_page(draft.slug, user) is None
    assert article_for_page(scheduled.slug, user) is None
    assert article_for_page("no-such-article", user) is None
    with time_machine.travel(scheduled.published_at + datetime.timedelta(seconds=1)):
        assert article_for_page(scheduled.slug, user) == scheduled
    editor = UserFactory(is_staff=True, is_superuser=True)
    services.unpublish([ArticleFactory(headline="Pulled")], user=editor)
    assert article_for_page(Article.objects.get(headline="Pulled").slug, user) is None


def test_staff_still_see_their_drafts():
    editor = UserFactory(is_staff=True, is_superuser=True)
    draft = FullArticleFactory(draft=True)
    found = article_for_page(draft.slug, editor)
    assert found == draft and [b.pk for b in found.bylines.all()] == [b.pk for b in draft.bylines.all()]
    assert article_for_page(draft.slug, UserFactory()) is None


def test_a_repeated_article_view_compiles_no_sql_and_reverses_no_url(client, settings, monkeypatch):
    """Uncached, the second view of an article builds no SQL: its own queries are compiled once per process and
    the navigation and related articles are kept per content generation. Nor does it reverse a URL: the site's
    links are found once per process (context_processors.site_links), slugged ones by articles.links; nor the
    address of a static file (articles.cache.per_process)."""
    from django.urls.resolvers import URLResolver

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = FullArticleFactory()
    ArticleFactory(tags=["Topic 0"], pictured=True)
    client.get(article.get_absolute_url())
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(self) or original(self, *a, **k))
    reversed_ = []
    reverse = URLResolver._reverse_with_prefix
    monkeypatch.setattr(
        URLResolver, "_reverse_with_prefix", lambda self, *a, **k: reversed_.append(a) or reverse(self, *a, **k)
    )
    static_urls = []
    static_url = StaticNode.handle_simple
    monkeypatch.setattr(StaticNode, "handle_simple", lambda path: static_urls.append(path) or static_url(path))
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and article.headline in response.content.decode()
    assert 'href="/feeds/rss/"' in response.content.decode()
    assert compiled == [] and reversed_ == []
    # Nor does it look up a static file's address: the publisher's logo and the default card are the site's.
    assert static_urls == [] and '"NewsMediaOrganization"' in response.content.decode()


def test_a_compiled_query_runs_with_each_value_and_converts_as_the_orm_does():
    first, second = BylineFactory(order=3), BylineFactory(order=4)
    query = CompiledQuery(lambda pk: Byline.objects.filter(article_id=pk).select_related("author", "article"), -99)
    for byline in (first, second, first):
        [found] = query(byline.article_id)
        assert (found.pk, found.order, found.author.name) == (byline.pk, byline.order, byline.author.name)
        assert found.article.published_at == byline.article.published_at  # an aware datetime on every database
        assert found.article.uid == byline.article.uid  # a UUID, as the ORM converts it
    assert query(-5) == []
    twice = CompiledQuery(lambda pk: Byline.objects.filter(article_id=pk, article__section__articles=pk), -(10**6))
    assert twice(first.article_id) == [first]  # one marker in two places: both take the value


def test_a_compiled_query_refuses_what_it_cannot_run():
    with pytest.raises(ValueError, match="not among"):
        CompiledQuery(lambda pk: Byline.objects.filter(article_id=pk + 1), 7)(1)
    with pytest.raises(ValueError, match="prefetch"):
        CompiledQuery(lambda pk: Article.objects.filter(pk=pk).prefetch_related("tags"), -99)(1)
    with pytest.raises(ValueError, match="prefetch"):
        CompiledQuery(lambda pk: Article.objects.filter(pk=pk).defer("body"), -99)(1)
