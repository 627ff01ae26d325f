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

Arabic is indexed more cheaply than it is analysed (``prepare_for_index``): its Snowball
stemmer is the dearest part of a rebuild, and a document repeats its words, so each
distinct word is stemmed once (by the same Tantivy stemmer) and the index receives the
stems, cut again at white space only. The terms and their positions are those of
``analyzer("ar")`` (``tests/search/test_search_analysis.py`` checks every Arabic text of
the demo corpus); queries and highlighting still use ``analyzer``.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from functools import cache, lru_cache
from itertools import compress, count

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


PRESTEMMED = frozenset({"ar"})  # languages indexed from ``prepare_for_index``'s stems
_STEMS_KEPT = 500_000  # distinct words remembered per process (then forgotten, all at once)
_stems: dict[str, str] = {}
_ASTRAL = re.compile(f"[{chr(0x10000)}-{chr(sys.maxunicode)}]")


@cache
def index_analyzer(lang: str) -> tantivy.TextAnalyzer:
    """The analyzer the index runs on its ``lang`` fields: ``analyzer`` itself, or, for a
    language it receives stemmed, white space and the same length limit only."""
    if lang not in PRESTEMMED:
        return analyzer(lang)
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
            .filter(tantivy.Filter.remove_long(MAX_TERM_CHARS)).build())


@cache
def _word() -> re.Pattern:
    """Runs of the characters Tantivy's simple tokenizer keeps together: Rust's
    ``char::is_alphanumeric`` (letters, numbers and the marks and symbols Unicode calls
    alphabetic), in the Basic Multilingual Plane (``_ASTRAL``: text beyond it takes the
    analyzer's way). Letters and numbers come from ``unicodedata``; the marks, symbols
    and characters Python does not know yet are asked of Tantivy itself."""
    bmp = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000]
    kept = {c for c in bmp if unicodedata.category(c)[0] in "LN"}
    doubtful = [c for c in bmp if unicodedata.category(c)[0] in "MS"
                or unicodedata.category(c) == "Cn"]
    simple = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).build()
    kept.update(t for t in simple.analyze(" ".join(doubtful)) if len(t) == 1)
    ranges: list[list[int]] = []
    for code in sorted(map(ord, kept)):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    body = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                   for a, b in ranges)
    return re.compile(f"[{body}]+")


@cache
def _word_stemmer(lang: str) -> tantivy.TextAnalyzer:
    """What ``analyzer`` does to one word after cutting it: lower case, then the stemmer."""
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer(BY_CODE[lang].stemmer)).build())


def _stem(lang: str, word: str) -> str:
    if len(word.encode()) >= MAX_TERM_CHARS:
        stem = word  # too long: left as it is for the index to drop, as ``analyzer`` does
    else:
        stems = _word_stemmer(lang).analyze(word)
        if (len(stems) != 1 or not stems[0] or any(c.isspace() for c in stems[0])
                or len(stems[0].encode()) >= MAX_TERM_CHARS):  # lower case made it longer
            raise ValueError(f"{word!r} does not stem to one word the index keeps")
        stem = stems[0]
    if len(_stems) >= _STEMS_KEPT:
        _stems.clear()
    _stems[word] = stem
    return stem


def prepare_for_index(lang: str, text: str) -> str | tantivy.PreTokenizedString:
    """Text as the ``lang`` field of the index receives it (see ``index_analyzer``)."""
    prepared = prepare(lang, text)
    if lang not in PRESTEMMED:
        return prepared
    try:
        if _ASTRAL.search(prepared):
            raise ValueError("characters beyond the Basic Multilingual Plane")
        words = _word().findall(prepared)
        try:  # most texts hold only words stemmed before: no Python call per word
            return " ".join(map(_stems.__getitem__, words))
        except KeyError:
            get = _stems.get
            return " ".join([get(word) or _stem(lang, word) for word in words])
    except ValueError:  # a word no stem stands for alone, or rare characters: the
        # analyzer's own tokens
        tokens = analyzer(lang).pre_tokenize(prepared)
        return tantivy.PreTokenizedString(prepared, tokens.tokens)


def register_analyzers(index: tantivy.Index) -> None:
    """Analyzers are not stored in the index: every opened Index needs them again."""
    for lang in CODES:
        index.register_tokenizer(analyzer_name(lang), index_analyzer(lang))
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


_TERMS_KEPT = 200_000  # distinct words remembered per language (then forgotten, all at once)
_word_terms: dict[str, dict[str, str]] = {code: {} for code in CODES}


class _NotOneToken(ValueError):
    """A word ``_word`` cuts that Tantivy does not take as one token."""


def _term_of(lang: str, word: str) -> str:
    """The term ``analyzer(lang)`` makes of one word cut by ``_word`` ("": none, the word
    is dropped)."""
    found = analyzer(lang).analyze(word)
    if len(found) > 1:
        raise _NotOneToken(word)
    known = _word_terms[lang]
    if len(known) >= _TERMS_KEPT:
        known.clear()
    known[word] = term = found[0] if found else ""
    return term


def _word_spans(lang: str, prepared: str,
                keep: Callable[[str], bool]) -> list[tuple[str, int, int]] | None:
    """``term_spans`` of text already prepared, cut in Python by ``_word`` and each
    distinct word analysed once per process (a snippet looks at a page of text per hit:
    analysing it twice in Tantivy, for the terms and then for their offsets, cost three
    times as much). None where Tantivy must cut the text itself (characters beyond the
    Basic Multilingual Plane, a word it cuts otherwise)."""
    if _ASTRAL.search(prepared):
        return None
    words = _word().findall(prepared)
    found = list(map(_word_terms[lang].get, words))
    if None in found:
        try:
            found = [_term_of(lang, word) if term is None else term
                     for word, term in zip(words, found, strict=True)]
        except _NotOneToken:
            return None
    wanted = list(compress(count(), map(keep, found)))
    if "" in found:  # a dropped word is no term
        wanted = [i for i in wanted if found[i]]
    if not wanted:
        return []
    # offsets by walking the words in order: between two words there are only characters
    # no word starts with, so each is found where the expression found it
    spans, end, find, kept = [], 0, prepared.find, set(wanted)
    for i in range(wanted[-1] + 1):
        word = words[i]
        start = find(word, end)
        end = start + len(word)
        if i in kept:
            spans.append((found[i], start, end))
    return spans


def _every(_term: str) -> bool:
    return True


def term_spans(lang: str, text: str,
               keep: Callable[[str], bool] | None = None) -> list[tuple[str, int, int]]:
    """The terms of ``text`` (those ``keep`` accepts) with their (start, end) in ``text``
    itself: for highlighting."""
    if lang == "zh":  # normalised one character for one: the offsets hold
        units = ((unit.lower(), start, end)
                 for unit, start, end in chinese.bigram_spans(normalise(text, lang)))
        return [u for u in units if keep is None or keep(u[0])]
    prepared = prepare(lang, text)
    spans = _word_spans(lang, prepared, keep or _every)
    if spans is None:
        tokens = analyzer(lang).pre_tokenize(prepared).tokens
        spans = [(t.text, t.char_offset_from, t.char_offset_to) for t in tokens
                 if keep is None or keep(t.text)]
    if not spans:
        return spans
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
