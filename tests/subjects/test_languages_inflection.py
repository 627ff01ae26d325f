"""One word in two forms, or two words: the rule subject indexing and the search's
thesaurus expansion share (hemicycle.languages.inflection)."""

from __future__ import annotations

import pytest

from hemicycle.languages.inflection import edits, inflected, inflected_words


@pytest.mark.parametrize(("word", "other", "lang"), [
    ("اللاجئين", "اللاجئون", "ar"), ("refugee", "refugees", "en"),
    ("refugie", "refugies", "fr"), ("беженцами", "беженцы", "ru"),
    ("refugiado", "refugiados", "es"), ("climaticos", "climatico", "es"),
    ("мир", "миром", "ru"), ("دول", "دولية", "ar"),
])
def test_an_inflection_changes_the_ending_by_a_few_letters(word, other, lang):
    assert inflected(word, other, lang)


@pytest.mark.parametrize(("word", "other", "lang"), [
    ("security", "securities", "en"), ("international", "internationalism", "en"),
    ("regional", "regionalism", "en"), ("международный", "международность", "ru"),
    ("national", "nationalite", "fr"), ("беженцами", "беж", "ru"), ("им", "имена", "ru"),
])
def test_a_derivation_changes_more(word, other, lang):
    assert not inflected(word, other, lang)


def test_russian_endings_may_change_three_letters_others_two():
    assert inflected("беженцами", "беженцы", "ru")  # three letters
    assert not inflected("abcdefxyz", "abcdef", "en")
    assert inflected("abcdefxyz", "abcdef", "ru")


def test_runs_of_words_are_compared_word_by_word():
    assert inflected_words("cambios climaticos", "cambio climatico", "es") == 2
    assert inflected_words("моряков-беженцев", "моряки-беженцы", "ru") == 4
    assert inflected_words("peace security", "peace securities", "en") is None
    assert inflected_words("climate", "climate change", "en") is None


def test_edits():
    assert edits("security", "securities") == 3
    assert edits("", "abc") == 3 and edits("ab", "ab") == 0
