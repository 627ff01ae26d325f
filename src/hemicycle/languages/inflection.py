"""Whether two words that a Snowball stemmer cuts alike are one word in two forms.

A stemmer cuts derivations as readily as inflections ("international" and
"internationalism", "security" and "securities" stem alike in English). An inflection
changes a word's ending by a letter or two (a few more in Russian, whose case endings
are longer: "беженцами", "беженцы"), and fewer than the shorter form has ("мир",
"миром" are one word; the pronoun "им" is not a form of "имена", names); a derivation or
another word changes more.
The search's thesaurus expansion (a query word against a label word) asks ``inflected``;
subject indexing's matcher allows a text word ``ending_change`` letters more or fewer than
the label word (the spelling check there cost the dev set's whole documents a right concept:
bench/RESULTS.md).
"""

from __future__ import annotations

import re
from functools import lru_cache

ENDING_CHANGE: dict[str, int] = {"ru": 3}  # letters an inflection may change, by language
DEFAULT_ENDING_CHANGE = 2
_WORD = re.compile(r"\w+")


def ending_change(lang: str) -> int:
    """The most letters an inflection changes in ``lang``."""
    return ENDING_CHANGE.get(lang, DEFAULT_ENDING_CHANGE)


def edits(a: str, b: str) -> int:
    """The fewest letters inserted, deleted or replaced to turn ``a`` into ``b``."""
    if len(a) < len(b):
        a, b = b, a
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


@lru_cache(maxsize=65536)
def inflected(word: str, other: str, lang: str) -> bool:
    """Whether ``word`` and ``other`` (folded, stemming alike in ``lang``) are spelt close
    enough to be forms of one word."""
    most = min(ending_change(lang), min(len(word), len(other)) - 1)
    return abs(len(word) - len(other)) <= most and edits(word, other) <= most


def inflected_words(text: str, other: str, lang: str) -> int | None:
    """The letters changed between two runs of words (folded) when each word of one is a
    form of the word at its place in the other (``inflected``); None when one is not."""
    words, others = _WORD.findall(text), _WORD.findall(other)
    if len(words) != len(others):
        return None
    total = 0
    for word, label_word in zip(words, others, strict=True):
        if not inflected(word, label_word, lang):
            return None
        total += edits(word, label_word)
    return total
