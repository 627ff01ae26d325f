"""The cheaper Arabic indexing (each distinct word stemmed once, the stems cut at white
space) gives the index exactly the terms and positions of the Arabic analyzer, on every
Arabic text of the demo corpus and on the awkward cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tantivy

from hemicycle.search.analysis import analyzer, index_analyzer, prepare, prepare_for_index

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "documents"


def analysed(text: str) -> list[tuple[str, int]]:
    """Terms and positions as the analyzer makes them (what the index held before)."""
    return [(t.text, t.position) for t in analyzer("ar").pre_tokenize(prepare("ar", text)).tokens]


def indexed(text: str) -> list[tuple[str, int]]:
    """Terms and positions as the index receives them now."""
    prepared = prepare_for_index("ar", text)
    if isinstance(prepared, tantivy.PreTokenizedString):
        tokens = prepared.tokens
    else:
        tokens = index_analyzer("ar").pre_tokenize(prepared).tokens
    return [(t.text, t.position) for t in tokens]


def demo_arabic() -> list[tuple[str, str]]:
    texts = []
    for manifest in sorted(CORPUS.glob("*/manifest.jsonl")):
        for line in manifest.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("language") != "ar":
                continue
            path = manifest.parent / row["file"]
            if path.suffix == ".txt":
                texts.append((row["file"], path.read_text(encoding="utf-8")))
            if row.get("title"):
                texts.append((f"{row['file']} (title)", row["title"]))
    return texts


def test_every_arabic_text_of_the_demo_corpus_is_indexed_as_analysed():
    texts = demo_arabic()
    assert len(texts) >= 1400  # 731 UNPC documents and their titles
    differ = [name for name, text in texts if indexed(text) != analysed(text)]
    assert not differ, f"{len(differ)} texts differ: {differ[:5]}"


@pytest.mark.parametrize("text", [
    "قرار مجلس الأمن " + "ب" * 25 + " بشأن اللاجئين",  # a word over the length limit
    "الأمم المتحدة UNHCR وİstanbul ٢٠١٥ والسلام",  # Latin letters, capitals, Indic digits
    "بِسْمِ اللَّهِ، الرَّحْمَٰنِ الرَّحِيمِ: ١٢٣",  # marks dropped before analysis
    "نص فيه رمز 𝔸𝔹 خارج المستوى الأساسي",  # characters beyond the BMP
    "",
    "اسم " + "İ" * 19 + "a" + " طويل",  # under the length limit until lower case lengthens it
])
def test_awkward_arabic_texts_are_indexed_as_analysed(text):
    assert indexed(text) == analysed(text)
    assert indexed(text) == analysed(text)  # again, every word's stem known by now
