"""How each of the six languages is cut into search terms.

The same functions serve indexing, query parsing and highlighting, so that a word
typed in a query becomes exactly the terms the index holds:

* every language: the text normalised first (``hemicycle.languages.folding.normalise``,
  which keeps every character's position for highlighting: full-width forms, Arabic
  letters, marks and digits, Russian ё), then cut and lower-cased by Tantivy.
* en, fr, es: accents folded before stemming (``resolucion`` finds ``resolución``), as
  thesaurus keys and subject indexing fold them (``languages.folding.folds_accents``).
* en, fr, es, ru, ar: the Snowball stemmer (which folds Arabic hamza seats itself; the
  prefix analyzer, with no stemmer, has them folded first).
* zh: overlapping character bigrams over each run of letters and digits
  (``hemicycle.languages.chinese``). Never whitespace.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from functools import cache, lru_cache

import tantivy

from hemicycle.languages import BY_CODE, CODES, chinese
from hemicycle.languages.folding import dropped_positions, folds_accents, normalise

MAX_TERM_CHARS = 40
KEYWORD = "hemicycle_keyword"  # exact values (facets, filters): kept as they are
FOLDED = "hemicycle_folded"  # subject labels: lower-cased, accents folded, no stemming


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
    if folds_accents(lang):
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


def prepare(lang: str, text: str, *, stemmed: bool = True) -> str:
    """Text as the ``lang`` analyzer expects it (done in Python where Tantivy can't);
    ``stemmed=False`` for the prefix analyzer, which no stemmer follows."""
    text = normalise(text, lang, stemmer=stemmed)
    return chinese.bigrams(text) if lang == "zh" else text


def terms(lang: str, text: str) -> list[str]:
    """The index terms of ``text`` in ``lang``, in order (consecutive positions)."""
    return analyzer(lang).analyze(prepare(lang, text))


def prefix_terms(lang: str, text: str) -> list[str]:
    return prefix_analyzer(lang).analyze(prepare(lang, text, stemmed=False))


@lru_cache(maxsize=65536)
def word_terms(lang: str, word: str) -> tuple[str, ...]:
    return tuple(terms(lang, word))


def term_spans(lang: str, text: str,
               keep: Callable[[str], bool] | None = None) -> list[tuple[str, int, int]]:
    """The terms of ``text`` (those ``keep`` accepts) with their (start, end) in ``text``
    itself: for highlighting."""
    if lang == "zh":  # normalised one character for one: the offsets hold
        units = ((unit.lower(), start, end)
                 for unit, start, end in chinese.bigram_spans(normalise(text, lang)))
        return [u for u in units if keep is None or keep(u[0])]
    tokens = analyzer(lang).pre_tokenize(prepare(lang, text)).tokens
    spans = [(t.text, t.char_offset_from, t.char_offset_to) for t in tokens
             if keep is None or keep(t.text)]
    # normalisation drops Arabic marks: map offsets in the normalised text back
    deleted = dropped_positions(text, lang)
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
