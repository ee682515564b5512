"""Drafts at their real URL for staff, and signed, expiring share links for everyone else."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from articles.preview import SALT, share_token, share_url
from tests import desk
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)


def preview_path(token):
    return reverse("articles:share_preview", kwargs={"token": token})


def test_staff_see_a_draft_at_its_real_url_with_a_banner_and_anonymous_get_the_plain_404(client):
    reporter = desk.reporter()
    draft = ArticleFactory(draft=True, headline="Draft story", created_by=reporter)
    missing = client.get("/articles/no-such-article/")
    anonymous = client.get(draft.get_absolute_url())
    assert anonymous.status_code == missing.status_code == 404
    assert anonymous.content == missing.content
    for user in (reporter, desk.editor()):
        staff = Client()
        staff.force_login(user)
        response = staff.get(draft.get_absolute_url())
        assert response.status_code == 200
        assert "Draft / not published" in response.content.decode()


def test_a_reporter_previews_only_their_own_drafts_as_on_the_desk(client):
    """The public preview follows the desk's rule: another reporter's draft does not exist for you."""
    colleague_draft = ArticleFactory(draft=True, created_by=desk.reporter("colleague"))
    client.force_login(desk.reporter("me"))
    assert client.get(colleague_draft.get_absolute_url()).status_code == 404


def test_share_link_shows_the_draft_without_an_account(client, settings):
    settings.NEWSROOM_SITE_URL = "https://news.example.org"
    draft = ArticleFactory(draft=True, headline="Сенсація & “квоти” <b>", body="<p>Текст</p>")
    url = share_url(draft)
    assert url.startswith("https://news.example.org/preview/")
    response = client.get(url.removeprefix("https://news.example.org"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Сенсація &amp; “квоти” &lt;b&gt;" in page
    assert "Draft / not published" in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def test_tampered_token_is_a_404(client):
    token = share_token(ArticleFactory(draft=True))
    for forged in [token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 40, "a:b:c", token + "x"]:
        assert client.get(preview_path(forged)).status_code == 404


def test_token_signed_for_another_purpose_or_article_is_a_404(client):
    one, other = ArticleFactory(draft=True), ArticleFactory(draft=True)
    wrong_salt = signing.TimestampSigner(salt="something.else").sign_object({"pk": one.pk, "slug": one.slug})
    assert client.get(preview_path(wrong_salt)).status_code == 404
    # A valid token for one article, with the other's slug swapped in, is no longer valid.
    mixed = signing.TimestampSigner(salt=SALT).sign_object({"pk": one.pk, "slug": other.slug})
    assert client.get(preview_path(mixed)).status_code == 404
    assert client.get(preview_path(share_token(other))).context["article"] == other


def test_renaming_the_address_withdraws_the_link(client):
    draft = ArticleFactory(draft=True)
    token = share_token(draft)
    draft.slug = "a-new-address"
    draft.save()
    assert client.get(preview_path(token)).status_code == 404


def test_share_link_expires(client, settings):
    settings.NEWSROOM_PREVIEW_MAX_AGE = 3600
    draft = ArticleFactory(draft=True)
    with time_machine.travel(NOW, tick=False):
        token = share_token(draft)
    with time_machine.travel(NOW + datetime.timedelta(minutes=59), tick=False):
        assert client.get(preview_path(token)).status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(minutes=61), tick=False):
        assert client.get(preview_path(token)).status_code == 404


def test_deleted_article_link_is_a_404(client):
    draft = ArticleFactory(draft=True)
    token = share_token(draft)
    draft.delete()
    assert client.get(preview_path(token)).status_code == 404


def test_admin_shows_the_share_link_for_unpublished_articles_only():
    client = Client()
    client.force_login(desk.editor())
    draft, live = ArticleFactory(draft=True), ArticleFactory()
    draft_page = client.get(desk.admin_url(draft, "change")).content.decode()
    assert "/preview/" in draft_page
    assert "Anyone with this link can read the draft." in draft_page
    assert "/preview/" not in client.get(desk.admin_url(live, "change")).content.decode()
