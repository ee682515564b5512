"""The Nu HTML Checker (vnu) reports no errors on any page type. One JVM start for every page."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.views.defaults import server_error

from tests.conftest import need
from tests.factories import ArticleFactory, CorrectionFactory, FullArticleFactory, SectionFactory, UserFactory

VNU_JAR = Path(settings.BASE_DIR) / "node_modules/vnu-jar/build/dist/vnu.jar"
HOSTILE = "</p><script>alert('x')</script> & \"quoted\" — Ünïcödé 東京 मुंबई مرحبا 🎉 Donaudampfschifffahrtsgesellschaft"


@pytest.mark.django_db
def test_every_page_type_is_valid_html(client, rf, tmp_path):
    need(shutil.which("java"), "java is not installed; `make test` installs it")
    need(VNU_JAR.exists(), f"{VNU_JAR} is missing; `make vnu` installs it")
    figure = (
        '<figure><img src="/media/a.png" alt="A chart" width="10" height="5"><figcaption>Chart</figcaption></figure>'
    )
    article = FullArticleFactory(
        headline=f"Headline {HOSTILE}",
        dek=f"Dek {HOSTILE}",
        tags=["Україна", "東京"],
        everything__sources=3,
        pictured=True,
        language="uk",
        body=f"<p>Body</p>{figure}",
    )
    CorrectionFactory(article=article, kind="clarification", text=f"Clarified {HOSTILE}")
    ArticleFactory.create_batch(6, pictured=True, section=SectionFactory(name="Pictures"))
    ArticleFactory.create_batch(22, body=f"<p>{HOSTILE}</p><ul><li>one</li></ul><blockquote>quote</blockquote>")
    draft = ArticleFactory(draft=True)
    scheduled = ArticleFactory(scheduled=True)
    tag = article.tags.get(name="Україна")
    pages = {
        "home": "/",
        "home-page-2": "/?page=2",
        "pictured-section": "/sections/pictures/",
        "article": article.get_absolute_url(),
        "section": article.section.get_absolute_url(),
        "tag": tag.get_absolute_url(),
        "source": article.citations.first().source.get_absolute_url(),
        "author": article.bylines.first().author.get_absolute_url(),
        "year": f"/archive/{article.published_at:%Y}/",
        "month": f"/archive/{article.published_at:%Y}/{article.published_at:%m}/",
        "search": "/search/?q=Headline",
        "search-empty": "/search/",
        "search-error": "/search/?q=" + "x" * 300,
        "corrections": "/corrections/",
        "404": "/no/such/page/",
    }
    files = []
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code in (200, 404), url
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    (tmp_path / "500.html").write_bytes(server_error(rf.get("/")).content)
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_article", "publish_article"]))
    client.force_login(staff)
    for name, preview in (("draft", draft), ("scheduled", scheduled)):
        (tmp_path / f"{name}.html").write_bytes(client.get(preview.get_absolute_url()).content)
    files += [tmp_path / "500.html", tmp_path / "draft.html", tmp_path / "scheduled.html"]
    css = Path(settings.BASE_DIR) / "static/css/site.css"

    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--also-check-css", *map(str, files), css],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    assert messages == [], json.dumps(messages, indent=1, ensure_ascii=False)
    assert result.returncode == 0
