"""Highlighted extracts in the language of the match.

The query's terms are matched against the document's own text with the same
analysis the index used, so a stemmed or normalised match (``councils`` for
``council``, ``أشخاص`` for ``اشخاص``) is highlighted where it stands. The extract is
HTML-escaped and the matches are wrapped in ``<mark>``.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from hemicycle.search.analysis import term_spans

WIDTH = {"zh": 120}
DEFAULT_WIDTH = 240
# characters analysed at a time while looking for the first match, the pieces growing
# (most matches are near the start); a match only further on (or only in the title) shows
# the beginning
CHUNKS = (500, 1000, 2000, 4000, 8000, 8500)
MAX_SPANS = 500


@dataclass
class Matcher:
    """The terms (and prefixes) a query looks for in one language."""

    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes)

    def matches(self, term: str) -> bool:
        if term in self.terms:
            return True
        return bool(self.prefixes) and term.startswith(tuple(self.prefixes))

    def test(self) -> Callable[[str], bool]:
        """``matches``, as a plain set lookup when there are no prefixes (fast)."""
        return self.terms.__contains__ if not self.prefixes else self.matches


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    if not spans:
        return 0, min(len(text), width)
    best, best_count, j = 0, 0, 0
    for i, (start, _end) in enumerate(spans):
        while j < len(spans) and spans[j][1] <= start + width:
            j += 1
        if j - i > best_count:
            best, best_count = i, j - i
    # some context before the first match, and a full window where the text allows
    start = max(0, min(spans[best][0] - width // 5, len(text) - width))
    if start > 0:
        space = text.rfind(" ", max(0, start - 20), start)
        start = space + 1 if space >= 0 else start
    # never cut off the last match of the chosen cluster
    last = spans[best + best_count - 1][1]
    end = min(len(text), max(start + width, last))
    if end < len(text):
        space = text.find(" ", max(end - 20, last), end)
        end = space if space > start else end
    return start, end


def _zh_spans(text: str, matcher: Matcher) -> list[tuple[int, int]] | None:
    """Chinese units are the text's own character pairs: find them directly (fast)."""
    lower = text.lower()
    if len(lower) != len(text):
        return None  # a character whose lower case is longer: take the general way
    spans = []
    for term in (*matcher.terms, *matcher.prefixes):
        start = lower.find(term)
        while start != -1 and len(spans) < MAX_SPANS:
            spans.append((start, start + len(term)))
            start = lower.find(term, start + 1)
    return spans


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """``text`` in pieces of ``CHUNKS`` characters (as far as they reach), cut at white
    space, each cut when it is asked for (most snippets need the first only)."""
    start = 0
    for size in CHUNKS:
        if start >= len(text):
            return
        end = text.find(" ", start + size) if start + size < len(text) else -1
        end = len(text) if end == -1 else end
        yield start, text[start:end]
        start = end


def _spans(lang: str, text: str, matcher: Matcher) -> list[tuple[int, int]]:
    """Where the query's terms occur, looking no further than the first piece of text
    that has any (a long document is not analysed whole for one extract)."""
    if lang == "zh":
        spans = _zh_spans(text, matcher)
        if spans is not None:
            return _merge(spans)
    test = matcher.test()
    for offset, chunk in _chunks(text):
        spans = [(offset + s, offset + e) for _, s, e in term_spans(lang, chunk, test)]
        if spans:
            return _merge(spans)
    return []


def snippet_plain(lang: str, text: str, matcher: Matcher) -> tuple[str, list[tuple[int, int]]]:
    """An extract of ``text`` around the densest matches, as plain text, with the
    (start, end) character offsets of the matches within the extract."""
    if not text:
        return "", []
    width = WIDTH.get(lang, DEFAULT_WIDTH)
    spans = _spans(lang, text, matcher) if matcher else []
    start, end = _window(text, spans, width)
    lead = "…" if start > 0 else ""
    body = text[start:end].replace("\n", " ")
    marks = [(max(s, start) - start + len(lead), min(e, end) - start + len(lead))
             for s, e in spans if e > start and s < end]
    return lead + body + ("…" if end < len(text) else ""), marks


def snippet_html(lang: str, text: str, matcher: Matcher) -> str:
    """The extract of ``snippet_plain``, escaped, matches in <mark>."""
    plain, marks = snippet_plain(lang, text, matcher)
    return html_of(plain, marks)


def html_of(plain: str, marks: list[tuple[int, int]]) -> str:
    parts, cursor = [], 0
    for s, e in marks:
        parts.append(html.escape(plain[cursor:s]))
        parts.append(f"<mark>{html.escape(plain[s:e])}</mark>")
        cursor = e
    parts.append(html.escape(plain[cursor:]))
    return "".join(parts)
