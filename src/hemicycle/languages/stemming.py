"""Snowball stemmers: which algorithm stems which language, and one stemmer per thread.

The six languages take theirs from the ``Language`` table (Tantivy's stemmers, which the
search index uses, have the same names); vocabularies in other languages (YSO: fi, sv)
are stemmed too.
"""

from __future__ import annotations

import threading

import Stemmer

from hemicycle.languages import LANGUAGES

SNOWBALL: dict[str, str] = {lang.code: lang.stemmer for lang in LANGUAGES if lang.stemmer} | {
    "fi": "finnish", "sv": "swedish", "de": "german", "it": "italian", "pt": "portuguese",
    "nl": "dutch", "da": "danish", "no": "norwegian", "tr": "turkish",
}

_local = threading.local()  # PyStemmer objects are not thread-safe: one per thread


def stemmer(lang: str) -> Stemmer.Stemmer | None:
    """The Snowball stemmer of ``lang`` for this thread; None where there is none (zh)."""
    algorithm = SNOWBALL.get(lang)
    if algorithm is None:
        return None
    cache = getattr(_local, "stemmers", None)
    if cache is None:
        cache = _local.stemmers = {}
    found = cache.get(lang)
    if found is None:
        found = cache[lang] = Stemmer.Stemmer(algorithm, 20000)
    return found
