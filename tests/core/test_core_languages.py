"""One fold for every part that compares words: search (index and queries), thesaurus keys
and subject indexing give the same string the same key, in all six languages, so a word
typed any of the ways a reader types it finds the same things everywhere."""

from __future__ import annotations

import re
import unicodedata

import pytest

from hemicycle.languages import CODES, chinese, folding
from hemicycle.search.analysis import prefix_terms, term_spans, terms
from hemicycle.subjects.analysis import tokens
from hemicycle.thesaurus.keys import fold as thesaurus_key

# per language: spellings of the same words (case, accents, marks and letter variants,
# full-width forms, digits), each group one key
SAMPLES: dict[str, list[tuple[str, ...]]] = {
    "ar": [
        ("الأمم المتحدة", "الامم المتحده", "اَلْأُمَمُ الْمُتَّحِدَةُ", "الأمـــم المتحدة"),
        ("إغاثة اللاجئين", "اغاثه اللاجئين", "إِغَاثَة اللاجئين"),
        ("مستشفى ٢٠١٥", "مستشفي 2015", "مستشفى ۲۰۱۵"),
        # hamza seats inside a word (at its end the stemmer, not the fold, has the last word)
        ("مسؤولية رئيس المؤتمر", "مسوولية رييس الموتمر"),
        ("والمساعدة بالأمن", "والمساعده بالامن"),
    ],
    "zh": [
        ("联合国２０１５年报告", "联合国2015年报告"),
        ("ＵＮＥＳＣＯ　教育", "unesco 教育", "UNESCO 教育"),
    ],
    "en": [
        ("Côte d'Ivoire", "cote d'ivoire", "COTE D'IVOIRE"),
        ("Résumé of the régime", "resume of the regime"),
        ("ＵＮＩＣＥＦ ２０１５", "unicef 2015"),
    ],
    "fr": [
        ("Sécurité alimentaire", "securite alimentaire", "SÉCURITÉ ALIMENTAIRE"),
        ("Main-d'œuvre", "main-d'oeuvre", "MAIN-D'ŒUVRE"),
    ],
    "ru": [
        ("Ёлка", "елка", "ЁЛКА"),
        ("Совет Безопасности", "совет безопасности", "СОВЕТ БЕЗОПАСНОСТИ"),
    ],
    "es": [
        ("Financiación", "financiacion", "FINANCIACIÓN"),
        ("Niños refugiados", "ninos refugiados"),
    ],
}


def test_every_language_has_samples() -> None:
    assert sorted(SAMPLES) == sorted(CODES)


@pytest.mark.parametrize(("lang", "spellings"),
                         [(lang, group) for lang in CODES for group in SAMPLES[lang]])
def test_search_thesaurus_and_subjects_fold_alike(lang: str, spellings: tuple[str, ...]
                                                  ) -> None:
    key = folding.fold(spellings[0], lang)
    # what a Snowball stemmer reads: the same, with Arabic hamza seats left to it
    stem_key = folding.fold(spellings[0], lang, stemmer=True)
    assert {folding.fold(s, lang) for s in spellings} == {key}
    for part in (thesaurus_key, _search_terms, _search_prefixes, tokens):
        assert len({tuple(part(s, lang)) for s in spellings}) == 1, part.__name__
    for text in spellings:
        # each part, given the shared key instead of the text, answers the same...
        assert thesaurus_key(text, lang) == thesaurus_key(key, lang)
        assert prefix_terms(lang, text) == prefix_terms(lang, key)
        assert terms(lang, text) == terms(lang, folding.fold(text, lang, stemmer=True))
        assert tokens(text, lang) == tokens(folding.fold(text, lang, stemmer=True), lang)
        assert tokens(text, lang) == tokens(stem_key, lang)
        # ...and the thesaurus key is the words search reads (less the Arabic article)
        searched = prefix_terms(lang, text)
        if lang == "zh":
            assert searched == chinese.bigrams(thesaurus_key(text, lang)).split()
            assert "".join(tokens(text, lang)) == key.replace(" ", "")
        else:
            if lang == "ar":
                searched = folding.drop_article(" ".join(searched)).split()
            assert searched == re.findall(r"[^\W_]+", thesaurus_key(text, lang))


def _search_terms(text: str, lang: str) -> list[str]:
    return terms(lang, text)


def _search_prefixes(text: str, lang: str) -> list[str]:
    return prefix_terms(lang, text)


def test_highlights_fall_on_the_text_as_written() -> None:
    """Normalising keeps positions (or drops characters), so a highlight still covers the
    word as written."""
    for lang, text, word in [("ar", "قرار الأمـــم المتحدة", "الأمـــم"),
                             ("zh", "ＵＮＥＳＣＯ报告", "ＵＮ"),
                             ("en", "the régime ended", "régime")]:
        start = text.index(word)
        spans = term_spans(lang, text)
        assert any(s == start and e == start + len(word) for _, s, e in spans), spans


def test_folding_leaves_letters_of_their_own() -> None:
    assert folding.fold("Йемен", "ru") != folding.fold("Иемен", "ru")
    assert folding.fold("Ñandú", "es") == "nandu"  # Spanish readers type it without
    assert folding.fold("Ñandú", "ru") == "ñandú"  # not folded outside those languages
    assert folding.drop_article("بالغ") == "بالغ"  # bi- + al- + one letter is a word


def test_every_full_width_form_is_normalised_as_its_compatibility_form() -> None:
    # all 94 full-width ASCII forms and the ideographic space, several times each, among
    # Han characters and the ASCII they stand for: each becomes what NFKC makes of it, in
    # place (Han characters are their own NFKC form)
    wide = "".join(chr(code) for code in range(0xff01, 0xff5f)) + "\u3000"
    text = "联合国" + wide + "报告 ＵＮ" + wide[::-1] + "a!" + wide[::7] + "年"
    expected = unicodedata.normalize("NFKC", text)
    for lang in CODES:
        assert folding.normalise(text, lang) == expected
        assert len(folding.normalise(text, lang)) == len(text)
