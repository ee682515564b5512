"""The article page's own queries are compiled once per process, and give what the ORM gives."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from articles import services
from articles.compiled import CompiledQuery
from articles.models import Article, Byline, Correction
from articles.querysets import article_for_page
from tests.factories import (
    ArticleFactory,
    BylineFactory,
    CorrectionFactory,
    FullArticleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def shown(article):
    """Everything the page reads from ``article`` and its relations, as plain values."""
    return {
        "fields": {f.attname: getattr(article, f.attname) for f in Article._meta.concrete_fields},
        "section": (article.section.pk, article.section.name, article.section.slug),
        "image": article.featured_image and (article.featured_image.pk, article.featured_image.alt_text),
        "bylines": [(b.pk, b.role, b.order, b.author.name, b.author.slug) for b in article.bylines.all()],
        "tags": [(t.pk, t.name, t.slug) for t in article.tags.all()],
        "citations": [(c.pk, c.role, c.url, c.source.name, c.source.homepage) for c in article.citations.all()],
        "notes": [(n.pk, n.text) for n in article.notes.all()],
        "corrections": [
            (c.pk, c.kind, c.text, c.published_at, c.retracted_at, c.retraction_reason)
            for c in article.corrections.all()
        ],
    }


def test_a_reader_gets_what_the_orm_gives(django_assert_num_queries):
    article = FullArticleFactory(everything__tags=4, everything__authors=3, everything__sources=3, pictured=True)
    article.tags.add("Zebra", "Aardvark")  # the page lists tags in the order they were added, as the manager does
    CorrectionFactory(
        article=article, kind=Correction.Kind.CLARIFICATION, retracted_at=timezone.now(), retraction_reason="Withdrawn."
    )
    ArticleFactory(tags=["Topic 0"])  # another article's rows stay out
    expected = shown(Article.objects.published().select_related("section", "featured_image").get(pk=article.pk))
    with django_assert_num_queries(6) as captured:
        fast = article_for_page(article.slug, AnonymousUser())
        assert shown(fast) == expected
    # Each relation is read from its own rows (and what they name), not joined to the article again.
    assert ["articles_article" in query["sql"].split(" FROM ")[1] for query in captured] == [True] + [False] * 5
    assert [t.name for t in fast.tags.all()][-2:] == ["Zebra", "Aardvark"]
    prefetched = Article.objects.for_detail().get(pk=article.pk)._prefetched_objects_cache
    assert set(fast._prefetched_objects_cache) == set(prefetched)  # what for_detail() reads, no more, no less
    assert all(c.published_at.tzinfo is not None for c in fast.corrections.all())  # aware, as the ORM gives
    with django_assert_num_queries(0):  # the children know their article, the bylines their authors
        assert {b.article for b in fast.bylines.all()} == {fast}
        assert fast.bylines.all()[0].author.name
        assert fast.citations.all()[0].article is fast


def test_readers_get_none_for_what_is_not_public(settings):
    user = AnonymousUser()
    draft = ArticleFactory(draft=True)
    scheduled = ArticleFactory(scheduled=True)
    assert article_for_page(draft.slug, user) is None
    assert article_for_page(scheduled.slug, user) is None
    assert article_for_page("no-such-article", user) is None
    with time_machine.travel(scheduled.published_at + datetime.timedelta(seconds=1)):
        assert article_for_page(scheduled.slug, user) == scheduled
    editor = UserFactory(is_staff=True, is_superuser=True)
    services.unpublish([ArticleFactory(headline="Pulled")], user=editor)
    assert article_for_page(Article.objects.get(headline="Pulled").slug, user) is None


def test_staff_still_see_their_drafts():
    editor = UserFactory(is_staff=True, is_superuser=True)
    draft = FullArticleFactory(draft=True)
    found = article_for_page(draft.slug, editor)
    assert found == draft and [b.pk for b in found.bylines.all()] == [b.pk for b in draft.bylines.all()]
    assert article_for_page(draft.slug, UserFactory()) is None


def test_a_repeated_article_view_compiles_no_sql_and_reverses_no_url(client, settings, monkeypatch):
    """Uncached, the second view of an article builds no SQL: its own queries are compiled once per process and
    the navigation and related articles are kept per content generation. Nor does it reverse a URL: the site's
    links are found once per process (context_processors.site_links), slugged ones by articles.links."""
    from django.urls.resolvers import URLResolver

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = FullArticleFactory()
    ArticleFactory(tags=["Topic 0"], pictured=True)
    client.get(article.get_absolute_url())
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(self) or original(self, *a, **k))
    reversed_ = []
    reverse = URLResolver._reverse_with_prefix
    monkeypatch.setattr(
        URLResolver, "_reverse_with_prefix", lambda self, *a, **k: reversed_.append(a) or reverse(self, *a, **k)
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and article.headline in response.content.decode()
    assert 'href="/feeds/rss/"' in response.content.decode()
    assert compiled == [] and reversed_ == []


def test_a_compiled_query_runs_with_each_value_and_converts_as_the_orm_does():
    first, second = BylineFactory(order=3), BylineFactory(order=4)
    query = CompiledQuery(lambda pk: Byline.objects.filter(article_id=pk).select_related("author", "article"), -99)
    for byline in (first, second, first):
        [found] = query(byline.article_id)
        assert (found.pk, found.order, found.author.name) == (byline.pk, byline.order, byline.author.name)
        assert found.article.published_at == byline.article.published_at  # an aware datetime on every database
        assert found.article.uid == byline.article.uid  # a UUID, as the ORM converts it
    assert query(-5) == []
    twice = CompiledQuery(lambda pk: Byline.objects.filter(article_id=pk, article__section__articles=pk), -(10**6))
    assert twice(first.article_id) == [first]  # one marker in two places: both take the value


def test_a_compiled_query_refuses_what_it_cannot_run():
    with pytest.raises(ValueError, match="not among"):
        CompiledQuery(lambda pk: Byline.objects.filter(article_id=pk + 1), 7)(1)
    with pytest.raises(ValueError, match="prefetch"):
        CompiledQuery(lambda pk: Article.objects.filter(pk=pk).prefetch_related("tags"), -99)(1)
    with pytest.raises(ValueError, match="prefetch"):
        CompiledQuery(lambda pk: Article.objects.filter(pk=pk).defer("body"), -99)(1)
