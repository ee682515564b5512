"""Who may do what on the desk: every admin URL of the newsroom's models, for every role, GET and POST."""

import pytest
from django.test import Client

from articles.models import Article, Author, Section, Source, Tag
from tests import desk
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reporter", "editor", "superuser"]
MODELS = [Article, Source, Section, Author, Tag]
VIEWS = ["changelist", "add", "change", "delete", "history"]
READ_ONLY_VIEWS = {"changelist", "change", "history"}


def allowed(role, model, view, method):
    """The expected outcome, as the newsroom's rules state it."""
    if role == "anonymous":
        return False
    if role in {"editor", "superuser"}:
        return True
    # A reporter writes articles (their own; the one here is their draft) and only looks at the rest.
    if model is Article:
        return view != "delete"
    return view in READ_ONLY_VIEWS and (method == "GET" or view != "change")


def make_object(model, owner):
    if model is Article:
        return ArticleFactory(draft=True, created_by=owner)
    if model is Tag:
        return Tag.objects.create(name="Elections")
    return {Source: SourceFactory, Section: SectionFactory, Author: AuthorFactory}[model]()


def client_for(role):
    client = Client()
    user = {"reporter": desk.reporter, "editor": desk.editor, "superuser": desk.superuser}.get(role)
    if user:
        user = user()
        client.force_login(user)
    return client, user


def outcome(response):
    assert response.status_code != 500
    if response.status_code == 403:
        return False
    if response.status_code == 302 and "/login/" in response["Location"]:
        return False
    assert response.status_code in {200, 302}, response.status_code
    return True


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(role, model, view, method):
    client, user = client_for(role)
    obj = make_object(model, owner=user)
    url = desk.admin_url(obj if view in {"change", "delete", "history"} else model, view)
    data = {"post": "yes"} if view == "delete" else {}
    response = client.get(url) if method == "GET" else client.post(url, data)
    assert outcome(response) is allowed(role, model, view, method)
    if view == "delete" and method == "POST":
        assert model.objects.filter(pk=obj.pk).exists() is not allowed(role, model, view, method)


def test_anonymous_is_sent_to_the_login_page():
    response = Client().get("/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- Forged requests: refused on the server, never a 500, never saved ---------------------------


@pytest.fixture
def reporter_client():
    client = Client()
    user = desk.reporter()
    client.force_login(user)
    client.user = user
    return client


def test_reporter_cannot_publish_their_draft_by_posting_status(reporter_client):
    article = ArticleFactory(draft=True, created_by=reporter_client.user)
    data = desk.article_form_data(article, status="published")
    response = reporter_client.post(desk.admin_url(article, "change"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_reporter_cannot_set_the_publication_time(reporter_client):
    article = ArticleFactory(draft=True, created_by=reporter_client.user)
    data = desk.article_form_data(article, status="review", published_at_0="2020-01-01", published_at_1="10:00:00")
    assert reporter_client.post(desk.admin_url(article, "change"), data).status_code == 302
    saved = Article.objects.get(pk=article.pk)
    assert (saved.status, saved.published_at) == (Article.Status.REVIEW, None)


def test_reporter_sees_their_published_article_read_only_and_cannot_change_it(reporter_client):
    article = ArticleFactory(created_by=reporter_client.user, headline="Live story")
    response = reporter_client.get(desk.admin_url(article, "change"))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    forged = reporter_client.post(desk.admin_url(article, "change"), desk.article_form_data(article, headline="Hacked"))
    assert forged.status_code == 403
    assert reporter_client.post(desk.admin_url(article, "delete"), {"post": "yes"}).status_code == 403
    assert Article.objects.get(pk=article.pk).headline == "Live story"


def test_reporter_cannot_see_or_edit_another_reporters_draft(reporter_client):
    other = desk.reporter("other")
    article = ArticleFactory(draft=True, created_by=other, headline="Their scoop")
    changelist = reporter_client.get(desk.admin_url(Article, "changelist"))
    assert "Their scoop" not in changelist.content.decode()
    url = desk.admin_url(article, "change")
    assert reporter_client.get(url).status_code == 302  # "does not exist": nothing about it leaks
    assert reporter_client.post(url, desk.article_form_data(article, headline="Mine now")).status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Their scoop"
    compare = reporter_client.get(desk.admin_url(article, "history") + "compare/")
    assert compare.status_code == 404


def test_reporter_cannot_run_publishing_actions(reporter_client):
    article = ArticleFactory(draft=True, created_by=reporter_client.user)
    changelist = reporter_client.get(desk.admin_url(Article, "changelist"))
    assert "publish_now" not in changelist.content.decode()
    for action in ["publish_now", "schedule", "send_back_to_draft", "add_tag", "delete_selected"]:
        data = {"action": action, "_selected_action": [article.pk], "when": "2099-01-01T10:00", "tag": "x"}
        response = reporter_client.post(desk.admin_url(Article, "changelist"), data)
        assert response.status_code in {200, 302}
    saved = Article.objects.get(pk=article.pk)
    assert (saved.status, saved.published_at, saved.tags.count()) == (Article.Status.DRAFT, None, 0)


def test_reporter_writes_a_draft_with_citations_and_submits_it(reporter_client):
    section, source = SectionFactory(name="World"), SourceFactory(name="Reuters")
    data = desk.article_form_data(
        Article(headline="Вибори: <script>alert(1)</script> & “quotes”", section=section, status="review"),
        body='<p>Text <strong>bold</strong><script>alert(1)</script><img src=x onerror="alert(1)"></p>',
        **{
            "citations-TOTAL_FORMS": 1,
            "citations-0-source": source.pk,
            "citations-0-url": "https://reuters.example.org/report",
            "citations-0-role": "primary",
            "citations-0-order": 0,
        },
    )
    response = reporter_client.post(desk.admin_url(Article, "add"), data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.created_by == reporter_client.user
    assert article.status == Article.Status.REVIEW
    assert article.body == "<p>Text <strong>bold</strong></p>"
    assert article.slug == "вибори-script-alert-1-script-quotes"
    assert list(article.sources.all()) == [source]


def test_reporter_cannot_add_a_correction(reporter_client):
    article = ArticleFactory(draft=True, created_by=reporter_client.user)
    data = desk.article_form_data(
        article,
        **{"corrections-TOTAL_FORMS": 1, "corrections-0-kind": "correction", "corrections-0-text": "Forged"},
    )
    assert reporter_client.post(desk.admin_url(article, "change"), data).status_code == 302
    assert not article.corrections.exists()


def test_status_choices_offered_to_a_reporter(reporter_client):
    response = reporter_client.get(desk.admin_url(Article, "add"))
    choices = [value for value, _ in response.context["adminform"].form.fields["status"].choices]
    assert choices == ["draft", "review"]
