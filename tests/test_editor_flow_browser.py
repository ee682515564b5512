"""The desk in a real browser: a reporter files a draft, an editor publishes it, a reader reads it,
and a second editor's stale save is refused."""

import re

import pytest

from articles.models import Article
from tests import desk
from tests.factories import ArticleFactory, SectionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.csp_errors = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and page.csp_errors.append(msg.text))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", desk.PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def choose_autocomplete(page, field, text):
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def test_draft_to_publication_and_a_refused_stale_save(browser, live_server):
    SectionFactory(name="World")
    reporter = desk.reporter(password=desk.PASSWORD)
    editor = desk.editor(password=desk.PASSWORD)

    # A reporter writes a draft in the rich text editor and submits it for review.
    page = log_in(browser, live_server, reporter)
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.locator("#id_headline").press_sequentially("Floods reach the capital")
    # The slug is left to the server, which spells every script right (the admin's JavaScript drops marks).
    assert page.input_value("#id_slug") == ""
    choose_autocomplete(page, "section", "World")
    body = page.locator(".ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.type("Water rose ")
    page.keyboard.press("Control+b")
    page.keyboard.type("two metres")
    page.keyboard.press("Control+b")
    page.keyboard.type(" overnight.")
    page.select_option("#id_status", "review")
    assert page.locator("#id_status option").all_inner_texts() == ["Draft", "In review"]
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert page.csp_errors == []
    article = Article.objects.get(headline="Floods reach the capital")
    assert article.body == "<p>Water rose <strong>two metres</strong> overnight.</p>"
    assert (article.status, article.created_by) == ("review", reporter)
    assert article.slug == "floods-reach-the-capital"
    page.context.close()

    # An editor publishes it with the admin action.
    page = log_in(browser, live_server, editor)
    page.goto(f"{live_server.url}/admin/articles/article/?desk_status=review")
    page.check(f"input[name=_selected_action][value='{article.pk}']")
    page.select_option("select[name=action]", "publish_now")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    assert "1 article(s) published" in page.inner_text(".messagelist")
    page.context.close()

    # A reader sees it on the public site.
    context = browser.new_context()
    reader = context.new_page()
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    assert reader.inner_text("h1") == "Floods reach the capital"
    assert reader.inner_text("article strong") == "two metres"
    context.close()


def test_second_editors_stale_save_is_refused_with_what_changed(browser, live_server):
    article = ArticleFactory(draft=True, headline="Budget vote delayed")
    first = log_in(browser, live_server, desk.editor("first", password=desk.PASSWORD))
    second = log_in(browser, live_server, desk.editor("second", password=desk.PASSWORD))
    url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    first.goto(url)
    second.goto(url)

    first.fill("#id_headline", "Budget vote delayed to Friday")
    first.click("input[name=_save]")
    first.wait_for_selector(".messagelist .success")

    second.fill("#id_dek", "My new standfirst")
    second.click("input[name=_save]")
    error = second.locator(".errornote + .errorlist, ul.errorlist.nonfield").first
    assert re.search(r"Someone else \(first\) saved this article after you opened it", error.inner_text())
    assert "Budget vote delayed to Friday" in error.inner_text()
    assert second.input_value("#id_dek") == "My new standfirst"  # nothing the second editor typed is lost
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.dek) == ("Budget vote delayed to Friday", article.dek)
    assert first.csp_errors == second.csp_errors == []
    first.context.close()
    second.context.close()
