"""History you can trust: what a restore does, corrections as a public record, old versions after merges, a
complete history (merges, bulk actions, restores), and stale saves shown side by side without losing anything."""

import pytest
import reversion
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles import history, services
from articles.models import Article, Correction, Source, Tag
from tests import desk
from tests.factories import ArticleFactory, CitationFactory, CorrectionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def boss():
    return logged_in(desk.editor("boss"))


def revised(article, user=None, **changes):
    """Save ``article`` with ``changes`` as one revision; return that version of it."""
    with reversion.create_revision():
        reversion.set_user(user)
        for name, value in changes.items():
            setattr(article, name, value)
        article.save()
    return Version.objects.get_for_object(article).first()


# --- A restore brings back text and metadata, never the publication state behind the editor's back --------


def test_restoring_an_old_draft_version_keeps_a_published_article_published_at_its_url(boss):
    article = ArticleFactory(draft=True, headline="Draft headline", slug="draft-headline")
    draft = revised(article)
    services.publish([article], user=boss.user)
    live = revised(Article.objects.get(pk=article.pk), boss.user, headline="Live headline", slug="live-headline")
    before = Article.objects.get(pk=article.pk)
    url = desk.admin_url(article, "revision", draft.pk)

    screen = boss.get(url).content.decode()
    assert "stays published there" in screen  # said beforehand
    assert "Also restore the publication state" in screen
    assert boss.post(url, {}).status_code == 302

    after = Article.objects.get(pk=article.pk)
    assert after.headline == "Draft headline"
    assert (after.status, after.published_at, after.slug) == (before.status, before.published_at, "live-headline")
    assert Client().get("/articles/live-headline/").status_code == 200
    assert live.pk != draft.pk


def test_an_editor_may_choose_to_restore_the_publication_state_too(boss):
    article = ArticleFactory(draft=True, headline="Draft headline")
    draft = revised(article)
    services.publish([article], user=boss.user)
    assert boss.post(desk.admin_url(article, "revision", draft.pk), {"publication": "on"}).status_code == 302
    after = Article.objects.get(pk=article.pk)
    assert (after.status, after.published_at) == (Article.Status.DRAFT, None)


def test_a_reporter_restoring_their_draft_cannot_restore_a_publication_state():
    reporter = logged_in(desk.reporter())
    article = ArticleFactory(created_by=reporter.user, headline="Was live")
    old = revised(article)  # published then
    services.unpublish([article], user=desk.editor())
    revised(Article.objects.get(pk=article.pk), headline="Back in the works")
    response = reporter.post(desk.admin_url(article, "revision", old.pk), {"publication": "on"})
    assert response.status_code == 302
    after = Article.objects.get(pk=article.pk)
    assert (after.headline, after.status, after.published_at) == ("Was live", Article.Status.DRAFT, None)


def test_restoring_a_bulk_action_version_touches_only_this_article(boss):
    one, two = ArticleFactory(draft=True, headline="One"), ArticleFactory(draft=True, headline="Two")
    services.publish([one, two], user=boss.user)  # one revision holding both articles
    version = Version.objects.get_for_object(one).first()
    revised(Article.objects.get(pk=one.pk), headline="One, edited")
    revised(Article.objects.get(pk=two.pk), headline="Two, edited")
    assert boss.post(desk.admin_url(one, "revision", version.pk), {}).status_code == 302
    assert Article.objects.get(pk=one.pk).headline == "One"
    assert Article.objects.get(pk=two.pk).headline == "Two, edited"


# --- Corrections are a public record --------------------------------------------------------------------


def test_a_restore_never_removes_a_published_correction(boss):
    article = ArticleFactory(headline="Before the correction")
    old = revised(article)
    services.add_correction(article, "The date was wrong.", user=boss.user)
    assert boss.post(desk.admin_url(article, "revision", old.pk), {}).status_code == 302
    assert article.corrections.get().text == "The date was wrong."


def test_no_one_deletes_or_rewrites_a_correction_in_the_inline(boss):
    article = ArticleFactory()
    correction = CorrectionFactory(article=article, text="As published.")
    page = boss.get(desk.admin_url(article, "change"))
    data = desk.posted_form(page)
    data.update(
        {
            "corrections-0-DELETE": "on",
            "corrections-0-text": "Rewritten quietly.",
        }
    )
    assert boss.post(desk.admin_url(article, "change"), data).status_code == 302
    assert Correction.objects.get(pk=correction.pk).text == "As published."


def test_an_article_with_a_correction_cannot_be_deleted(boss):
    article = ArticleFactory()
    CorrectionFactory(article=article)
    response = boss.post(desk.admin_url(article, "delete"), {"post": "yes"})
    assert response.status_code == 200
    assert "retract it instead" in response.content.decode()
    assert Article.objects.filter(pk=article.pk).exists()


def test_an_editor_retracts_a_correction_and_readers_see_why(boss):
    reporter = logged_in(desk.reporter())
    article = ArticleFactory(created_by=reporter.user)
    correction = CorrectionFactory(article=article, text="The minister resigned.")
    url = reverse("admin:articles_article_retract", args=[article.pk, correction.pk])
    assert url in boss.get(desk.admin_url(article, "change")).content.decode()
    assert url not in reporter.get(desk.admin_url(article, "change")).content.decode()

    empty = boss.post(url, {"reason": "  "})
    assert empty.status_code == 200
    assert "This field is required." in empty.content.decode()
    assert Correction.objects.get(pk=correction.pk).retracted_at is None

    assert boss.post(url, {"reason": "The minister had not resigned."}).status_code == 302
    retracted = Correction.objects.get(pk=correction.pk)
    assert retracted.retracted_at is not None
    page = Client().get(article.get_absolute_url()).content.decode()
    assert "The minister resigned." in page
    assert "Retracted" in page and "The minister had not resigned." in page
    feed = Client().get("/feeds/corrections/rss/").content.decode()
    assert "The minister resigned. (Retracted " in feed and "The minister had not resigned." in feed
    latest = Version.objects.get_for_object(article).first().revision
    assert latest.user == boss.user and latest.comment.startswith(history.RETRACTION)
    again = boss.post(url, {"reason": "Twice"})
    assert "already retracted" in again.content.decode()


# --- Old versions open and restore after the rows they cite were merged or deleted ------------------------


def test_an_old_version_opens_and_restores_after_its_tag_and_source_were_merged(boss):
    reuters, duplicate = SourceFactory(name="Reuters"), SourceFactory(name="Thomson Reuters")
    article = ArticleFactory(draft=True, headline="Old", tags=["Ukraine"])
    CitationFactory(article=article, source=duplicate)
    old = revised(article)
    revised(Article.objects.get(pk=article.pk), headline="New")
    services.merge_tags(Tag.objects.create(name="Україна"), [Tag.objects.get(name="Ukraine")], user=boss.user)
    services.merge_sources(reuters, duplicate, user=boss.user)

    url = desk.admin_url(article, "revision", old.pk)
    screen = boss.get(url)
    assert screen.status_code == 200
    page = screen.content.decode()
    assert "“Thomson Reuters” was merged into “Reuters”" in page
    assert "“Ukraine” was merged into “Україна”" in page
    # The screen shows what the restore really does: the headline only, since the merged rows map to their heirs.
    assert [label for label, _ in screen.context["plan"].text_changes] == ["Headline"]
    versions = Version.objects.get_for_object(article)
    compare = boss.get(desk.admin_url(article, "history") + "compare/", {"from": old.pk, "to": versions[0].pk})
    assert compare.status_code == 200
    assert "<del>Thomson</del> Reuters (primary)" in compare.content.decode()  # the version as it was

    assert boss.post(url, {}).status_code == 302
    after = Article.objects.get(pk=article.pk)
    assert after.headline == "Old"
    assert list(after.sources.all()) == [reuters]
    assert [t.name for t in after.tags.all()] == ["Україна"]


# --- The history is complete: merges, bulk actions and restores leave a revision with who and what ---------


@pytest.mark.parametrize(
    ("act", "kind"),
    [
        (lambda a, u: services.merge_tags(Tag.objects.create(name="Kept"), list(a.tags.all()), user=u), "merge"),
        (
            lambda a, u: services.merge_sources(
                SourceFactory(name="Kept source"), Source.objects.get(name="Old source"), user=u
            ),
            "merge",
        ),
        (lambda a, u: services.publish([a], user=u), "publish (action)"),
        (lambda a, u: services.add_tag([a], "Extra", user=u), "tag (bulk action)"),
        (lambda a, u: services.remove_tag([a], "Elections", user=u), "untag (bulk action)"),
        (
            lambda a, u: services.restore_version(a, Version.objects.get_for_object(a).last(), user=u),
            "restore",
        ),
    ],
    ids=["merge-tags", "merge-sources", "publish", "tag", "untag", "restore"],
)
def test_every_change_leaves_a_revision_with_who_and_what(boss, act, kind):
    article = ArticleFactory(draft=True, tags=["Elections"])
    CitationFactory(article=article, source=SourceFactory(name="Old source"))
    revised(article)
    version = Article.objects.get(pk=article.pk).version
    act(Article.objects.get(pk=article.pk), boss.user)
    latest = Version.objects.get_for_object(article).first()
    assert latest.field_dict["version"] == Article.objects.get(pk=article.pk).version > version
    assert latest.revision.user == boss.user
    assert history.kind_of(latest.revision.comment) == kind
    history_page = boss.get(desk.admin_url(article, "history")).content.decode()
    assert f"boss, {kind}" in history_page


# --- Conflicts without data loss ------------------------------------------------------------------------


def test_a_merge_while_you_edit_shows_only_their_change_and_you_can_keep_yours_or_take_theirs(boss):
    article = ArticleFactory(draft=True, headline="As opened", tags=["Ukraine"])
    revised(article)
    opened = Article.objects.get(pk=article.pk)
    url = desk.admin_url(article, "change")
    form = desk.posted_form(boss.get(url), headline="My new headline")
    other = desk.editor("other")
    services.merge_tags(Tag.objects.create(name="Україна"), [Tag.objects.get(name="Ukraine")], user=other)

    refused = boss.post(url, form)
    assert refused.status_code == 200
    conflict = refused.context["adminform"].form.conflict
    assert [row["label"] for row in conflict] == ["Tags"]  # not the headline: that edit is mine
    page = refused.content.decode()
    message = page[page.index("Someone else (other) saved this article") :].split("</li>")[0]
    assert "They changed: Tags." in message
    assert "My new headline" not in message and "Headline" not in message  # my edit is not theirs
    assert "<del>Ukraine</del>" in page and "<ins>Україна</ins>" in page
    assert 'name="resolve-tagged_items"' in page
    assert Article.objects.get(pk=article.pk).headline == "As opened"

    # Keep my headline, take their tags (my form still has the old tag row).
    again = desk.posted_form(refused, **{"resolve-tagged_items": "theirs"})
    assert boss.post(url, again).status_code == 302
    saved = Article.objects.get(pk=article.pk)
    assert saved.headline == "My new headline"
    assert [t.name for t in saved.tags.all()] == ["Україна"]
    assert saved.version > opened.version


def test_a_stale_body_is_shown_as_readable_text_side_by_side_and_theirs_can_be_taken(boss):
    article = ArticleFactory(draft=True, body="<p>One.</p><p>Two.</p>")
    revised(article)
    url = desk.admin_url(article, "change")
    form = desk.posted_form(boss.get(url), body="<p>One.</p><p>Two, mine.</p>", dek="My dek")
    revised(Article.objects.get(pk=article.pk), desk.editor("other"), body="<p>One, theirs.</p><p>Two.</p>")

    refused = boss.post(url, form)
    rows = {row["key"]: row for row in refused.context["adminform"].form.conflict}
    assert list(rows) == ["body"]
    assert rows["body"]["theirs"] == ["<del>One.</del> <ins>One, theirs.</ins>", "Two."]
    assert rows["body"]["yours"] == ["One.", "<del>Two.</del> <ins>Two, mine.</ins>"]
    page = refused.content.decode()
    table = page[page.index('class="module conflict"') : page.index("</fieldset>", page.index("module conflict"))]
    message = page[page.index("Someone else") : page.index("</li>", page.index("Someone else"))]
    assert "One, theirs." in table and "One, theirs." in message
    assert "&lt;p&gt;" not in table + message  # never raw HTML

    assert boss.post(url, desk.posted_form(refused, **{"resolve-body": "theirs"})).status_code == 302
    saved = Article.objects.get(pk=article.pk)
    assert (saved.body, saved.dek) == ("<p>One, theirs.</p><p>Two.</p>", "My dek")


def test_an_editor_recovers_a_deleted_article_as_a_draft_with_its_rows(boss):
    article = ArticleFactory(headline="Gone but not lost", tags=["Energy"])
    CitationFactory(article=article, source=SourceFactory(name="Reuters"))
    revised(article)
    pk = article.pk
    Article.objects.get(pk=pk).delete()
    deleted = Version.objects.get_deleted(Article).get(object_id=str(pk))
    listing = boss.get(reverse("admin:articles_article_recoverlist")).content.decode()
    assert "Gone but not lost" in listing
    assert boss.post(reverse("admin:articles_article_recover", args=[deleted.pk])).status_code == 302
    back = Article.objects.get(headline="Gone but not lost")
    assert (back.pk, back.uid) == (pk, article.uid)  # the same article, for feed readers too
    assert not Version.objects.get_deleted(Article).filter(object_id=str(pk)).exists()
    assert (back.status, back.published_at) == (Article.Status.DRAFT, None)
    assert [s.name for s in back.sources.all()] == ["Reuters"]
    assert [t.name for t in back.tags.all()] == ["Energy"]
    assert history.kind_of(Version.objects.get_for_object(back).first().revision.comment) == "recover"


def test_a_formatting_only_change_to_the_body_is_still_shown(boss):
    article = ArticleFactory(draft=True, body="<p>Plain words.</p>")
    older = revised(article)
    newer = revised(article, body="<p>Plain <strong>words</strong>.</p>")
    rows = history.changes(history.of_version(older), history.of_version(newer))
    assert rows == [("Body", ["Plain words.", history.FORMATTING_ONLY])]


def test_readable_diff_escapes_and_marks_words():
    assert history.text_lines("<p>A &amp; <b>B</b></p><ul><li>x</li></ul>") == ["A & B", "• x"]
    assert history.diff(["a <b> c"], ["a <i> c"]) == ["a <del>&lt;b&gt;</del> <ins>&lt;i&gt;</ins> c"]
    assert history.diff(["same"], ["same", "new"]) == ["same", "<ins>new</ins>"]


def test_no_role_may_change_or_delete_a_correction():
    for user in (desk.reporter(), desk.editor()):
        assert not user.has_perm("articles.change_correction")
        assert not user.has_perm("articles.delete_correction")
    assert desk.editor("another").has_perm("articles.add_correction")


def test_a_tag_merged_twice_is_restored_as_the_last_one_kept(boss):
    article = ArticleFactory(draft=True, tags=["Kyiv", "Energy"])
    old = revised(article)
    services.merge_tags(Tag.objects.create(name="Kiev"), [Tag.objects.get(name="Kyiv")], user=boss.user)
    services.merge_tags(Tag.objects.create(name="Київ"), [Tag.objects.get(name="Kiev")], user=boss.user)
    services.restore_version(Article.objects.get(pk=article.pk), old, user=boss.user)
    assert sorted(t.name for t in article.tags.all()) == ["Energy", "Київ"]
