"""axe-core on the desk's pages (issue 12): article add and change forms, list, history and compare.

0 violations, light and dark, and no console errors (a missing favicon or a CSP refusal is one).
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from articles.models import Article
from tests import desk
from tests.factories import ArticleFactory
from tests.test_desk_valid import article_with_history, desk_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
# The history and compare pages are being rebuilt (readable diffs, labelled versions) with their own
# axe checks; reversion's stock history text fails colour contrast until then.
AXE_PAGES = {"add", "change", "changelist", "history", "compare"}


def session_page(browser, live_server, client, user):
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    return page


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_desk_pages_have_no_axe_violations_and_no_console_errors(browser, live_server, client, color_scheme):
    page = session_page(browser, live_server, client, desk.editor())
    article = article_with_history(client)
    page.emulate_media(color_scheme=color_scheme)
    try:
        for name, url in desk_pages(client, article).items():
            if name not in AXE_PAGES:
                continue
            page.goto(f"{live_server.url}{url}")
            if name in {"add", "change"}:
                page.wait_for_selector(".ProseMirror[contenteditable=true][aria-labelledby]")
            results = AXE.run(page)
            assert results.violations_count == 0, f"{name}: {url}\n{results.generate_report()}"
            assert page.console_errors == [], (name, page.console_errors)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    finally:
        page.context.close()


def test_a_reporters_desk_pages_have_no_axe_violations(browser, live_server, client):
    """A reporter's forms differ: the publication time is read-only and corrections cannot be added."""
    reporter = desk.reporter()
    page = session_page(browser, live_server, client, reporter)
    own = ArticleFactory(draft=True, created_by=reporter, tags=["Україна"])
    try:
        for url in (
            desk.admin_url(Article, "add"),
            desk.admin_url(own, "change"),
            desk.admin_url(Article, "changelist"),
        ):
            page.goto(f"{live_server.url}{url}")
            if url.endswith(("/add/", "/change/")):
                page.wait_for_selector(".ProseMirror[contenteditable=true][aria-labelledby]")
            results = AXE.run(page)
            assert results.violations_count == 0, f"{url}\n{results.generate_report()}"
            assert page.console_errors == [], (url, page.console_errors)
    finally:
        page.context.close()


def test_compare_shows_an_inserted_word_marked_in_the_browser(browser, live_server, client):
    """An editor compares two versions: the word added to the headline is marked as inserted, as text, not HTML."""
    page = session_page(browser, live_server, client, desk.editor())
    article = article_with_history(client)  # headline "First change", then "Second change"
    try:
        page.goto(f"{live_server.url}{desk_pages(client, article)['compare']}")
        inserted = page.locator("ins").all_inner_texts()
        deleted = page.locator("del").all_inner_texts()
        assert any("Second" in text for text in inserted), inserted
        assert any("First" in text for text in deleted), deleted
        assert "&lt;p&gt;" not in page.content()  # readable text, never escaped markup
    finally:
        page.context.close()
