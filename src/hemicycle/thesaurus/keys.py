"""Keys that make labels findable and sortable per language.

``fold`` gives the key autocomplete and search compare against: the language's fold
(``hemicycle.languages.folding``, the one search and subject indexing use: case, accents
where a language ignores them, Arabic letters and marks, Russian ё, full-width forms), the
Arabic definite article taken off each word (الإنشاء is found by إنشاء), and spaces
collapsed. ``SortKeys`` gives ICU collation keys and the A-Z bucket ("letter") of a label:
Chinese by pinyin, and by stroke count as the second order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import icu

from hemicycle.languages import folding

FOLDED_MAX = 400  # characters kept in the indexed key (a prefix is all we match)
SORT_KEY_MAX = 600  # bytes kept of an ICU sort key

_SPACES = re.compile(r"\s+")


def primary_language(tag: str) -> str:
    return tag.split("-", 1)[0].lower() if tag else ""


def fold(text: str, lang: str) -> str:
    """The comparison key of ``text`` for language ``lang`` (a primary subtag)."""
    key = folding.fold(text, lang)
    if lang == "ar":
        key = folding.drop_article(key)
    key = _SPACES.sub(" ", key).strip()
    return key[:FOLDED_MAX]


# the article forms ``fold`` takes off a word (wa-/bi-/ka-/fa- + al-, and lil-)
_ARABIC_ARTICLES = ("\u0627\u0644", "\u0648\u0627\u0644", "\u0628\u0627\u0644",
                    "\u0643\u0627\u0644", "\u0641\u0627\u0644", "\u0644\u0644")


def prefix_keys(text: str, lang: str) -> list[str]:
    """The keys a typed prefix must be looked up under, so that it meets stored labels
    folded by ``fold`` at every length of the last, unfinished word.

    ``fold`` takes the Arabic article off a word only when two letters or more follow
    (بالغ, adult, is not bi- + al- + غ); a reader typing فرق الخبراء stops anywhere, and
    فرق الخ or فرق ال would never meet the stored فرق خبراء. So when the last typed word
    is an article with fewer than two letters after it, or the start of an article,
    the key without it is looked up as well (never an empty key: that is everything).
    """
    key = fold(text, lang)
    if lang != "ar" or not key or text[-1:].isspace():
        return [key] if key else []
    head, _, last = key.rpartition(" ")
    keys = [key]
    for article in _ARABIC_ARTICLES:
        if last.startswith(article) and len(last) - len(article) < 2:
            keys.append((head + " " if head else "") + last[len(article):])
        elif article.startswith(last) and head:
            keys.append(head + " ")
    return [k for k in dict.fromkeys(keys) if k.strip()]


def prefix_upper_bound(prefix: str) -> str:
    """A string greater than every string that starts with ``prefix`` (code point order)."""
    return prefix + "\U0010ffff"


def icu_locale(lang: str, order: str = "default") -> str:
    if lang == "zh":
        return "zh@collation=stroke" if order == "stroke" else "zh@collation=pinyin"
    return lang or "root"


@dataclass(frozen=True)
class SortKeys:
    sort_key: bytes
    letter: str
    sort_key_alt: bytes | None = None
    letter_alt: str | None = None


class _Order:
    """One ICU collator and alphabetic index for one locale (not thread-safe: one per thread)."""

    def __init__(self, locale: str) -> None:
        loc = icu.Locale(locale)
        self.collator = icu.Collator.createInstance(loc)
        self.index = icu.AlphabeticIndex(loc).buildImmutableIndex()
        self.labels = [self.index.getBucket(i)[0] for i in range(self.index.bucketCount)]

    def key(self, text: str) -> tuple[bytes, str]:
        sort_key = self.collator.getSortKey(text)[:SORT_KEY_MAX]
        letter = self.labels[self.index.getBucketIndex(text)]
        if letter == "…" or not letter.strip():
            letter = "#"
        return sort_key, letter


@cache
def _order(locale: str) -> _Order:
    return _Order(locale)


def sort_keys(text: str, lang: str) -> SortKeys:
    main_key, letter = _order(icu_locale(lang)).key(text)
    if lang == "zh":
        alt_key, alt_letter = _order(icu_locale(lang, "stroke")).key(text)
        return SortKeys(main_key, letter, alt_key, alt_letter.replace("劃", "画"))
    return SortKeys(main_key, letter)


def letters(lang: str, order: str = "default") -> list[str]:
    """The A-Z buckets of a language in their order ("#" for everything else)."""
    labels = _order(icu_locale(lang, order)).labels
    out = [lab.replace("劃", "画") for lab in labels if lab != "…" and lab.strip()]
    return out + ["#"]


@cache
def _iso_languages() -> frozenset[str]:
    return frozenset(code.lower() for code in icu.Locale.getISOLanguages())


_TAG = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_SPECIAL = frozenset({"und", "mul", "zxx", "mis", "i", "x"})


def known_language_tag(tag: str) -> bool:
    """True when ``tag`` is well formed and its language is an ISO 639 language."""
    if not _TAG.match(tag):
        return False
    primary = primary_language(tag)
    return primary in _iso_languages() or primary in _SPECIAL or primary.startswith("q")
