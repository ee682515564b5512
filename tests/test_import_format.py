"""The plain-text article format (articles.textformat): pure functions, no database."""

import pytest

from articles.textformat import FormatError, ParsedArticle, decode, find_mentions, parse, parse_bytes

GOOD = "Headline\nThe dek\nFirst paragraph.\nSecond paragraph.\n- A background note.\n- Another note.\n- World\n"


def test_a_file_is_headline_dek_paragraphs_notes_and_section():
    assert parse(GOOD) == ParsedArticle(
        headline="Headline",
        dek="The dek",
        paragraphs=("First paragraph.", "Second paragraph."),
        notes=("A background note.", "Another note."),
        section="World",
    )


def test_bom_crlf_blank_lines_and_trailing_whitespace_do_not_matter():
    messy = "\ufeff" + GOOD.replace("\n", "  \t\r\n\r\n")
    assert parse_bytes(messy.encode()) == parse(GOOD)
    assert parse_bytes(GOOD.replace("\n", "\r").encode()) == parse(GOOD)


def test_a_dash_inside_the_body_is_a_paragraph_only_the_last_dash_lines_are_notes():
    parsed = parse("H\nD\n- not a note, the body goes on\nMore body.\n- Note\n- World")
    assert parsed.paragraphs == ("- not a note, the body goes on", "More body.")
    assert parsed.notes == ("Note",)


def test_text_is_kept_character_for_character():
    text = "Ціна — 5 € & “більше” <b>\nدک\nनमस्ते दुनिया\n北约 😀 ’\n- Новини"
    parsed = parse(text)
    assert (parsed.headline, parsed.dek, parsed.paragraphs, parsed.section) == (
        "Ціна — 5 € & “більше” <b>",
        "دک",
        ("नमस्ते दुनिया", "北约 😀 ’"),
        "Новини",
    )


@pytest.mark.parametrize(
    ("data", "problem", "line"),
    [
        (b"", "empty file", None),
        (b"  \r\n\n\t", "empty file", None),
        (b"\xef\xbb\xbf\n", "empty file", None),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "binary file (it contains NUL bytes)", None),
        (b"Headline\nDek\nCaf\xe9\n- News", "not UTF-8 text (byte 0xe9 at offset 16)", 3),
        ("Hi\n".encode("utf-16"), "not UTF-8 text (it is UTF-16: save it as UTF-8)", None),
        (b"Headline\nDek\nBody \x07 bell\n- News", "binary file (control character U+0007)", 3),
        (b"Headline only\n", "only a headline", 1),
        (b"Headline\nDek\n- Note\n- News", "no body paragraphs", 3),
        (b"Headline\nDek\nBody without a section", "no section line", 3),
        (b"Headline\nDek\nBody\n-\n- News", "empty `- ` line", 4),
        ("Ü".encode() * 301 + b"\nDek\nBody\n- News", "headline longer than 300 characters (301)", 1),
        (b"Headline\nDek\nBody\n- " + b"S" * 101, "section name longer than 100 characters", 4),
    ],
)
def test_bad_files_get_the_problem_and_its_line(data, problem, line):
    with pytest.raises(FormatError) as caught:
        parse_bytes(data)
    assert caught.value.problem.startswith(problem)
    assert caught.value.line == line
    assert str(caught.value) == (f"line {line}: " if line else "") + caught.value.problem


def test_a_headline_of_exactly_300_characters_is_fine():
    assert len(parse("Ü" * 300 + "\nDek\nBody\n- News").headline) == 300


def test_decode_reports_the_offset_after_a_byte_order_mark():
    with pytest.raises(FormatError, match=r"byte 0xc3 at offset 4"):
        decode(b"\xef\xbb\xbfA\xc3(")


NAMES = ["Reuters", "Thomson Reuters", "European Pravda", "Європейська правда", "AP", "新华社", "연합뉴스"]


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("Reuters reported, reports European Pravda.", ["Reuters", "European Pravda"]),
        ("Thomson Reuters said; later Reuters added", ["Thomson Reuters", "Reuters"]),
        ("Only Thomson Reuters here.", ["Thomson Reuters"]),
        ("Як повідомляє Європейська правда, (Reuters)", ["Європейська правда", "Reuters"]),
        ("reuters in lower case, Reutersville, APPLE, CAPS, AP's", ["AP"]),
        ("据新华社报道", ["新华社"]),
        ("연합뉴스는 보도했다", ["연합뉴스"]),
        ("Nothing here", []),
    ],
)
def test_sources_are_found_by_whole_name_in_order_of_first_mention(text, mentions):
    assert find_mentions([text], NAMES) == mentions


def test_names_match_across_unicode_normal_forms_and_not_inside_a_combined_letter():
    decomposed = "Европейская правда".replace("й", "и\u0306")
    assert find_mentions([decomposed], ["Европейская правда"]) == ["Европейская правда"]
    # "रॉयटर" followed by a virama is part of a longer Devanagari word, not the name.
    assert find_mentions(["रॉयटर्स ने बताया"], ["रॉयटर"]) == []
    assert find_mentions(["रॉयटर्स ने बताया"], ["रॉयटर्स"]) == ["रॉयटर्स"]


def test_body_mentions_come_before_headline_dek_and_notes():
    parsed = parse("AP: headline\nDek\nReuters reported.\n- News")
    assert find_mentions(parsed.texts, NAMES) == ["Reuters", "AP"]
