"""The six official languages of the United Nations, as equals.

One table says, for each language, how it is written, which Tesseract model
reads it, which Snowball stemmer analyses it, and its name in itself. How text in a
language is compared lives beside it, one rule in one place for search, thesaurus
and subject indexing alike: ``folding`` (case, accents, Arabic letters and article,
Russian ё), ``stemming`` (Snowball stemmers) and ``chinese`` (cutting Han text).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1, as the UN uses it
    english_name: str
    native_name: str
    script: str  # ISO 15924
    direction: str  # "ltr" or "rtl"
    tesseract: str
    stemmer: str | None  # Snowball/Tantivy stemmer name; None: no stemming (zh)


LANGUAGES: tuple[Language, ...] = (
    Language("ar", "Arabic", "العربية", "Arab", "rtl", "ara", "arabic"),
    Language("zh", "Chinese", "中文", "Hans", "ltr", "chi_sim", None),
    Language("en", "English", "English", "Latn", "ltr", "eng", "english"),
    Language("fr", "French", "Français", "Latn", "ltr", "fra", "french"),
    Language("ru", "Russian", "Русский", "Cyrl", "ltr", "rus", "russian"),
    Language("es", "Spanish", "Español", "Latn", "ltr", "spa", "spanish"),
)
CODES: tuple[str, ...] = tuple(lang.code for lang in LANGUAGES)
BY_CODE: dict[str, Language] = {lang.code: lang for lang in LANGUAGES}
DEFAULT = "en"

# Names people and files use for the same languages (UN file suffixes, ISO 639-2).
_ALIASES = {
    "ara": "ar", "arabic": "ar", "a": "ar",
    "chi": "zh", "zho": "zh", "chinese": "zh", "c": "zh", "zh-cn": "zh", "zh-hans": "zh",
    "eng": "en", "english": "en", "e": "en",
    "fre": "fr", "fra": "fr", "french": "fr", "f": "fr",
    "rus": "ru", "russian": "ru", "r": "ru",
    "spa": "es", "spanish": "es", "s": "es",
}


class UnknownLanguage(ValueError):
    pass


def normalise_language(value: str) -> str:
    """Return the two-letter code for a language name or code, or raise."""
    key = value.strip().lower().replace("_", "-")
    if key in BY_CODE:
        return key
    if key in _ALIASES:
        return _ALIASES[key]
    raise UnknownLanguage(
        f"unknown language {value!r}: expected one of {', '.join(CODES)}"
    )


def direction(code: str) -> str:
    return BY_CODE[code].direction if code in BY_CODE else "ltr"
