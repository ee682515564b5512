"""The desk as a writing tool, in a real browser (Debian's Chromium through Playwright).

A reporter writes in the tall editor and submits with the button; an editor sees that another has
the article open; leaving with unsaved changes warns; the local copy comes back after a reload;
autosave keeps a draft on the server without making the open form stale.
"""

import pytest

from articles import desk as desk_aids
from articles.models import Article, Byline
from tests import desk
from tests.factories import ArticleFactory, SectionFactory
from tests.test_editor_flow_browser import choose_autocomplete, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = ".ProseMirror[contenteditable=true]"


def open_form(page, live_server, article=None):
    url = f"/admin/articles/article/{article.pk}/change/" if article else "/admin/articles/article/add/"
    page.goto(f"{live_server.url}{url}")
    page.wait_for_selector(f"{BODY}[aria-labelledby]")  # desk.js has set up the editor


def test_reporter_writes_in_the_tall_editor_and_submits_for_review(browser, live_server):
    SectionFactory(name="World")
    reporter = desk.reporter(password=desk.PASSWORD, first_name="Mariam", last_name="Haddad")
    page = log_in(browser, live_server, reporter)
    open_form(page, live_server)

    body = page.locator(BODY)
    assert body.get_attribute("spellcheck") == "true"
    assert page.locator("#id_body_label").inner_text().startswith("Body")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.ProseMirror p')).lineHeight)")
    assert body.bounding_box()["height"] >= 20 * line  # room for about twenty lines from the start
    assert body.bounding_box()["width"] >= 600  # fills the column

    page.locator("#id_headline").press_sequentially("Floods reach the capital")
    assert page.inner_text("#id_headline_count").startswith("24 / 110 characters")
    choose_autocomplete(page, "section", "World")
    body.click()
    page.keyboard.type("Water rose two metres overnight in the old town.")
    assert page.inner_text("#id_body_stats") == "9 words · about 1 min read"
    page.fill("#id_tags", "Floods, Weather desk")

    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_selector(".messagelist .success")
    assert page.csp_errors == []
    article = Article.objects.get(headline="Floods reach the capital")
    assert (article.status, article.created_by) == ("review", reporter)
    assert article.body == "<p>Water rose two metres overnight in the old town.</p>"
    assert sorted(article.tags.names()) == ["Floods", "Weather desk"]
    assert [str(b) for b in Byline.objects.filter(article=article)] == ["By Mariam Haddad"]
    page.context.close()


def test_an_editor_sees_who_else_has_the_article_open(browser, live_server, monkeypatch):
    monkeypatch.setattr(desk_aids, "PRESENCE_POLL", 1)
    article = ArticleFactory(draft=True)
    first = log_in(browser, live_server, desk.editor("first", password=desk.PASSWORD, first_name="Ada"))
    second = log_in(browser, live_server, desk.editor("second", password=desk.PASSWORD, first_name="Bo"))
    open_form(first, live_server, article)
    open_form(second, live_server, article)
    notice = "is also editing this article"
    second.wait_for_selector(f"#desk-presence:has-text('Ada {notice}')")
    first.wait_for_selector(f"#desk-presence:has-text('Bo {notice}')")
    assert first.get_by_role("status").filter(has_text=notice).is_visible()
    second.context.close()  # Bo leaves: Ada's notice goes once the server has heard it
    first.wait_for_selector("#desk-presence", state="hidden")
    first.context.close()


def test_leaving_with_unsaved_changes_asks_first(browser, live_server):
    article = ArticleFactory(draft=True)
    page = log_in(browser, live_server, desk.editor(password=desk.PASSWORD))
    open_form(page, live_server, article)
    page.locator("#id_dek").press_sequentially(" More.")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # "stay on the page"

    page.on("dialog", answer)
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert not page.is_closed()
    page.context.close()


def test_the_local_copy_comes_back_after_a_reload(browser, live_server):
    article = ArticleFactory(draft=True, headline="Old headline", body="<p>Old text.</p>")
    page = log_in(browser, live_server, desk.editor(password=desk.PASSWORD))
    open_form(page, live_server, article)
    page.fill("#id_headline", "New headline, not yet saved")
    page.locator(BODY).click()
    page.keyboard.press("End")
    page.keyboard.type(" New words.")
    page.wait_for_timeout(800)  # the copy is kept half a second after the last keystroke

    page.on("dialog", lambda dialog: dialog.accept())  # the unsaved-changes question: leave anyway
    page.reload()  # as after a crash or a closed tab
    page.wait_for_selector(f"{BODY}[aria-labelledby]")
    assert page.input_value("#id_headline") == "Old headline"
    offer = page.locator(".desk-local-copy")
    assert "unsaved changes to this form" in offer.inner_text()
    offer.get_by_role("button", name="Restore them").click()
    assert page.input_value("#id_headline") == "New headline, not yet saved"
    assert page.locator(BODY).inner_text() == "Old text. New words."

    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.body) == ("New headline, not yet saved", "<p>Old text. New words.</p>")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('newsroom:desk:'))") == []
    page.context.close()


def test_autosave_keeps_a_draft_and_the_form_stays_saveable(browser, live_server):
    reporter = desk.reporter(password=desk.PASSWORD)
    article = ArticleFactory(draft=True, created_by=reporter, headline="Draft one")
    page = log_in(browser, live_server, reporter)
    open_form(page, live_server, article)
    page.fill("#id_headline", "Draft two")
    page.evaluate("document.getElementById('article_form').dispatchEvent(new Event('desk:autosave'))")
    page.wait_for_selector("#desk-autosave-status:has-text('Autosaved at')")
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.status, saved.version) == ("Draft two", "draft", article.version + 1)

    page.fill("#id_headline", "Draft three")  # a normal save after an autosave is not "stale"
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert Article.objects.get(pk=article.pk).headline == "Draft three"
    page.context.close()
