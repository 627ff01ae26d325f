"""Country names in the interface language, from CLDR (through ICU, pinned with
pyicu-wheels): readers' countries are stored as ISO 3166-1 alpha-2 codes only."""

from __future__ import annotations

from functools import lru_cache

import icu

from hemicycle.usage.geo import UNKNOWN


@lru_cache(maxsize=4096)
def country_name(code: str, language: str) -> str:
    """``FR`` in ``ar`` -> فرنسا; ZZ is CLDR's Unknown Region in every language."""
    name = icu.Locale("", code or UNKNOWN).getDisplayCountry(icu.Locale(language))
    return name or code
