"""The issue's quality bar: six consecutive words (ten characters for Chinese) taken from
a document's text, searched in that language, find the document in the top 3.

Fifty windows per language are sampled deterministically from the real test documents.
A window whose words (ignoring case and punctuation) occur in more than three documents
(boilerplate repeated across revisions and addenda) cannot single one out and is not
sampled.
"""

from __future__ import annotations

import random
import re

import pytest
from search_corpus import LANGS

from hemicycle.languages.chinese import bigram_spans
from hemicycle.search.query import search

SAMPLES = 50
TOP = 3


def windows(text: str, lang: str) -> list[str]:
    if lang == "zh":
        return [text[i:i + 10] for i in range(0, max(0, len(text) - 9))]
    words = text.split()
    return [" ".join(words[i:i + 6]) for i in range(0, max(0, len(words) - 5))]


def plain(text: str, lang: str) -> str:
    """Lower-case words only (for Chinese, characters only): to tell repeated passages."""
    words = re.findall(r"\w+", text.lower())
    return "".join(words) if lang == "zh" else " " + " ".join(words) + " "


@pytest.mark.parametrize("lang", LANGS)
def test_six_words_find_their_document_in_top_three(corpus, lang):
    settings, sources, _ids = corpus
    rng = random.Random(f"quality-{lang}")
    texts = [(s.symbol, s.texts[lang]) for s in sources if s.texts.get(lang)]
    flat = {sym: plain(text, lang) for sym, text in texts}
    from hemicycle.symbols import normalise_symbol

    failures, tried, attempts = [], 0, 0
    while tried < SAMPLES and attempts < SAMPLES * 20:
        attempts += 1
        symbol, text = rng.choice(texts)
        candidates = windows(text, lang)
        if not candidates:
            continue
        window = rng.choice(candidates)
        if sum(plain(window, lang) in other for other in flat.values()) > TOP:
            continue
        tried += 1
        results = search(settings, window, lang=lang, per_page=TOP)
        top = [hit.symbol for hit in results.hits]
        if normalise_symbol(symbol) not in top:
            failures.append(f"{window!r} from {symbol}: top {TOP} were {top}")
    assert tried == SAMPLES, f"only {tried} usable windows in {lang}"
    assert not failures, f"{len(failures)}/{tried} {lang} windows missed:\n" + "\n".join(failures)


@pytest.mark.parametrize("lang", LANGS)
def test_passages_pasted_with_quotation_marks_find_their_document_first(corpus, lang):
    """Quotation marks inside a pasted passage (or a capitalised AND) are the query
    language's; the passage is still looked for as written, word for word."""
    settings, sources, _ids = corpus
    texts = [(s.symbol, s.texts[lang]) for s in sources if s.texts.get(lang)]
    flat = {sym: plain(text, lang) for sym, text in texts}
    from hemicycle.symbols import normalise_symbol

    tried, failures = 0, []
    for symbol, text in texts:
        quoted = [w for w in windows(text, lang) if '"' in w or " AND " in w]
        for window in quoted[::7][:4]:
            if lang == "zh" and any(len(u[0]) < 2 for u in bigram_spans(window)[::-1][:1]
                                    + bigram_spans(window)[:1]):
                continue  # a lone first or last character is dropped (half a bigram)
            if sum(plain(window, lang) in other for other in flat.values()) > 1:
                continue
            tried += 1
            top = [hit.symbol for hit in search(settings, window, lang=lang, per_page=1).hits]
            if top != [normalise_symbol(symbol)]:
                failures.append(f"{window!r} from {symbol}: first was {top}")
    assert tried >= 3, f"only {tried} quoted windows in {lang}"
    assert not failures, f"{len(failures)}/{tried} {lang} windows missed:\n" + "\n".join(failures)
