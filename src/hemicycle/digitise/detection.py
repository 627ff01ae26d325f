"""Which of the six languages a page is written in, when nobody said.

First the script, from Tesseract's orientation and script detection (OSD):
Arabic, Cyrillic and Han each belong to one official language. Latin script is
shared by English, French and Spanish: the page is read with all three models
and the language whose most frequent little words occur most often wins.
"""

from __future__ import annotations

import re
from collections import Counter

SCRIPT_LANGUAGE = {"Arabic": "ar", "Cyrillic": "ru", "Han": "zh", "HanS": "zh", "Latin": None}
LATIN = ["en", "fr", "es"]

# very frequent function words, unambiguous between the three languages
_STOPWORDS = {
    "en": {"the", "of", "and", "to", "in", "that", "is", "for", "on", "with", "by", "its",
           "which", "this", "has", "have", "be", "are", "was", "it", "at", "from"},
    "fr": {"le", "les", "des", "et", "du", "au", "aux", "une", "dans", "pour", "sur",
           "qui", "est", "par", "avec", "ses", "ces", "ne", "pas", "son", "être", "été"},
    "es": {"el", "los", "las", "y", "del", "una", "en", "para", "con", "por", "que",
           "su", "sus", "al", "se", "lo", "como", "más", "ha", "han", "sobre", "entre"},
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def latin_language(text: str) -> tuple[str | None, float]:
    """The Latin-script language of ``text`` and how sure (share of the stopword hits)."""
    words = Counter(w.lower() for w in _WORD.findall(text))
    scores = {lang: sum(words[w] for w in stop) for lang, stop in _STOPWORDS.items()}
    total = sum(scores.values())
    if total < 3:
        return None, 0.0
    best = max(scores, key=lambda lang: scores[lang])
    return best, round(scores[best] / total, 2)


def script_language(script: str | None) -> tuple[bool, str | None]:
    """(known script, language) for an OSD script name; Latin gives (True, None)."""
    if script not in SCRIPT_LANGUAGE:
        return False, None
    return True, SCRIPT_LANGUAGE[script]
