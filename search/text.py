"""Words as the index sees them: visible text out of HTML, folded, stemmed. Indexing and queries share it.

One function, :func:`normalize`, turns a word as written into the token stored in (and looked up in) the
index, on SQLite and PostgreSQL alike, so both databases hold the same tokens and give the same results:

- case and accents are folded in every script (NFKD, combining marks dropped, Unicode case folding), here
  only: neither database splits a token or folds its accents again (SQLite's FTS5 tokenizer keeps marks,
  search.engines.sqlite);
- ' and ’ are the same, and an apostrophe or ``&`` inside a word joins it (``Mayor’s``, ``AT&T``);
- Latin-script words are stemmed with the Snowball English stemmer (``negotiations`` -> ``negoti``), the
  algorithm of PostgreSQL's ``english`` configuration (https://snowballstem.org/algorithms/english/stemmer.html);
- Cyrillic words lose a common Ukrainian/Russian inflectional ending (``ПриватБанку`` -> ``приватбанк``) and
  are looked up by prefix, so a word finds its other endings by its stem. Words of other scripts are folded and
  looked up by prefix too (CJK text often has no spaces between words).
"""

import functools
import html
import itertools
import re
import unicodedata
from html.parser import HTMLParser

import snowballstemmer

# Letters and digits of every script plus the combining marks that belong inside words (Latin, Cyrillic,
# Hebrew, Arabic, Indic, Thai), so a word with a mark stays one word.
_WORD_CHAR = (
    r"[^\W_]|[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    r"\u0900-\u0dff\u0e31-\u0e4e\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
# A word: word characters, possibly joined by an apostrophe or an ampersand (Mayor's, AT&T, обов'язок).
WORD_RE = re.compile(rf"(?:{_WORD_CHAR})+(?:['’ʼ&](?:{_WORD_CHAR})+)*")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})

# Common inflectional endings of Ukrainian and Russian, after folding (й -> и, ї -> і, ё -> е), longest first.
_CYRILLIC_ENDINGS = sorted(
    {
        "ями", "ами", "ого", "ому", "ими", "ыми", "его", "ему", "ієї", "ии", "іи", "ои", "еи", "ах", "ях",
        "ам", "ям", "ом", "ем", "ою", "ею", "ов", "ев", "ів", "их", "ых", "ім", "ым", "им", "ую", "юю",
        "ая", "яя", "ое", "ее", "а", "я", "о", "е", "у", "ю", "і", "и", "ы", "ь",
    },
    key=len,
    reverse=True,
)  # fmt: skip
MIN_STEM = 3  # a Cyrillic stem keeps at least this many letters
MAX_TOKEN = 100  # longer "words" (pasted hashes, base64) are not words; PostgreSQL refuses lexemes over 2 KB
MAX_TOKENS = 100_000  # per field; keeps a PostgreSQL tsvector far below its 1 MB limit

_english = snowballstemmer.stemmer("english")


class _TextExtractor(HTMLParser):
    """The text a reader sees: character data only, block boundaries as line breaks."""

    BLOCKS = {"p", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "pre",
              "figure", "figcaption", "div", "tr", "td", "th"}  # fmt: skip
    SKIP = {"script", "style", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(markup: str) -> str:
    """The visible text of an HTML fragment: tags and attributes dropped (never ``href``), entities
    unescaped (``AT&amp;T`` -> ``AT&T``), blocks separated by newlines, runs of spaces collapsed."""
    if "<" not in (markup or "") and "&" not in (markup or ""):
        return " ".join((markup or "").split())
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in html.unescape("".join(parser.parts)).split("\n"))
    return "\n".join(line for line in lines if line)


def fold(word: str) -> str:
    """Case- and accent-folded NFC text: ``Ÿ́ÉCOLE`` -> ``yecole``, ’ -> '."""
    word = word.translate(_APOSTROPHES)
    if not word.isascii():
        decomposed = unicodedata.normalize("NFKD", word)
        word = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
    return word.casefold()


def _cyrillic(word):
    return "\u0400" <= word[0] <= "\u04ff"


@functools.lru_cache(maxsize=65536)
def normalize(word: str) -> tuple[str, bool]:
    """The index token of one word as written, and whether a query should match it by prefix.

    ``"Negotiations"`` -> ``("negoti", False)``; ``"ПриватБанку"`` -> ``("приватбанк", True)``; a word of
    punctuation only -> ``("", False)``.
    """
    folded = fold(word)
    if len(folded) > MAX_TOKEN:
        return "", False
    if folded.isascii():
        return _english.stemWord(folded).replace("'", "").replace("&", ""), False
    folded = folded.replace("'", "").replace("&", "")
    if folded and _cyrillic(folded):
        for ending in _CYRILLIC_ENDINGS:
            if folded.endswith(ending) and len(folded) - len(ending) >= MIN_STEM:
                return folded[: -len(ending)], True
    return folded, True


# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, kana, CJK, Hangul syllables): a
# "word" there is a whole run of text, so it is indexed as overlapping pairs of letters (bigrams, as CJK search
# engines do), and a query word becomes the phrase of its pairs: a word is found in the middle of a run.
_UNSPACED = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)


@functools.lru_cache(maxsize=65536)
def word_tokens(word: str) -> tuple[tuple[str, bool], ...]:
    """The index tokens of one word as written, each with whether a query matches it by prefix: one token
    (:func:`normalize`), or the letter pairs of a run of a script written without spaces."""
    folded = fold(word).replace("'", "").replace("&", "")
    if _UNSPACED.search(folded) and len(folded) > 2:
        return tuple((folded[i : i + 2], False) for i in range(len(folded) - 1))
    token, prefix = normalize(word)
    return ((token, prefix),) if token else ()


def tokens(text: str) -> list[str]:
    """The index tokens of ``text``, in order (positions matter for phrases)."""
    found = (token for m in WORD_RE.finditer(text or "") for token, _ in word_tokens(m.group()))
    return [token for token in found if token][:MAX_TOKENS]


# Joins two adjacent tokens into one pair token. A private-use character: never typed or stored by readers
# (fold() keeps it, but WORD_RE does not count it as part of a word, so no query word can contain it), and a
# token character to FTS5's unicode61 tokenizer (which splits only on spaces and punctuation).
PAIR = "\ue000"


def pairs(tokens: list[str]) -> list[str]:
    """Each two adjacent tokens as one pair token, in order: ``["harbour", "pilot", "strike"]`` ->
    ``["harbour\ue000pilot", "pilot\ue000strike"]``.

    Indexed beside the tokens, they let a quoted phrase be looked up like a word, one index read per pair,
    instead of comparing word positions in every article that holds all its words (for two common words,
    a quarter of the archive). The same "shingles" full-text engines use for phrase search.
    """
    return [f"{first}{PAIR}{second}" for first, second in itertools.pairwise(tokens)]


# Marks a facet token (see facet_token). A private-use character, like PAIR: never part of a query word.
FACET = "\ue001"


def facet_token(kind: str, slug: str) -> str:
    """The index token saying an article belongs to the section, tag, source or author ``slug`` (``kind``:
    "section", "tag", "source" or "author"): ``facet_token("tag", "met-office")`` ->
    ``"\ue001tag\ue0016d65742d6f6666696365"``.

    Indexed with the article's words (without positions), so a search narrowed by a facet is one more token to
    intersect in the index (FTS5's doclists, a GIN posting list), not a join of every match with a link table.
    The slug is written as the lower-case hex of its UTF-8 bytes: FTS5's unicode61 tokenizer folds case and
    accents and splits words at combining marks, so the slug itself would make ``Café``, ``cafe`` and ``CAFE``
    one token and ``ह`` a prefix of ``हिन्दी``; hex digits it keeps as they are, so a facet token matches
    exactly the slug an Article filter would (the same on PostgreSQL). At most 2 x 600 + 9 characters
    (slugs are at most 600 characters percent-encoded), within PostgreSQL's 2 KB lexeme.
    """
    return f"{FACET}{kind}{FACET}{slug.encode().hex()}"
