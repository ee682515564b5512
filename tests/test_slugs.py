"""Every headline, in any script or none, gets a unique, non-empty slug whose URL works."""

import pytest

from articles.models import Article, Section, Source, Tag
from articles.text import slugify
from tests.factories import ArticleFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db

HEADLINES = {
    "cyrillic": ("Рютте: зустріч НАТО зосередиться на допомозі", "рютте-зустріч-нато-зосередиться-на-допомозі"),
    "cjk": ("北约部长级会议将聚焦援助", "北约部长级会议将聚焦援助"),
    "japanese": ("NATO外相会合、ウクライナ支援に焦点", "nato外相会合-ウクライナ支援に焦点"),
    "hindi": ("नाटो की बैठक में यूक्रेन पर चर्चा", "नाटो-की-बैठक-में-यूक्रेन-पर-चर्चा"),
    "arabic": ("اجتماع الناتو يركّز على المساعدات", "اجتماع-الناتو-يركّز-على-المساعدات"),
    "accents": ("Réunion de l’OTAN à Bruxelles", "réunion-de-l-otan-à-bruxelles"),
}


def test_duplicate_headlines_get_numbered_slugs():
    slugs = [ArticleFactory(headline="NATO meets in Brussels").slug for _ in range(3)]
    assert slugs == ["nato-meets-in-brussels", "nato-meets-in-brussels-2", "nato-meets-in-brussels-3"]


def test_a_slug_is_kept_when_the_headline_changes():
    article = ArticleFactory(headline="First version")
    article.headline = "Second version"
    article.save()
    assert Article.objects.get(pk=article.pk).slug == "first-version"


@pytest.mark.parametrize("script", HEADLINES)
def test_headlines_in_any_script_get_a_readable_slug_whose_page_works(client, script):
    headline, expected = HEADLINES[script]
    article = ArticleFactory(headline=headline)
    assert article.slug == expected
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert headline in response.content.decode()


def test_combining_marks_are_kept_but_never_start_a_slug():
    # Devanagari vowel signs are combining marks: dropping them would misspell every word.
    assert slugify("हिंदी") == "हिंदी"
    assert slugify("\u0301\u093fabc") == "abc"


@pytest.mark.parametrize("headline", ["🎉🎉🎉", "!!! ??? …", "—", "<>&\"'", "   "])
def test_headlines_without_letters_still_get_a_working_slug(client, headline):
    first, second = ArticleFactory(headline=headline), ArticleFactory(headline=headline)
    assert (first.slug, second.slug) == ("article", "article-2")
    assert client.get(second.get_absolute_url()).status_code == 200


def test_very_long_headlines_and_words_fit_the_slug_field():
    article = ArticleFactory(headline=("Ukraine " * 37).strip())
    assert 0 < len(article.slug) <= Article._meta.get_field("slug").max_length
    assert not article.slug.endswith("-")
    word = ArticleFactory(headline="Ü" * 300)
    assert 0 < len(word.slug) <= Article._meta.get_field("slug").max_length


def test_sections_sources_and_tags_get_slugs_in_any_script():
    assert SectionFactory(name="Новини").slug == "новини"
    assert SourceFactory(name="Європейська правда").slug == "європейська-правда"
    tag = Tag.objects.create(name="Володимир Зеленський")
    assert tag.slug == "володимир-зеленський"
    assert Tag.objects.create(name="🇺🇦").slug == "tag"
    assert Section.objects.get(slug="новини") and Source.objects.get(slug="європейська-правда")


def test_a_free_slug_is_found_by_exact_lookups_not_a_prefix_scan():
    """LIKE 'base%' cannot use the slug index on SQLite: at 100,000 articles it made imports crawl."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ArticleFactory(headline="Grain deal")
    ArticleFactory(headline="Grain deal extended")  # shares the prefix, not the slug
    with CaptureQueriesContext(connection) as captured:
        article = ArticleFactory(headline="Grain deal")
    assert article.slug == "grain-deal-2"
    slug_queries = [q["sql"] for q in captured.captured_queries if "slug" in q["sql"] and "SELECT" in q["sql"]]
    assert slug_queries and not any("LIKE" in sql.upper() for sql in slug_queries)


def test_many_namesakes_still_get_the_next_free_number():
    from articles.text import SLUG_TRIES

    slugs = [ArticleFactory(headline="Daily briefing").slug for _ in range(SLUG_TRIES + 3)]
    assert len(set(slugs)) == len(slugs)
    assert slugs[-1] == f"daily-briefing-{SLUG_TRIES + 3}"
