"""axe-core on every page type, light and dark, desktop and 320 px wide: 0 violations, and no CSP errors."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Permission

from tests.factories import ArticleFactory, CorrectionFactory, FullArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()


@pytest.fixture
def urls():
    article = FullArticleFactory(
        headline="Главная новость:東京 & मुंबई", dek="Контекст <и> детали", tags=["NATO"], pictured=True, language="uk"
    )
    ArticleFactory.create_batch(4, pictured=True, section=article.section, tags=["NATO"])
    CorrectionFactory(article=article, kind="clarification", text="Clarified.")
    ArticleFactory.create_batch(20, tags=["NATO"])
    ArticleFactory(
        headline="خبر عاجل: " + "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen" * 2, tags=["NATO"]
    )
    return {
        "home": "/",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag": article.tags.get(name="NATO").get_absolute_url(),
        "source": article.citations.first().source.get_absolute_url(),
        "author": article.bylines.first().author.get_absolute_url(),
        "archive": f"/archive/{article.published_at:%Y}/{article.published_at:%m}/",
        "search": "/search/?q=Главная",
        "corrections": "/corrections/",
        "404": "/no/such/page/",
    }


def check(page, url, csp_errors):
    page.goto(url)
    results = AXE.run(page)
    assert results.violations_count == 0, f"{url}\n{results.generate_report()}"
    assert csp_errors == [], url
    # 320 px and up: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url


def watch_csp(page):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return errors


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_every_page_type_has_no_axe_violations(page, live_server, urls, color_scheme):
    page.emulate_media(color_scheme=color_scheme)
    csp_errors = watch_csp(page)
    for url in urls.values():
        check(page, f"{live_server.url}{url}", csp_errors)


def test_narrow_screen(page, live_server, urls):
    page.set_viewport_size({"width": 320, "height": 700})
    csp_errors = watch_csp(page)
    for name in ("home", "article", "search"):
        check(page, f"{live_server.url}{urls[name]}", csp_errors)


def test_staff_preview_banner_is_accessible(browser, live_server, client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    draft = FullArticleFactory(draft=True, created_by=user)
    context = browser.new_context()
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    try:
        check(page, f"{live_server.url}{draft.get_absolute_url()}", watch_csp(page))
        assert page.get_by_role("status").inner_text().startswith("Draft / not published")
    finally:
        context.close()


def test_skip_link_is_the_first_stop_and_visible(page, live_server, urls):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    assert focused.inner_text() == "Skip to content"
    box = focused.bounding_box()
    assert box and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_no_page_logs_a_console_error(page, live_server, urls):
    """Not even for a missing /favicon.ico or touch icon (Lighthouse Best Practices)."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("requestfailed", lambda request: errors.append(request.url))
    for name in ("home", "article", "corrections"):
        page.goto(f"{live_server.url}{urls[name]}")
        page.wait_for_load_state("networkidle")
        assert errors == [], name
