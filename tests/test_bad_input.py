"""Bad input never gives a 500 and never loses an editor's text: a form error or a fast 4xx."""

import pytest
from django.test import Client

from articles.models import Article, Section, Tag
from tests import desk
from tests.factories import ArticleFactory, BackgroundNoteFactory, FullArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client():
    client = Client(raise_request_exception=False)
    client.user = desk.editor()
    client.force_login(client.user)
    return client


def new_article_data(**changes):
    data = desk.article_form_data(Article(headline="A new one", section=SectionFactory(name="News")), **changes)
    data.update({"status": "draft", "published_at_0": "", "published_at_1": "", "seen_version": ""})
    return data


@pytest.mark.parametrize("bad", ["abc", "1.5", "9" * 30, "", "' OR 1=1 --"])
def test_a_non_numeric_section_is_a_form_error_with_the_text_kept(editor_client, bad):
    data = new_article_data(section=bad, dek="The dek the editor typed.")
    response = editor_client.post(desk.admin_url(Article, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["section"]
    assert "The dek the editor typed." in response.content.decode()
    assert not Article.objects.exists()


# Tags are typed as names in the tag box (any text is a tag name), so only bylines and citations choose by id.
@pytest.mark.parametrize("field", ["author", "source"])
def test_a_non_numeric_choice_in_an_inline_is_a_form_error(editor_client, field):
    article = ArticleFactory()
    prefix = {"author": "bylines", "source": "citations"}[field]
    data = desk.article_form_data(article, **{f"{prefix}-TOTAL_FORMS": 1, f"{prefix}-0-{field}": "abc"})
    response = editor_client.post(desk.admin_url(article, "change"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("bad", ["abc", "1 OR 1", "", "9" * 30])
def test_an_action_on_a_non_numeric_id_is_refused_with_a_message(editor_client, bad):
    article = ArticleFactory(draft=True)
    data = {"action": "publish_now", "_selected_action": [article.pk, bad]}
    response = editor_client.post(desk.admin_url(Article, "changelist"), data, follow=True)
    assert response.status_code == 200
    assert "is not a valid id" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


@pytest.mark.parametrize("model", [Tag, Section], ids=lambda m: m.__name__)
def test_other_changelists_refuse_bad_ids_too(editor_client, model):
    action = "merge" if model is Tag else "delete_selected"
    response = editor_client.post(
        desk.admin_url(model, "changelist"), {"action": action, "_selected_action": ["x"]}, follow=True
    )
    assert response.status_code == 200
    assert "is not a valid id" in response.content.decode()


def test_a_body_over_the_limit_is_a_form_error_with_the_text_kept(editor_client, settings):
    body = "<p>" + "Long reporting. " * 200_000 + "</p>"  # 3.2 MB, over Django's 2.5 MB default
    response = editor_client.post(desk.admin_url(Article, "add"), new_article_data(body=body, dek="Kept dek."))
    assert response.status_code == 200
    assert "The body is too long" in response.content.decode()
    assert "Kept dek." in response.content.decode()
    assert response.context["adminform"].form.data["body"] == body
    assert not Article.objects.exists()


def test_a_huge_total_forms_count_is_refused_without_building_the_forms(editor_client):
    article = ArticleFactory()
    BackgroundNoteFactory(article=article, text="A saved note.")
    data = desk.article_form_data(article, dek="The editor's new dek.", **{"notes-TOTAL_FORMS": 10_000_000})
    data["notes-INITIAL_FORMS"] = 1
    response = editor_client.post(desk.admin_url(article, "change"), data)
    assert response.status_code == 200
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "notes")
    assert len(formset.forms) == 1  # only the saved row is built, not 2,000 (Django's cap) or 10 million
    assert "at most 100" in str(formset.non_form_errors())
    assert "The editor&#x27;s new dek." in response.content.decode()
    article.refresh_from_db()
    assert article.dek != "The editor's new dek."


@pytest.mark.parametrize(
    "query",
    [
        {"section__id__exact": "abc"},
        {"p": "abc"},
        {"p": "-1"},
        {"o": "abc"},
        {"language__exact": "\x00"},
        {"published_at__year": "abc"},
        {"q": "\x00"},
        {"desk_status": "nonsense"},
        {"tagged_items__tag__id__exact": "1 OR 1"},
    ],
)
def test_bad_changelist_filters_never_give_a_500(editor_client, query):
    FullArticleFactory()
    response = editor_client.get(desk.admin_url(Article, "changelist"), query)
    assert response.status_code in {200, 302, 400}
    if response.status_code == 400:
        assert b"NUL" in response.content


@pytest.mark.parametrize(
    "query",
    [
        {"app_label": "articles", "model_name": "article", "field_name": "section", "term": "\x00"},
        {"app_label": "articles", "model_name": "nothing", "field_name": "section"},
        {"app_label": "articles", "model_name": "article", "field_name": "section", "page": "abc"},
    ],
)
def test_bad_autocomplete_requests_never_give_a_500(editor_client, query):
    response = editor_client.get("/admin/autocomplete/", query)
    assert response.status_code in {200, 400, 403, 404}


@pytest.mark.parametrize(
    "url",
    [
        "/?page=abc",
        "/?page=99999",
        "/search/?q=%00",
        "/search/?q=" + "x" * 5000,
        "/search/?q=a&page=-1",
        "/sections/news/?page=abc",
        "/articles/%00/",
        "/articles/a%2Fb/",
        "/tags/%E0%A4/",
        "/feeds/tags/%00/rss/",
        "/archive/9999/99/",
    ],
)
def test_public_pages_answer_odd_queries_with_a_4xx_at_worst(client, url):
    SectionFactory(name="News")
    ArticleFactory()
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code in {200, 301, 404}


@pytest.mark.parametrize("bad", ["abc", "9" * 30, "-1", "1.5"])
@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_admin_urls_with_a_bad_object_id_never_give_a_500(editor_client, view, bad):
    ArticleFactory()
    url = f"/admin/articles/article/{bad}/{view}/"
    response = editor_client.get(url)
    assert response.status_code in {302, 404}


@pytest.mark.parametrize("query", [{"from": "abc", "to": "1"}, {"from": "9" * 30, "to": "9" * 30}, {"from": "-1"}])
def test_the_compare_view_ignores_bad_version_ids(editor_client, query):
    article = ArticleFactory()
    response = editor_client.get(f"/admin/articles/article/{article.pk}/history/compare/", query)
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("headline", "refused"),
    [
        ("Invoice \u202egnp.exe", "U+202E"),  # right-to-left override never closed: text shown reversed
        ("Vote \u2067لا", "U+2067"),  # right-to-left isolate never closed
        ("Closed twice \u202a a \u202c\u202c", "U+202C"),  # a pop with nothing to close
    ],
)
def test_unbalanced_bidirectional_controls_are_a_form_error(editor_client, headline, refused):
    """Trojan-Source-style spoofing (CVE-2021-42574): an override or isolate left open reorders what follows."""
    response = editor_client.post(desk.admin_url(Article, "add"), new_article_data(headline=headline))
    assert response.status_code == 200
    assert refused in str(response.context["adminform"].form.errors["headline"])
    assert not Article.objects.exists()


def test_balanced_bidirectional_controls_are_kept(editor_client):
    headline = "Quote: \u2067مرحبا بالعالم\u2069 said the envoy"
    editor_client.post(desk.admin_url(Article, "add"), new_article_data(headline=headline))
    assert Article.objects.get().headline == headline
