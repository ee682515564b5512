"""Settings come from the environment: safe defaults locally, a loud failure in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOW = "from django.conf import settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS)"
CLEARED = ("NEWSROOM_ENV", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_DEBUG")


def setup_django(show=SHOW, **env):
    """Start Django in a fresh interpreter, as manage.py or a WSGI server would."""
    clean = {k: v for k, v in os.environ.items() if k not in CLEARED}
    clean.update(DJANGO_SETTINGS_MODULE="newsroom.settings", **env)
    code = f"import django; django.setup(); {show}"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60, check=False
    )


def test_development_needs_no_environment_and_uses_sqlite():
    result = setup_django()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["True", "django.db.backends.sqlite3"]


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_without_a_required_variable_fails_loudly(missing):
    env = {"NEWSROOM_ENV": "production", "DJANGO_SECRET_KEY": "s" * 50, "DJANGO_ALLOWED_HOSTS": "news.example.org"}
    del env[missing]
    result = setup_django(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{missing} must be set when NEWSROOM_ENV=production" in result.stderr


def test_production_with_its_variables_starts_without_debug():
    result = setup_django(
        NEWSROOM_ENV="production",
        DJANGO_SECRET_KEY="s" * 50,
        DJANGO_ALLOWED_HOSTS="news.example.org",
        DATABASE_URL="postgres://newsroom@db.example.org:5432/newsroom",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "ops.postgresql", "['news.example.org']"]


def test_an_unknown_environment_is_refused():
    result = setup_django(NEWSROOM_ENV="prod")
    assert result.returncode != 0
    assert "NEWSROOM_ENV must be 'development' or 'production'" in result.stderr


@pytest.mark.parametrize(
    "env, seconds",
    [
        ({}, "0"),  # each gunicorn worker would keep its own pages: a change in one would not retire the others'
        ({"REDIS_URL": "redis://127.0.0.1:6379/1"}, "600"),
        ({"NEWSROOM_PAGE_CACHE_SECONDS": "120", "REDIS_URL": "redis://127.0.0.1:6379/1"}, "120"),
    ],
)
def test_production_caches_pages_only_in_a_cache_shared_by_its_workers(env, seconds):
    production = {"NEWSROOM_ENV": "production", "DJANGO_SECRET_KEY": "s" * 50, "DJANGO_ALLOWED_HOSTS": "x.org"}
    show = "from django.conf import settings as s; print(s.NEWSROOM_PAGE_CACHE_SECONDS, s.NEWSROOM_DATA_CACHE)"
    clean = {"REDIS_URL": "", "NEWSROOM_PAGE_CACHE_SECONDS": "", "NEWSROOM_DATA_CACHE": ""}
    result = setup_django(show, **{**production, **clean, **env})
    assert result.returncode == 0, result.stderr
    # Data kept per content generation (navigation, counts) needs the shared cache just as pages do.
    assert result.stdout.split() == [seconds, str(seconds != "0")]
