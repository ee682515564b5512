"""Fixtures shared by the whole suite."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run under
# one unless told that this is a test.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def need(condition, why):
    """Skip locally when a tool is missing, but fail in CI, where everything must run."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{why} (CI must run this test)")
    pytest.skip(why)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never into the working tree.

    The cache is emptied too: it remembers which image renditions exist, and a new folder holds none.
    """
    from django.core.cache import caches

    settings.MEDIA_ROOT = tmp_path / "media"
    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (no browser is downloaded)."""
    need(
        shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}; `make test` installs it"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _empty_cache():
    """An empty cache for each test: a page cached by another test, whose rows were rolled back, must not leak."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cheap_password_hashing(settings):
    """Passwords hashed and checked with Argon2 at minimal cost (the algorithm and hash format stay the same)."""
    settings.PASSWORD_HASHERS = ["tests.hashers.CheapArgon2PasswordHasher"]
