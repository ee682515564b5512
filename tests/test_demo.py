"""generate_demo: bulk demo articles, repeatable, marked, and never touching real articles."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import demo
from articles.models import Article, BackgroundNote, Byline, Citation, Section, Tag, TaggedArticle
from articles.text import sanitize_html
from tests.factories import FullArticleFactory

pytestmark = pytest.mark.django_db


def generate(n, seed=0, *extra):
    call_command("generate_demo", "--articles", str(n), "--seed", str(seed), *extra, verbosity=0)


def snapshot():
    return sorted(Article.objects.values_list("slug", "headline", "body", "status", "section__slug"))


def test_demo_articles_are_complete_marked_and_public():
    generate(300)
    articles = demo.demo_articles()
    assert articles.count() == 300
    assert not Article.objects.exclude(slug__startswith="demo--0-").exists()
    published = articles.published()
    assert 250 < published.count() < 300  # a few drafts, the rest public
    years = {d.year for d in published.dates("published_at", "year")}
    assert len(years) >= 4  # spread over several years
    for model in (Byline, Citation, TaggedArticle, BackgroundNote):
        ids = set(model.objects.values_list("content_object_id" if model is TaggedArticle else "article_id", flat=True))
        assert ids == set(articles.values_list("pk", flat=True)), model
    article = published.first()
    assert article.version == 1
    assert article.body == sanitize_html(article.body)
    assert article.created_at == article.updated_at == article.published_at
    assert Section.objects.filter(slug__startswith=demo.DEMO_PREFIX).count() == len(demo.SECTIONS)
    # About a quarter of the articles share one common word, for a search with many results.
    common = articles.filter(body__contains=demo.COMMON_WORD).count()
    assert 0.15 * 300 < common < 0.35 * 300
    # Some tags are much more common than others, for tag pages with many articles.
    counts = sorted(
        (t.tagged_articles.count() for t in Tag.objects.filter(slug__startswith=demo.DEMO_PREFIX)), reverse=True
    )
    assert counts[0] > 5 * counts[len(counts) // 2]


def test_the_same_seed_gives_the_same_articles():
    generate(40, seed=7)
    first = snapshot()
    demo.delete_demo()
    generate(40, seed=7)
    assert snapshot() == first
    demo.delete_demo()
    generate(40, seed=8)
    assert [row[1:] for row in snapshot()] != [row[1:] for row in first]


def test_a_seed_is_refused_the_second_time_and_another_seed_adds():
    generate(20, seed=1)
    with pytest.raises(CommandError, match="seed 1 exist already"):
        generate(20, seed=1)
    assert demo.demo_articles().count() == 20
    generate(20, seed=2)
    assert demo.demo_articles().count() == 40


def test_real_articles_are_never_touched():
    real = FullArticleFactory(headline="Demo day at the harbour")
    before = snapshot()
    generate(30)
    generate(0, 0, "--delete")
    assert snapshot() == before
    real.refresh_from_db()
    assert real.tags.count() == 2 and real.citations.count() == 2
    assert not Tag.objects.filter(slug__startswith=demo.DEMO_PREFIX).exists()


def test_demo_corrections_are_written():
    """Regression: the bulk INSERT of corrections left retraction_reason NULL (NOT NULL column)."""
    from articles.models import Correction

    generate(500, 7)
    corrections = Correction.objects.filter(article__slug__startswith=demo.DEMO_PREFIX)
    assert corrections.exists()
    assert set(corrections.values_list("retraction_reason", flat=True)) == {""}


def test_demo_slugs_are_valid_and_their_pages_answer(client):
    """Regression: demo sections were slugged "demo--business-(demo)", which the URL converter refuses: 404."""
    from articles.models import Author, Source
    from articles.text import is_valid_slug

    generate(20, 3)
    for model in (Section, Tag, Source, Author):
        bad = list(model.objects.filter(slug__startswith=demo.DEMO_PREFIX).values_list("slug", flat=True))
        assert bad and all(is_valid_slug(s) for s in bad), (model, [s for s in bad if not is_valid_slug(s)][:3])
    section = Section.objects.filter(slug__startswith=demo.DEMO_PREFIX, articles__isnull=False).first()
    assert client.get(section.get_absolute_url()).status_code == 200


def test_demo_articles_are_found_by_search(client):
    generate(200)
    page = client.get("/search/", {"q": demo.COMMON_WORD}).content.decode()
    public = demo.demo_articles().published().filter(body__contains=demo.COMMON_WORD).count()
    assert f"{public} results for" in page


def test_demo_articles_can_skip_the_search_index():
    from search.models import SearchEntry

    generate(50, 0, "--no-index")
    assert not SearchEntry.objects.exists()
