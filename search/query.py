"""The query syntax readers type, parsed into a small tree that each engine turns into its own syntax.

- words: all must match (``flood warning``);
- ``"quoted phrases"`` with straight or curly quotes (“ ” „ « »); an unclosed quote runs to the end;
- ``-word`` or ``-"a phrase"``: must not match;
- ``OR`` (capitals) between two items: either matches (``kyiv OR kiev``); it binds tighter than the
  implicit AND, as on the big web search engines.

Every other character is a separator, so hostile input (operators only, SQL, NUL bytes) yields words or
nothing; nothing typed ever reaches an engine unquoted. Tokens come from :func:`search.text.word_tokens`.
"""

import re
from dataclasses import dataclass, field, replace

from .text import WORD_RE, word_tokens

MAX_ITEMS = 16  # words or phrases per query; more is no longer a search but a paste
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "″": '"', "＂": '"'})
_ITEM_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Phrase:
    """One word or a phrase: consecutive tokens, each ``(token, prefix)``."""

    tokens: tuple[tuple[str, bool], ...]


@dataclass
class Query:
    """``required``: every group must match, a group being alternatives (OR); ``excluded``: none may;
    ``facets``: every one must be the article's (search facets, never typed)."""

    required: list[list[Phrase]] = field(default_factory=list)
    excluded: list[Phrase] = field(default_factory=list)
    facets: list[str] = field(default_factory=list)  # facet tokens (search.text.facet_token) that must match too

    def __bool__(self):
        return bool(self.required)

    def with_facets(self, *tokens):
        """A copy of this query that must also match the facet ``tokens`` (search.text.facet_token)."""
        return replace(self, facets=[*self.facets, *tokens])

    @property
    def phrases(self):
        """Every phrase a match can show (for highlighting)."""
        return [phrase for group in self.required for phrase in group]


def _phrase(text):
    words = tuple(pair for m in WORD_RE.finditer(text) for pair in word_tokens(m.group()))
    return Phrase(words) if words else None


def parse(text: str) -> Query:
    """Parse what a reader typed. Never raises; a query with nothing to search for is falsy."""
    query = Query()
    pending_or = False
    for match in _ITEM_RE.finditer((text or "").translate(_QUOTES)):
        negated, quoted, bare = match.group(1) == "-", match.group(2), match.group(3)
        if bare == "OR":
            pending_or = bool(query.required)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = True, bare[1:]
        phrase = _phrase(quoted if bare is None else bare)
        if phrase is None:
            continue
        if negated:
            query.excluded.append(phrase)
        elif pending_or:
            query.required[-1].append(phrase)
        else:
            query.required.append([phrase])
        pending_or = False
        if len(query.required) + len(query.excluded) >= MAX_ITEMS:
            break
    return query
