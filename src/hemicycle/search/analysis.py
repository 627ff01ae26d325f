"""How each of the six languages is cut into search terms.

The same functions serve indexing, query parsing and highlighting, so that a word
typed in a query becomes exactly the terms the index holds:

* en, fr, es, ru: Tantivy's tokenizer, lower-casing, the Snowball stemmer; French and
  Spanish fold accents first (``resolucion`` finds ``resolución``); Russian folds ё to е.
* ar: Arabic normalisation first (alef and hamza forms, ta marbuta, alef maksura,
  diacritics, tatweel, Arabic-Indic digits), then the Snowball Arabic stemmer.
* zh: overlapping character bigrams over each run of letters and digits (Han, Latin
  or digits alike; a one-character run stays a unigram). Never whitespace.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from functools import cache, lru_cache
from operator import add

import tantivy

from hemicycle.languages import BY_CODE, CODES

MAX_TERM_CHARS = 40
KEYWORD = "hemicycle_keyword"  # exact values (facets, filters): kept as they are
FOLDED = "hemicycle_folded"  # subject labels: lower-cased, accents folded, no stemming

_ARABIC_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_ARABIC_DELETE = re.compile(f"[{_ARABIC_MARKS}]")
_ARABIC_MAP = {
    "\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",
    "\u0649": "\u064a", "\u0629": "\u0647",
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06f0 + i): str(i) for i in range(10)},
}
# runs of letters and digits (Han or not): Chinese text often glues numbers and Latin
# names to Han characters ("2015年3月", "Benbouli和Achour"), so everything is bigrammed
_ZH_RUNS = re.compile(r"[^\W_]+")


def analyzer_name(lang: str) -> str:
    return f"hemicycle_{lang}"


def _build(lang: str, stem: bool) -> tantivy.TextAnalyzer:
    if lang == "zh":
        builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
    else:
        builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    builder = builder.filter(tantivy.Filter.remove_long(MAX_TERM_CHARS)).filter(
        tantivy.Filter.lowercase()
    )
    if lang in ("fr", "es"):
        # folded before stemming, so that a word typed without its accents stems alike
        builder = builder.filter(tantivy.Filter.ascii_fold())
    stemmer = BY_CODE[lang].stemmer
    if stem and stemmer:
        builder = builder.filter(tantivy.Filter.stemmer(stemmer))
    return builder.build()


@cache
def analyzer(lang: str) -> tantivy.TextAnalyzer:
    """The analyzer the index uses for ``lang`` (on text already through ``prepare``)."""
    return _build(lang, stem=True)


@cache
def prefix_analyzer(lang: str) -> tantivy.TextAnalyzer:
    """Like ``analyzer`` without stemming: a typed prefix is not a whole word to stem."""
    return _build(lang, stem=False)


@cache
def keyword_analyzer() -> tantivy.TextAnalyzer:
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.raw()).build()


@cache
def folded_analyzer() -> tantivy.TextAnalyzer:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_TERM_CHARS))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def register_analyzers(index: tantivy.Index) -> None:
    """Analyzers are not stored in the index: every opened Index needs them again."""
    for lang in CODES:
        index.register_tokenizer(analyzer_name(lang), analyzer(lang))
    index.register_tokenizer(KEYWORD, keyword_analyzer())
    index.register_fast_field_tokenizer(KEYWORD, keyword_analyzer())
    index.register_tokenizer(FOLDED, folded_analyzer())


def normalise_arabic(text: str) -> str:
    # chained str.replace: an order of magnitude faster than str.translate with a dict
    text = _ARABIC_DELETE.sub("", text)
    for old, new in _ARABIC_MAP.items():
        if old in text:
            text = text.replace(old, new)
    return text


def zh_units(text: str) -> list[tuple[str, int, int]]:
    """Chinese search units with their character offsets: bigrams, lone Han, words."""
    units: list[tuple[str, int, int]] = []
    for match in _ZH_RUNS.finditer(text):
        start, run = match.start(), match.group()
        if len(run) == 1:
            units.append((run, start, start + 1))
        else:
            units.extend((run[i:i + 2], start + i, start + i + 2) for i in range(len(run) - 1))
    return units


def _zh_prepare(text: str) -> str:
    units: list[str] = []
    for run in _ZH_RUNS.findall(text):
        if len(run) == 1:
            units.append(run)
        else:  # each character joined to the next, without indexing in Python
            units.extend(map(add, run, run[1:]))
    return " ".join(units)


def prepare(lang: str, text: str) -> str:
    """Text as the ``lang`` analyzer expects it (done in Python where Tantivy can't)."""
    if lang == "ar":
        return normalise_arabic(text)
    if lang == "ru":
        return text.replace("ё", "е").replace("Ё", "Е")
    if lang == "zh":
        return _zh_prepare(text)
    return text


def terms(lang: str, text: str) -> list[str]:
    """The index terms of ``text`` in ``lang``, in order (consecutive positions)."""
    return analyzer(lang).analyze(prepare(lang, text))


def prefix_terms(lang: str, text: str) -> list[str]:
    return prefix_analyzer(lang).analyze(prepare(lang, text))


@lru_cache(maxsize=65536)
def word_terms(lang: str, word: str) -> tuple[str, ...]:
    return tuple(terms(lang, word))


def term_spans(lang: str, text: str,
               keep: Callable[[str], bool] | None = None) -> list[tuple[str, int, int]]:
    """The terms of ``text`` (those ``keep`` accepts) with their (start, end) in ``text``
    itself: for highlighting."""
    if lang == "zh":
        units = ((unit.lower(), start, end) for unit, start, end in zh_units(text))
        return [u for u in units if keep is None or keep(u[0])]
    tokens = analyzer(lang).pre_tokenize(prepare(lang, text)).tokens
    spans = [(t.text, t.char_offset_from, t.char_offset_to) for t in tokens
             if keep is None or keep(t.text)]
    if lang != "ar":
        return spans
    # Arabic normalisation deletes marks: map offsets in the normalised text back
    deleted = [m.start() for m in _ARABIC_DELETE.finditer(text)]
    if not deleted:
        return spans

    def back(pos: int) -> int:
        # the smallest original offset that is pos in the normalised text
        lo, hi = pos, pos + len(deleted)
        while lo < hi:
            mid = (lo + hi) // 2
            if mid - bisect_right(deleted, mid - 1) < pos:
                lo = mid + 1
            else:
                hi = mid
        return lo

    return [(term, back(start), back(end)) for term, start, end in spans]
