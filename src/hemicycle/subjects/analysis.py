"""Turning text into comparable tokens, one analyser per language.

Labels and documents go through the same analyser so that they meet: the language's
fold (``hemicycle.languages.folding``, the one search and thesaurus keys use: Unicode
normalisation, case, accents where thesaurus labels drop them (the UNBIS fr/es labels
do), Arabic letters and marks, Russian ё), the Arabic article and joined particles
dropped, Snowball stemming (``hemicycle.languages.stemming``) and, for Chinese, one token
per Han character (a label is then matched as a character sequence and TF-IDF sees
character bigrams: no segmenter to disagree with the thesaurus).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from hemicycle.languages.chinese import HAN
from hemicycle.languages.common_words import COMMON_WORDS
from hemicycle.languages.folding import drop_proclitics, fold
from hemicycle.languages.stemming import stemmer

_TOKEN = re.compile(rf"[{HAN}]|[^\W\d_{HAN}]+|\d+")


def normalise(text: str, lang: str) -> str:
    """The folded text words are cut from (the stemmer reads Arabic hamza seats itself)."""
    return fold(text, lang, stemmer=True)


def tokens(text: str, lang: str) -> list[str]:
    """The analysed tokens of ``text`` read as language ``lang`` (stemmed where we can)."""
    return list(_analysed(text, lang)[1])


def words_and_stems(text: str, lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(folded words, their stems) of ``text`` read as ``lang``; Chinese: characters."""
    return _analysed(text, lang)


# an ensemble's backends, and the label matcher and TF-IDF of one backend, analyse the same
# text one after the other: once
@lru_cache(maxsize=16)
def _analysed(text: str, lang: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    words = _TOKEN.findall(normalise(text, lang))
    if lang == "ar":  # the article and "and", "with", ... joined to it; labels lose them alike
        words = [drop_proclitics(w) for w in words]
    snowball = stemmer(lang)
    return tuple(words), tuple(words if snowball is None else snowball.stemWords(words))


@lru_cache(maxsize=100_000)
def label_tokens(label: str, lang: str) -> tuple[str, ...]:
    return tuple(tokens(label, lang))


# --- which language and which script ---------------------------------------------------

SCRIPT_OF_LANGUAGE = {"ar": "Arab", "zh": "Hani", "ru": "Cyrl"}  # every other: Latin

_STOPWORDS = COMMON_WORDS  # hemicycle.languages.common_words: one list for all


@lru_cache(maxsize=64)
def stop_tokens(lang: str) -> frozenset[str]:
    """The analysed forms of the language's commonest words: a one-word label that
    analyses to one of them ("las" for a Spanish "láseres") would match every text."""
    return frozenset(t for word in _STOPWORDS.get(lang, ()) for t in tokens(word, lang))


def script_counts(text: str, sample: int = 200_000) -> Counter[str]:
    """Letters per script (Latin, Cyrl, Arab, Hani, Other) in the first ``sample`` chars."""
    counts: Counter[str] = Counter()
    for ch in text[:sample]:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if code < 0x250:
            counts["Latin"] += 1
        elif 0x400 <= code < 0x530:
            counts["Cyrl"] += 1
        elif 0x600 <= code < 0x700 or 0x750 <= code < 0x780 or 0xFB50 <= code < 0xFF00:
            counts["Arab"] += 1
        elif 0x3400 <= code < 0xA000 or 0xF900 <= code < 0xFB00:
            counts["Hani"] += 1
        else:
            counts["Other"] += 1
    return counts


def dominant_script(text: str) -> str | None:
    counts = script_counts(text)
    return counts.most_common(1)[0][0] if counts else None


def expected_script(lang: str) -> str:
    return SCRIPT_OF_LANGUAGE.get(lang, "Latin")


def detect_language(text: str, candidates: tuple[str, ...] = ("en", "fr", "es")) -> str | None:
    """The language of ``text``: by script for ar/zh/ru, by common words among Latin ones."""
    script = dominant_script(text)
    if script is None or script == "Other":
        return None
    for lang, lang_script in SCRIPT_OF_LANGUAGE.items():
        if script == lang_script:
            return lang
    words = Counter(re.findall(r"[^\W\d_]+", text[:200_000].casefold()))
    scored = {lang: sum(words[w] for w in _STOPWORDS.get(lang, ())) for lang in candidates}
    best = max(scored, key=scored.get) if scored else None
    return best if best and scored[best] > 0 else (candidates[0] if candidates else None)
