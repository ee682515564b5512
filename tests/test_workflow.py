"""The desk's workflow: actions, scheduling with a frozen clock, corrections, history, tag and source hygiene."""

import datetime

import pytest
import reversion
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from articles import services
from articles.models import Article, Citation, Source, Tag
from tests import desk
from tests.factories import ArticleFactory, CitationFactory, SourceAliasFactory, SourceFactory

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def editor_client():
    client = Client()
    client.user = desk.editor()
    client.force_login(client.user)
    return client


def act(client, action, articles, **extra):
    data = {"action": action, "_selected_action": [a.pk for a in articles], **extra}
    return client.post(desk.admin_url(Article, "changelist"), data, follow=True)


def test_publish_now_action(editor_client):
    drafts = [ArticleFactory(draft=True), ArticleFactory(review=True)]
    with time_machine.travel(NOON, tick=False):
        response = act(editor_client, "publish_now", drafts)
    assert "2 article(s) published" in response.content.decode()
    for article in drafts:
        article.refresh_from_db()
        assert (article.status, article.published_at) == (Article.Status.PUBLISHED, NOON)


def test_publishing_again_keeps_the_original_time(editor_client):
    article = ArticleFactory(published_at=NOON - datetime.timedelta(days=3))
    act(editor_client, "publish_now", [article])
    article.refresh_from_db()
    assert article.published_at == NOON - datetime.timedelta(days=3)


def test_scheduled_article_shows_as_scheduled_and_goes_live_on_time_without_a_worker(editor_client, client):
    article = ArticleFactory(draft=True, headline="Embargoed report")
    with time_machine.travel(NOON, tick=False):
        response = act(editor_client, "schedule", [article], when="2026-03-02T18:30")
        assert "1 article(s) scheduled" in response.content.decode()
        article.refresh_from_db()
        assert article.published_at == NOON.replace(hour=18, minute=30)
        assert article.is_scheduled
        changelist = editor_client.get(desk.admin_url(Article, "changelist"), {"desk_status": "scheduled"})
        assert "Embargoed report" in changelist.content.decode()
        assert '<td class="field-desk_status">Scheduled</td>' in changelist.content.decode()
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(NOON.replace(hour=18, minute=29, second=59), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 404
    with time_machine.travel(NOON.replace(hour=18, minute=30), tick=False):
        assert client.get(article.get_absolute_url()).status_code == 200
        assert list(Article.objects.published()) == [article]


@pytest.mark.parametrize("when", ["", "2020-01-01T10:00", "not a time"])
def test_schedule_needs_a_future_time(editor_client, when):
    article = ArticleFactory(draft=True)
    response = act(editor_client, "schedule", [article], when=when)
    assert "Choose a publication time in the future." in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_send_back_to_draft_takes_the_article_off_the_site(editor_client, client):
    article = ArticleFactory()
    assert client.get(article.get_absolute_url()).status_code == 200
    act(editor_client, "send_back_to_draft", [article])
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.DRAFT, None)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_bulk_add_and_remove_a_tag(editor_client):
    articles = [ArticleFactory(), ArticleFactory(draft=True)]
    act(editor_client, "add_tag", articles, tag="  Climate   change ")
    assert [list(a.tags.names()) for a in articles] == [["Climate change"], ["Climate change"]]
    act(editor_client, "add_tag", articles, tag="climate CHANGE")  # the same tag, whatever the case
    assert Tag.objects.count() == 1
    act(editor_client, "remove_tag", articles[:1], tag="Climate change")
    assert [a.tags.count() for a in articles] == [0, 1]
    response = act(editor_client, "remove_tag", articles, tag="nonexistent")
    assert "There is no tag “nonexistent”." in response.content.decode()


def test_actions_bump_the_version_and_record_a_revision(editor_client):
    article = ArticleFactory(draft=True)
    before = Article.objects.get(pk=article.pk).version
    act(editor_client, "publish_now", [article])
    assert Article.objects.get(pk=article.pk).version == before + 1
    version = Version.objects.get_for_object(article).first()
    assert version.revision.comment == "Published"
    assert version.revision.user == editor_client.user


def test_services_refuse_a_reporter():
    article = ArticleFactory(draft=True)
    with pytest.raises(PermissionDenied):
        services.publish([article], user=desk.reporter())
    with pytest.raises(PermissionDenied):
        services.add_correction(article, "x", user=desk.reporter("r2"))


def test_correction_is_its_own_record_and_moves_the_updated_time():
    with time_machine.travel(NOON - datetime.timedelta(days=1), tick=False):
        article = ArticleFactory()
    with time_machine.travel(NOON, tick=False):
        correction = services.add_correction(
            article, "The minister's name was misspelled.", kind="correction", user=desk.editor()
        )
    article.refresh_from_db()
    assert article.updated_at == NOON
    assert list(article.corrections.all()) == [correction]
    assert (correction.kind, correction.published_at) == ("correction", NOON)


def test_editor_adds_a_clarification_in_the_admin(editor_client):
    article = ArticleFactory()
    data = desk.article_form_data(
        article,
        **{"corrections-TOTAL_FORMS": 1, "corrections-0-kind": "clarification", "corrections-0-text": "Clearer now."},
        **{"corrections-0-published_at_0": "2026-03-02", "corrections-0-published_at_1": "12:00:00"},
    )
    assert editor_client.post(desk.admin_url(article, "change"), data).status_code == 302
    assert article.corrections.get().kind == "clarification"


def test_history_restore_brings_back_the_whole_article(editor_client):
    article = ArticleFactory(draft=True, headline="First headline")
    source = SourceFactory()
    with reversion.create_revision():
        CitationFactory(article=article, source=source)
        article.save()
    first = Version.objects.get_for_object(article).first()
    article.refresh_from_db()
    data = desk.article_form_data(article, headline="Second headline")
    assert editor_client.post(desk.admin_url(article, "change"), data).status_code == 302
    Citation.objects.all().delete()
    current_version = Article.objects.get(pk=article.pk).version

    revision_url = desk.admin_url(article, "revision", first.pk)
    form = editor_client.get(revision_url)
    assert form.status_code == 200
    assert Article.objects.get(pk=article.pk).headline == "Second headline"  # a look changes nothing
    assert not Citation.objects.exists()
    assert "<del>Second</del> <ins>First</ins> headline" in form.content.decode()  # what will change
    assert editor_client.post(revision_url, {}).status_code == 302
    restored = Article.objects.get(pk=article.pk)
    assert restored.headline == "First headline"
    assert list(restored.sources.all()) == [source]
    assert restored.version > current_version  # numbers never go back: older forms stay stale


def test_compare_two_versions_shows_an_escaped_field_by_field_diff(editor_client):
    article = ArticleFactory(draft=True, headline="Old <b>headline</b>", body="<p>Same</p><p>Old</p>")
    with reversion.create_revision():
        article.save()
    with reversion.create_revision():
        article.headline = "New <script>alert(1)</script>"
        article.body = "<p>Same</p><p>New</p>"
        article.save()
    newer, older = Version.objects.get_for_object(article)[:2]
    url = desk.admin_url(article, "history") + "compare/"
    response = editor_client.get(url, {"from": older.pk, "to": newer.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert [label for label, _ in response.context["rows"]] == ["Headline", "Body"]
    assert "<del>Old &lt;b&gt;headline&lt;/b&gt;</del> <ins>New &lt;script&gt;alert(1)&lt;/script&gt;</ins>" in page
    assert "<del>Old</del> <ins>New</ins>" in page  # the body as readable text, never raw HTML
    assert "&lt;p&gt;" not in page
    assert "<script>alert(1)" not in page
    assert editor_client.get(url, {"from": "x", "to": "999999"}).status_code == 200
    history = editor_client.get(desk.admin_url(article, "history"))
    assert "Compare two versions" in history.content.decode()


def test_merge_tags_moves_articles_to_the_kept_tag(editor_client):
    both = ArticleFactory(tags=["Ukraine", "Україна"])
    only_duplicate = ArticleFactory(tags=["Україна"])
    keep, duplicate = Tag.objects.get(name="Ukraine"), Tag.objects.get(name="Україна")
    data = {"action": "merge", "_selected_action": [keep.pk, duplicate.pk], "into": "ukraine"}
    editor_client.post(desk.admin_url(Tag, "changelist"), data)
    assert list(Tag.objects.all()) == [keep]
    assert list(both.tags.names()) == ["Ukraine"]
    assert list(only_duplicate.tags.names()) == ["Ukraine"]


def test_rename_tag_refuses_a_name_another_tag_has(editor_client):
    tag, other = Tag.objects.create(name="Elecshuns"), Tag.objects.create(name="Elections")
    url = desk.admin_url(tag, "change")
    refused = editor_client.post(url, {"name": "ELECTIONS", "slug": tag.slug})
    assert "Merge the two tags instead." in refused.content.decode()
    assert editor_client.post(url, {"name": "Élections 2026", "slug": tag.slug}).status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.slug) == ("Élections 2026", "élections-2026")
    assert other.name == "Elections"


def test_merge_sources_moves_citations_and_aliases(editor_client):
    keep, duplicate = SourceFactory(name="Reuters"), SourceFactory(name="Reuters News Agency")
    SourceAliasFactory(source=duplicate, name="Thomson Reuters")
    cites_duplicate = CitationFactory(source=duplicate).article
    cites_both = CitationFactory(source=keep).article
    CitationFactory(article=cites_both, source=duplicate)
    data = {"action": "merge", "_selected_action": [keep.pk, duplicate.pk], "into": "Reuters"}
    editor_client.post(desk.admin_url(Source, "changelist"), data)
    assert list(Source.objects.all()) == [keep]
    assert sorted(keep.names) == ["Reuters", "Reuters News Agency", "Thomson Reuters"]
    assert list(cites_duplicate.sources.all()) == [keep]
    assert cites_both.citations.count() == 1


def test_merge_into_an_unknown_name_is_a_clear_error(editor_client):
    source = SourceFactory()
    data = {"action": "merge", "_selected_action": [source.pk], "into": "Nobody"}
    response = editor_client.post(desk.admin_url(Source, "changelist"), data, follow=True)
    assert "There is no source called “Nobody” to merge into." in response.content.decode()
    with pytest.raises(ValidationError):
        services.merge_sources(source, source, user=desk.editor("boss"))


def test_created_by_is_set_on_add(editor_client):
    section = ArticleFactory().section
    data = desk.article_form_data(Article(headline="日本語の見出し", section=section, status="draft"))
    assert editor_client.post(desk.admin_url(Article, "add"), data).status_code == 302
    article = Article.objects.get(headline="日本語の見出し")
    assert article.created_by == editor_client.user
    assert article.slug == "日本語の見出し"
    assert timezone.now() - article.created_at < datetime.timedelta(minutes=1)


def test_editor_tags_an_article_in_the_tag_box_and_sees_when_it_is_scheduled(editor_client):
    article = ArticleFactory(scheduled=True)
    tag = Tag.objects.create(name="Економіка")
    form = editor_client.get(desk.admin_url(article, "change"))
    assert "Scheduled: goes live by itself on" in form.content.decode()
    # Another letter case (Cyrillic, which SQLite's own case folding misses) reuses the tag.
    data = desk.posted_form(form, tags="економіка")
    assert editor_client.post(desk.admin_url(article, "change"), data).status_code == 302
    assert list(article.tags.all()) == [tag]
