"""The desk's pages: list columns, filters, search, constant query counts, the body editor and its CSP."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article, Source, Tag
from tests import desk
from tests.factories import ArticleFactory, BylineFactory, CitationFactory, ImageFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(desk.editor())
    return client


def make_articles(count):
    for i in range(count):
        article = ArticleFactory(tags=[f"tag {i}", "shared"], draft=i % 3 == 0)
        BylineFactory(article=article)
        CitationFactory(article=article)


def count_queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("model", "factory"),
    [(Article, make_articles), (Source, lambda n: SourceFactory.create_batch(n)), (Tag, make_articles)],
    ids=["article", "source", "tag"],
)
def test_list_pages_run_the_same_number_of_queries_for_5_and_50_rows(
    editor_client, django_assert_max_num_queries, model, factory
):
    url = desk.admin_url(model, "changelist")
    factory(5)
    few = count_queries(editor_client, url, django_assert_max_num_queries, 30)
    factory(45)
    many = count_queries(editor_client, url, django_assert_max_num_queries, few)
    assert many == few


def test_article_list_columns_and_status_names(editor_client):
    ArticleFactory(headline="Live one")
    ArticleFactory(headline="Queued one", scheduled=True)
    ArticleFactory(headline="Draft one", draft=True)
    ArticleFactory(headline="Review one", review=True)
    page = editor_client.get(desk.admin_url(Article, "changelist")).content.decode()
    statuses = dict(re.findall(r'<a href="[^"]+">([^<]+)</a></th><td class="field-desk_status">([^<]+)</td>', page))
    assert statuses == {
        "Live one": "Published",
        "Queued one": "Scheduled",
        "Draft one": "Draft",
        "Review one": "In review",
    }
    for column in ["Headline", "Status", "Section", "Published / scheduled for", "Updated at"]:
        assert column in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"desk_status": "published"}, ["Live one"]),
        ({"desk_status": "scheduled"}, ["Queued one"]),
        ({"desk_status": "draft"}, ["Draft one"]),
        ({"q": "землетрус"}, ["Draft one"]),
        ({"q": "dek-word"}, ["Queued one"]),
    ],
)
def test_filters_and_search(editor_client, query, expected):
    ArticleFactory(headline="Live one")
    ArticleFactory(headline="Queued one", scheduled=True, dek="A dek-word here")
    ArticleFactory(headline="Draft one", draft=True, body="<p>Сильний землетрус</p>")
    response = editor_client.get(desk.admin_url(Article, "changelist"), query)
    assert sorted(str(a) for a in response.context["cl"].result_list) == expected


def test_filter_by_tag_source_and_author(editor_client):
    tagged = ArticleFactory(tags=["Energy"])
    cited = CitationFactory(source__name="Kyiv Independent").article
    bylined = BylineFactory(author__name="Olena Kovalenko").article
    BylineFactory(article=CitationFactory(article=ArticleFactory(tags=["Other"])).article)
    url = desk.admin_url(Article, "changelist")
    for params, article in [
        ({"tag_name": "energy"}, tagged),
        ({"source_name": "independent"}, cited),
        ({"author_name": "Kovalenko"}, bylined),
    ]:
        assert list(editor_client.get(url, params).context["cl"].result_list) == [article]


def test_the_changelist_does_not_list_every_tag_source_and_author(editor_client, django_assert_max_num_queries):
    """At an archive's size the filters listed thousands of names on every page; now they are typed."""
    for i in range(30):
        BylineFactory(author__name=f"Writer {i}", article=CitationFactory(source__name=f"Outlet {i}").article)
        ArticleFactory(tags=[f"Keyword {i}"])
    url = desk.admin_url(Article, "changelist")
    response = editor_client.get(url, {"section__id__exact": "1", "tag_name": "Keyword 1"})
    page = response.content.decode()
    assert "Keyword 2" not in page and "Outlet 2" not in page and "Writer 2" not in page
    # The typed filter keeps the changelist's other parameters.
    assert 'name="section__id__exact" value="1"' in page
    assert response.context["cl"].show_full_result_count is False


def test_change_form_has_the_rich_text_editor_and_a_nonce_for_it(editor_client):
    article = ArticleFactory(draft=True)
    response = editor_client.get(desk.admin_url(article, "change"))
    page = response.content.decode()
    assert "data-django-prose-editor-configurable" in page
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    importmap = re.search(r'<script type="importmap"([^>]*)>', page).group(1)
    assert f'nonce="{nonce}"' in importmap
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert 'name="seen_version"' in page
    assert "/preview/" in page


def test_public_pages_keep_the_strict_policy(client):
    article = ArticleFactory()
    policy = client.get(article.get_absolute_url())["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "nonce-" not in policy


def test_editor_toolbar_offers_only_what_the_sanitizer_keeps():
    from django_prose_editor.config import allowlist_from_extensions, expand_extensions

    from articles.text import ALLOWED_TAGS

    field = Article._meta.get_field("body")
    tags = allowlist_from_extensions(expand_extensions(field.config["extensions"]))["tags"]
    assert set(tags) <= ALLOWED_TAGS


def test_featured_image_is_picked_from_the_library(editor_client):
    article = ArticleFactory(draft=True)
    image = ImageFactory(caption="Crowd in the square")
    data = desk.article_form_data(article, featured_image=image.pk)
    assert editor_client.post(desk.admin_url(article, "change"), data).status_code == 302
    article.refresh_from_db()
    assert article.featured_image == image
    # The article form searches the library by caption or credit.
    found = editor_client.get(
        "/admin/autocomplete/",
        {"term": "square", "app_label": "articles", "model_name": "article", "field_name": "featured_image"},
    )
    assert [r["id"] for r in found.json()["results"]] == [str(image.pk)]


@pytest.mark.parametrize(
    ("model_name", "field", "make", "term"),
    [
        ("taggedarticle", "tag", lambda: Tag.objects.create(name="Вибори"), "Вибо"),
        ("citation", "source", lambda: SourceFactory(name="Agence France-Presse"), "france"),
        ("byline", "author", lambda: BylineFactory(author__name="李明").author, "李"),
        ("article", "section", lambda: ArticleFactory().section, "new"),
    ],
)
def test_reporter_autocompletes_tags_sources_authors_and_sections(model_name, field, make, term):
    client = Client()
    client.force_login(desk.reporter())
    wanted = make()
    params = {"app_label": "articles", "model_name": model_name, "field_name": field, "term": term}
    response = client.get("/admin/autocomplete/", params)
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [str(wanted)]


def test_the_changelist_reads_no_whole_archive_for_years_or_languages(editor_client):
    """Django's date hierarchy and language filter scanned every article on each page view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ArticleFactory(headline="Old one", published_at=timezone.now().replace(year=2019))
    ArticleFactory(headline="Ukrainian one", language="uk")
    url = desk.admin_url(Article, "changelist")
    editor_client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = editor_client.get(url).content.decode()
    assert not [q["sql"] for q in captured.captured_queries if "DISTINCT" in q["sql"]]
    assert "published_at__year=2019" in page and f"published_at__year={timezone.now().year}" in page
    year = editor_client.get(url, {"published_at__year": "2019"})
    assert [str(a) for a in year.context["cl"].result_list] == ["Old one"]
    ukrainian = editor_client.get(url, {"language": "uk"})
    assert [str(a) for a in ukrainian.context["cl"].result_list] == ["Ukrainian one"]


def test_bookmarked_id_filters_still_work(editor_client):
    tagged = ArticleFactory(tags=["Energy"])
    ArticleFactory(tags=["Other"])
    tag = Tag.objects.get(name="Energy")
    response = editor_client.get(desk.admin_url(Article, "changelist"), {"tagged_items__tag__id__exact": tag.pk})
    assert list(response.context["cl"].result_list) == [tagged]


def test_a_reporter_sees_no_tag_known_only_from_someone_elses_draft():
    """A tag names a story's subject: one used only on another reporter's draft would leak it."""
    other = desk.reporter("other")
    me = desk.reporter("me")
    ArticleFactory(tags=["Layoffs at the mill"], draft=True, created_by=other)
    ArticleFactory(tags=["Harbour"], draft=True, created_by=other)
    ArticleFactory(tags=["Harbour"])  # public: 1 of its 2 articles counts for a reporter
    ArticleFactory(tags=["My scoop"], draft=True, created_by=me)
    Tag.objects.create(name="Unused")
    client = Client()
    client.force_login(me)
    page = client.get(desk.admin_url(Tag, "changelist")).content.decode()
    assert "Layoffs at the mill" not in page
    assert all(name in page for name in ("Harbour", "My scoop", "Unused"))
    counts = dict(
        client.get(desk.admin_url(Tag, "changelist")).context["cl"].result_list.values_list("name", "article_count")
    )
    assert counts["Harbour"] == 1
    params = {"app_label": "articles", "model_name": "taggedarticle", "field_name": "tag", "term": "lay"}
    assert client.get("/admin/autocomplete/", params).json()["results"] == []
    hidden = Tag.objects.get(name="Layoffs at the mill")
    assert client.get(desk.admin_url(hidden, "change")).status_code in (302, 404)
    editor = Client()
    editor.force_login(desk.editor())
    assert "Layoffs at the mill" in editor.get(desk.admin_url(Tag, "changelist")).content.decode()


def test_a_reporter_sees_no_source_or_tag_known_only_from_articles_hidden_from_them():
    """The rule of the article list (what a reporter may see), applied to sources and tags: not another's draft,
    nor another's story scheduled for later (an embargo)."""
    other, me = desk.reporter("other"), desk.reporter("me")
    hidden = [ArticleFactory(draft=True, created_by=other), ArticleFactory(scheduled=True)]
    for article, name in zip(hidden, ["Whistleblower at the mill", "Embargoed regulator"], strict=True):
        CitationFactory(article=article, source=SourceFactory(name=name))
        article.tags.add(name)
    public = ArticleFactory()
    CitationFactory(article=public, source=SourceFactory(name="City council"))
    CitationFactory(article=hidden[0], source=Source.objects.get(name="City council"))
    client = Client()
    client.force_login(me)
    for model in (Source, Tag):
        page = client.get(desk.admin_url(model, "changelist")).content.decode()
        assert "Whistleblower" not in page and "Embargoed" not in page, model
    sources = client.get(desk.admin_url(Source, "changelist")).context["cl"].result_list
    assert dict(sources.values_list("name", "citation_count")) == {"City council": 1}
    params = {"app_label": "articles", "model_name": "citation", "field_name": "source", "term": "whistle"}
    assert client.get("/admin/autocomplete/", params).json()["results"] == []
