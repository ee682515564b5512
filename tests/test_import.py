"""`manage.py import_articles`: plain-text files in, articles out, all files or none."""

import datetime
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from reversion.models import Version

from articles import services
from articles.models import Article, BackgroundNote, Citation, Section
from articles.text import paragraphs_to_html
from tests.conftest import need
from tests.factories import ArticleFactory, SectionFactory, SourceAliasFactory, SourceFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.datetime(2024, 12, 2, 8, 0, tzinfo=datetime.UTC)
GOOD = "NATO meets in Brussels\nMinisters talk about aid\nFirst paragraph.\nSecond paragraph.\n- A note.\n- World\n"
FILES = {
    "uk.txt": (
        "Рютте: НАТО зосередиться на допомозі Україні\n"
        "Членство України не обговорюватимуть\n"
        "Про це повідомляє Європейська правда.\n"
        "Раніше Thomson Reuters писало про зустріч.\n"
        "- Новини"
    ),
    "zh.txt": "北约部长级会议将聚焦援助\n乌克兰的未来在北约\n吕特表示，援助优先。\n- 新闻",
    "ar.txt": "اجتماع الناتو يركّز على المساعدات\nمستقبل أوكرانيا في الناتو\nقال روته إن الأولوية للمساعدات.\n- أخبار",
    "hi.txt": "नाटो की बैठक में यूक्रेन पर चर्चा\nसहायता पर ध्यान\nरुटे ने कहा कि सहायता प्राथमिकता है।\n- समाचार",
}
BAD = {
    "empty.txt": (b"", "empty.txt: empty file"),
    "no-body.txt": (b"Headline\nDek\n- News\n", "no-body.txt: line 3: no body paragraphs"),
    "binary.png": (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", "binary.png: binary file"),
    "latin1.txt": ("Café\nDek\nBody\n- News".encode("latin-1"), "latin1.txt: line 1: not UTF-8 text (byte 0xe9 at"),
    "long.txt": (("H" * 301 + "\nDek\nBody\n- News").encode(), "long.txt: line 1: headline longer than 300"),
    "no-section.txt": (b"Headline\nDek\nBody\n", "no-section.txt: line 3: no section line"),
}


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def run(*args, **options):
    out = io.StringIO()
    call_command("import_articles", *map(str, args), stdout=out, **options)
    return out.getvalue()


def test_a_file_becomes_a_draft_with_its_paragraphs_notes_and_section(tmp_path):
    path = write(tmp_path, "good.txt", GOOD)
    output = run(path)
    article = Article.objects.get()
    assert f"[1/1] {path} -> nato-meets-in-brussels" in output
    assert "Imported 1 draft article(s); skipped 0" in output
    assert (article.headline, article.dek, article.slug) == (
        "NATO meets in Brussels",
        "Ministers talk about aid",
        "nato-meets-in-brussels",
    )
    assert article.body == "<p>First paragraph.</p>\n<p>Second paragraph.</p>"
    assert (article.status, article.published_at) == (Article.Status.DRAFT, None)
    assert [note.text for note in article.notes.all()] == ["A note."]
    assert article.section.name == "World"
    assert not Article.objects.published().exists()


@time_machine.travel(NOW, tick=False)
def test_publish_makes_the_articles_public_now(tmp_path, client):
    run(write(tmp_path, "a.txt", GOOD), write(tmp_path, "b.txt", GOOD.replace("NATO", "EU")), publish=True)
    assert Article.objects.published().count() == 2
    assert set(Article.objects.values_list("published_at", flat=True)) == {NOW}
    assert client.get(Article.objects.first().get_absolute_url()).status_code == 200


def test_an_existing_section_is_reused_ignoring_case_in_any_script(tmp_path):
    world, news = SectionFactory(name="world"), SectionFactory(name="НОВИНИ")
    run(write(tmp_path, "a.txt", GOOD), write(tmp_path, "uk.txt", FILES["uk.txt"]))
    assert Section.objects.count() == 2
    assert {a.section for a in Article.objects.all()} == {world, news}


@pytest.mark.parametrize("name", FILES)
def test_non_english_files_get_a_working_slug_and_page(tmp_path, client, name):
    run(write(tmp_path, name, FILES[name]), publish=True)
    article = Article.objects.get()
    assert article.slug and article.slug != "article"
    assert article.headline == FILES[name].splitlines()[0]
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.headline in response.content.decode()


def test_bom_and_crlf_files_import_like_plain_ones(tmp_path):
    run(write(tmp_path, "crlf.txt", b"\xef\xbb\xbf" + GOOD.replace("\n", "  \r\n\r\n").encode()))
    article = Article.objects.get()
    assert article.headline == "NATO meets in Brussels"
    assert article.body == "<p>First paragraph.</p>\n<p>Second paragraph.</p>"
    assert article.section.name == "World"


def test_hostile_text_is_stored_escaped_and_shown_literally(tmp_path, client):
    text = (
        "<script>pwnedHeadline()</script> & “quotes” 😀\n"
        "Dek with <b>tags</b> & 'quotes'\n"
        '<script>pwnedBody()</script> <img src=x onerror="pwnedImg()"> AT&T <i>literal</i>\n'
        + "Supercalifragilistic" * 50
        + "\n- <a href='javascript:pwnedNote()'>note</a>\n- <Section> & Co"
    )
    run(write(tmp_path, "hostile.txt", text), publish=True)
    article = Article.objects.get()
    assert article.headline == "<script>pwnedHeadline()</script> & “quotes” 😀"
    assert article.body.startswith("<p>&lt;script&gt;pwnedBody()&lt;/script&gt; &lt;img src=x onerror=")
    assert "AT&amp;T &lt;i&gt;literal&lt;/i&gt;</p>" in article.body
    assert article.section.name == "<Section> & Co"
    html = client.get(article.get_absolute_url()).content.decode()
    assert "&lt;script&gt;pwnedBody()&lt;/script&gt;" in html
    assert "&lt;script&gt;pwnedHeadline()&lt;/script&gt;" in html
    for payload in ("<script>pwned", "<img src=x", "<a href='javascript", "<i>literal"):
        assert payload not in html


def test_sources_named_in_the_text_or_by_an_alias_are_cited_in_order_of_mention(tmp_path):
    pravda = SourceAliasFactory(source=SourceFactory(name="European Pravda"), name="Європейська правда").source
    reuters = SourceAliasFactory(source=SourceFactory(name="Reuters"), name="Thomson Reuters").source
    SourceFactory(name="Associated Press")  # not mentioned
    run(write(tmp_path, "uk.txt", FILES["uk.txt"]))
    citations = Citation.objects.order_by("order")
    assert [(c.source, c.role, c.order) for c in citations] == [
        (pravda, Citation.Role.PRIMARY, 0),
        (reuters, Citation.Role.SECONDARY, 1),
    ]


def test_importing_the_seed_gives_the_fixture_text(tmp_path):
    seed = ROOT.parent / "shared" / "seed" / "000_7aa6fcb4fa6a78e7.txt"
    need(seed.exists(), f"the seed article {seed} is not on this machine")
    SourceFactory(name="European Pravda")
    SourceFactory(name="Reuters")
    run(seed)
    imported = Article.objects.get()
    lines = [line for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert (imported.headline, imported.dek) == (lines[0], lines[1])
    assert imported.body == paragraphs_to_html(lines[2:13])
    assert [n.text for n in imported.notes.all()] == [lines[13].removeprefix("- ")]
    assert imported.section.name == "News"
    assert [(c.source.name, c.role) for c in imported.citations.all()] == [
        ("European Pravda", "primary"),
        ("Reuters", "secondary"),
    ]


@pytest.mark.parametrize("name", BAD)
def test_each_bad_file_is_named_with_its_problem_and_nothing_is_saved(tmp_path, name):
    content, message = BAD[name]
    with pytest.raises(CommandError) as caught:
        run(write(tmp_path, "good.txt", GOOD), write(tmp_path, name, content))
    assert str(tmp_path / message) in str(caught.value)
    assert "Nothing was imported: 1 of 2 file(s) cannot be imported:" in str(caught.value)
    assert not Article.objects.exists()
    assert not Section.objects.exists()


def test_every_bad_file_is_reported_at_once_and_good_ones_are_not_saved(tmp_path):
    good = [write(tmp_path, f"good{i}.txt", GOOD.replace("NATO", f"NATO {i}")) for i in range(3)]
    bad = [write(tmp_path, name, content) for name, (content, _) in BAD.items()]
    missing, folder = tmp_path / "missing.txt", tmp_path
    with pytest.raises(CommandError) as caught:
        run(*good, *bad, missing, folder)
    message = str(caught.value)
    for _, problem in BAD.values():
        assert str(tmp_path / problem) in message
    assert f"{missing}: no such file or directory" in message
    assert f"{folder}: is a directory" in message
    assert not any(path.name in message for path in good)
    assert (Article.objects.count(), Section.objects.count(), BackgroundNote.objects.count()) == (0, 0, 0)


def test_a_database_failure_half_way_rolls_back_the_whole_run(tmp_path, monkeypatch):
    real_create = services._create_article

    def fail_on_second(parsed, *args, **kwargs):
        if parsed.headline.startswith("Second"):
            raise RuntimeError("the database went away")
        return real_create(parsed, *args, **kwargs)

    monkeypatch.setattr(services, "_create_article", fail_on_second)
    with pytest.raises(RuntimeError):
        run(write(tmp_path, "1.txt", GOOD), write(tmp_path, "2.txt", GOOD.replace("NATO", "Second")))
    assert not Article.objects.exists()
    assert not Section.objects.exists()


def test_reimporting_skips_articles_with_the_same_headline_in_any_case(tmp_path):
    path = write(tmp_path, "uk.txt", FILES["uk.txt"])
    run(path)
    article = Article.objects.get()
    article.body = "<p>Edited by the desk.</p>"
    article.save()
    shouted = write(tmp_path, "upper.txt", FILES["uk.txt"].replace("Рютте: НАТО", "РЮТТЕ: нато"))
    output = run(path, shouted)
    assert f"[1/2] {path}: skipped, an article with this headline exists: {article.slug}" in output
    assert f"[2/2] {shouted}: skipped, an article with this headline exists: {article.slug}" in output
    assert "Imported 0 draft article(s); skipped 2 whose headline already exists." in output
    assert Article.objects.get().body == "<p>Edited by the desk.</p>"


def test_the_same_headline_twice_in_one_run_makes_one_article(tmp_path):
    result = services.import_articles([write(tmp_path, "a.txt", GOOD), write(tmp_path, "b.txt", GOOD)])
    assert [f.created for f in result.files] == [True, False]
    assert result.skipped[0].slug == result.created[0].slug == Article.objects.get().slug


def test_a_new_headline_like_an_old_slug_still_gets_its_own_article(tmp_path):
    ArticleFactory(headline="NATO meets in Brussels!")
    run(write(tmp_path, "a.txt", GOOD))
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "nato-meets-in-brussels",
        "nato-meets-in-brussels-2",
    ]


def test_verbosity_zero_prints_nothing(tmp_path):
    assert run(write(tmp_path, "a.txt", GOOD), verbosity=0) == ""
    assert Article.objects.count() == 1


def test_the_command_exits_non_zero_with_the_problem_on_stderr(tmp_path):
    """As a shell sees it. Nothing is read from the database: files are checked first."""
    empty = write(tmp_path, "empty.txt", b"")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_articles", str(empty)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert f"{empty}: empty file" in result.stderr
    assert result.stdout == ""


def test_an_imported_article_starts_its_history_with_its_notes_and_citations(tmp_path):
    SourceFactory(name="Reuters")
    run(write(tmp_path, "wire.txt", GOOD.replace("First paragraph.", "Reuters reported it.")))
    article = Article.objects.get()
    version = Version.objects.get_for_object(article).get()
    assert version.revision.comment == "Imported from wire.txt"
    kept = {v.content_type.model for v in version.revision.version_set.all()}
    assert kept == {"article", "backgroundnote", "citation", "section", "source"}  # named even if merged later


def test_each_file_costs_the_same_few_queries(tmp_path, django_assert_max_num_queries):
    SourceFactory(name="Reuters")
    paths = [write(tmp_path, f"{i}.txt", GOOD.replace("NATO", f"NATO {i}")) for i in range(20)]
    with django_assert_max_num_queries(25 * len(paths) + 15):
        run(*paths)
    assert Article.objects.count() == 20


def test_an_oversized_file_or_a_device_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "IMPORT_MAX_FILE_BYTES", 1000)
    big = write(tmp_path, "big.txt", GOOD * 100)
    with pytest.raises(CommandError) as caught:
        run(big, "/dev/zero")
    assert f"{big}: file too large (over 1,000 bytes)" in str(caught.value)
    assert "/dev/zero: file too large" in str(caught.value)


@pytest.mark.parametrize(("stored", "typed"), [("Straße closed", "STRASSE CLOSED"), ("Oﬃce hours", "OFFICE HOURS")])
def test_a_headline_is_the_same_when_case_folding_changes_its_length(tmp_path, stored, typed):
    """Full case folding may lengthen a word (ß -> ss, ﬃ -> ffi): the duplicate check still sees it."""
    from tests.factories import ArticleFactory

    article = ArticleFactory(headline=stored)
    path = write(tmp_path, "again.txt", f"{typed}\nDek\nBody.\n- News\n")
    assert f"skipped, an article with this headline exists: {article.slug}" in run(path)


def test_a_byline_name_is_the_same_when_case_folding_changes_its_length():
    from articles.models import Author
    from articles.services import find_by_name

    author = Author.objects.create(name="Jürgen Weiß")
    assert find_by_name(Author.objects.all(), "JÜRGEN WEISS") == author


def test_an_imported_file_with_an_unclosed_bidirectional_control_is_refused(tmp_path):
    """The desk refuses it (Trojan Source, CVE-2021-42574); an import must not let it in either."""
    path = write(tmp_path, "rlo.txt", "Invoice \u202egnp.exe\nDek\nBody.\n- News\n")
    with pytest.raises(CommandError, match=r"rlo.txt: line 1: .*U\+202E"):
        run(path)
    assert not Article.objects.exists()
