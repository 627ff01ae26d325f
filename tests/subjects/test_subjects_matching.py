"""The strict concept matcher the headings backend reads texts with: no concepts out of
the UN's own body names, inflection but not derivation, the longer label wins."""

from __future__ import annotations

import pytest

from hemicycle.subjects.backends import backend_class
from hemicycle.subjects.matching import ConceptMatcher, without_bodies

T = "http://metadata.un.org/thesaurus/"
SECURITIES, UKRAINE, INTERNATIONAL_SECURITY = T + "1005783", T + "1006762", T + "1003337"
REGIONALISM = T + "1005442"
REFUGEES = T + "1005418"


@pytest.fixture(scope="module")
def matcher(unbis) -> ConceptMatcher:
    return ConceptMatcher(unbis)


def labels(matcher, text, lang):
    return {matcher.vocab.label(u) for u in matcher.match(text, lang).concepts}


def test_the_fixture_uris_are_the_concepts_named(unbis):
    assert [unbis.label(u) for u in (SECURITIES, UKRAINE, INTERNATIONAL_SECURITY, REGIONALISM)] \
        == ["securities", "ukraine", "international security", "regionalism"]


@pytest.mark.parametrize(("lang", "text"), [
    ("en", "The Security Council and the Secretary-General met."),
    ("fr", "Le Conseil de sécurité a entendu le Secrétaire général."),
    ("es", "El Consejo de Seguridad escuchó al Secretario General."),
    ("ru", "Совета Безопасности и Генерального секретаря"),
    ("ar", "اجتمع مجلس الأمن مع الأمين العام"),
    ("zh", "安全理事会和秘书长开会"),
])
def test_body_names_name_no_concept(matcher, lang, text):
    assert matcher.match(text, lang).concepts == {}


def test_words_as_subjects_still_count(matcher):
    found = matcher.match("Securities markets and trading in securities.", "en")
    assert found.concepts[SECURITIES].count == 2 and found.concepts[SECURITIES].first == 0.0
    assert found.tokens == 6


def test_inflection_matches_derivation_does_not(matcher):
    assert REGIONALISM not in matcher.match("regional cooperation", "en").concepts
    assert UKRAINE in matcher.match("the situation in Ukraine's east", "en").concepts


@pytest.mark.parametrize(("lang", "text"), [
    ("ar", "عودة اللاجئين"), ("zh", "难民返回"), ("en", "the return of a refugee"),
    ("fr", "le retour du réfugié"), ("ru", "возвращение беженцами"),
    ("es", "el regreso del refugiado"),
])
def test_an_inflected_form_of_a_label_is_found_in_each_language(matcher, lang, text):
    assert REFUGEES in matcher.match(text, lang).concepts


def test_the_longer_label_wins_where_both_are_found(matcher):
    found = matcher.match("threats to international security", "en").concepts
    assert INTERNATIONAL_SECURITY in found and SECURITIES not in found


@pytest.mark.parametrize(("lang", "text"), [
    ("ar", "الوضع في أوكرانيا"), ("zh", "乌克兰局势"), ("en", "the situation in Ukraine"),
    ("fr", "la situation en Ukraine"), ("ru", "положение в Украине"),
    ("es", "la situación en Ucrania"),
])
def test_a_country_is_found_in_each_language(matcher, lang, text):
    assert UKRAINE in matcher.match(text, lang).concepts


def test_the_lexical_backend_no_longer_reads_body_names_as_subjects(unbis):
    text = "The Security Council heard the Secretary-General on the situation in Ukraine."
    now = [s.uri for s in backend_class("lexical")(unbis).suggest(text, "en", 10)]
    before = [s.uri for s in backend_class("lexical")(unbis, {"mask_bodies": False}).suggest(
        text, "en", 10)]
    assert SECURITIES in before and SECURITIES not in now
    assert UKRAINE in now
    assert without_bodies(["the", "secur", "council"], "en") == ["the", "\x00", "\x00"]
