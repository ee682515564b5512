"""Each article says which language it is in: screen readers, search engines and feeds rely on it."""

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from articles.models import Article
from tests import desk
from tests.factories import ArticleFactory, FullArticleFactory

pytestmark = pytest.mark.django_db


def test_a_new_article_is_in_the_site_language_and_unknown_codes_are_refused(settings):
    settings.NEWSROOM_LANGUAGE = "uk"
    article = ArticleFactory()
    assert article.language == "uk"
    article.language = "klingon"
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "language" in error.value.message_dict


def test_the_article_text_carries_its_language_but_the_page_chrome_does_not(client):
    article = ArticleFactory(language="ar", headline="قمة الناتو في بروكسل", dek="المساعدات أولاً")
    article.notes.create(text="ملاحظة", order=0)
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<h1 lang="ar" dir="auto">قمة الناتو', html)
    assert 'class="dek" lang="ar"' in html
    assert 'class="story__body" lang="ar"' in html
    assert '<li lang="ar" dir="auto">ملاحظة' in html
    assert '<html lang="en">' in html
    assert '<h2 id="notes-heading">Background</h2>' in html
    home = client.get("/").content.decode()
    assert re.search(r'class="card__headline" lang="ar"', home)


def test_structured_data_feeds_and_news_sitemap_use_the_article_language(client):
    article = ArticleFactory(language="zh-hans", headline="北约外长会议")
    html = client.get(article.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["inLanguage"] == "zh-hans"
    assert json.loads(client.get("/feed.json").content)["items"][0]["language"] == "zh-hans"
    # Google News wants ISO 639 codes, and zh-cn / zh-tw for the Chinese scripts.
    assert "<news:language>zh-cn</news:language>" in client.get("/news-sitemap.xml").content.decode()


def test_import_takes_a_language_and_refuses_an_unknown_one(tmp_path):
    path = tmp_path / "uk.txt"
    path.write_text("Заголовок\nПідзаголовок\nТекст статті.\n- Новини\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--language: “xx” is not a known language code"):
        call_command("import_articles", str(path), language="xx", stdout=None)
    assert not Article.objects.exists()
    call_command("import_articles", str(path), language="uk", verbosity=0)
    assert Article.objects.get().language == "uk"


def test_the_desk_offers_the_languages_and_refuses_a_forged_code():
    article = ArticleFactory(draft=True)
    client = Client()
    client.force_login(desk.editor())
    form = client.get(desk.admin_url(article, "change")).content.decode()
    assert '<option value="uk">Ukrainian</option>' in form
    response = client.post(desk.admin_url(article, "change"), desk.article_form_data(article, language="xx"))
    assert response.status_code == 200
    assert "not a known language code" in response.content.decode()
    client.post(desk.admin_url(article, "change"), desk.article_form_data(article, language="uk"))
    assert Article.objects.get(pk=article.pk).language == "uk"


def test_a_ukrainian_article_gives_its_dates_and_labels_in_ukrainian(client):
    published = datetime.datetime(2026, 3, 5, 14, 5, tzinfo=datetime.UTC)
    article = FullArticleFactory(language="uk", headline="Саміт НАТО", published_at=published)
    Article.objects.filter(pk=article.pk).update(updated_at=published + datetime.timedelta(days=1))
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(
        r'<p class="dateline" lang="uk">\s*Опубліковано <time datetime="2026-03-05T14:05:00\+00:00">'
        r"5 березня 2026, 14:05 UTC</time>",
        html,
    )
    assert "· Оновлено <time" in html
    assert '<h2 id="corrections-heading">Виправлення</h2>' in html
    assert '<h2 id="sources-heading">Джерела</h2>' in html
    assert '<span class="byline__role">Автор</span>' in html
    # The rest of the page, and the same story in lists, stay in the site's language.
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    home = client.get("/").content.decode()
    assert "5 March 2026, 14:05 UTC" in home and "березня" not in home


def test_an_article_in_a_language_without_labels_keeps_the_site_language_for_them(client):
    published = datetime.datetime(2026, 3, 5, 14, 5, tzinfo=datetime.UTC)
    article = ArticleFactory(language="ar", published_at=published)
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<p class="dateline" lang="en">\s*Published <time [^>]+>5 March 2026, 14:05 UTC</time>', html)


def test_the_committed_catalogues_match_their_sources():
    """Each locale's compiled .mo (what Django reads) says what its .po says: nobody forgot to recompile."""
    import gettext
    from pathlib import Path

    from django.conf import settings

    catalogues = list(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"))
    assert catalogues
    for po in catalogues:
        pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', po.read_text(encoding="utf-8"), re.M)
        with po.with_suffix(".mo").open("rb") as mo:
            compiled = gettext.GNUTranslations(mo)
        assert pairs and all(text for _, text in pairs), f"{po}: untranslated labels"
        assert {k: compiled.gettext(k) for k, _ in pairs} == dict(pairs), po


@pytest.mark.parametrize(
    ("language", "dateline"),
    [
        ("fr", "Publié le <time [^>]+>5 mars 2026 14:05</time>"),
        ("de", "Veröffentlicht am <time [^>]+>5. März 2026 14:05"),
    ],
)
def test_french_and_german_articles_have_their_labels_too(client, language, dateline):
    article = ArticleFactory(language=language, published_at=datetime.datetime(2026, 3, 5, 14, 5, tzinfo=datetime.UTC))
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(rf'<p class="dateline" lang="{language}">\s*{dateline}', html)
