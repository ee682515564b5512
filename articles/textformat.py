"""The plain-text article format, read into a ParsedArticle. Pure functions: no database, no files.

Line 1 is the headline, line 2 the dek, then one body paragraph per line, then lines starting with
``- ``: background notes, the last of which names the section. Blank lines are ignored, trailing
whitespace is dropped, a UTF-8 byte order mark and CRLF line endings are accepted.
"""

import unicodedata
from dataclasses import dataclass

from .text import unbalanced_bidi_controls

HEADLINE_MAX_LENGTH = 300  # Article.headline
SECTION_MAX_LENGTH = 100  # Section.name
NOTE_PREFIX = "- "
BOM = b"\xef\xbb\xbf"
# Tab and the line breaks are the only control characters plain text needs; any other one means the
# file is not text, and some (e.g. U+0000, U+000B) would break PostgreSQL or the XML of feeds.
ALLOWED_CONTROLS = {"\t", "\n", "\r"}
# Scripts written without spaces between words (and Korean, whose particles attach to names):
# a source's name there may touch the letters around it.
UNSPACED_SCRIPTS = ("CJK ", "HIRAGANA", "KATAKANA", "HALFWIDTH KATAKANA", "HANGUL", "THAI", "LAO", "KHMER", "MYANMAR")


class FormatError(ValueError):
    """A file that is not an article in the plain-text format; ``line`` is 1-based when known."""

    def __init__(self, problem, line=None):
        super().__init__(problem)
        self.problem = problem
        self.line = line

    def __str__(self):
        return f"line {self.line}: {self.problem}" if self.line else self.problem


@dataclass(frozen=True)
class ParsedArticle:
    headline: str
    dek: str
    paragraphs: tuple[str, ...]
    notes: tuple[str, ...]
    section: str

    @property
    def texts(self):
        """Every piece of text, body first: the order in which sources count as mentioned."""
        return (*self.paragraphs, self.headline, self.dek, *self.notes)


def decode(data: bytes) -> str:
    """The text of ``data``, or a FormatError saying why it is not UTF-8 text."""
    if not data.strip(b" \t\r\n" + BOM):
        raise FormatError("empty file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormatError("not UTF-8 text (it is UTF-16: save it as UTF-8)")
    if b"\0" in data:
        raise FormatError("binary file (it contains NUL bytes)")
    start = len(BOM) if data.startswith(BOM) else 0
    try:
        text = data[start:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = start + error.start
        problem = f"not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset})"
        raise FormatError(problem, _line_at(data, offset)) from None
    for number, line in enumerate(_lines(text), start=1):
        bad = next((c for c in line if unicodedata.category(c) == "Cc" and c not in ALLOWED_CONTROLS), None)
        if bad:
            raise FormatError(f"binary file (control character U+{ord(bad):04X})", number)
        unbalanced = unbalanced_bidi_controls(line)  # the desk's rule (articles.text.control_characters)
        if unbalanced:
            raise FormatError(
                f"bidirectional control never closed or closing nothing ({', '.join(unbalanced)})", number
            )
    return text


def parse(text: str) -> ParsedArticle:
    """Read one article from ``text``; a FormatError names the first problem and its line."""
    lines = [(n, line.strip()) for n, line in enumerate(_lines(text.removeprefix("\ufeff")), start=1)]
    lines = [(n, line) for n, line in lines if line]
    if not lines:
        raise FormatError("empty file")
    (headline_line, headline), *rest = lines
    if len(headline) > HEADLINE_MAX_LENGTH:
        raise FormatError(f"headline longer than {HEADLINE_MAX_LENGTH} characters ({len(headline)})", headline_line)
    if not rest:
        raise FormatError("only a headline: the dek, body paragraphs and a `- Section` line must follow", headline_line)
    (dek_line, dek), *rest = rest
    split = len(rest)
    while split and _is_note(rest[split - 1][1]):
        split -= 1
    body, notes = rest[:split], rest[split:]
    last_line = lines[-1][0]
    if not notes:
        raise FormatError("no section line: the last line must be `- Section name`", last_line)
    if not body:
        raise FormatError("no body paragraphs between the dek and the `- ` lines", dek_line + 1)
    notes = [(n, line[1:].strip()) for n, line in notes]
    for number, note in notes:
        if not note:
            raise FormatError("empty `- ` line", number)
    section_line, section = notes.pop()
    if len(section) > SECTION_MAX_LENGTH:
        raise FormatError(f"section name longer than {SECTION_MAX_LENGTH} characters", section_line)
    return ParsedArticle(
        headline=headline,
        dek=dek,
        paragraphs=tuple(line for _, line in body),
        notes=tuple(note for _, note in notes),
        section=section,
    )


def parse_bytes(data: bytes) -> ParsedArticle:
    return parse(decode(data))


def find_mentions(texts, names):
    """The ``names`` that occur in ``texts``, in order of first mention.

    Whole words and case-sensitive; where two names overlap the longer wins, so "Thomson Reuters"
    is one mention, not also one of "Reuters". Both sides are compared in NFC, so a name typed with
    precomposed letters matches text written with combining marks.
    """
    text = unicodedata.normalize("NFC", "\n".join(texts))
    found = []
    for name in names:
        needle = unicodedata.normalize("NFC", name.strip())
        start = text.find(needle) if needle else -1
        while start != -1:
            end = start + len(needle)
            if _word_edge(text, start - 1, needle[0]) and _word_edge(text, end, needle[-1]):
                found.append((start, -len(needle), end, name))
            start = text.find(needle, start + 1)
    mentions, taken_until = [], 0
    for start, _, end, name in sorted(found):
        if start >= taken_until:
            taken_until = end
            if name not in mentions:
                mentions.append(name)
    return mentions


def _is_note(line):
    return line.startswith(NOTE_PREFIX) or line == NOTE_PREFIX.strip()


def _lines(text):
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _line_at(data: bytes, offset: int) -> int:
    return len(_lines(data[:offset].decode("latin-1")))


def _is_word_char(char):
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def _unspaced(char):
    return unicodedata.name(char, "").startswith(UNSPACED_SCRIPTS)


def _word_edge(text, index, name_char):
    """Whether the name's edge character ``name_char`` may sit next to ``text[index]``."""
    if index < 0 or index >= len(text):
        return True
    neighbour = text[index]
    if not (_is_word_char(neighbour) and _is_word_char(name_char)):
        return True
    return _unspaced(neighbour) or _unspaced(name_char)
