"""No lost updates: a save based on an older version of the article is refused, nothing is lost."""

import threading

import pytest
import reversion
from django.db import connection
from django.test import Client

from articles import services
from articles.models import Article
from tests.desk import admin_url, article_form_data, editor
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_second_of_two_saves_from_the_same_version_is_refused_and_shows_what_changed():
    article = ArticleFactory(draft=True, headline="Original headline", dek="Original dek")
    first, second = logged_in(editor("first")), logged_in(editor("second"))
    url = admin_url(article, "change")
    # Both open the form on the same version.
    assert first.get(url).status_code == 200
    assert second.get(url).status_code == 200
    opened = Article.objects.get(pk=article.pk)

    response = first.post(url, article_form_data(opened, headline="Headline by the first editor"))
    assert response.status_code == 302

    response = second.post(url, article_form_data(opened, dek="Dek typed by the second editor"))
    assert response.status_code == 200, "the stale save must re-show the form"
    page = response.content.decode()
    assert "Someone else (first) saved this article after you opened it" in page
    assert "Headline by the first editor" in page  # what they changed, to merge
    assert "Dek typed by the second editor" in page  # the second editor's input is still there
    saved = Article.objects.get(pk=article.pk)
    assert saved.headline == "Headline by the first editor"
    assert saved.dek == "Original dek"
    assert saved.version == opened.version + 1


def test_after_seeing_the_conflict_a_second_save_is_a_deliberate_overwrite():
    article = ArticleFactory(draft=True)
    first, second = logged_in(editor("first")), logged_in(editor("second"))
    url = admin_url(article, "change")
    opened = Article.objects.get(pk=article.pk)
    first.post(url, article_form_data(opened, headline="First"))
    refused = second.post(url, article_form_data(opened, headline="Second"))
    # The re-shown form now carries the current version, so saving the merged text goes through.
    assert refused.context["adminform"].form["seen_version"].value() == opened.version + 1
    merged = article_form_data(opened, headline="First and second", seen_version=opened.version + 1)
    assert second.post(url, merged).status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "First and second"


def test_an_admin_action_makes_an_open_form_stale_and_the_message_lists_exactly_its_changes():
    with reversion.create_revision():
        article = ArticleFactory(review=True, headline="As filed")
    boss = editor()
    client = logged_in(boss)
    opened = Article.objects.get(pk=article.pk)
    services.publish([opened], user=boss)
    response = client.post(admin_url(article, "change"), article_form_data(opened, headline="Too late"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "They changed: Status: “Published”; Publication time:" in page
    assert "As filed" not in page.split("They changed")[1].split(".")[0]
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_stale_inline_edits_are_refused_too():
    article = ArticleFactory(draft=True)
    client = logged_in(editor())
    opened = Article.objects.get(pk=article.pk)
    Article.objects.get(pk=article.pk).save()  # someone saved in between
    data = article_form_data(opened, **{"notes-TOTAL_FORMS": 1, "notes-0-text": "A new note", "notes-0-order": 0})
    response = client.post(admin_url(article, "change"), data)
    assert response.status_code == 200
    assert not article.notes.exists()
    assert "A new note" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_one_version_cannot_both_win():
    """Real parallel requests; the row lock (PostgreSQL) or write lock (SQLite) serializes them."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("an in-memory SQLite database is not shared between threads")
    article = ArticleFactory(draft=True)
    users = [editor("first"), editor("second")]
    opened = Article.objects.get(pk=article.pk)
    barrier = threading.Barrier(2)
    codes = []

    def save(user, headline):
        client = logged_in(user)
        barrier.wait()
        codes.append(
            client.post(admin_url(article, "change"), article_form_data(opened, headline=headline)).status_code
        )
        connection.close()

    threads = [threading.Thread(target=save, args=(u, f"By {u.username}")) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 302]
    assert Article.objects.get(pk=article.pk).version == opened.version + 1
