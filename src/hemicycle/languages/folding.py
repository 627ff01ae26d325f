"""Folding text for comparison: one rule per language, for every part that compares words.

Search (index and queries), thesaurus keys and subject indexing fold text here, so that
a word spelt any of the ways a reader may type it is one key in each of them:

* ``normalise``: the spelling variants that are one character for another (or for none),
  so that positions in the text hold (search highlights by them): full-width ASCII as
  ASCII; Arabic without marks and tatweel, with alef forms, ta marbuta, alef maqsura and
  hamza seats as one letter each and Arabic-Indic digits as ASCII digits; Russian ё as е.
* ``fold``: the comparison key: compatibility forms (NFKC) and case folded, then
  ``normalise``, then accents (and the letters œ æ ø ł đ ð þ) spelt out in the languages
  whose readers do not type them.
* ``spelling``: a finer key that keeps every letter as written (case, compatibility
  forms and the optional Arabic marks folded, nothing else): where two labels fold alike
  (المرأة, woman, and المرآة, mirror), the one spelt as the reader typed it is meant.
* ``drop_article``: the Arabic definite article taken off each word (الإنشاء is found by
  إنشاء), with a one-letter conjunction or preposition before it.

A Snowball stemmer reads the Arabic hamza seats itself (it folds them once it has cut the
word, and cuts worse when they are folded first): ``stemmer=True`` leaves them to it.
"""

from __future__ import annotations

import re
import unicodedata

# harakat, Quranic annotation marks, superscript alef, tatweel: dropped
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# one letter for each variant (chained str.replace: an order of magnitude faster than
# str.translate with a dict on long texts)
_ARABIC_LETTERS: tuple[tuple[str, str], ...] = (
    ("\u0622", "\u0627"), ("\u0623", "\u0627"), ("\u0625", "\u0627"), ("\u0671", "\u0627"),
    ("\u0629", "\u0647"),  # ta marbuta -> ha
    ("\u0649", "\u064a"),  # alef maqsura -> ya
    *((chr(0x0660 + i), str(i)) for i in range(10)),  # Arabic-Indic digits
    *((chr(0x06f0 + i), str(i)) for i in range(10)),  # Eastern Arabic-Indic digits
)
_HAMZA_SEATS: tuple[tuple[str, str], ...] = (("\u0624", "\u0648"), ("\u0626", "\u064a"))
# the definite article at the start of a word, alone or after a one-letter conjunction or
# preposition (wa-, bi-, ka-, fa-; li- + al- is written lil-), when two letters or more
# remain: most Arabic labels begin with it, and a reader types the word without it
_ARABIC_ARTICLE = re.compile(
    r"(?<!\S)(?:[\u0648\u0628\u0643\u0641]?\u0627\u0644|\u0644\u0644)(?=\S\S)")
_WIDE = re.compile("[\uff01-\uff5e\u3000]")
_NARROW = {code: code - 0xfee0 for code in range(0xff01, 0xff5f)} | {0x3000: 0x20}
# Latin letters that are not a letter plus an accent, spelt as a reader without them types
# them (what Tantivy's ASCII folding does)
_LATIN_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d",
                                "ð": "d", "þ": "th"})
# Languages whose accents are not letters of their own for finding a word.
ACCENT_INSENSITIVE = frozenset({"en", "fr", "es", "pt", "it", "de", "nl", "ca", "la"})


def folds_accents(lang: str) -> bool:
    """True where a reader finds a word without its accents ("" = language unknown)."""
    return lang in ACCENT_INSENSITIVE or lang == ""


def normalise(text: str, lang: str, *, stemmer: bool = False) -> str:
    """``text`` with its spelling variants folded, every character kept in place or
    dropped (Arabic marks: ``dropped_positions`` says where)."""
    if not text.isascii():
        # the few full-width characters a text holds, each replaced at once (Chinese text
        # has some in every sentence: str.translate cost 80 ns a character)
        for wide in set(_WIDE.findall(text)):
            text = text.replace(wide, chr(_NARROW[ord(wide)]))
    if lang == "ar":
        text = _ARABIC_MARKS.sub("", text)
        for old, new in _ARABIC_LETTERS if stemmer else _ARABIC_LETTERS + _HAMZA_SEATS:
            if old in text:
                text = text.replace(old, new)
    elif lang == "ru":
        text = text.replace("ё", "е").replace("Ё", "Е")
    return text


def dropped_positions(text: str, lang: str) -> list[int]:
    """The positions in ``text`` of the characters ``normalise`` drops, in order."""
    return [m.start() for m in _ARABIC_MARKS.finditer(text)] if lang == "ar" else []


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_bmp_marks: list[re.Pattern] = []


def _mark_pattern() -> re.Pattern:
    """One character class of every Mn code point below U+10000 (made on first use)."""
    if not _bmp_marks:
        codes = [c for c in range(0x300, 0x10000) if unicodedata.category(chr(c)) == "Mn"]
        ranges, start = [], codes[0]
        for prev, code in zip(codes, codes[1:] + [None], strict=True):
            if code != prev + 1:
                ranges.append(f"\\u{start:04x}-\\u{prev:04x}" if prev > start
                              else f"\\u{start:04x}")
                start = code
        _bmp_marks.append(re.compile("[" + "".join(ranges) + "]"))
    return _bmp_marks[0]


def _strip_accents(text: str) -> str:
    """``text`` without its non-spacing marks (category Mn) once decomposed. The marks of
    the Basic Multilingual Plane go in one regular expression: a character-by-character
    check cost a ten-page document some 20 ms."""
    decomposed = unicodedata.normalize("NFD", text)
    if decomposed.isascii():
        return decomposed
    stripped = _mark_pattern().sub("", decomposed)
    if _ASTRAL.search(stripped):
        stripped = "".join(ch for ch in stripped
                           if ord(ch) < 0x10000 or unicodedata.category(ch) != "Mn")
    return stripped


def fold(text: str, lang: str, *, stemmer: bool = False) -> str:
    """The comparison key of ``text`` in language ``lang`` (a primary subtag)."""
    key = normalise(unicodedata.normalize("NFKC", text).casefold(), lang, stemmer=stemmer)
    if folds_accents(lang):
        key = _strip_accents(key).translate(_LATIN_LETTERS)
    return key


def spelling(text: str, lang: str) -> str:
    """``text`` as written, but for case, compatibility forms, spaces and the marks Arabic
    may leave unwritten (short vowels, tatweel): finer than ``fold``."""
    key = unicodedata.normalize("NFKC", text).casefold()
    if lang == "ar":
        key = _ARABIC_MARKS.sub("", key)
    return " ".join(key.split())


def drop_article(text: str) -> str:
    """Arabic ``text`` (folded) with the definite article taken off each word."""
    return _ARABIC_ARTICLE.sub("", text)


def drop_proclitics(word: str) -> str:
    """One folded Arabic word without its article, or without "and" (و) joined to a word
    of five letters or more: the Snowball stemmer leaves both on ("والمساعدة")."""
    bare = drop_article(word)
    if bare == word and word.startswith("\u0648") and len(word) > 4:
        return word[1:]
    return bare
