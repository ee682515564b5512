"""fixtures/seed.json: the seed article word for word, stable across databases and reloads."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import (
    Article,
    BackgroundNote,
    Byline,
    Citation,
    Correction,
    Section,
    Source,
    SourceAlias,
    Tag,
    TaggedArticle,
)
from articles.text import paragraphs_to_html, sanitize_html
from tests.conftest import need

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "seed.json"
SEED = ROOT.parent / "shared" / "seed" / "000_7aa6fcb4fa6a78e7.txt"
POSTGRES_ADMIN_URL = os.environ.get("NEWSROOM_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
SLUG = "nato-ministerial-meeting-to-focus-on-aid-not-ukraine-membership-rutte"
COUNTED = (Article, Section, Source, SourceAlias, Tag, TaggedArticle, Citation, BackgroundNote, Byline, Correction)


@pytest.fixture
def seed_article():
    call_command("loaddata", "seed", verbosity=0)
    return Article.objects.get(slug=SLUG)


@pytest.fixture
def seed_lines():
    need(SEED.exists(), f"the seed article {SEED} is not on this machine")
    return [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_the_fixture_file_uses_natural_keys_only_and_readable_text():
    raw = FIXTURE.read_text(encoding="utf-8")
    objects = json.loads(raw)
    assert all("pk" not in obj for obj in objects)
    assert "Ukraine’s future lies in NATO" in raw
    assert "\\u2019" not in raw
    assert raw.startswith('[\n{\n  "model"')


def test_the_seed_is_the_seed_file_word_for_word(seed_article, seed_lines):
    headline, dek, *rest = seed_lines
    paragraphs, notes = rest[:-2], rest[-2:]
    assert len(paragraphs) == 11
    assert seed_article.headline == headline
    assert seed_article.dek == dek
    assert seed_article.body == paragraphs_to_html(paragraphs)
    assert [note.text for note in seed_article.notes.all()] == [notes[0].removeprefix("- ")]
    assert seed_article.section.name == notes[1].removeprefix("- ") == "News"


def test_the_seed_keeps_typography_and_is_stored_sanitized(seed_article):
    assert seed_article.headline.endswith("membership — Rutte")
    assert "Ukraine’s future" in seed_article.dek
    assert '"potential negotiations"' in seed_article.body
    assert sanitize_html(seed_article.body) == seed_article.body
    assert seed_article.body.count("<p>") == 11


def test_the_seed_is_published_before_the_meeting_it_announces(seed_article):
    assert seed_article.status == Article.Status.PUBLISHED
    assert seed_article.published_at == datetime.datetime(2024, 12, 2, 8, 0, tzinfo=datetime.UTC)
    assert list(Article.objects.published()) == [seed_article]


def test_the_seed_cites_european_pravda_first_and_reuters_for_background(seed_article):
    citations = [(c.source.name, c.source.kind, c.source.homepage, c.role) for c in seed_article.citations.all()]
    assert citations == [
        ("European Pravda", "outlet", "https://www.eurointegration.com.ua/eng/", "primary"),
        ("Reuters", "agency", "https://www.reuters.com/", "secondary"),
    ]
    assert "Thomson Reuters" in Source.objects.get(name="Reuters").names
    assert "Європейська правда" in Source.objects.get(name="European Pravda").names


def test_the_seed_is_tagged_with_the_alliance_the_countries_and_the_people_named(seed_article):
    tags = set(seed_article.tags.names())
    people = {"Mark Rutte", "Vladimir Putin", "Volodymyr Zelenskyy", "Andrii Sybiha", "Donald Trump"}
    assert {"NATO", "Ukraine", "Russia", *people} <= tags
    for person in people:  # every person tagged is named in the story
        assert person in seed_article.body + " ".join(n.text for n in seed_article.notes.all())


def test_the_seed_page_shows_the_article(client, seed_article):
    response = client.get(seed_article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert seed_article.headline in html
    assert "Rutte does not expect Ukraine’s membership" in html


def test_loading_the_seed_twice_changes_nothing(seed_article):
    before = counts()
    call_command("loaddata", "seed", verbosity=0)
    assert counts() == before
    assert before == {
        "Article": 1,
        "Section": 1,
        "Source": 2,
        "SourceAlias": 4,
        "Tag": 13,
        "TaggedArticle": 13,
        "Citation": 2,
        "BackgroundNote": 1,
        "Byline": 0,
        "Correction": 0,
    }


def test_reloading_the_seed_restores_edited_text_without_duplicating(seed_article):
    Article.objects.filter(pk=seed_article.pk).update(headline="Edited")
    Tag.objects.filter(name="NATO").update(slug="nato-edited")
    call_command("loaddata", "seed", verbosity=0)
    assert Article.objects.get().headline.startswith("NATO ministerial meeting")
    assert Tag.objects.get(name="NATO").slug == "nato"


def test_the_committed_fixture_is_what_build_seed_makes(tmp_path):
    """If this fails after a model change, run `.venv/bin/python fixtures/build_seed.py` and commit the result."""
    need(SEED.exists(), f"the seed article {SEED} is not on this machine")
    output = tmp_path / "seed.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "fixtures" / "build_seed.py"), str(SEED), "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert output.read_text(encoding="utf-8") == FIXTURE.read_text(encoding="utf-8")


@pytest.fixture
def postgres_url():
    """A new, empty PostgreSQL database for commands run in their own process; dropped afterwards."""
    import psycopg
    from psycopg import sql

    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        need(False, f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL} ({error}); it must be for CI")
    name = sql.Identifier(f"newsroom_seed_check_{os.getpid()}")
    with admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(name))
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/newsroom_seed_check_{os.getpid()}"
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))


@pytest.mark.postgres
def test_make_run_steps_work_on_postgresql(postgres_url):
    """migrate, loaddata seed and an import, as `make run` and an editor would run them on PostgreSQL."""

    def manage(*args):
        env = {**os.environ, "DATABASE_URL": postgres_url}
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    migrated = manage("migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    loaded = manage("loaddata", "seed")
    assert loaded.returncode == 0, loaded.stderr
    assert "Installed 37 object(s)" in loaded.stdout
    seeded = manage("seed")  # what `make run` calls on every start: a no-op once the newsroom has content
    assert seeded.returncode == 0, seeded.stderr
    assert "the seed was not loaded" in seeded.stdout
    if SEED.exists():
        imported = manage("import_articles", str(SEED))
        assert imported.returncode == 0, imported.stderr
        assert f"skipped, an article with this headline exists: {SLUG}" in imported.stdout
