"""Extracts from long real documents: the first match is found without analysing the whole
text, and what is shown is escaped text with the matches marked."""

from __future__ import annotations

import html
import re

from search_corpus import DATA

from hemicycle.search.analysis import terms
from hemicycle.search.snippets import Matcher, snippet_html


def resolutions() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((DATA / "cr-unsc").glob("*.txt"))]


def test_a_match_far_into_a_long_document_is_marked():
    texts = resolutions()
    long_text = "\n\n".join(texts[:8])
    assert len(long_text) > 10_000
    earlier = set(re.findall(r"[A-Za-z]{6,}", "\n".join(texts[:7]).lower()))
    word = next(w for w in re.findall(r"[A-Za-z]{6,}", texts[7]) if w.lower() not in earlier)
    snippet = snippet_html("en", long_text, Matcher(set(terms("en", word))))
    assert word in [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", snippet)]
    shown = html.unescape(re.sub(r"</?mark>", "", snippet)).strip("…")
    assert " ".join(shown.split()) in " ".join(long_text.split())


def test_a_long_document_without_a_match_shows_its_beginning():
    long_text = "\n\n".join(resolutions())
    snippet = snippet_html("en", long_text, Matcher({"zzzzqx"}))
    assert "<mark>" not in snippet
    assert html.unescape(snippet).startswith(long_text[:40].replace("\n", " "))
