"""Guides and answers as plain Markdown files: export, import, the same bytes again; broken
files refused whole with the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from knowledge_helpers import EDITOR, GUIDE_EN, add_documents, checker, save_guide

from hemicycle.catalogue.db import session_scope
from hemicycle.config import load_settings
from hemicycle.knowledge import faq, faq_files, guide_files, guides
from hemicycle.knowledge.guide_files import ImportRefused


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_guides_round_trip(settings, tmp_path):
    add_documents(settings)
    save_guide(settings)
    save_guide(settings, lang="fr", title="Le Conseil : guide « pratique »",
               body=GUIDE_EN + "\nÀ noter : les symboles `S/RES/…`.\n")
    save_guide(settings, lang="zh", title="安全理事会", publish=False)
    first = tmp_path / "first"
    written = guide_files.export_folder(settings, first)
    assert sorted(p.name for p in written) == ["en.md", "fr.md"]  # drafts stay out
    text = (first / "sc-documents" / "fr.md").read_text("utf-8")
    assert text.startswith("---\nguide: sc-documents\nlanguage: fr\n")
    assert "translation_of: en\nstatus: published\n---\n\n" in text
    # into a fresh library, then out again: the same bytes
    other = load_settings(tmp_path / "other")
    add_documents(other)
    result = guide_files.import_folder(other, first, "importer", checker=checker(other))
    assert (result.pages, result.published) == (2, 2)
    second = tmp_path / "second"
    guide_files.export_folder(other, second)
    assert _tree(first) == _tree(second)
    again = guide_files.import_folder(other, first, "importer", checker=checker(other))
    assert (again.published, again.unchanged) == (0, 2)  # importing twice changes nothing
    with session_scope(other.database_url) as db:
        assert [h["number"] for h in guides.history(db, "sc-documents", "fr")] == [1]
        assert guides.guide_by_slug(db, "sc-documents").original_language == "en"


def _write(folder: Path, rel: str, text: str) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


GOOD = "---\nguide: g\nlanguage: en\ntitle: A guide\n---\n\nText.\n"


@pytest.mark.parametrize(("files", "code", "where"), [
    ({"g/en.md": "no front matter\n"}, "front-matter", "g/en.md:1"),
    ({"g/en.md": "---\nguide: [g\n---\nx\n"}, "front-matter", "g/en.md:"),
    ({"g/en.md": "---\nguide: g\nlanguage: en\n---\nx\n"}, "field", "g/en.md:2"),
    ({"g/en.md": GOOD.replace("title:", "colour: red\ntitle:")}, "field", "g/en.md:2"),
    ({"g/en.md": GOOD.replace("language: en", "language: xx")}, "field", "g/en.md:2"),
    ({"g/fr.md": GOOD.replace("language: en", "language: fr\ntranslation_of: en")},
     "original-missing", "g/fr.md:2"),
    ({"g/en.md": GOOD, "g/fr.md": GOOD.replace("language: en", "language: fr")},
     "field", "g/fr.md:2"),
    ({"g/en.md": GOOD + "\n<script>alert(1)</script>\n"}, "unsafe-tag", "g/en.md:9"),
    ({"g/en.md": GOOD + "\n```live documents\n- S/RES/9999 (2030)\n```\n"},
     "unknown-symbol", "g/en.md:9"),
    ({"h/en.md": GOOD}, "field", "h/en.md:2"),
    ({"g/en.md": "\ufeff" + GOOD[:3] + "\xff"}, "front-matter", "g/en.md"),
])
def test_broken_guide_files_are_refused_whole(settings, tmp_path, files, code, where):
    _write(tmp_path, "ok/en.md", GOOD.replace("guide: g", "guide: ok"))
    for rel, text in files.items():
        _write(tmp_path, rel, text)
    with pytest.raises(ImportRefused) as refused:
        guide_files.import_folder(settings, tmp_path, EDITOR, checker=checker(settings))
    hits = [f for f in refused.value.findings if f.code == code]
    assert hits, refused.value.findings
    assert any(str(tmp_path / where) in f.where or f.where.endswith(where) for f in hits), hits
    with session_scope(settings.database_url) as db:
        assert guides.list_pages(db, published_only=False) == []  # nothing half-written


def test_an_import_may_add_a_translation_of_a_saved_original(settings, tmp_path):
    _write(tmp_path / "a", "g/en.md", GOOD)
    guide_files.import_folder(settings, tmp_path / "a", EDITOR)
    _write(tmp_path / "b", "g/fr.md", GOOD.replace("language: en",
                                                   "language: fr\ntranslation_of: en"))
    result = guide_files.import_folder(settings, tmp_path / "b", EDITOR)
    assert result.published == 1


TOPICS = """- slug: voting
  labels: {en: Voting, fr: Votes, es: Votaciones, ru: Голосование, ar: التصويت, zh: 表决}
- slug: symbols
  labels: {en: Symbols, fr: Cotes, es: Signaturas, ru: Условные обозначения, ar: الرموز, zh: 文号}
"""


def test_faq_round_trip_and_refusals(settings, tmp_path):
    src = tmp_path / "faq"
    _write(src, "topics.yaml", TOPICS)
    _write(src, "find-votes/en.md", "---\nentry: find-votes\nlanguage: en\nquestion: How do "
           "I find how a country voted?\ntopics:\n- voting\nrelated:\n- symbols-explained\n"
           "status: published\n---\n\nUse [the votes pages](/votes).\n")
    _write(src, "find-votes/ru.md", "---\nentry: find-votes\nlanguage: ru\nquestion: Как "
           "узнать, как голосовала страна?\ntopics:\n- voting\nrelated:\n- symbols-explained\n"
           "status: published\n---\n\nОткройте [страницы голосований](/votes).\n")
    _write(src, "symbols-explained/en.md", "---\nentry: symbols-explained\nlanguage: en\n"
           "question: What is a document symbol?\ntopics:\n- symbols\nstatus: draft\n---\n\n"
           "A symbol such as `A/RES/74/1` identifies a document.\n")
    result = faq_files.import_folder(settings, src, EDITOR)
    assert (result.topics, result.answers, result.changed) == (2, 3, 3)
    out = tmp_path / "out"
    faq_files.export_folder(settings, out)
    assert _tree(out)["find-votes/ru.md"] == _tree(src)["find-votes/ru.md"]
    other = load_settings(tmp_path / "other")
    faq_files.import_folder(other, out, EDITOR)
    faq_files.export_folder(other, tmp_path / "again")
    assert _tree(tmp_path / "again") == _tree(out)
    assert faq_files.import_folder(settings, src, EDITOR).changed == 0
    with session_scope(settings.database_url) as db:
        shown = faq.answer(db, "find-votes", "ru")
        assert shown.languages == ["en", "ru"] and shown.topics == ["voting"]
        assert shown.related == []  # its related answer is still a draft
        assert faq.answer(db, "symbols-explained", "en") is None
    bad = tmp_path / "bad"
    _write(bad, "topics.yaml", TOPICS)
    _write(bad, "x/en.md", "---\nentry: x\nlanguage: en\nquestion: Q?\ntopics:\n- nope\n---\n"
           "\nA <iframe src=https://example.org></iframe>\n")
    _write(bad, "x/fr.md", "---\nentry: x\nlanguage: fr\nquestion: Q ?\nrelated:\n- ghost\n"
           "---\n\nR.\n")
    with pytest.raises(ImportRefused) as refused:
        faq_files.import_folder(settings, bad, EDITOR)
    messages = [str(f) for f in refused.value.findings]
    assert any("unknown topic 'nope'" in m for m in messages)
    assert any("unsafe-tag" in m and m.startswith(str(bad / "x" / "en.md") + ":9")
               for m in messages)
    assert any("must be the same in every language" in m for m in messages)
    assert any("related: no entry 'ghost'" in m for m in messages)
    with session_scope(settings.database_url) as db:
        assert faq.entry_by_slug(db, "x") is None
