"""The desk as a writing tool (issue 12): buttons, autosave, presence, desk notes, tags, bylines, list, import."""

import datetime
import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from articles import desk as desk_aids
from articles import services
from articles.models import Article, Author, Byline, DeskNote, Tag
from tests import desk
from tests.factories import ArticleFactory, AuthorFactory, BylineFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def reporter():
    return desk.reporter()


@pytest.fixture
def editor():
    return desk.editor()


def buttons(response):
    return [action.value for action in response.context["desk_actions"]]


def press(client, article, action, **changes):
    form = client.get(desk.admin_url(article, "change"))
    return client.post(desk.admin_url(article, "change"), desk.posted_form(form, _desk_action=action, **changes))


# --- Buttons that say what they do ----------------------------------------------------------------


def test_each_role_sees_only_the_buttons_it_may_press(reporter, editor):
    draft = ArticleFactory(draft=True, created_by=reporter)
    published = ArticleFactory()
    as_reporter, as_editor = logged_in(reporter), logged_in(editor)
    assert buttons(as_reporter.get(desk.admin_url(Article, "add"))) == ["submit"]
    assert buttons(as_reporter.get(desk.admin_url(draft, "change"))) == ["submit"]
    assert buttons(as_editor.get(desk.admin_url(draft, "change"))) == ["publish", "schedule"]
    page = as_editor.get(desk.admin_url(published, "change"))
    assert buttons(page) == ["schedule", "unpublish"]
    html = page.content.decode()
    assert 'name="_desk_action" value="unpublish"' in html and ">Unpublish</button>" in html
    draft.status = "review"
    draft.save()
    assert buttons(as_reporter.get(desk.admin_url(draft, "change"))) == []


def test_reporter_submits_for_review_with_the_button_in_one_version(reporter):
    article = ArticleFactory(draft=True, created_by=reporter)
    client = logged_in(reporter)
    response = press(client, article, "submit", headline="Flood waters recede")
    assert response.status_code == 302
    saved = Article.objects.get(pk=article.pk)
    assert (saved.status, saved.headline, saved.published_at) == ("review", "Flood waters recede", None)
    assert saved.version == article.version + 1


def test_reporter_files_a_new_article_straight_into_review(reporter):
    data = desk.article_form_data(
        Article(headline="Straight to review", section=SectionFactory()), _desk_action="submit"
    )
    assert logged_in(reporter).post(desk.admin_url(Article, "add"), data).status_code == 302
    assert Article.objects.get(headline="Straight to review").status == "review"


def test_a_forged_publish_button_from_a_reporter_changes_nothing(reporter):
    article = ArticleFactory(draft=True, created_by=reporter, headline="Before")
    response = press(logged_in(reporter), article, "publish", headline="After")
    assert response.status_code == 200
    assert "You may not “Publish now” this article." in response.content.decode()
    saved = Article.objects.get(pk=article.pk)
    assert (saved.status, saved.headline, saved.version) == ("draft", "Before", article.version)


def test_an_unknown_button_is_a_clear_error(editor):
    article = ArticleFactory(draft=True)
    response = press(logged_in(editor), article, "explode")
    assert response.status_code == 200
    assert "There is no button “explode” on the desk." in response.content.decode()


def test_editor_publishes_schedules_and_unpublishes_with_the_buttons(editor):
    article = ArticleFactory(draft=True)
    client = logged_in(editor)
    assert press(client, article, "publish").status_code == 302
    article.refresh_from_db()
    assert article.is_public and timezone.now() - article.published_at < datetime.timedelta(minutes=1)

    assert press(client, article, "unpublish").status_code == 302
    article.refresh_from_db()
    assert (article.status, article.published_at) == ("draft", None)

    when = timezone.localtime() + datetime.timedelta(days=2)
    changes = {"published_at_0": f"{when:%Y-%m-%d}", "published_at_1": f"{when:%H:%M:%S}"}
    assert press(client, article, "schedule", **changes).status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled and article.published_at.replace(microsecond=0) == when.replace(microsecond=0)


@pytest.mark.parametrize("days", [None, -1])
def test_schedule_needs_a_future_time_and_saves_nothing_without_one(editor, days):
    article = ArticleFactory(draft=True, headline="Before")
    changes = {"headline": "After"}
    if days is not None:
        when = timezone.localtime() + datetime.timedelta(days=days)
        changes.update({"published_at_0": f"{when:%Y-%m-%d}", "published_at_1": f"{when:%H:%M:%S}"})
    else:
        changes.update({"published_at_0": "", "published_at_1": ""})
    response = press(logged_in(editor), article, "schedule", **changes)
    assert response.status_code == 200
    assert "Choose a publication time in the future." in response.content.decode()
    assert Article.objects.get(pk=article.pk).headline == "Before"


# --- Autosave -----------------------------------------------------------------------------------


def autosave(client, article, **data):
    body = {"headline": article.headline, "dek": article.dek, "body": article.body, "version": article.version}
    body.update(data)
    url = f"/admin/articles/article/{article.pk}/autosave/"
    return client.post(url, json.dumps(body), content_type="application/json")


def test_autosave_keeps_the_text_as_a_revision_and_never_publishes(reporter):
    article = ArticleFactory(draft=True, created_by=reporter)
    response = autosave(logged_in(reporter), article, headline="Cafe\u0301 reopens", body="<p>Hi<script>x</script></p>")
    assert response.status_code == 200, response.content
    saved = Article.objects.get(pk=article.pk)
    assert response.json()["version"] == saved.version == article.version + 1
    assert (saved.headline, saved.body, saved.status) == ("Café reopens", "<p>Hi</p>", "draft")
    latest = Version.objects.get_for_object(saved).select_related("revision__user").first()
    assert (latest.revision.comment, latest.revision.user) == ("Autosaved", reporter)


def test_autosave_respects_the_stale_version_rule(reporter):
    article = ArticleFactory(draft=True, created_by=reporter, headline="Theirs")
    response = autosave(logged_in(reporter), article, headline="Mine", version=article.version - 1)
    assert response.status_code == 409
    assert "Someone saved this article after you opened it" in response.json()["error"]
    assert Article.objects.get(pk=article.pk).headline == "Theirs"


@pytest.mark.parametrize("whose, status", [("someone else's draft", 404), ("published", 403), ("own published", 403)])
def test_autosave_is_refused_to_those_who_may_not_edit_and_for_published_articles(reporter, editor, whose, status):
    # An article one may not see answers like one that does not exist (404); one seen but not editable, 403.
    if whose == "published":
        article, client = ArticleFactory(headline="Live"), logged_in(editor)
    elif whose == "own published":
        article, client = ArticleFactory(headline="Live", created_by=reporter), logged_in(reporter)
    else:
        article, client = ArticleFactory(draft=True, headline="Live"), logged_in(reporter)
    assert autosave(client, article, headline="Changed").status_code == status
    assert Article.objects.get(pk=article.pk).headline == "Live"


def test_autosave_refuses_bad_input_with_a_clear_error(reporter):
    article = ArticleFactory(draft=True, created_by=reporter, headline="Kept")
    client = logged_in(reporter)
    url = f"/admin/articles/article/{article.pk}/autosave/"
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    assert client.get(url).status_code == 405
    response = autosave(client, article, headline="   ")
    assert response.status_code == 400 and "headline" in response.json()["fields"]
    assert Article.objects.get(pk=article.pk).headline == "Kept"
    anonymous = Client().post(url, "{}", content_type="application/json")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


# --- Presence -----------------------------------------------------------------------------------


def test_presence_lists_the_others_who_have_the_form_open(editor):
    article = ArticleFactory()
    second = desk.editor("second", first_name="Olena", last_name="Koval")
    url = f"/admin/articles/article/{article.pk}/presence/"
    first_client, second_client = logged_in(editor), logged_in(second)
    assert first_client.post(url).json()["others"] == []
    assert second_client.post(url).json()["others"] == ["editor"]
    assert first_client.post(url).json()["others"] == ["Olena Koval"]
    second_client.post(url, {"leaving": "1"})
    assert first_client.post(url).json()["others"] == []


def test_presence_forgets_someone_not_heard_from(editor):
    article = ArticleFactory()
    other = desk.editor("other")
    desk_aids.mark_present(article.pk, other, now=1000)
    assert desk_aids.mark_present(article.pk, editor, now=1000 + desk_aids.PRESENCE_TTL - 1) == ["other"]
    assert desk_aids.mark_present(article.pk, editor, now=1000 + desk_aids.PRESENCE_TTL + 1) == []


def test_presence_needs_permission_to_see_the_article(reporter):
    article = ArticleFactory(draft=True)  # someone else's: answered like an id never used
    client = logged_in(reporter)
    assert client.post(f"/admin/articles/article/{article.pk}/presence/").status_code == 404
    assert client.post(f"/admin/articles/article/{article.pk + 1000}/presence/").status_code == 404
    assert desk_aids.mark_present(article.pk, desk.editor()) == []  # the reporter was never marked present


@pytest.mark.parametrize("object_id", ["abc", "1.5", "1/x"])
@pytest.mark.parametrize("view", ["presence", "autosave"])
def test_desk_endpoints_answer_404_to_an_id_that_is_not_a_number(editor, view, object_id):
    response = logged_in(editor).post(
        f"/admin/articles/article/{object_id}/{view}/", "{}", content_type="application/json"
    )
    assert response.status_code == 404


# --- Desk notes ---------------------------------------------------------------------------------

SECRET = "Checked the figure with the ministry zqxj"


def test_a_desk_note_is_signed_by_its_writer(editor):
    article = ArticleFactory()
    form = logged_in(editor).get(desk.admin_url(article, "change"))
    data = desk.posted_form(form, **{"desk_notes-TOTAL_FORMS": 1, "desk_notes-0-text": SECRET})
    assert logged_in(editor).post(desk.admin_url(article, "change"), data).status_code == 302
    note = DeskNote.objects.get(article=article)
    assert (note.text, note.author) == (SECRET, editor)
    assert str(note) == f"Note by editor on {article}"


def test_desk_notes_never_reach_readers(client):
    article = ArticleFactory(tags=["Budget"])
    DeskNote.objects.create(article=article, text=SECRET)
    BylineFactory(article=article)
    # Searching for a word only the note has finds nothing.
    found = client.get(f"/search/?q={SECRET.split()[-1]}").content.decode()
    assert article.headline not in found and SECRET not in found
    urls = [
        article.get_absolute_url(),
        "/",
        "/feeds/rss/",
        "/feeds/atom/",
        "/feed.json",
        "/sitemap.xml",
        "/news-sitemap.xml",
        article.section.get_absolute_url(),
        article.tags.get().get_absolute_url(),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET.split()[-1] not in response.content.decode(), url


def test_desk_notes_are_not_in_the_history_so_a_restore_keeps_them(editor):
    article = ArticleFactory()
    DeskNote.objects.create(article=article, text=SECRET)
    assert not any("desknote" in str(v.content_type) for v in Version.objects.all())


# --- Tags, bylines, authors ------------------------------------------------------------------------


def test_reporter_creates_new_tags_from_the_tag_box(reporter):
    Tag.objects.create(name="Україна")
    section = SectionFactory()
    data = desk.article_form_data(
        Article(headline="Tags typed freely", section=section, status="draft"),
        tags='україна, "Kyiv, city",  Flood   relief ',
    )
    assert logged_in(reporter).post(desk.admin_url(Article, "add"), data).status_code == 302
    article = Article.objects.get(headline="Tags typed freely")
    assert sorted(article.tags.names()) == ["Flood relief", "Kyiv, city", "Україна"]
    assert Tag.objects.filter(name__in=["Україна", "україна"]).count() == 1


def test_a_tag_that_is_too_long_is_refused_by_name(reporter):
    data = desk.article_form_data(Article(headline="Long tag", section=SectionFactory()), tags="x" * 101)
    response = logged_in(reporter).post(desk.admin_url(Article, "add"), data)
    assert response.status_code == 200
    assert "is longer than 100 characters" in response.content.decode()
    assert not Article.objects.filter(headline="Long tag").exists()


def test_a_new_article_gets_its_creators_byline(reporter):
    reporter.first_name, reporter.last_name = "Iryna", "Shevchenko"
    reporter.save()
    Author.objects.filter(user=reporter).delete()  # made before the name was set
    data = desk.article_form_data(Article(headline="My first story", section=SectionFactory()))
    assert logged_in(reporter).post(desk.admin_url(Article, "add"), data).status_code == 302
    byline = Byline.objects.get(article__headline="My first story")
    assert (byline.author.name, byline.author.user, byline.role) == ("Iryna Shevchenko", reporter, "written")


def test_bylines_typed_in_the_form_replace_the_default(reporter):
    other = AuthorFactory(name="Guest Writer")
    data = desk.article_form_data(
        Article(headline="Guest story", section=SectionFactory()),
        **{"bylines-TOTAL_FORMS": 1, "bylines-0-author": other.pk, "bylines-0-role": "written", "bylines-0-order": 0},
    )
    assert logged_in(reporter).post(desk.admin_url(Article, "add"), data).status_code == 302
    assert [b.author for b in Byline.objects.filter(article__headline="Guest story")] == [other]


def test_joining_a_desk_group_gives_the_account_an_author():
    desk.reporter("first")  # makes the groups
    user = UserFactory(username="newcomer", is_staff=True)
    assert not Author.objects.filter(user=user).exists()
    user.groups.add(Group.objects.get(name="Reporter"))
    assert Author.objects.get(user=user).name == "newcomer"
    other = UserFactory(username="viagroup", is_staff=True)
    Group.objects.get(name="Editor").user_set.add(other)
    assert Author.objects.filter(user=other).exists()
    assert services.author_for(other) == Author.objects.get(user=other)  # never a second one


def test_authors_are_found_by_name_ignoring_case_in_any_script():
    author = AuthorFactory(name="Ελένη Παππά")
    assert services.author_named("ΕΛΈΝΗ ΠΑΠΠΆ") == author
    assert services.author_named(" ελένη  παππά ") == author
    assert services.author_named("Ελένη Παπ") != author


# --- The list -------------------------------------------------------------------------------------


def test_the_list_shows_bylines_who_changed_last_and_language_names(editor):
    article = ArticleFactory(draft=True, language="uk", headline="Listed")
    BylineFactory(article=article, author=AuthorFactory(name="Anna Lys"))
    client = logged_in(editor)
    press(client, article, "publish")
    html = client.get(desk.admin_url(Article, "changelist")).content.decode()
    assert "Anna Lys" in html
    assert '<td class="field-changed_by">editor</td>' in html
    assert "Ukrainian (uk)" in html
    assert client.get(desk.admin_url(Article, "changelist") + "?language=uk").context["cl"].result_count == 1


def test_the_list_takes_the_same_queries_for_3_and_12_articles_with_bylines_and_history(
    editor, django_assert_max_num_queries
):
    client = logged_in(editor)
    url = desk.admin_url(Article, "changelist")

    def add(count):
        articles = ArticleFactory.create_batch(count, draft=True)
        for article in articles:
            BylineFactory(article=article)
            BylineFactory(article=article)
        services.publish(articles, user=editor)  # a revision each, by the editor

    def queries():
        with django_assert_max_num_queries(40) as captured:
            html = client.get(url).content.decode()
        assert html.count('<td class="field-changed_by">editor</td>') == Article.objects.count()
        return len(captured.captured_queries)

    add(3)
    few = queries()
    add(9)
    assert queries() == few


# --- import_articles --author --tag ---------------------------------------------------------------

TEXT = "Storm closes the port\nShips wait offshore\nThe port closed at noon.\n- World\n"


def test_import_gives_bylines_with_roles_and_tags(tmp_path):
    AuthorFactory(name="Jane Doe")
    path = tmp_path / "storm.txt"
    path.write_text(TEXT, encoding="utf-8")
    call_command(
        "import_articles",
        str(path),
        "--author",
        "jane doe:reporting",
        "--author",
        "Taras Hnatiuk",
        "--tag",
        "Weather",
        "--tag",
        "Ports",
        verbosity=0,
    )
    article = Article.objects.get(headline="Storm closes the port")
    assert [(b.author.name, b.role) for b in article.bylines.all()] == [
        ("Jane Doe", "reporting"),
        ("Taras Hnatiuk", "written"),
    ]
    assert sorted(article.tags.names()) == ["Ports", "Weather"]
    assert Author.objects.filter(name__iexact="jane doe").count() == 1


@pytest.mark.parametrize(
    ("option", "error"),
    [
        (["--author", "Jane:chief"], "unknown role “chief”"),
        (["--author", " :reporting"], "an author needs a name"),
        (["--tag", "x" * 101], "longer than 100 characters"),
    ],
)
def test_import_refuses_a_bad_author_or_tag_and_writes_nothing(tmp_path, option, error):
    path = tmp_path / "storm.txt"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(CommandError, match=error):
        call_command("import_articles", str(path), *option, verbosity=0)
    assert not Article.objects.exists() and not Author.objects.exists() and not Tag.objects.exists()


def test_a_reporter_reads_their_article_in_review_with_its_tags_and_notes(reporter):
    article = ArticleFactory(draft=True, created_by=reporter, tags=["Флоти", "Ports"])
    article.status = "review"
    article.save()
    DeskNote.objects.create(article=article, author=reporter, text="Waiting for the port authority.")
    response = logged_in(reporter).get(desk.admin_url(article, "change"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Флоти" in html and "Ports" in html and "Waiting for the port authority." in html
    assert buttons(response) == []


def test_a_control_character_in_the_tag_box_is_refused_with_the_text_kept(reporter):
    data = desk.article_form_data(Article(headline="Bell tag", section=SectionFactory()), tags="Ring\x07bell")
    response = logged_in(reporter).post(desk.admin_url(Article, "add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["tags"]
    assert not Article.objects.filter(headline="Bell tag").exists() and not Tag.objects.exists()
