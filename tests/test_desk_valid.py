"""The desk's pages are valid HTML (Nu HTML Checker): article add and change forms, list, history, compare."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from articles.models import Article, DeskNote
from tests import desk
from tests.conftest import need
from tests.factories import FullArticleFactory
from tests.test_html_valid import VNU_JAR

pytestmark = pytest.mark.django_db
DESK_CSS = [str(Path(settings.BASE_DIR) / name) for name in ("static/css/desk.css", "static/desk/admin.css")]


def desk_pages(client, article):
    """{name: url} of every desk page of the issue, with ``article`` (which has two versions)."""
    versions = article.versions
    return {
        "add": desk.admin_url(Article, "add"),
        "change": desk.admin_url(article, "change"),
        "changelist": desk.admin_url(Article, "changelist"),
        "history": desk.admin_url(article, "history"),
        "compare": f"{desk.admin_url(article, 'history')}compare/?from={versions[1]}&to={versions[0]}",
    }


def article_with_history(client):
    """An article with everything on it, saved twice through the desk (two versions to compare)."""
    article = FullArticleFactory(tags=["Україна"], everything__sources=2)
    DeskNote.objects.create(article=article, text="Checked with the ministry.")
    for headline in ("First change", "Second change"):
        form = client.get(desk.admin_url(article, "change"))
        assert (
            client.post(desk.admin_url(article, "change"), desk.posted_form(form, headline=headline)).status_code == 302
        )
    from reversion.models import Version

    article.versions = list(Version.objects.get_for_object(article).values_list("pk", flat=True))
    return article


def test_desk_pages_are_valid_html(client, tmp_path):
    need(shutil.which("java"), "java is not installed; `make test` installs it")
    need(VNU_JAR.exists(), f"{VNU_JAR} is missing; `make vnu` installs it")
    client.force_login(desk.editor())
    article = article_with_history(client)
    files = []
    for name, url in desk_pages(client, article).items():
        response = client.get(url)
        assert response.status_code == 200, url
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--errors-only",
            "--also-check-css",
            *map(str, files),
            *DESK_CSS,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert messages == [], json.dumps(messages, indent=1, ensure_ascii=False)
