"""Names of countries and languages in the interface language, from CLDR (through ICU,
pinned with pyicu-wheels): usage keeps ISO 3166-1 and ISO 639-1 codes only."""

from __future__ import annotations

from functools import lru_cache

import icu

from hemicycle.usage.geo import UNKNOWN


@lru_cache(maxsize=4096)
def country_name(code: str, language: str) -> str:
    """``FR`` in ``ar`` -> فرنسا; ZZ is CLDR's Unknown Region in every language."""
    name = icu.Locale("", code or UNKNOWN).getDisplayCountry(icu.Locale(language))
    return name or code


@lru_cache(maxsize=256)
def language_name(code: str, language: str) -> str:
    """``fr`` in ``zh`` -> 法语."""
    return icu.Locale(code).getDisplayLanguage(icu.Locale(language)) or code
