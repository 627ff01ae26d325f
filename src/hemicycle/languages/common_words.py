"""The commonest words of each language (articles, prepositions, conjunctions).

A one-word label equal to one of them in some language would match nearly every text or
query: "thé" (tea) folds to the English "the", "las" is a Spanish article. Subject
indexing leaves such labels out of its matches, and the search's thesaurus expansion does
not read such a word alone as a concept.
"""

from __future__ import annotations

COMMON_WORDS: dict[str, list[str]] = {
    "en": "the of and to in is that for on with as by are this be it from which at".split(),
    "fr": "le la les de des du et en un une est que pour dans par sur au aux qui".split(),
    "es": "el la los las de del y en un una es que por para con se al su".split(),
    "ru": "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по "
          "от из о об для при".split(),
    "ar": "في من على إلى عن أن إن هذا هذه التي الذي مع كان و أو ما لا".split(),
    "fi": "ja on ei se että oli kuin mutta tai myös ovat joka sekä kun".split(),
    "sv": "och att det som en är på för med till av den har de inte om".split(),
}
