"""Search: word forms, apostrophes, phrases, markup, scripts, operators, hostile input, visibility, ranking,
snippets, facets, the desk, and an index that follows every kind of change. Runs on SQLite and PostgreSQL."""

import datetime
import html
import re
import unicodedata
import urllib.parse
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.models import Article, Section, Source, SourceAlias, Tag
from search.engines import get_engine
from search.indexing import entry_for
from search.models import SearchEntry
from search.query import parse
from search.text import normalize, visible_text
from tests import desk
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BackgroundNoteFactory,
    BylineFactory,
    CitationFactory,
    FullArticleFactory,
    SectionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def found(client, q, **params):
    """Headlines on the search page, in order (marks removed)."""
    response = client.get("/search/", {"q": q, **params})
    assert response.status_code == 200
    page = response.content.decode()
    headlines = re.findall(r'class="card__headline"[^>]*><a href="[^"]+">(.*?)</a>', page)
    return [html.unescape(re.sub(r"</?mark>", "", h)) for h in headlines]


# --- word forms, apostrophes, phrases, markup, scripts ---------------------------------------------


def test_english_word_forms_match(client):
    ArticleFactory(headline="Talks", body="<p>The negotiation went on all night.</p>")
    assert found(client, "negotiations") == ["Talks"]
    assert found(client, "NEGOTIATING") == ["Talks"]


@pytest.mark.parametrize("query", ["Mayor's", "Mayor’s", "mayor’s budget", "mayor"])
@pytest.mark.parametrize("text", ["The Mayor’s budget", "The Mayor's budget"])
def test_typed_and_typographic_apostrophes_are_the_same(client, query, text):
    ArticleFactory(headline=text)
    assert found(client, query) == [text]


@pytest.mark.parametrize("query", ['"north atlantic council"', "“north atlantic council”", "„north atlantic council“"])
def test_quoted_phrases_straight_or_curly(client, query):
    ArticleFactory(headline="Meeting", body="<p>The North Atlantic Council met.</p>")
    ArticleFactory(headline="Scattered", body="<p>The council of the north, on the Atlantic.</p>")
    assert found(client, query) == ["Meeting"]
    assert sorted(found(client, "north atlantic council")) == ["Meeting", "Scattered"]


def test_phrases_keep_word_order_adjacency_and_fields(client):
    ArticleFactory(headline="Exact", body="<p>Officials said the harbour pilots strike ended.</p>")
    ArticleFactory(headline="Reversed", body="<p>The strike of pilots at the harbour ended.</p>")
    ArticleFactory(headline="Split", body="<p>Harbour pilots met. Pilots strike later.</p>")
    ArticleFactory(headline="Across fields", dek="They watched the harbour", body="<p>pilots strike today</p>")
    assert found(client, '"harbour pilots"') == ["Split", "Exact"]
    assert found(client, '"harbour pilots strike"') == ["Exact"]
    assert found(client, '"pilots harbour"') == []
    assert found(client, 'strike -"harbour pilots"') == ["Across fields", "Reversed"]


def test_a_phrase_in_the_headline_ranks_first(client):
    now = timezone.now()
    ArticleFactory(headline="Pilots of the harbour", body="<p>harbour pilots</p>", published_at=now)
    ArticleFactory(headline="Harbour pilots strike", published_at=now - datetime.timedelta(days=1))
    ArticleFactory(headline="Talks", body="<p>The harbour pilots strike.</p>", published_at=now)
    assert found(client, '"harbour pilots"') == ["Harbour pilots strike", "Talks", "Pilots of the harbour"]
    assert found(client, '"harbour pilots strike"') == ["Harbour pilots strike", "Talks"]


def test_phrases_are_looked_up_as_adjacent_pairs():
    """Two adjacent words are one index token, so a phrase of common words is one lookup, not a position check
    of every article holding both words."""
    from search.text import PAIR, pairs

    assert pairs(["harbour", "pilot", "strike"]) == [f"harbour{PAIR}pilot", f"pilot{PAIR}strike"]
    article = ArticleFactory(headline="Harbour pilots strike", body="<p>Talks end.</p>")
    # No word a reader types can contain the separator: it splits words like punctuation.
    assert [p.tokens for p in parse(f"harbour{PAIR}pilot").phrases] == [(("harbour", False), ("pilot", False))]
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT pairs, headline FROM search_fts WHERE rowid = %s", [article.pk])
        else:
            cursor.execute(
                "SELECT array_to_string(tsvector_to_array(document), ' '),"
                " array_to_string(tsvector_to_array(headline_document), ' ')"
                " FROM search_searchentry WHERE article_id = %s",
                [article.pk],
            )
        every_field, headline = cursor.fetchone()
        assert f"harbour{PAIR}pilot" in every_field.split() and f"harbour{PAIR}pilot" in headline.split()
        assert f"talk{PAIR}end" in every_field.split() and f"talk{PAIR}end" not in headline.split()


def test_ampersand_inside_a_word_and_entities(client):
    ArticleFactory(headline="Telecoms", body="<p>AT&amp;T bought a rival.</p>")
    assert found(client, "AT&T") == ["Telecoms"]
    assert found(client, "at&t rival") == ["Telecoms"]


def test_markup_is_never_searched(client):
    ArticleFactory(headline="Links", body='<p><a href="https://example.org/secretword" title="tooltip">a link</a></p>')
    assert found(client, "href") == []
    assert found(client, "secretword") == []
    assert found(client, "link") == ["Links"]


@pytest.mark.parametrize("query", ["приватбанк", "ПРИВАТБАНК", "ПриватБанку", "приватбанком"])
def test_cyrillic_case_and_endings(client, query):
    ArticleFactory(headline="Банки", body="<p>Клієнти ПриватБанку скаржаться.</p>", language="uk")
    ArticleFactory(headline="Інше", body="<p>Новини.</p>", language="uk")
    assert found(client, query) == ["Банки"]


def test_ukrainian_word_finds_other_endings_by_its_stem(client):
    ArticleFactory(headline="Переговори тривають", language="uk")
    ArticleFactory(headline="Після переговорів", language="uk")
    ArticleFactory(headline="Дощ", language="uk")
    assert sorted(found(client, "переговорах")) == ["Переговори тривають", "Після переговорів"]


def test_accents_fold(client):
    ArticleFactory(headline="Café society", body="<p>Über alles in Zürich.</p>")
    assert found(client, "cafe") == ["Café society"]
    assert found(client, "zurich uber") == ["Café society"]


# --- operators ---------------------------------------------------------------------------------------


def test_exclusion_and_or(client):
    ArticleFactory(headline="Kyiv talks")
    ArticleFactory(headline="Kiev talks")
    ArticleFactory(headline="Kyiv weather")
    assert sorted(found(client, "talks kyiv OR kiev")) == ["Kiev talks", "Kyiv talks"]
    assert found(client, "kyiv -talks") == ["Kyiv weather"]
    assert found(client, 'kyiv -"kyiv talks"') == ["Kyiv weather"]
    assert sorted(found(client, "kyiv OR kiev -weather")) == ["Kiev talks", "Kyiv talks"]


def test_parser_shapes():
    query = parse('Flood "river Rhine" -dam warning OR alert “unclosed')
    assert [[p.tokens for p in group] for group in query.required] == [
        [(("flood", False),)],
        [(("river", False), ("rhine", False))],
        [(("warn", False),), (("alert", False),)],
        [(("unclos", False),)],
    ]
    assert [p.tokens for p in query.excluded] == [(("dam", False),)]
    assert not parse('"&|!:*()') and not parse("-only -exclusions") and not parse("")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "x" * 5000,
        '"&|!:*()',
        "&",
        "*",
        "a\x00b",
        "'; DROP TABLE articles_article; --",
        "' OR 1=1 --",
        'unbalanced "quote',
        '"""',
        "NEAR(a b)",
        "AND OR NOT",
        "{headline}: x",
        "a:* & !b <-> c",
        "-",
        "--",
        "OR",
        "\\",
        "🙂",
        " ".join(["word"] * 100),
    ],
)
def test_hostile_queries_never_fail(client, query):
    ArticleFactory(headline="Something")
    response = client.get("/search/", {"q": query})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "params", [{"year": "abc"}, {"tag": "<script>"}, {"sort": "random"}, {"page": "999"}, {"page": "x"}, {"year": "0"}]
)
def test_bad_parameters_are_a_form_error_or_404(client, params):
    ArticleFactory(headline="Something")
    response = client.get("/search/", {"q": "something", **params})
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert 'class="error"' in response.content.decode()


# --- visibility ----------------------------------------------------------------------------------------


def test_drafts_and_scheduled_articles_are_never_found_publicly(client):
    ArticleFactory(headline="Secret draft plan", draft=True)
    ArticleFactory(headline="Secret review plan", review=True)
    ArticleFactory(headline="Secret scheduled plan", scheduled=True)
    ArticleFactory(headline="Public plan")
    assert found(client, "plan") == ["Public plan"]
    assert found(client, "secret") == []


def test_a_scheduled_article_is_found_once_its_time_comes_without_any_job(client):
    ArticleFactory(headline="Embargoed report", scheduled=True)
    assert found(client, "embargoed") == []
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert found(client, "embargoed") == ["Embargoed report"]


# --- the index follows every change ----------------------------------------------------------------------


def test_index_follows_saves_publish_unpublish_and_delete(client):
    editor = desk.editor()
    article = ArticleFactory(headline="Old words", draft=True)
    assert found(client, "old") == []
    services.publish([article], user=editor)
    assert found(client, "old") == ["Old words"]
    article.refresh_from_db()
    article.headline = "Fresh words"
    article.save()
    assert found(client, "old") == [] and found(client, "fresh") == ["Fresh words"]
    services.unpublish([article], user=editor)
    assert found(client, "fresh") == []
    services.publish([article], user=editor)
    article.delete()
    assert found(client, "fresh") == []
    assert not SearchEntry.objects.exists()


def test_index_follows_tags_bylines_citations_notes_and_corrections(client):
    editor = desk.editor()
    article = ArticleFactory(headline="Story")
    article.tags.add("Glaciers")
    assert found(client, "glacier") == ["Story"]
    article.tags.remove(Tag.objects.get(name="Glaciers"))
    assert found(client, "glacier") == []
    byline = BylineFactory(article=article, author=AuthorFactory(name="Olena Zelinska"))
    assert found(client, "zelinska") == ["Story"]
    byline.delete()
    assert found(client, "zelinska") == []
    CitationFactory(article=article, source=SourceFactory(name="Ukrinform"))
    assert found(client, "ukrinform") == ["Story"]
    BackgroundNoteFactory(article=article, text="The treaty dates from 1949.")
    assert found(client, "treaty 1949") == ["Story"]
    services.add_correction(article, "The vote was unanimous, not split.", user=editor)
    assert found(client, "unanimous") == ["Story"]


def test_index_follows_renames_and_merges(client):
    article = ArticleFactory(headline="Story", tags=["Enviroment"])
    source = SourceFactory(name="Reuterz")
    CitationFactory(article=article, source=source)
    tag = Tag.objects.get(name="Enviroment")
    services.rename_tag(tag, "Environment")
    assert found(client, "environment") == ["Story"] and found(client, "enviroment") == []
    source.name = "Reuters"
    source.save()
    assert found(client, "reuters") == ["Story"]
    SourceAlias.objects.create(source=source, name="Thomson Reuters")
    assert found(client, '"thomson reuters"') == ["Story"]
    section = article.section
    section.name = "Climate desk"
    section.save()
    assert found(client, "climate desk") == ["Story"]

    other = ArticleFactory(headline="Second", tags=["Ecology"])
    services.merge_tags(Tag.objects.get(name="Environment"), [Tag.objects.get(name="Ecology")], user=desk.editor())
    assert sorted(found(client, "environment")) == ["Second", "Story"] and found(client, "ecology") == []
    duplicate = SourceFactory(name="AFP wire")
    CitationFactory(article=other, source=duplicate)
    services.merge_sources(source, duplicate, user=desk.editor("boss"))
    assert sorted(found(client, "reuters")) == ["Second", "Story"]
    # "AFP wire" is now an alias of Reuters, so every article citing Reuters is found by it.
    assert sorted(found(client, '"afp wire"')) == ["Second", "Story"]


def test_rebuild_command_restores_the_index(client):
    ArticleFactory(headline="Rebuilt story")
    SearchEntry.objects.all().delete()

    get_engine().clear()
    assert found(client, "rebuilt") == []
    out, err = StringIO(), StringIO()
    call_command("rebuild_search_index", stdout=out, stderr=err)
    assert "Indexed 1 article." in out.getvalue()
    assert found(client, "rebuilt") == ["Rebuilt story"]


def test_fixture_articles_are_indexed(client):
    call_command("loaddata", "seed", verbosity=0)
    assert Article.objects.exists() and SearchEntry.objects.count() == Article.objects.count()


# --- ranking, snippets, pages --------------------------------------------------------------------------------


def test_headline_matches_rank_first_then_newer(client):
    now = timezone.now()
    ArticleFactory(headline="Old body match", body="<p>drought</p>", published_at=now - datetime.timedelta(days=9))
    ArticleFactory(headline="Drought old headline", published_at=now - datetime.timedelta(days=8))
    ArticleFactory(headline="New body match", body="<p>drought</p>", published_at=now - datetime.timedelta(days=1))
    ArticleFactory(headline="Drought new headline", published_at=now - datetime.timedelta(days=2))
    assert found(client, "drought") == [
        "Drought new headline",
        "Drought old headline",
        "New body match",
        "Old body match",
    ]
    assert found(client, "drought", sort="date") == [
        "New body match",
        "Drought new headline",
        "Drought old headline",
        "Old body match",
    ]


def test_pages_run_across_headline_and_body_matches(client):
    now = timezone.now()
    for i in range(25):
        ArticleFactory(headline=f"Rain {i}", published_at=now - datetime.timedelta(hours=i + 1))
    for i in range(10):
        ArticleFactory(headline=f"Story {i}", body="<p>rain</p>", published_at=now - datetime.timedelta(minutes=i))
    first, second = found(client, "rain"), found(client, "rain", page=2)
    assert len(first) == 20 and len(second) == 15
    assert first + second == [f"Rain {i}" for i in range(25)] + [f"Story {i}" for i in range(10)]
    assert "35 results for" in client.get("/search/", {"q": "rain"}).content.decode()


def test_snippets_mark_matches_and_escape_the_rest(client):
    body = "<p>" + "Filler words here. " * 30 + "Tom &amp; Jerry &lt;script&gt; met the negotiators.</p>"
    ArticleFactory(headline="Cartoon <b>talks</b>", body=body)
    html = client.get("/search/", {"q": "negotiation"}).content.decode()
    assert "… " in html and "Tom &amp; Jerry &lt;script&gt; met the <mark>negotiators</mark>." in html
    html = client.get("/search/", {"q": "talks"}).content.decode()
    assert "Cartoon &lt;b&gt;<mark>talks</mark>&lt;/b&gt;" in html
    assert "<script>" not in html


def test_no_results_page_helps(client):
    html = client.get("/search/", {"q": "zzzyzx"}).content.decode()
    assert "0 results for" in html and "Check the spelling" in html and 'content="noindex"' in html


# --- facets --------------------------------------------------------------------------------------------------


def test_facets_count_and_narrow(client):
    politics, sport = SectionFactory(name="Politics"), SectionFactory(name="Sport")
    reuters = SourceFactory(name="Reuters")
    author = AuthorFactory(name="Anna Writer")
    one = ArticleFactory(headline="Budget vote", section=politics, tags=["Economy"],
                         published_at=datetime.datetime(2024, 5, 1, tzinfo=datetime.UTC))  # fmt: skip
    CitationFactory(article=one, source=reuters)
    BylineFactory(article=one, author=author)
    ArticleFactory(headline="Budget of the club", section=sport, tags=["Economy", "Football"])
    ArticleFactory(headline="Budget draft", section=sport, draft=True, tags=["Football"])
    html = client.get("/search/", {"q": "budget"}).content.decode()
    facets = html.split('class="facets"')[1].split("</nav>")[0]
    assert re.search(r">Politics</a> <span class=\"muted\">\(1\)", facets)
    assert re.search(r">Sport</a> <span class=\"muted\">\(1\)", facets)
    assert re.search(r">Economy</a> <span class=\"muted\">\(2\)", facets)
    assert re.search(r">Football</a> <span class=\"muted\">\(1\)", facets)  # the draft is not counted
    assert re.search(r">Reuters</a> <span class=\"muted\">\(1\)", facets)
    assert re.search(r">Anna Writer</a> <span class=\"muted\">\(1\)", facets)
    assert re.search(r">2024</a> <span class=\"muted\">\(1\)", facets)
    assert "?q=budget&amp;section=politics" in facets
    assert found(client, "budget", section="politics") == ["Budget vote"]
    assert found(client, "budget", tag="football") == ["Budget of the club"]
    assert found(client, "budget", source="reuters") == ["Budget vote"]
    assert found(client, "budget", author=author.slug) == ["Budget vote"]
    assert found(client, "budget", year="2024") == ["Budget vote"]
    assert found(client, "budget", year="2024", section="sport") == []


# --- the desk ----------------------------------------------------------------------------------------------


def test_desk_search_uses_the_engine_and_finds_drafts(client):
    client.force_login(desk.editor())
    ArticleFactory(headline="Draft negotiation notes", draft=True)
    ArticleFactory(headline="Published other")
    response = client.get(desk.admin_url(Article, "changelist"), {"q": "negotiations"})
    assert [str(a) for a in response.context["cl"].result_list] == ["Draft negotiation notes"]
    response = client.get(desk.admin_url(Article, "changelist"), {"q": '"&|!'})
    assert response.status_code == 200 and list(response.context["cl"].result_list) == []


# --- text units --------------------------------------------------------------------------------------------


def test_visible_text_and_normalize():
    assert visible_text('<p>AT&amp;T <a href="https://x.example/">link</a></p><p>Next</p>') == "AT&T link\nNext"
    assert normalize("Negotiations") == ("negoti", False)
    assert normalize("Mayor’s") == normalize("mayor's") == ("mayor", False)
    assert normalize("ПриватБанку") == ("приватбанк", True)
    assert normalize("AT&T") == ("att", False)


def test_entry_holds_visible_text_and_names():
    article = FullArticleFactory(body='<p>Hello <a href="https://example.org/">there</a> &amp; back</p>')
    entry = entry_for(Article.objects.get(pk=article.pk))
    assert entry.body == "Hello there & back"
    assert article.section.name in entry.meta and "Topic 0" in entry.meta
    assert article.citations.first().source.name in entry.meta
    assert Section.objects.exists() and Source.objects.exists()


# --- the plans for large result sets give the same answers ----------------------------------------------------


@pytest.fixture
def many(monkeypatch):
    """Every search takes the large-result-set path (date-ordered index walk, total by subtraction)."""
    from search.results import SearchResults

    monkeypatch.setattr(SearchResults, "MANY", 1)


def test_large_result_plans_keep_visibility_ranking_and_totals(client, many):
    now = timezone.now()
    ArticleFactory(headline="Hidden flood draft", draft=True)
    ArticleFactory(headline="Hidden flood review", review=True)
    ArticleFactory(headline="Hidden flood scheduled", scheduled=True)
    for i in range(22):
        ArticleFactory(headline=f"Story {i}", body="<p>flood</p>", published_at=now - datetime.timedelta(hours=i + 1))
    ArticleFactory(headline="Flood headline", published_at=now - datetime.timedelta(days=30))
    first = found(client, "flood")
    assert first[0] == "Flood headline" and len(first) == 20 and "Hidden" not in " ".join(first)
    assert found(client, "flood", page=2) == ["Story 19", "Story 20", "Story 21"]
    assert "23 results for" in client.get("/search/", {"q": "flood"}).content.decode()
    assert found(client, "flood", sort="date")[:2] == ["Story 0", "Story 1"]
    assert found(client, "hidden") == []


def test_facets_beyond_the_sample_say_so(client, monkeypatch):
    from search import results

    monkeypatch.setattr(results, "FACET_SAMPLE", 2)
    now = timezone.now()
    for i in range(3):
        ArticleFactory(headline=f"Tide {i}", tags=["Coast"], published_at=now - datetime.timedelta(hours=i + 1))
    html = client.get("/search/", {"q": "tide"}).content.decode()
    assert "3 results for" in html and "Counts among the 2 newest of 3 results." in html
    assert re.search(r">Coast</a> <span class=\"muted\">\(2\)", html)


def test_overlong_words_are_skipped_not_fatal(client):
    ArticleFactory(headline="Blob", body="<p>" + "x" * 3000 + " readable words</p>")
    assert found(client, "readable") == ["Blob"]
    assert client.get("/search/", {"q": "y" * 150}).status_code == 200


def test_imported_articles_are_found_by_their_notes_and_cited_sources(client, tmp_path):
    SourceFactory(name="Ukrinform")
    path = tmp_path / "story.txt"
    path.write_text("Dam repairs begin\nA dek.\nUkrinform reported the works.\n- Built in 1956.\n- News\n")
    services.import_articles([path], publish=True)
    assert found(client, "ukrinform") == ["Dam repairs begin"]
    assert found(client, "1956") == ["Dam repairs begin"]
    assert SearchEntry.objects.count() == 1


def test_a_word_inside_a_run_of_an_unspaced_script_is_found(client):
    """Regression: Thai, Chinese, Japanese and Korean runs were one token, found only by their first word."""
    ArticleFactory(headline="กรุงเทพฯ เตรียมรับมือน้ำท่วมใหญ่", body="<p>ประชาชนกักตุนอาหาร</p>")
    body = "<p>韓国대통령도 참석했다. 日本の首相が議長を務めた。</p>"
    ArticleFactory(headline="东京举行中日韩峰会 讨论地区经济合作", body=body)
    ArticleFactory(headline="Unrelated", body="<p>峰 会 东 京</p>")
    assert found(client, "น้ำท่วม") == ["กรุงเทพฯ เตรียมรับมือน้ำท่วมใหญ่"]
    assert found(client, "กรุงเทพฯ") == ["กรุงเทพฯ เตรียมรับมือน้ำท่วมใหญ่"]
    assert found(client, "峰会") == ["东京举行中日韩峰会 讨论地区经济合作"]
    assert found(client, "东京") == ["东京举行中日韩峰会 讨论地区经济合作"]
    assert found(client, "地区经济") == ["东京举行中日韩峰会 讨论地区经济合作"]
    assert found(client, "대통령") == ["东京举行中日韩峰会 讨论地区经济合作"]
    assert found(client, "首相") == ["东京举行中日韩峰会 讨论地区经济合作"]
    assert found(client, "经济 -峰会") == []
    page = client.get("/search/", {"q": "峰会"}).content.decode()
    assert "<mark>" in page


# --- storage at scale ------------------------------------------------------------------------------------------


def test_postgresql_keeps_index_rows_narrow():
    """Counting a common word reads its rows by address: long values live out of line (TOAST), not in the row."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's storage option")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'search_searchentry'")
        assert "toast_tuple_target=128" in (cursor.fetchone()[0] or [])


@pytest.mark.parametrize("scan", [False, True])
@pytest.mark.parametrize("probe", [False, True])
def test_every_match_plan_finds_the_same_articles(scan, probe):

    ArticleFactory(headline="Harbour pilots strike")
    ArticleFactory(headline="Harbour opens", draft=True)
    ArticleFactory(headline="Airport pilots")
    match = get_engine().match(parse("harbour"), scan=scan, probe=probe)
    assert sorted(Article.objects.filter(match).values_list("headline", flat=True)) == [
        "Harbour opens",
        "Harbour pilots strike",
    ]


def test_postgresql_writes_an_entry_once_per_save():
    """An INSERT and then an UPDATE would leave a dead full-width row behind on every save: the table swells
    until PostgreSQL reads all of it instead of the GIN index (0.7 s to count a common word at 100,000)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's row versions")
    article = ArticleFactory(headline="Harbour", body="<p>" + "harbour pilots strike " * 200 + "</p>")
    article.headline = "Harbour strike"
    article.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_get_xact_tuples_updated('search_searchentry'::regclass)")
        assert cursor.fetchone()[0] == 0
    assert found_ids("strike") == [article.pk]


def found_ids(q):
    from search.results import filter_articles

    return list(filter_articles(Article.objects.all(), q).values_list("pk", flat=True))


def test_the_facet_sample_is_the_newest_matches(many, monkeypatch):
    """Many matches: the sample is exactly the newest FACET_SAMPLE visible matches."""
    from search import results

    monkeypatch.setattr(results, "FACET_SAMPLE", 3)
    now = timezone.now()
    for i in range(12):  # every third article matches; the newest is i = 0
        text = "<p>tide</p>" if i % 3 == 0 else "<p>calm</p>"
        ArticleFactory(headline=f"Story {i}", body=text, published_at=now - datetime.timedelta(hours=i + 1))
    ArticleFactory(headline="Draft tide", body="<p>tide</p>", draft=True)
    sample = results.SearchResults(parse("tide")).facet_sample
    assert [Article.objects.get(pk=row[0]).headline for row in sample] == ["Story 0", "Story 3", "Story 6"]


# --- one read of the matches serves the count, the page and the facets ------------------------------------------


def _rainy_archive(now):
    """25 headline matches and 10 newer body matches of "rain" (each with a tag, a source and a byline)."""
    for i in range(25):
        ArticleFactory(headline=f"Rain {i}", published_at=now - datetime.timedelta(hours=i + 1), tags=["Weather"])
    for i in range(10):
        article = ArticleFactory(
            headline=f"Story {i}", body="<p>rain</p>", published_at=now - datetime.timedelta(minutes=i)
        )
        CitationFactory(article=article)
        BylineFactory(article=article)
    ArticleFactory(headline="Rain draft", draft=True)
    ArticleFactory(headline="Rain scheduled", scheduled=True)


@pytest.mark.parametrize("sample", [2, 7, 30, 500])
@pytest.mark.parametrize("plan", ["few", "many"])
def test_pages_totals_and_orders_are_the_same_whatever_the_sample_holds(client, monkeypatch, sample, plan):
    """Pages are cut from the newest matches read for the facets when they reach that far, and read on their
    own beyond: the same pages, in both orders, either way."""
    from search import results

    monkeypatch.setattr(results, "FACET_SAMPLE", sample)
    if plan == "many":
        monkeypatch.setattr(results.SearchResults, "MANY", 1)
    _rainy_archive(timezone.now())
    relevance = found(client, "rain") + found(client, "rain", page=2)
    assert relevance == [f"Rain {i}" for i in range(25)] + [f"Story {i}" for i in range(10)]
    by_date = found(client, "rain", sort="date") + found(client, "rain", sort="date", page=2)
    assert by_date == [f"Story {i}" for i in range(10)] + [f"Rain {i}" for i in range(25)]
    assert "35 results for" in client.get("/search/", {"q": "rain"}).content.decode()


def test_a_search_reads_its_matches_once_for_count_page_and_facets(client, settings, django_assert_max_num_queries):
    """Few matches: the index count, the newest matches (which give the total, the page's order and the section
    and year facets), the headline matches, the page's articles and bylines, and three facet counts."""
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    _rainy_archive(timezone.now())
    client.get("/search/", {"q": "rain"})  # the navigation, read once per content change
    with django_assert_max_num_queries(8):
        assert "35 results for" in client.get("/search/", {"q": "rain"}).content.decode()
    with django_assert_max_num_queries(7):  # no headline pass when sorting by date
        assert "35 results for" in client.get("/search/", {"q": "rain", "sort": "date", "page": 2}).content.decode()


def test_an_entry_knows_from_when_its_article_is_public(client):
    """public_since follows publish, schedule, unpublish and review (search.indexing.public_since)."""
    article = ArticleFactory(headline="Harbour", draft=True)
    since = lambda: SearchEntry.objects.get(article=article).public_since  # noqa: E731
    assert since() is None
    article.status, article.published_at = Article.Status.PUBLISHED, timezone.now() + datetime.timedelta(days=1)
    article.save()
    assert since() == article.published_at
    article.published_at = timezone.now() - datetime.timedelta(hours=1)
    article.save()
    assert since() == article.published_at and found(client, "harbour") == ["Harbour"]
    article.status = Article.Status.REVIEW
    article.save()
    assert since() is None and found(client, "harbour") == []


def test_an_entry_out_of_step_with_its_article_never_shows_a_draft(client):
    """The page's articles are loaded through Article.objects.published() again: an entry written outside the
    model's saves (an UPDATE by hand) cannot put a draft on the page."""
    ArticleFactory(headline="Harbour open")
    draft = ArticleFactory(headline="Harbour secret", draft=True)
    SearchEntry.objects.filter(article=draft).update(public_since=timezone.now() - datetime.timedelta(days=1))
    assert found(client, "harbour") == ["Harbour open"]


def test_postgresql_counts_pages_and_samples_in_one_read(client, settings, django_assert_max_num_queries):
    """On PostgreSQL the entries hold visibility: the count, the newest matches with their sections and the
    page's order come from one indexed read of search_searchentry; then the headline pass, the page's articles
    and bylines, and three facet counts."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's entries")
    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    _rainy_archive(timezone.now())
    client.get("/search/", {"q": "rain"})  # the navigation, read once per content change
    with django_assert_max_num_queries(7):
        assert "35 results for" in client.get("/search/", {"q": "rain"}).content.decode()
    with django_assert_max_num_queries(6):
        assert "35 results for" in client.get("/search/", {"q": "rain", "sort": "date", "page": 2}).content.decode()


def test_the_first_match_is_found_as_a_word_by_word_reading_finds_it():
    """Highlighter.first() skips words that cannot match (ASCII text: a token starts with its word's first
    letter); it finds exactly what reading every word finds, whatever joins or surrounds the words."""
    import random

    from search.highlight import Highlighter
    from search.text import WORD_RE

    rng = random.Random(5)
    words = ["market", "Markets", "happy", "happiness", "dying", "die", "skies", "sky", "AT&T", "Mayor's",
             "o'clock", "x'market", "_market", "2024", "gently", "ugly", "news", "A", "I", "talks", "talk"]  # fmt: skip
    glue = [" ", "  ", ", ", ". ", "-", "_", "'", "&", "(", ")", "/", "\n"]
    for _ in range(400):
        text = "".join(rng.choice(words) + rng.choice(glue) for _ in range(rng.randint(0, 30)))
        query = parse(" OR ".join(rng.sample(words, rng.randint(1, 3))))
        if not query:
            continue
        highlighter = Highlighter(query)
        every = [m.span() for m in WORD_RE.finditer(text) if highlighter._matches(m.group())]
        assert highlighter.first(text) == (every[0] if every else None), (text, query)
        start, end = sorted(rng.sample(range(len(text) + 1), 2)) if len(text) > 1 else (0, len(text))
        inside = [span for span in every if span[0] >= start and span[0] < end]
        assert highlighter.spans(text, start, end) == inside, (text, query, start, end)


def test_finding_the_first_match_checks_only_words_that_could_match(monkeypatch):
    """A long ASCII text is not tokenized word by word: only words with a query token's first letter are."""
    from search.highlight import Highlighter

    highlighter = Highlighter(parse("market"))
    checked = []
    original = Highlighter._matches
    monkeypatch.setattr(Highlighter, "_matches", lambda self, word: checked.append(word) or original(self, word))
    text = "Filler words here, then some of the others. " * 100 + "The markets moved."
    assert text[highlighter.first(text)[0] :].startswith("markets")
    assert len(checked) < 10


# --- facets as index tokens ------------------------------------------------------------------------------------


def test_facet_filters_are_looked_up_in_the_index_not_joined(client, settings, django_assert_max_num_queries):
    """A search narrowed by section, tag, source or author finds its articles through tokens the index holds
    for them (search.text.facet_token), so no query of the count or the page joins a link table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    article = ArticleFactory(headline="Flood defences", tags=["Rivers"], section=SectionFactory(name="Local"))
    CitationFactory(article=article, source=SourceFactory(name="Met Office"))
    author = AuthorFactory(name="Ann Reporter")
    BylineFactory(article=article, author=author)
    ArticleFactory(headline="Flood elsewhere", tags=["Coast"])
    filters = {"section": "local", "tag": "rivers", "source": "met-office", "author": author.slug}
    for name, value in filters.items():
        with CaptureQueriesContext(connection) as queries:
            assert found(client, "flood", **{name: value}) == ["Flood defences"], name
        links = ("articles_taggedarticle", "articles_citation", "articles_byline", '"articles_section"."slug" =')
        reads = [q["sql"] for q in queries.captured_queries if "search_fts" in q["sql"] or "@@" in q["sql"]]
        assert reads and not any(link in sql for sql in reads for link in links), (name, reads)


def test_facet_tokens_follow_renamed_slugs_and_new_links(client):
    article = ArticleFactory(headline="Flood defences", tags=["Rivers"])
    tag = Tag.objects.get(name="Rivers")
    tag.slug = "waterways"
    tag.save()
    assert found(client, "flood", tag="waterways") == ["Flood defences"]
    assert found(client, "flood", tag="rivers") == []
    article.tags.add("Storms")
    assert found(client, "flood", tag="storms") == ["Flood defences"]


def test_a_first_page_of_many_headline_matches_reads_no_count_of_them(monkeypatch, django_assert_max_num_queries):
    """When more headlines match than are listed by id (HEADLINE_IDS_INLINE), a page within the listed ones is cut
    from the list: no count of the headline matches, no read of the rest."""
    from search import results

    monkeypatch.setattr(results, "HEADLINE_IDS_INLINE", 3)
    now = timezone.now()
    for i in range(5):
        ArticleFactory(headline=f"Tide {i}", published_at=now - datetime.timedelta(hours=i + 1))
    ArticleFactory(headline="Calm", body="<p>tide</p>", published_at=now)
    found = results.SearchResults(parse("tide"))
    with django_assert_max_num_queries(3):  # the headline ids, the page's articles and their bylines
        assert [r.headline for r in found[0:2]] == ["<mark>Tide</mark> 0", "<mark>Tide</mark> 1"]
    assert [r.headline for r in found[2:6]] == [f"<mark>Tide</mark> {i}" for i in (2, 3, 4)] + ["Calm"]


def test_postgresql_facets_name_a_section_the_cached_list_does_not_know_yet(client, monkeypatch):
    from django.db import connection

    from search import results

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's entries")
    monkeypatch.setattr(results, "_sections", dict)  # as if read before another process added the section
    ArticleFactory(headline="Tide tables", section=SectionFactory(name="Coast"))
    html = client.get("/search/", {"q": "tide"}).content.decode()
    assert re.search(r">Coast</a> <span class=\"muted\">\(1\)", html)


def test_drafts_among_many_matches_are_counted_in_the_index(client, many, settings, monkeypatch):
    """The total of many matches less the drafts and articles in review: counted by their status tokens in the
    index (facet_token("status", ...)), not by joining the articles' status with every match."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search import results

    settings.NEWSROOM_PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(results, "FACET_SAMPLE", 2)  # the total is counted, not taken from the sample
    for i in range(3):
        ArticleFactory(headline=f"Flood {i}")
    ArticleFactory(headline="Flood draft", draft=True)
    ArticleFactory(headline="Flood review", review=True)
    ArticleFactory(headline="Flood scheduled", scheduled=True)
    with CaptureQueriesContext(connection) as queries:
        assert "3 results for" in client.get("/search/", {"q": "flood"}).content.decode()
    joined = [q["sql"] for q in queries.captured_queries if '"status" IN' in q["sql"] and "search_fts" in q["sql"]]
    assert connection.vendor != "sqlite" or not joined


@pytest.mark.parametrize(
    ("names", "value"),
    [
        (["Café"], "cafe"),  # FTS5's unicode61 folded accents: tag=cafe found articles tagged café
        (["Cafe"], "café"),
        (["Rivers"], "RIVERS"),  # ... and case: on PostgreSQL no tag RIVERS, on SQLite the rivers tag
        (["हिन्दी"], "ह"),  # ... and split at combining marks: ह was a prefix of हिन्दी
        (["น้ำท่วม"], "น"),
        (["Київ"], "киів"),
        (["Rivers"], "rivers"),
        (["snake_case-tag"], "snake_case-tag"),
    ],
)
def test_a_facet_filter_finds_exactly_what_an_article_filter_finds(client, names, value):
    """tag=<slug> gives the matches tagged with that very slug, as Article.objects.filter(tagged_items__tag__slug=)
    does: not another slug that folds, splits or cases to the same words."""
    ArticleFactory(headline="Flood defences", tags=names)
    expected = list(
        Article.objects.published().filter(tagged_items__tag__slug=value).values_list("headline", flat=True)
    )
    assert found(client, "flood", tag=value) == expected


@pytest.mark.parametrize("name", ["हिन्दी", "น้ำท่วม", "Київ", "Café"])
def test_facet_links_of_slugs_in_every_script_narrow_the_search(client, name):
    """The search form takes every slug the site makes (articles.text.validate_slug: combining marks
    included, as Hindi and Thai are written), so following a facet link narrows the search, never a form error."""
    ArticleFactory(headline="Flood defences", tags=[name])
    ArticleFactory(headline="Flood elsewhere")
    page = client.get("/search/", {"q": "flood"}).content.decode()
    slug = Tag.objects.get(name=name).slug
    link = re.search(r'href="(\?[^"]*tag=[^"]*)"', page).group(1)
    assert urllib.parse.parse_qs(html.unescape(link)[1:])["tag"] == [slug]
    narrowed = client.get("/search/" + html.unescape(link))
    assert "errorlist" not in narrowed.content.decode()
    assert found(client, "flood", tag=slug) == ["Flood defences"]
    nfd = unicodedata.normalize("NFD", slug)  # as macOS keyboards may send it
    assert found(client, "flood", tag=nfd) == ["Flood defences"]


@pytest.mark.parametrize(
    ("headline", "query"),
    [
        ("कुतुब मीनार", "किताब"),  # vowel signs: FTS5's unicode61 split words there, leaving क त ब on both sides
        ("किताब मेला", "कुतुब"),
        ("Łódź floods", "lodz"),  # ł has no decomposition: PostgreSQL keeps it, FTS5 removed it as a diacritic
        ("Søren speaks", "soren"),
    ],
)
def test_index_tokens_are_matched_as_written_on_both_databases(client, headline, query):
    """The index's tokens are search.text's (folded in Python), not re-split or re-folded by FTS5, so SQLite
    finds what PostgreSQL finds: words that differ in a vowel sign or a letter are different words."""
    from search.text import tokens

    ArticleFactory(headline=headline)
    assert not set(tokens(headline)) & set(tokens(query))
    assert found(client, query) == []
    assert found(client, headline.split()[0]) == [headline]


def test_a_fixture_that_renames_a_section_or_adds_an_alias_reindexes_their_articles(client, tmp_path):
    """loaddata saves rows raw; a renamed section (tag, author, source) or a new alias changes what the articles
    already in the database show, so they are indexed again, as after a rename on the desk."""
    import json

    article = ArticleFactory(headline="Tide tables", section=SectionFactory(name="Harbour", slug="harbour"))
    CitationFactory(article=article, source=SourceFactory(name="Port Authority", slug="port-authority"))
    fixture = tmp_path / "renames.json"
    fixture.write_text(
        json.dumps(
            [
                {"model": "articles.section", "fields": {"slug": "harbour", "name": "Waterfront"}},
                {"model": "articles.sourcealias", "fields": {"name": "Dockmasters", "source": ["port-authority"]}},
            ]
        )
    )
    call_command("loaddata", str(fixture), verbosity=0)
    assert found(client, "waterfront") == ["Tide tables"]
    assert found(client, "harbour") == []
    assert found(client, "dockmasters") == ["Tide tables"]
