"""Where a snippet finds the query's words: the text cut into words in Python, each
distinct word analysed once, gives exactly the terms and offsets of the language's
analyzer, on every text of the demo corpus and on the awkward cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hemicycle.search import analysis
from hemicycle.search.analysis import analyzer, prepare, term_spans

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "documents"
LANGS = ("ar", "en", "fr", "ru", "es")  # Chinese is cut into bigrams in Python already


def analysed(lang: str, text: str, keep=None) -> list[tuple[str, int, int]]:
    """Terms and offsets as the analyzer gives them, in the text as prepared."""
    tokens = analyzer(lang).pre_tokenize(prepare(lang, text)).tokens
    return [(t.text, t.char_offset_from, t.char_offset_to) for t in tokens
            if keep is None or keep(t.text)]


def demo_texts() -> list[tuple[str, str, str]]:
    texts = []
    for manifest in sorted(CORPUS.glob("*/manifest.jsonl")):
        for line in manifest.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            path = manifest.parent / row["file"]
            if row.get("language") in LANGS and path.suffix == ".txt":
                texts.append((row["language"], row["file"], path.read_text(encoding="utf-8")))
    return texts


def test_every_text_of_the_demo_corpus_has_the_analyzers_terms_and_offsets():
    texts = demo_texts()
    assert {lang for lang, _, _ in texts} == set(LANGS)
    assert len(texts) >= 3000  # UNPC in five languages, CR-UNSC, General Debate
    differ, by_tantivy = [], []
    for lang, name, text in texts:
        prepared = prepare(lang, text)  # no marks left: the offsets are the analyzer's
        if analysis._word_spans(lang, prepared, lambda _term: True) is None:
            by_tantivy.append(name)  # left to the analyzer: must be rare
        if term_spans(lang, prepared) != analysed(lang, prepared):
            differ.append(name)
    assert not differ, f"{len(differ)} texts differ: {differ[:5]}"
    assert len(by_tantivy) < len(texts) // 100, by_tantivy[:5]


@pytest.mark.parametrize("lang,text", [
    ("en", "Councils' résolution 2254 (2015), ＵＮＨＣＲ and İstanbul: a_b " + "x" * 45),
    ("en", "a symbol beyond the plane 𝔸𝔹 and an emoji 🙂 in the text"),
    ("fr", "l’Organisation des Nations Unies — « Conseil de sécurité » ŒUVRE"),
    ("ru", "Ёлка и ёж, Совет Безопасности ООН, 2015 год"),
    ("es", "resolución ÑANDÚ ¿qué? ¡sí!"),
    ("ar", "بِسْمِ اللَّهِ، الرَّحْمَٰنِ الرَّحِيمِ: ١٢٣ الأمم المتحدة"),
    ("en", ""),
    ("en", "!!! ... ---"),
    ("ar", "اسم " + "İ" * 19 + "a" + " طويل"),  # lower case lengthens it past the limit
])
def test_awkward_texts_have_the_analyzers_terms_and_offsets(lang, text):
    prepared = prepare(lang, text)
    assert term_spans(lang, prepared) == analysed(lang, prepared)
    assert term_spans(lang, prepared) == analysed(lang, prepared)  # every word known now
    some = {term for term, _, _ in analysed(lang, prepared)[::2]}
    assert term_spans(lang, prepared, some.__contains__) == analysed(
        lang, prepared, some.__contains__)


def test_a_highlight_falls_on_the_word_as_written_after_dropped_marks():
    text = "قرار الأمـــم المتحدة بِسْمِ اللَّهِ"
    spans = term_spans("ar", text, {term for term, _, _ in term_spans("ar", "الأمم")}.__contains__)
    assert [text[s:e] for _, s, e in spans] == ["الأمـــم"]
