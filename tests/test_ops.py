"""Operating the site: /healthz, the JSON request log, the 503 page, uploaded media, storage settings."""

import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError
from django.test import Client

from ops.logging import RequestContextFilter
from tests.desk import editor

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_healthz_answers_200_with_each_part_ok_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_a_probe_that_knows_no_host_name_or_https(client, settings):
    """A load balancer probes the app server by address over plain HTTP."""
    settings.ALLOWED_HOSTS = ["news.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz", HTTP_HOST="10.0.0.5:8000").status_code == 200


def test_healthz_is_cheap(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        client.get("/healthz")


def test_healthz_names_the_database_when_it_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("ops.health.connection.cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "failed", "cache": "ok"}


def test_a_database_error_anywhere_gives_the_503_page_with_retry_after(monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr("frontpage.views.FrontPageView.get", down)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.content.decode()
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]


def test_another_error_still_gives_the_500_page(monkeypatch):
    def bug(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("frontpage.views.FrontPageView.get", bug)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def json_lines(caplog_records):
    """The records as the JSON formatter of settings.LOGGING writes them, one parsed object per line."""
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    options = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(options["fmt"], rename_fields=options["rename_fields"])
    context = RequestContextFilter()
    lines = []
    for record in caplog_records:
        context.filter(record)
        line = formatter.format(record)
        assert "\n" not in line
        lines.append(json.loads(line))
    return lines


def test_one_json_line_per_request_with_its_id_user_status_and_duration(client, caplog):
    user = editor()
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="newsroom.request"):
        response = client.get("/admin/", HTTP_X_REQUEST_ID="proxy-abc-123")
    assert response["X-Request-ID"] == "proxy-abc-123"
    [line] = [line for line in json_lines(caplog.records) if line["logger"] == "newsroom.request"]
    assert line["request_id"] == "proxy-abc-123"
    assert line["user_id"] == user.pk
    assert line["method"] == "GET"
    assert line["path"] == "/admin/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"


def test_a_request_id_is_made_when_none_or_a_bad_one_is_given(client, caplog):
    with caplog.at_level(logging.INFO, logger="newsroom.request"):
        first = client.get("/robots.txt")
        second = client.get("/robots.txt", HTTP_X_REQUEST_ID="bad id\nwith a newline")
    ids = {first["X-Request-ID"], second["X-Request-ID"]}
    assert len(ids) == 2
    assert all(len(i) == 32 for i in ids)
    lines = [line for line in json_lines(caplog.records) if line["logger"] == "newsroom.request"]
    assert [line["user_id"] for line in lines] == [None, None]  # a reader: no user looked up


def test_an_error_is_one_json_line_with_the_traceback_and_the_request_id(monkeypatch, caplog):
    def bug(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("frontpage.views.FrontPageView.get", bug)
    with caplog.at_level(logging.INFO):
        Client(raise_request_exception=False).get("/", HTTP_X_REQUEST_ID="req-500")
    lines = json_lines(caplog.records)
    [error] = [line for line in lines if line["logger"] == "django.request"]
    assert error["level"] == "ERROR"
    assert error["request_id"] == "req-500"
    assert error["status_code"] == 500
    assert "ValueError: a bug" in error["exc_info"]


def test_a_failing_health_check_is_not_logged_as_a_server_error(client, monkeypatch, caplog):
    monkeypatch.setattr("ops.health.cache_ok", lambda: False)
    with caplog.at_level(logging.INFO):
        assert client.get("/healthz").status_code == 503
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_uploaded_media_is_served_by_the_app_with_safe_headers(client, settings):
    settings.DEBUG = False
    name = default_storage.save("articles/2026/11/photo.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"0" * 64))
    response = client.get(default_storage.url(name))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/media/../newsroom/settings.py", "/media/%2e%2e/manage.py", "/media/missing.png"])
def test_media_outside_the_folder_or_missing_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_an_uploaded_html_file_cannot_run_as_a_page(client):
    default_storage.save("evil.html", ContentFile(b"<script>alert(1)</script>"))
    response = client.get("/media/evil.html")
    assert "sandbox" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]


def run_django(code, **env):
    """Run ``code`` after django.setup() in a fresh interpreter with ``env``; the completed process."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSROOM_", "AWS_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    clean.update(DJANGO_SETTINGS_MODULE="newsroom.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_s3_storage_is_chosen_by_environment_and_needs_no_local_state():
    result = run_django(
        "from django.core.files.storage import storages; s = storages['default']; "
        "from django.conf import settings as c; "
        "print(type(s).__name__, s.url('articles/a.png'), c.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'][-1])",
        NEWSROOM_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_CUSTOM_DOMAIN="media.example.org",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "https://media.example.org/articles/a.png",
        "https://media.example.org",
    ]


def test_s3_storage_without_a_bucket_fails_loudly():
    result = run_django("pass", NEWSROOM_STORAGE="s3")
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME must be set when NEWSROOM_STORAGE=s3" in result.stderr


def test_an_unknown_storage_is_refused():
    result = run_django("pass", NEWSROOM_STORAGE="ftp")
    assert result.returncode != 0
    assert "NEWSROOM_STORAGE must be 'local' or 's3'" in result.stderr


def test_postgresql_gets_connect_and_statement_timeouts():
    result = run_django(
        "from django.conf import settings as c; o = c.DATABASES['default']['OPTIONS']; "
        "print(o['connect_timeout'], o['options'])",
        DATABASE_URL="postgres://newsroom@db.example.org:5432/newsroom",
        DATABASE_CONNECT_TIMEOUT="3",
        DATABASE_STATEMENT_TIMEOUT="15000",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3 -c statement_timeout=15000"


def test_gunicorn_reads_its_settings_from_the_environment():
    code = (
        "ns = {}; exec(open('gunicorn.conf.py').read(), ns); "
        "print(ns['bind'], ns['workers'], ns['timeout'], ns['accesslog'], ns['wsgi_app'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PORT": "8111", "WEB_CONCURRENCY": "3", "GUNICORN_TIMEOUT": "20"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0.0.0.0:8111", "3", "20", "None", "newsroom.wsgi:application"]


def test_a_gunicorn_worker_freezes_what_it_loaded_out_of_the_garbage_collector():
    """Modules, templates and URL patterns loaded at start-up are never garbage: collections skip them."""
    code = (
        "import gc; ns = {}; exec(open('gunicorn.conf.py').read(), ns); "
        "before = gc.get_freeze_count(); ns['post_worker_init'](None); print(before, gc.get_freeze_count())"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    before, after = map(int, result.stdout.split())
    assert before == 0 and after > 1000


def test_postgresql_sessions_run_with_the_statement_timeout(django_db_blocker):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI runs the suite on it too)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone() == ("30s",)


@pytest.mark.django_db(transaction=True)
def test_a_reused_postgresql_connection_is_checked_without_a_round_trip_unless_the_server_spoke():
    """CONN_HEALTH_CHECKS asked the server "SELECT 1" at the start of every request: a round trip, about
    0.15 ms of CPU a page on both sides. An idle connection the server has not written to is as usable as that
    answer would say (a silent network fails the first query as it would have failed SELECT 1); one the server
    closed or wrote to (a restart, pg_terminate_backend) is asked, found dead and replaced."""
    import psycopg
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI runs the suite on it too)")
    connection.ensure_connection()
    asked = []
    execute = psycopg.Cursor.execute

    def spy(self, query, *args, **kwargs):
        asked.append(str(query))
        return execute(self, query, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(psycopg.Cursor, "execute", spy)
        assert connection.is_usable() and asked == []
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    other = connections.create_connection("default")  # an operator's session
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    time.sleep(0.2)  # the server's notice and end of stream reach the socket
    assert not connection.is_usable()
    connection.close_if_unusable_or_obsolete()  # a request starts (signals.request_started)
    with connection.cursor() as cursor:  # its first query: the check, then a new connection
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
