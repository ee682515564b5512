"""loaddata refuses an invalid fixture, naming the file, the object and the field, and loads nothing;
`manage.py seed` (what `make run` calls) never touches a newsroom that has content."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Citation, Section, Source, Tag
from tests.factories import ArticleFactory, CitationFactory, SourceFactory

pytestmark = pytest.mark.django_db

SECTION = {"model": "articles.section", "fields": {"name": "News", "slug": "news", "order": 0, "description": ""}}


def article(slug="fine", **fields):
    return {
        "model": "articles.article",
        "fields": {
            "headline": "A headline",
            "slug": slug,
            "dek": "",
            "body": "<p>Body</p>",
            "status": "published",
            "published_at": "2025-01-02T03:04:05Z",
            "created_at": "2025-01-02T03:04:05Z",
            "updated_at": "2025-01-02T03:04:05Z",
            "section": ["news"],
            "language": "en",
            "version": 1,
            **fields,
        },
    }


def source(name="Reuters", slug="reuters", homepage="https://www.reuters.com/"):
    fields = {"name": name, "slug": slug, "kind": "agency", "homepage": homepage, "description": ""}
    return {"model": "articles.source", "fields": fields}


CITATION = {
    "model": "articles.citation",
    "fields": {"article": ["fine"], "source": ["reuters"], "url": "javascript:pwned()", "role": "primary", "order": 0},
}

BAD = {
    "slug with a slash": ([SECTION, article(), article("a/b")], "slug"),
    "slug with spaces": ([SECTION, article("a b")], "slug"),
    "unknown status": ([SECTION, article(status="gone")], "status"),
    "unknown language": ([SECTION, article(language="xx-nonsense")], "language"),
    "javascript homepage": ([source(homepage="javascript:pwned()")], "homepage"),
    "javascript citation url": ([SECTION, article(), source(), CITATION], "url"),
    "duplicate slug in the file": ([SECTION, article("same"), article("same", headline="Other")], "slug"),
    "duplicate name in another case": ([source(), source(name="REUTERS", slug="reuters-2")], "name"),
    "control character": ([SECTION, article(headline="Bell\x07")], "headline"),
}


@pytest.mark.parametrize("case", BAD)
def test_an_invalid_fixture_is_refused_naming_file_object_and_field_and_loads_nothing(tmp_path, case):
    objects, field = BAD[case]
    ArticleFactory(headline="Already here")
    before = (Article.objects.count(), Section.objects.count(), Source.objects.count())
    path = tmp_path / "bad-fixture.json"
    path.write_text(json.dumps(objects), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("loaddata", str(path), verbosity=0)
    message = str(raised.value)
    assert "bad-fixture.json" in message
    assert f"{field}:" in message
    assert "(object " in message and "articles." in message
    assert (Article.objects.count(), Section.objects.count(), Source.objects.count()) == before


def test_the_public_site_is_never_broken_by_a_fixture(tmp_path, client):
    path = tmp_path / "slash.json"
    path.write_text(json.dumps([SECTION, article("a/b")]), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("loaddata", str(path), verbosity=0)
    for url in ("/", "/sitemap.xml", "/feeds/rss/"):
        assert client.get(url).status_code == 200


def test_a_valid_fixture_still_loads_with_text_in_nfc_and_name_keys(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps([SECTION, article(headline="Cafe\u0301"), source()]), encoding="utf-8")
    call_command("loaddata", str(path), verbosity=0)
    assert Article.objects.get(slug="fine").headline == "Café"
    assert Source.named("REUTERS").exists()


def test_seed_loads_into_an_empty_newsroom_only():
    call_command("seed", verbosity=0)
    article = Article.objects.get()
    assert Tag.objects.filter(name="NATO").exists()
    Article.objects.filter(pk=article.pk).update(dek="An editor's dek.")
    Tag.objects.filter(name="NATO").update(name="North Atlantic Treaty Organization")
    call_command("seed", verbosity=0)
    article.refresh_from_db()
    assert article.dek == "An editor's dek."
    assert not Tag.objects.filter(name="NATO").exists()


def test_seed_on_a_newsroom_with_content_says_so_and_does_nothing(capsys):
    existing = CitationFactory(order=0)
    CitationFactory(article=existing.article, source=SourceFactory(), order=0)
    call_command("seed")
    assert "the seed was not loaded" in capsys.readouterr().out
    assert Article.objects.count() == 1 and Citation.objects.count() == 2
