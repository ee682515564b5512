"""Snippets: the passage of an article that matched, escaped, with the matching words in ``<mark>``."""

import html
import itertools
import re

from django.utils.safestring import mark_safe

from .text import WORD_RE, word_tokens

SNIPPET_CHARS = 240
LEAD_CHARS = 60  # context shown before the first match


class Highlighter:
    """Finds the words of a text that match a query's words and phrases (excluded words are never shown)."""

    def __init__(self, query):
        tokens = [token for phrase in query.phrases for token in phrase.tokens]
        self.exact = {token for token, prefix in tokens if not prefix}
        self.prefixes = tuple(token for token, prefix in tokens if prefix)
        self._known = {}  # word as written -> whether it matches: a page of snippets repeats most of its words
        self._starts = _ascii_starts({token for token, _ in tokens})

    def _matches(self, word):
        known = self._known.get(word)
        if known is None:
            known = self._known[word] = any(
                token in self.exact or (bool(self.prefixes) and token.startswith(self.prefixes))
                for token, _ in word_tokens(word)
            )
        return known

    def spans(self, text, start=0, end=None):
        """``[(start, end), ...]`` of the matching words of ``text[start:end]``, as offsets into ``text``."""
        end = len(text) if end is None else end
        words = itertools.takewhile(lambda m: m.start() < end, self._candidates(text, start))
        return [(m.start(), m.end()) for m in words if self._matches(m.group())]

    def _candidates(self, text, start=0):
        """The words of ``text`` from ``start`` that could match, as WORD_RE matches: in ASCII text only those
        that begin with a token's first letter (see _ascii_starts), elsewhere every word."""
        if self._starts is not None and text.isascii():
            return (WORD_RE.match(text, m.start()) for m in self._starts.finditer(text, start))
        return WORD_RE.finditer(text, start)

    def first(self, text):
        """The ``(start, end)`` of the first matching word of ``text``, or None (reads no further).

        In ASCII text, only the words that begin with a token's first letter are read (``_candidates``): the
        regular expression skips the rest, so a long article costs a few checks, not one per word."""
        return next(((m.start(), m.end()) for m in self._candidates(text) if self._matches(m.group())), None)

    def highlight(self, text, spans=None, start=0, end=None):
        """``text[start:end]`` escaped, with the matched words marked. Returns safe HTML."""
        end = len(text) if end is None else end
        spans = self.spans(text) if spans is None else spans
        pieces, position = [], start
        for left, right in spans:
            if left < start or right > end:
                continue
            pieces += (html.escape(text[position:left]), "<mark>", html.escape(text[left:right]), "</mark>")
            position = right
        pieces.append(html.escape(text[position:end]))
        return mark_safe("".join(pieces))  # noqa: S308  (every piece of text escaped above)

    def snippet(self, text, size=SNIPPET_CHARS):
        """About ``size`` characters of ``text`` around its first match, with … where it was cut; "" if none."""
        first = self.first(text)
        if first is None:
            return ""
        start = max(0, first[0] - LEAD_CHARS)
        if start:
            start = text.find(" ", start, first[0]) + 1 or first[0]
        end = min(len(text), start + size)
        if end < len(text):
            end = text.rfind(" ", first[1], end) if text.rfind(" ", first[1], end) > 0 else end
        marked = self.highlight(text, self.spans(text, start, end), start, end)
        return mark_safe(("… " if start else "") + marked + (" …" if end < len(text) else ""))  # noqa: S308


def _ascii_starts(tokens):
    """A pattern finding, in ASCII text, the start of every word (as WORD_RE reads them) whose first letter is
    the first letter of one of ``tokens``; None when a token is not ASCII (other scripts fold and split words
    in ways a first letter does not predict).

    Sound because an ASCII word's token begins with the word's own first letter, lower-cased: folding keeps
    ASCII letters, and the Snowball English stemmer only rewrites endings (its exceptional forms too:
    "dying" -> "die", "skies" -> "sky"; https://snowballstem.org/algorithms/english/stemmer.html). A word
    starts where no letter or digit precedes, nor a letter or digit with the ' or & that joins it (AT&T).
    """
    if not tokens or not all(token.isascii() and token for token in tokens):
        return None
    initials = "".join(sorted({token[0] for token in tokens}))
    return re.compile(rf"(?<![A-Za-z0-9])(?<![A-Za-z0-9]['&])[{re.escape(initials)}]", re.IGNORECASE)
