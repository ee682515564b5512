"""The desk's access matrix: every admin URL and action, for every role, on one's own, another's and a published
article, and on the other models. Each cell asserts the answer and that nothing changed unless the cell is an
allowed write.

Roles: anonymous, the reporter Ana (who wrote "own" and "published"), the reporter Ben (who wrote "other"), an
editor and a superuser. The world is built once per test (a role and one article, or the rest); each cell runs
inside a savepoint that is rolled back, so every cell starts from the same state. Answers:

  ok       200, nothing written (also: the list, when an action the user may not run is posted to it)
  done     302 to where the work continues (for a POST: something was written)
  login    302 to the login page
  denied   403
  gone   404, or Django's "does not exist" redirect to the desk's home: the same as for an id never used
"""

import datetime

import pytest
import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from articles import services
from articles.models import (
    Article,
    Author,
    BackgroundNote,
    Byline,
    Citation,
    Correction,
    Section,
    SlugHistory,
    Source,
    SourceAlias,
    Tag,
    TaggedArticle,
)
from tests import desk
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "ana", "ben", "editor", "superuser"]

# Article URLs, per article: the row gives the answer for anonymous, Ana, Ben, the editor, the superuser.
ARTICLE_TABLE = """
cell                    own                          other                        published
change GET              login ok gone ok ok          login gone ok ok ok          login ok gone ok ok
change POST             login done gone done done    login gone done done done    login denied gone done done
delete GET              login denied denied ok ok    login denied denied ok ok    login denied denied ok ok
delete POST             login denied denied done done  login denied denied done done  login denied denied ok ok
history GET             login ok gone ok ok          login gone ok ok ok          login ok gone ok ok
revision GET            login ok gone ok ok          login gone ok ok ok          login denied gone ok ok
revision POST           login done gone done done    login gone done done done    login denied gone done done
foreign-revision GET    login gone gone gone gone    login gone gone gone gone    login denied gone gone gone
foreign-revision POST   login gone gone gone gone    login gone gone gone gone    login denied gone gone gone
compare GET             login ok gone ok ok          login gone ok ok ok          login ok gone ok ok
view-on-site GET        login done gone done done    login gone done done done    login done gone done done
retract POST            login denied gone gone gone  login gone denied gone gone  login denied gone done done
publish_now POST        login ok ok done done        login ok ok done done        login ok ok done done
schedule POST           login ok ok done done        login ok ok done done        login ok ok done done
send_back_to_draft POST login ok ok done done        login ok ok done done        login ok ok done done
add_tag POST            login ok ok done done        login ok ok done done        login ok ok done done
remove_tag POST         login ok ok done done        login ok ok done done        login ok ok done done
delete_selected POST    login ok ok done done        login ok ok done done        login ok ok ok ok
"""

# URLs not about one article, and the other models' URLs.
GLOBAL_TABLE = """
cell                          anonymous ana ben editor superuser
article-changelist GET        login ok ok ok ok
article-add GET               login ok ok ok ok
article-add POST              login done done done done
recoverlist GET               login denied denied ok ok
recover GET                   login denied denied ok ok
recover POST                  login denied denied done done
recover-existing GET          login denied denied gone gone
recover-existing POST         login denied denied gone gone
autocomplete GET              login ok ok ok ok
view-on-site-byline GET       login gone gone gone gone
source-merge POST             login ok ok done done
tag-merge POST                login ok ok done done
old-addresses GET             login denied denied denied ok
"""
OTHER_MODELS = [Section, Author, Source, Tag]
MODEL_TABLE = """
cell                   anonymous ana ben editor superuser
changelist GET         login ok ok ok ok
add GET                login denied denied ok ok
add POST               login denied denied done done
change GET             login ok ok ok ok
change POST            login denied denied done done
delete GET             login denied denied ok ok
delete POST            login denied denied done done
history GET            login ok ok ok ok
view-on-site GET       login done done done done
delete_selected POST   login ok ok done done
"""


def parse(table):
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0][1:], lines[1:]
    return header, {(row[0], row[1]): row[2:] for row in rows}


# --- The world every cell starts from ---------------------------------------------------------------


def saved(article, user, comment, **changes):
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(comment)
        for name, value in changes.items():
            setattr(article, name, value)
        article.save()
    return article


def build_world():
    ana, ben, boss, root = desk.reporter("ana"), desk.reporter("ben"), desk.editor("boss"), desk.superuser("root")
    news = SectionFactory(name="News")
    own = saved(ArticleFactory(draft=True, created_by=ana, headline="Ana's draft v1", section=news), ana, "")
    saved(own, ana, "", headline="Ana's draft")
    other = saved(ArticleFactory(draft=True, created_by=ben, headline="Ben's scoop v1", section=news), ben, "")
    saved(other, ben, "", headline="Ben's scoop")
    published = saved(ArticleFactory(review=True, created_by=ana, headline="Ana's story", section=news), ana, "")
    services.publish([published], user=boss)
    published.refresh_from_db()
    correction = CorrectionFactory(article=published)
    gone = saved(ArticleFactory(draft=True, created_by=ben, headline="Ben's deleted draft", section=news), ben, "")
    gone_version = Version.objects.get_for_object(gone).first()
    gone.delete()
    source, duplicate = SourceFactory(name="Reuters"), SourceFactory(name="Reuters duplicate")
    tag, vote = Tag.objects.create(name="Elections"), Tag.objects.create(name="Vote")
    published.tags.add(tag)
    return {
        "users": {"ana": ana, "ben": ben, "editor": boss, "superuser": root},
        "articles": {"own": own, "other": other, "published": published},
        "correction": correction,
        "gone_version": gone_version,
        "source": source,
        "duplicate": duplicate,
        "tag": tag,
        "vote": vote,
        "objects": {
            Section: SectionFactory(name="Sport"),
            Author: AuthorFactory(name="Jane Doe"),
            Source: SourceFactory(name="AFP"),
            Tag: Tag.objects.create(name="Weather"),
        },
    }


def state():
    """Everything a cell could change, to compare before and after."""
    tables = [
        Article,
        Correction,
        Section,
        Author,
        Source,
        SourceAlias,
        Tag,
        TaggedArticle,
        Byline,
        Citation,
        SlugHistory,
    ]
    return (
        Version.objects.count(),
        Revision.objects.count(),
        *(list(model.objects.order_by("pk").values_list()) for model in [*tables, BackgroundNote]),
    )


# --- Cells: (method, url, data) for a cell name --------------------------------------------------------


def version_of(article):
    return Version.objects.get_for_object(article).order_by("pk").first()


def article_cell(world, name, key):
    article = world["articles"][key]
    foreign = world["articles"]["other" if key != "other" else "own"]
    changelist = desk.admin_url(Article, "changelist")
    when = (timezone.now() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    action = {"_selected_action": [article.pk], "when": when, "tag": "Elections", "post": "yes"}
    versions = Version.objects.get_for_object(article).order_by("pk")
    cells = {
        "change": (desk.admin_url(article, "change"), desk.article_form_data(article, headline="Changed")),
        "delete": (desk.admin_url(article, "delete"), {"post": "yes"}),
        "history": (desk.admin_url(article, "history"), {}),
        "revision": (desk.admin_url(article, "revision", version_of(article).pk), {}),
        "foreign-revision": (desk.admin_url(article, "revision", version_of(foreign).pk), {}),
        "compare": (
            desk.admin_url(article, "history") + "compare/",
            {"from": versions.first().pk, "to": versions.last().pk},
        ),
        "view-on-site": (view_on_site(article), {}),
        "retract": (
            reverse("admin:articles_article_retract", args=[article.pk, world["correction"].pk]),
            {"reason": "The correction was itself wrong."},
        ),
    }
    if name in cells:
        return cells[name]
    return changelist, {"action": name, **action}


def global_cell(world, name):
    editor_article = world["articles"]["published"]
    section = editor_article.section
    cells = {
        "article-changelist": (desk.admin_url(Article, "changelist"), {}),
        "article-add": (
            desk.admin_url(Article, "add"),
            desk.article_form_data(Article(headline="A new one", section=section, status="draft")),
        ),
        "recoverlist": (reverse("admin:articles_article_recoverlist"), {}),
        "recover": (reverse("admin:articles_article_recover", args=[world["gone_version"].pk]), {}),
        "recover-existing": (reverse("admin:articles_article_recover", args=[version_of(editor_article).pk]), {}),
        "autocomplete": (
            "/admin/autocomplete/",
            {"app_label": "articles", "model_name": "citation", "field_name": "source", "term": "Reu"},
        ),
        "view-on-site-byline": (
            reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(Byline).pk, 1]),
            {},
        ),
        # Old addresses (SlugHistory) include drafts' old slugs: superusers only until a role is granted them.
        "old-addresses": (desk.admin_url(SlugHistory, "changelist"), {}),
        "source-merge": (
            desk.admin_url(Source, "changelist"),
            {"action": "merge", "_selected_action": [world["duplicate"].pk], "into": "Reuters"},
        ),
        "tag-merge": (
            desk.admin_url(Tag, "changelist"),
            {"action": "merge", "_selected_action": [world["vote"].pk], "into": "Elections"},
        ),
    }
    return cells[name]


MODEL_FORMS = {
    Section: {"name": "Renamed", "slug": "renamed", "order": 3, "description": ""},
    Author: {"name": "Renamed", "slug": "renamed", "bio": "", "user": ""},
    Source: {
        "name": "Renamed",
        "slug": "renamed",
        "kind": "agency",
        "homepage": "",
        "description": "",
        "aliases-TOTAL_FORMS": 0,
        "aliases-INITIAL_FORMS": 0,
    },
    Tag: {"name": "Renamed", "slug": "renamed"},
}


def model_cell(world, model, name):
    obj = world["objects"][model]
    cells = {
        "changelist": (desk.admin_url(model, "changelist"), {}),
        "add": (desk.admin_url(model, "add"), {**MODEL_FORMS[model], "slug": "brand-new", "name": "Brand new"}),
        "change": (desk.admin_url(obj, "change"), MODEL_FORMS[model]),
        "delete": (desk.admin_url(obj, "delete"), {"post": "yes"}),
        "history": (desk.admin_url(obj, "history"), {}),
        "view-on-site": (view_on_site(obj), {}),
        "delete_selected": (
            desk.admin_url(model, "changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        ),
    }
    return cells[name]


def view_on_site(obj):
    return reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])


# --- Running the cells ------------------------------------------------------------------------------


def answer(response):
    location = response.get("Location", "")
    if response.status_code in {200, 403, 404} or location in {"/admin/"} or location.startswith("/admin/login/"):
        return {200: "ok", 403: "denied", 404: "gone"}.get(response.status_code) or (
            "gone" if location == "/admin/" else "login"
        )
    if response.status_code == 302:
        # A refused action comes back to the list with a warning ("No action selected") or an error.
        levels = {message.level_tag for message in response.wsgi_request._messages._queued_messages}
        return "refused" if levels & {"warning", "error"} else "done"
    return str(response.status_code)


def run(client, method, url, data, baseline):
    client.cookies.pop("messages", None)  # each cell reads only its own messages
    with transaction.atomic():
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        changed = state() != baseline
        transaction.set_rollback(True)
    return answer(response), changed


def check(client, label, expected, method, cell, failures, baseline):
    url, data = cell
    got, changed = run(client, method, url, data, baseline)
    should_change = method == "POST" and expected == "done"
    if got != expected or changed != should_change:
        failures.append(
            f"{label}: expected {expected}{' (writes)' if should_change else ''}, got {got}"
            f"{' and something changed' if changed else ' and nothing changed'}"
        )


PARTS = ["own", "other", "published", "elsewhere"]  # the three articles, then the URLs about no one article


@pytest.mark.parametrize("part", PARTS)
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(role, part):
    world = build_world()
    client = Client(raise_request_exception=True)
    if role != "anonymous":
        client.force_login(world["users"][role])
    who = ROLES.index(role)
    failures = []
    baseline = state()  # every cell is rolled back to it

    header, article_rows = parse(ARTICLE_TABLE)
    if part in header:
        position = header.index(part)
        for (name, method), row in article_rows.items():
            cell = article_cell(world, name, part)
            check(
                client,
                f"{role} {method} {name} on {part}",
                row[position * len(ROLES) + who],
                method,
                cell,
                failures,
                baseline,
            )
    else:
        _, global_rows = parse(GLOBAL_TABLE)
        for (name, method), row in global_rows.items():
            check(client, f"{role} {method} {name}", row[who], method, global_cell(world, name), failures, baseline)
        _, model_rows = parse(MODEL_TABLE)
        for model in OTHER_MODELS:
            for (name, method), row in model_rows.items():
                cell = model_cell(world, model, name)
                check(client, f"{role} {method} {model.__name__} {name}", row[who], method, cell, failures, baseline)

    assert not failures, "\n".join(failures)
