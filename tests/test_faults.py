"""Faults degrade cleanly: the database black-holed or refusing, Redis down, a worker killed mid-save.

The database faults run the app in a fresh interpreter pointed at a database that cannot answer; the worker
fault runs gunicorn (with gunicorn.conf.py) on this test database and kills its worker with SIGKILL.
"""

import http.client
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
import reversion
from django.db import connection
from django.test import Client
from reversion.models import Version

from articles.models import Article
from tests.desk import PASSWORD, admin_url, article_form_data, editor
from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parent.parent
PORTS = range(8110, 8120)  # this project's range on shared machines

# In a fresh interpreter: one request per path through the full handler, printed as JSON.
PROBE = """
import django, json, time
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
results = {}
for path in PATHS:
    started = time.monotonic()
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    results[path] = [response.status_code, round(time.monotonic() - started, 2), body.decode(errors="replace")]
print(json.dumps(results))
"""


def probe(paths, **env):
    """GET each of ``paths`` in a fresh interpreter with ``env``: {path: [status, seconds, body]}."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSROOM_", "DJANGO_", "REDIS_"))}
    clean.pop("DATABASE_URL", None)
    clean.update(DJANGO_SETTINGS_MODULE="newsroom.settings", DJANGO_DEBUG="0", DATABASE_CONNECT_TIMEOUT="2", **env)
    code = f"PATHS = {list(paths)!r}\n{PROBE}"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def free_port():
    for port in PORTS:
        with closing(socket.socket()) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail(f"no free port in {PORTS}")


@contextmanager
def black_hole():
    """A port on loopback that accepts TCP connections and never says a word, like a hung database server."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


def closed_port():
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def assert_friendly_503(results, limit):
    for path in ("/", "/articles/some-story/"):
        status, seconds, body = results[path]
        assert status == 503, (path, body[:300])
        assert "Temporarily unavailable" in body
        assert seconds < limit, f"{path} took {seconds}s"
    status, _, body = results["/healthz"]
    assert status == 503
    assert json.loads(body) == {"database": "failed", "cache": "ok"}
    assert results["/static/css/site.css"][0] == 200  # static files do not wait on the database


PAGES = ["/", "/articles/some-story/", "/healthz", "/static/css/site.css"]


def test_a_black_holed_database_fails_fast_with_the_503_page():
    with black_hole() as port:
        results = probe(PAGES, DATABASE_URL=f"postgres://newsroom@127.0.0.1:{port}/newsroom")
    # Each request gives up after the 2 s connect timeout (the admin too, and the health check).
    assert_friendly_503(results, limit=8)


def test_a_refusing_database_gives_the_503_page_at_once():
    results = probe(PAGES, DATABASE_URL=f"postgres://newsroom@127.0.0.1:{closed_port()}/newsroom")
    assert_friendly_503(results, limit=3)


def test_an_unopenable_sqlite_database_gives_the_503_page(tmp_path):
    results = probe(PAGES, DATABASE_URL=f"sqlite:///{tmp_path}/missing/folder/db.sqlite3")
    assert_friendly_503(results, limit=3)


# --- Redis down ---------------------------------------------------------------------------------------------


@pytest.fixture
def redis_down(settings):
    """The cache is Redis on a port where nothing listens (the settings of a deployment whose Redis died)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down", "cheap_password_hashing")
def test_with_redis_down_editors_log_in_and_keep_working_and_readers_read():
    article = ArticleFactory(draft=True, headline="Before")
    editor(password=PASSWORD)
    client = Client()
    login = client.post("/admin/login/", {"username": "editor", "password": PASSWORD, "next": "/admin/"})
    assert login.status_code == 302, login.content.decode()[:500]
    assert client.get("/admin/").status_code == 200
    url = admin_url(article, "change")
    assert client.get(url).status_code == 200
    opened = Article.objects.get(pk=article.pk)
    assert client.post(url, article_form_data(opened, headline="After")).status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "After"
    published = ArticleFactory()
    reader = Client()
    assert reader.get("/").status_code == 200
    assert reader.get(published.get_absolute_url()).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("redis_down", "cheap_password_hashing")
def test_with_redis_down_login_throttling_still_works_and_healthz_names_the_cache():
    editor(password=PASSWORD)
    codes = [Client().post("/admin/login/", {"username": "editor", "password": "wrong"}).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "failed"}


@pytest.mark.django_db
def test_a_black_holed_redis_costs_a_request_no_more_than_its_timeouts(settings):
    """A Redis that accepts connections and never answers: each cache call gives up after 0.5 s."""
    editor_user = editor()
    with black_hole() as port:
        settings.CACHES = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
            }
        }
        client = Client()
        client.force_login(editor_user)
        started = time.monotonic()
        assert client.get("/admin/").status_code == 200
        assert client.get("/").status_code == 200
        assert time.monotonic() - started < 10


# --- a worker killed mid-save -------------------------------------------------------------------------------


def database_url():
    """The URL of the database these tests run on, for a server process to share it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = urllib.parse.quote(db["USER"] or "") + (
        f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    )
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def gunicorn(tmp_path):
    """gunicorn with gunicorn.conf.py, one worker, serving tests.faults_wsgi on this test database."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSROOM_", "DJANGO_", "REDIS_"))}
    env.update(
        DATABASE_URL=database_url(),
        NEWSROOM_ENV="development",
        DJANGO_DEBUG="0",
        NEWSROOM_FAULT_MARKER=str(tmp_path / "stalled.pid"),
        PORT=str(port),
        HOST="127.0.0.1",
        WEB_CONCURRENCY="1",
        GUNICORN_TIMEOUT="120",
        NEWSROOM_REQUEST_LOG="0",
    )
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "tests.faults_wsgi:application"]
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_healthy(port, log)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until_healthy(port, log, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not come up:\n{log.read_text()[-3000:]}")


def post_save(port, session, data):
    """The admin change form's POST, as the logged-in browser of ``session`` sends it."""
    token = secrets.token_hex(16)  # a 32-character CSRF secret, sent as cookie and form field
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={session}; csrftoken={token}",
        "Host": "127.0.0.1",
    }
    return request(port, "POST", data["_url"], body=body, headers=headers)


def history(article):
    return list(Version.objects.get_for_object(article).values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_save_leaves_the_old_article_whole_and_the_next_save_is_whole(tmp_path):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("an in-memory SQLite database is not shared with a server process")
    with reversion.create_revision():
        article = ArticleFactory(draft=True, headline="Old headline", dek="Old dek")
    client = Client()
    client.force_login(editor())
    session = client.cookies["sessionid"].value
    before = Article.objects.get(pk=article.pk)
    revisions = history(article)
    url = admin_url(article, "change")

    def form(headline):
        note = {"notes-TOTAL_FORMS": 1, "notes-0-text": f"Note with {headline}", "notes-0-order": 0}
        return {**article_form_data(before, headline=headline, dek="New dek", **note), "_url": url}

    with gunicorn(tmp_path) as port:
        marker = tmp_path / "stalled.pid"
        outcome = []
        saving = threading.Thread(target=lambda: outcome.append(_try(post_save, port, session, form("[stall] New"))))
        saving.start()
        deadline = time.monotonic() + 20
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), f"the save never reached the fault point: {outcome}"
        os.kill(int(marker.read_text()), signal.SIGKILL)
        saving.join(timeout=30)
        assert isinstance(outcome[0], OSError | http.client.HTTPException)  # the connection died with the worker

        # Nothing of the half-done save is left: not the headline, not the note, not a revision.
        after_kill = Article.objects.get(pk=article.pk)
        assert (after_kill.headline, after_kill.dek, after_kill.version) == ("Old headline", "Old dek", before.version)
        assert not after_kill.notes.exists()
        assert history(article) == revisions

        # gunicorn replaced the worker; the same save, not stalled, goes through whole.
        wait_until_healthy(port, tmp_path / "gunicorn.log")
        status, _ = post_save(port, session, form("New headline"))
        assert status == 302
    # gunicorn.conf.py: gunicorn's own lines are JSON and it writes no access log (the app logs requests).
    log = (tmp_path / "gunicorn.log").read_text()
    assert '"logger": "gunicorn.error"' in log
    assert "gunicorn.access" not in log
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.dek, saved.version) == ("New headline", "New dek", before.version + 1)
    assert list(saved.notes.values_list("text", flat=True)) == ["Note with New headline"]
    assert len(history(article)) == len(revisions) + 1


def _try(function, *args):
    try:
        return function(*args)
    except Exception as error:  # the outcome is what the test looks at
        return error
