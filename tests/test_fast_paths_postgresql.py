"""The article page's PostgreSQL path under failure: timeouts, locks, killed sessions, transactions the caller
holds, connections on high file descriptors. First written by a reviewer as reproductions of faults, all fixed
since; the rest records what held.
"""

import threading
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, close_old_connections, connection, transaction

from articles import compiled as compiled_queries
from articles.compiled import CompiledQuery, run_together
from articles.models import Article, Section
from articles.querysets import article_for_page
from tests.factories import FullArticleFactory, SectionFactory
from tests.scenarios import forget_prepared_statements, postgresql_only, public_and_draft


@pytest.fixture(autouse=True)
def _forget_prepared_statements():
    """Each test's own prepared statements go with it (the connection outlives the test)."""
    yield
    if connection.vendor == "postgresql" and connection.connection is not None:
        try:  # (not transactional: also inside the test's transaction, if it is not aborted)
            forget_prepared_statements()
            with connection.cursor() as cursor:
                cursor.execute("UNLISTEN *")
        except DatabaseError:
            connection.close()
    compiled_queries._prepared.clear()


def _other_session():
    """A second PostgreSQL session, outside Django (autocommit), on the test database."""
    import psycopg  # only on PostgreSQL: SQLite-only installs may lack it

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=True)


def _status():
    from psycopg.pq import TransactionStatus

    return TransactionStatus


def _backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


class _Locker:
    """Another session holding ACCESS EXCLUSIVE on ``table`` until released."""

    def __init__(self, table):
        self.session = _other_session()
        self.session.autocommit = False
        self.session.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")

    def release(self):
        self.session.rollback()
        self.session.close()


def _wait_for_lock_waiter(session, pid, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = session.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
        if row and row[0] == "Lock":
            return True
        time.sleep(0.02)
    return False


# 1. In autocommit every DatabaseError is retried at once, a statement timeout or a lock timeout among them: a
#    page waiting on a lock (a migration's ALTER TABLE, a long VACUUM FULL) holds its worker for twice
#    DATABASE_STATEMENT_TIMEOUT, and the retry first deallocates every statement the connection had prepared.


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_statement_timeout_fails_the_page_after_one_timeout_not_two(settings):
    settings.NEWSROOM_PREPARED_STATEMENTS = True
    article = FullArticleFactory()
    assert article_for_page(article.slug, AnonymousUser()) == article  # prepared
    timeout = 0.5
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {int(timeout * 1000)}")
    locker = _Locker("articles_byline")
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseError, match="statement timeout"):
            article_for_page(article.slug, AnonymousUser())
        elapsed = time.monotonic() - started
    finally:
        locker.release()
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout")
    assert elapsed < 1.5 * timeout, f"the page waited {elapsed:.2f} s for a {timeout} s statement timeout"


# 2. A CompiledQuery whose SQL has no parameters (no marker, or a queryset with no value in it) runs on SQLite and
#    with NEWSROOM_PREPARED_STATEMENTS off, but with prepared statements it becomes "EXECUTE name()", which
#    PostgreSQL rejects as a syntax error (twice: the error is retried).


@postgresql_only
@pytest.mark.django_db
def test_a_compiled_query_without_parameters_runs_with_prepared_statements(settings):
    settings.NEWSROOM_PREPARED_STATEMENTS = True
    SectionFactory()
    query = CompiledQuery(lambda: Section.objects.order_by("pk"))
    with transaction.atomic():  # (the test's transaction stays usable for the clean-up)
        found = query()
    assert [s.pk for s in found] == list(Section.objects.order_by("pk").values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_compiled_query_without_parameters_runs_unprepared(settings):
    settings.NEWSROOM_PREPARED_STATEMENTS = False
    SectionFactory()
    query = CompiledQuery(lambda: Section.objects.order_by("pk"))
    assert [s.pk for s in query()] == list(Section.objects.order_by("pk").values_list("pk", flat=True))


# 3. Outside autocommit but outside atomic() (connection.set_autocommit(False), as a management command may),
#    the error is "retried" too (in_atomic_block is False): the retry's first query fails in the aborted
#    transaction, and the caller gets "current transaction is aborted" instead of the error that happened.


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_outside_autocommit_the_page_s_own_error_reaches_the_caller(settings):
    settings.NEWSROOM_PREPARED_STATEMENTS = True
    article = FullArticleFactory()
    assert article_for_page(article.slug, AnonymousUser()) == article  # prepared
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # a pooler's DISCARD ALL, or a server-side reset
    connection.set_autocommit(False)
    try:
        with pytest.raises(DatabaseError) as raised:
            article_for_page(article.slug, AnonymousUser())
        message = str(raised.value)
        connection.rollback()
    finally:
        connection.set_autocommit(True)
    assert "does not exist" in message, message


# 4. is_usable() asks select.select(), which cannot watch a descriptor numbered FD_SETSIZE (1024) or more: it
#    raises ValueError, taken for "no socket any more", so a healthy connection is found unusable and closed at
#    every request (CONN_HEALTH_CHECKS) in a process with many files or sockets open (a threaded or async
#    server with many clients, a worker with many log or cache files): a new connection, its SET and its
#    PREPAREs on every request, where Django's SELECT 1 would have kept it.


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_on_a_high_file_descriptor_is_usable():
    import os
    import resource

    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < 1200:
        pytest.skip("needs more than 1,200 open files (ulimit -n)")
    connection.close()
    spare = []
    try:
        while not spare or spare[-1] < 1100:  # the next socket gets a descriptor above FD_SETSIZE
            spare.append(os.open(os.devnull, os.O_RDONLY))
        connection.ensure_connection()
        assert connection.connection.fileno() >= 1024
        pid = _backend_pid()
        usable = connection.is_usable()
        close_old_connections()  # request_started: the next query of the request checks it (CONN_HEALTH_CHECKS)
        same = connection.connection is not None and _backend_pid() == pid
    finally:
        connection.close()
        for fd in spare:
            os.close(fd)
    assert same, "the connection was replaced by a new one"
    assert usable, "a live, idle connection found unusable"


# What held (run on SQLite and PostgreSQL).


def _swap_slugs(session, public_pk, draft_pk, slug):
    session.execute("UPDATE articles_article SET slug = %s WHERE id = %s", [slug + "-renamed", public_pk])
    session.execute("UPDATE articles_article SET slug = %s WHERE id = %s", [slug, draft_pk])


def _leaks(page):
    return [b.author.name for b in page.bylines.all() if b.author.name == "Undercover Source"] + [
        n.text for n in page.notes.all() if n.text.startswith("EMBARGOED")
    ]


def _read_while_slug_moves(slug, public, draft, read):
    """``read()`` while another session, holding the bylines table, moves ``slug`` from ``public`` to ``draft``
    and commits once the reader waits on the lock (after the article's own statement ran)."""
    locker = _Locker("articles_byline")
    pid = _backend_pid()  # the reader runs in this thread, on this connection; the editor in another
    errors = []

    def editor():
        try:
            assert _wait_for_lock_waiter(watch, pid)
            _swap_slugs(locker.session, public.pk, draft.pk, slug)
            locker.session.commit()
        except Exception as error:
            errors.append(error)
            locker.session.rollback()

    watch = _other_session()
    thread = threading.Thread(target=editor)
    thread.start()
    try:
        page = read()
    finally:
        thread.join(20)
        locker.session.close()
        watch.close()
    assert not errors, errors
    return page


@postgresql_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("prepared", [True, False])
def test_in_autocommit_a_slug_moved_mid_message_shows_the_public_article_s_own_rows(settings, prepared):
    settings.NEWSROOM_PREPARED_STATEMENTS = prepared
    public, draft = public_and_draft()
    slug = public.slug
    assert article_for_page(slug, AnonymousUser()) == public
    page = _read_while_slug_moves(slug, public, draft, lambda: article_for_page(slug, AnonymousUser()))
    assert page is not None and page.pk == public.pk and _leaks(page) == []
    assert {b.article_id for b in page.bylines.all()} == {public.pk}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_in_a_transaction_a_slug_moved_mid_message_falls_back_to_the_orm(settings):
    """ATOMIC_REQUESTS: the statements each read their moment (READ COMMITTED); the owners' check catches it."""
    settings.NEWSROOM_PREPARED_STATEMENTS = True
    public, draft = public_and_draft()
    slug = public.slug
    assert article_for_page(slug, AnonymousUser()) == public

    def read():
        with transaction.atomic():
            return article_for_page(slug, AnonymousUser())

    page = _read_while_slug_moves(slug, public, draft, read)
    assert page is not None and page.pk == public.pk and _leaks(page) == []


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_the_snapshot_wrapper_never_commits_or_ends_a_caller_s_transaction(settings):
    settings.NEWSROOM_PREPARED_STATEMENTS = True
    article = FullArticleFactory()
    # Inside atomic(): a write before the page read is rolled back with the block.
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(headline="Uncommitted")
        assert article_for_page(article.slug, AnonymousUser()).headline == "Uncommitted"
        1 / 0  # noqa: B018
    assert Article.objects.get(pk=article.pk).headline != "Uncommitted"
    # set_autocommit(False): the same, and the connection is still in its transaction afterwards.
    connection.set_autocommit(False)
    try:
        Article.objects.filter(pk=article.pk).update(headline="Uncommitted")
        assert article_for_page(article.slug, AnonymousUser()).headline == "Uncommitted"
        assert connection.connection.info.transaction_status == _status().INTRANS
        connection.rollback()
    finally:
        connection.set_autocommit(True)
    assert Article.objects.get(pk=article.pk).headline != "Uncommitted"
    # In autocommit, after the page, the connection is idle (COMMIT ran) and may write.
    assert article_for_page(article.slug, AnonymousUser()) == article
    assert connection.connection.info.transaction_status == _status().IDLE
    Article.objects.filter(pk=article.pk).update(headline="Written")
    # After an error mid-message (a statement gone): rolled back, retried, idle and writable.
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert article_for_page(article.slug, AnonymousUser()) == article
    assert connection.connection.info.transaction_status == _status().IDLE
    Article.objects.filter(pk=article.pk).update(headline="Written again")


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_backend_terminated_while_idle_is_found_unusable_and_the_next_request_reconnects(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = FullArticleFactory()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert connection.connection is not None and connection.is_usable()
    pid = _backend_pid()
    with _other_session() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)
    assert not connection.is_usable()
    close_old_connections()  # what request_started does (the test client skips it)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert _backend_pid() != pid


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_backend_terminated_mid_message_leaves_no_bad_connection(settings):
    settings.NEWSROOM_PREPARED_STATEMENTS = True
    article = FullArticleFactory()
    assert article_for_page(article.slug, AnonymousUser()) == article
    pid = _backend_pid()
    locker = _Locker("articles_byline")
    watch = _other_session()

    def killer():
        _wait_for_lock_waiter(watch, pid)
        watch.execute("SELECT pg_terminate_backend(%s)", [pid])

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        with pytest.raises(DatabaseError):
            article_for_page(article.slug, AnonymousUser())
    finally:
        thread.join(20)
        locker.release()
        watch.close()
    assert not connection.is_usable()
    close_old_connections()
    assert article_for_page(article.slug, AnonymousUser()) == article
    assert connection.is_usable()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_is_usable_in_each_state(settings):
    article = FullArticleFactory()
    assert article_for_page(article.slug, AnonymousUser()) == article
    assert connection.is_usable()  # idle, nothing to read
    connection.set_autocommit(False)
    try:
        Article.objects.count()
        assert connection.is_usable()  # in a transaction: SELECT 1
        with pytest.raises(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT 1/0")
        assert not connection.is_usable()  # aborted transaction
        connection.rollback()
    finally:
        connection.set_autocommit(True)
    with connection.cursor() as cursor:  # a notice waiting on the socket
        cursor.execute("LISTEN review2")
    with _other_session() as other:
        other.execute("NOTIFY review2")
    time.sleep(0.1)
    assert connection.is_usable()
    connection.close()
    assert not connection.is_usable() if connection.connection is not None else True


@pytest.mark.django_db
def test_snapshot_with_one_statement_runs_as_without(settings):
    article = FullArticleFactory()
    query = CompiledQuery(lambda s: Article.objects.filter(slug=s), "\x1fmark")
    (found,) = run_together((query, (article.slug,)), snapshot=True)
    assert [a.pk for a in found] == [article.pk]
    assert compiled_queries.run_together is run_together


@pytest.mark.django_db(transaction=True)
def test_with_atomic_requests_a_reader_s_page_shows_no_draft_rows(client, settings):
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    public, draft = public_and_draft()
    connection.settings_dict["ATOMIC_REQUESTS"] = True
    try:
        response = client.get(public.get_absolute_url())
        assert response.status_code == 200
        assert b"EMBARGOED" not in response.content and b"Undercover Source" not in response.content
        assert client.get(f"/articles/{draft.slug}/").status_code == 404
        assert connection.get_autocommit()
    finally:
        connection.settings_dict["ATOMIC_REQUESTS"] = False
    assert client.get(public.get_absolute_url()).status_code == 200
