"""Data migrations do right by the rows that exist when they run."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0003_article_language")]
AFTER = [("articles", "0006_article_uid_unique")]


def _index_without_tokens(article):
    """Rewrite ``article``'s index row as the code before facet and status tokens wrote it: words only."""
    from search.engines.postgresql import tsvector
    from search.text import tokens

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("UPDATE search_fts SET pairs = '' WHERE rowid = %s", [article.pk])
        else:
            cursor.execute(
                "UPDATE search_searchentry SET document = %s::tsvector WHERE article_id = %s",
                [tsvector(tokens(article.headline)), article.pk],
            )


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_every_existing_article_gets_its_own_permanent_id():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    section = old.get_model("articles", "Section").objects.create(name="News", slug="news")
    Article = old.get_model("articles", "Article")
    for n in range(3):
        Article.objects.create(headline=f"Old {n}", slug=f"old-{n}", section=section, language="en")
    _migrate_to_latest()
    new = executor.loader.project_state(AFTER).apps.get_model("articles", "Article")
    uids = list(new.objects.values_list("uid", flat=True))
    assert len(uids) == 3 and None not in uids and len(set(uids)) == 3


@pytest.mark.django_db(transaction=True)
def test_existing_names_get_unique_name_keys_and_slugs_move_to_nfc():
    import unicodedata

    before = [("articles", "0006_article_uid_unique")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Tag, Section = old.get_model("articles", "Tag"), old.get_model("articles", "Section")
    # Names that differ only by case or normal form could coexist before name keys.
    Tag.objects.create(name="Україна", slug="україна")
    Tag.objects.create(name="УКРАЇНА", slug="україна-2")
    Section.objects.create(name=unicodedata.normalize("NFD", "Café"), slug=unicodedata.normalize("NFD", "café"))
    _migrate_to_latest()
    after = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    tags = after.get_model("articles", "Tag").objects.order_by("pk").values_list("name", "name_key")
    assert list(tags) == [("Україна", "україна"), ("УКРАЇНА (2)", "україна (2)")]
    section = after.get_model("articles", "Section").objects.get()
    assert (section.name, section.name_key, section.slug) == ("Café", "café", "café")


@pytest.mark.django_db(transaction=True)
def test_indexed_articles_get_their_phrase_pairs():
    from articles.models import Article
    from search.engines import get_engine
    from search.engines.postgresql import tsvector
    from search.query import parse
    from search.text import tokens

    before = [("search", "0002_searchentry_narrow_rows")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    articles_now = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "articles"]
    old = executor.loader.project_state(before + articles_now).apps
    section = old.get_model("articles", "Section").objects.create(name="News", name_key="news", slug="news")
    article = old.get_model("articles", "Article").objects.create(
        headline="Port news", slug="port-news", section=section, language="en"
    )
    body = "Officials said the harbour pilots strike ended."
    old.get_model("search", "SearchEntry").objects.create(article_id=article.pk, language="en", body=body)
    with connection.cursor() as cursor:  # the index as the code before pairs wrote it
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO search_fts (rowid, headline, meta, body) VALUES (%s, %s, '', %s)",
                [article.pk, " ".join(tokens("Port news")), " ".join(tokens(body))],
            )
        else:
            cursor.execute(
                "UPDATE search_searchentry SET document = %s::tsvector WHERE article_id = %s",
                [tsvector(tokens("Port news"), [], tokens(body)), article.pk],
            )
    _migrate_to_latest()
    for phrase in ('"harbour pilots"', '"harbour pilots strike"'):
        match = get_engine().match(parse(phrase))
        assert list(Article.objects.filter(match).values_list("pk", flat=True)) == [article.pk]
    assert not Article.objects.filter(get_engine().match(parse('"pilots harbour"'))).exists()


@pytest.mark.django_db(transaction=True)
def test_indexed_articles_get_their_facet_tokens():
    from search.query import parse
    from search.results import SearchResults
    from tests.factories import ArticleFactory, AuthorFactory, BylineFactory, CitationFactory, SourceFactory

    executor = MigrationExecutor(connection)
    executor.migrate([("search", "0005_entry_visibility")])
    article = ArticleFactory(headline="Flood defences", tags=["Rivers"])
    CitationFactory(article=article, source=SourceFactory(name="Met Office"))
    author = AuthorFactory(name="Ann Reporter")
    BylineFactory(article=article, author=author)
    _index_without_tokens(article)  # as the code before facet tokens wrote it
    facets = {
        "section__slug": article.section.slug,
        "tagged_items__tag__slug": "rivers",
        "citations__source__slug": "met-office",
        "bylines__author__slug": author.slug,
    }
    headlines = lambda lookup, value: [r.headline for r in SearchResults(parse("flood"), {lookup: value})[0:5]]  # noqa: E731
    assert headlines("tagged_items__tag__slug", "rivers") == []
    _migrate_to_latest()
    for lookup, value in facets.items():
        assert headlines(lookup, value) == ["<mark>Flood</mark> defences"], lookup


@pytest.mark.django_db(transaction=True)
def test_indexed_drafts_get_their_status_tokens():
    from search.engines import get_engine
    from search.query import parse
    from search.text import facet_token
    from tests.factories import ArticleFactory

    executor = MigrationExecutor(connection)
    executor.migrate([("search", "0008_fts_tokens_as_written")])
    draft = ArticleFactory(headline="Flood draft", draft=True)
    _index_without_tokens(draft)  # as the code before status tokens wrote it
    query = parse("flood")
    query.facets.append(facet_token("status", "draft"))
    assert get_engine().count(query) == 0
    _migrate_to_latest()
    assert get_engine().count(query) == 1


@pytest.mark.django_db(transaction=True)
def test_facet_tokens_of_migration_0006_are_made_exact_by_0007():
    """An index whose facet tokens 0006 wrote (the slug itself, folded and split by FTS5) gets exact ones from
    0007: every facet filter then finds what an Article filter finds, as after rebuild_search_index."""
    from django.core.management import call_command

    from articles.models import Article
    from search.query import parse
    from search.results import SearchResults
    from tests.factories import ArticleFactory, SectionFactory

    executor = MigrationExecutor(connection)
    executor.migrate([("search", "0005_entry_visibility")])
    ArticleFactory(headline="Flood in town", tags=["Café"], section=SectionFactory(name="Météo"))
    ArticleFactory(headline="Flood by the sea", tags=["Cafe", "snake_case"], section=SectionFactory(name="Meteo"))
    ArticleFactory(headline="Flood on the plain", tags=["हिन्दी"])
    for article in Article.objects.all():  # as the code before facet tokens wrote it
        _index_without_tokens(article)
    executor = MigrationExecutor(connection)
    executor.migrate([("search", "0006_facet_tokens")])  # the tokens 0006 wrote
    _migrate_to_latest()

    def headlines(lookup, value):
        return sorted(
            r.headline.replace("<mark>", "").replace("</mark>", "")
            for r in SearchResults(parse("flood"), {lookup: value})[0:9]
        )

    cases = [("tagged_items__tag__slug", slug) for slug in ("café", "cafe", "CAFE", "snake_case", "हिन्दी", "ह")] + [
        ("section__slug", slug) for slug in ("météo", "meteo", "news")
    ]
    migrated = {case: headlines(*case) for case in cases}
    for lookup, value in cases:
        expected = sorted(Article.objects.published().filter(**{lookup: value}).values_list("headline", flat=True))
        assert migrated[lookup, value] == expected, (lookup, value)
    call_command("rebuild_search_index", verbosity=0)
    assert {case: headlines(*case) for case in cases} == migrated


@pytest.mark.django_db(transaction=True)
def test_an_existing_fts5_index_takes_the_tokens_as_written():
    """Rows indexed under FTS5's old tokenizer (words split at combining marks) are tokenized anew by 0008."""
    from search.query import parse
    from search.results import SearchResults
    from tests.factories import ArticleFactory

    executor = MigrationExecutor(connection)
    executor.migrate([("search", "0007_facet_tokens_exact")])
    ArticleFactory(headline="कुतुब मीनार")
    found = lambda q: SearchResults(parse(q)).total  # noqa: E731
    assert found("किताब") == (1 if connection.vendor == "sqlite" else 0)  # क त ब: the fault
    _migrate_to_latest()
    assert (found("किताब"), found("कुतुब"), found("मीनार")) == (0, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_entry_visibility_filled_by_0005_is_what_indexing_writes():
    """0005's fill gives each existing entry the public_since and section that indexing writes (drafts, articles
    in review, scheduled and published ones), so searches after the upgrade equal those after a rebuild."""
    import importlib

    from django.core.management import call_command

    from search.models import SearchEntry
    from search.query import parse
    from search.results import SearchResults
    from tests.factories import ArticleFactory, SectionFactory

    ArticleFactory(headline="Tide now", section=SectionFactory(name="Coast"))
    ArticleFactory(headline="Tide later", scheduled=True)
    ArticleFactory(headline="Tide draft", draft=True)
    ArticleFactory(headline="Tide review", review=True)
    rows = lambda: sorted(SearchEntry.objects.values_list("article_id", "section_id", "public_since"))  # noqa: E731
    indexed = rows()
    SearchEntry.objects.update(public_since=None, section=None)  # as before 0005
    fill = importlib.import_module("search.migrations.0005_entry_visibility").FILL
    with connection.cursor() as cursor:
        cursor.execute(fill)
    assert rows() == indexed
    search = SearchResults(parse("tide"))
    found = (search.total, [r.headline for r in search[0:9]])
    call_command("rebuild_search_index", verbosity=0)
    search = SearchResults(parse("tide"))
    assert (search.total, [r.headline for r in search[0:9]]) == found == (1, ["<mark>Tide</mark> now"])
