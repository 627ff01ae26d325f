"""Turning text into comparable tokens, one analyser per language.

Labels and documents go through the same analyser so that they meet: Unicode
normalisation, case folding, accent folding where thesaurus labels drop accents
(the UNBIS fr/es labels do), Arabic orthographic normalisation, Snowball stemming
(PyStemmer) and, for Chinese, one token per Han character (a label is then matched
as a character sequence and TF-IDF sees character bigrams: no segmenter to disagree
with the thesaurus).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import Counter
from functools import lru_cache

import Stemmer

# Snowball algorithms for the six UN languages and for vocabularies in others (YSO: fi, sv).
STEMMERS: dict[str, str] = {
    "ar": "arabic", "en": "english", "fr": "french", "ru": "russian", "es": "spanish",
    "fi": "finnish", "sv": "swedish", "de": "german", "it": "italian", "pt": "portuguese",
    "nl": "dutch", "da": "danish", "no": "norwegian", "tr": "turkish",
}
# Accents dropped before stemming: the UNBIS fr/es labels are written without them.
FOLD_ACCENTS = {"en", "fr", "es", "it", "pt"}

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_HAN}]|[^\W\d_{_HAN}]+|\d+")
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})

_local = threading.local()  # PyStemmer objects are not thread-safe: one per thread


def _stemmer(lang: str) -> Stemmer.Stemmer | None:
    algorithm = STEMMERS.get(lang)
    if algorithm is None:
        return None
    cache = getattr(_local, "stemmers", None)
    if cache is None:
        cache = _local.stemmers = {}
    stemmer = cache.get(lang)
    if stemmer is None:
        stemmer = cache[lang] = Stemmer.Stemmer(algorithm, 20000)
    return stemmer


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(text: str, lang: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    if lang in FOLD_ACCENTS:
        text = fold_accents(text)
    elif lang == "ar":
        text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
    elif lang == "ru":
        text = text.replace("ё", "е")
    return text


def tokens(text: str, lang: str) -> list[str]:
    """The analysed tokens of ``text`` read as language ``lang`` (stemmed where we can)."""
    return list(_analysed(text, lang))


_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")


def _arabic_proclitics(word: str) -> str:
    """Drop "and", "with", "as", "so", "for" joined to the article ("والمساعدة" ->
    "مساعدة"), which Snowball leaves on; labels lose them the same way."""
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return word[len(prefix):]
    if word.startswith("و") and len(word) > 4:
        return word[1:]
    return word


@lru_cache(maxsize=16)  # an ensemble's backends analyse the same text one after the other
def _analysed(text: str, lang: str) -> tuple[str, ...]:
    words = _TOKEN.findall(normalise(text, lang))
    if lang == "ar":
        words = [_arabic_proclitics(w) for w in words]
    stemmer = _stemmer(lang)
    return tuple(words if stemmer is None else stemmer.stemWords(words))


@lru_cache(maxsize=100_000)
def label_tokens(label: str, lang: str) -> tuple[str, ...]:
    return tuple(tokens(label, lang))


# --- which language and which script ---------------------------------------------------

SCRIPT_OF_LANGUAGE = {"ar": "Arab", "zh": "Hani", "ru": "Cyrl"}  # every other: Latin

_STOPWORDS = {
    "en": "the of and to in is that for on with as by are this be it from which at".split(),
    "fr": "le la les de des du et en un une est que pour dans par sur au aux qui".split(),
    "es": "el la los las de del y en un una es que por para con se al su".split(),
    "ru": "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по "
          "от из о об для при".split(),
    "ar": "في من على إلى عن أن إن هذا هذه التي الذي مع كان و أو ما لا".split(),
    "fi": "ja on ei se että oli kuin mutta tai myös ovat joka sekä kun".split(),
    "sv": "och att det som en är på för med till av den har de inte om".split(),
}


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
