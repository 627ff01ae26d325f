"""Index to Proceedings entries: read with every bad line reported by number, headings
that outlive their year, and a cross-validation that never lets a scored document's
own entries or text into the model that scores it."""

from __future__ import annotations

from pathlib import Path

import pytest

from hemicycle.subjects.corpus import Corpus, CorpusDocument
from hemicycle.subjects.errors import CorpusError
from hemicycle.subjects.evaluation import cross_validation, read_gold_concepts
from hemicycle.subjects.itp import (
    dated_heading,
    fold_of,
    generic_heading,
    heading_parts,
    headings_by_document,
    read_itp,
    unknown_parts,
    without_documents,
)

HEADER = "sc_year_code\tyear\tsubject\theading\tdocsymbols\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "itp.tsv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_entries_read_with_keys_sections_and_year_free_headings(tmp_path):
    path = write(tmp_path, "S70\t2015\tUKRAINE--POLITICAL CONDITIONS\tGeneral documents\t"
                           "s/2015/102\n"
                           "S70\t2015\tUN. SECURITY COUNCIL (2015)--AGENDA\tGeneral documents\t"
                           "S/2015/103|A/69/767\n"
                           "S70\t2015\tPEACEBUILDING\tStatements by the President of the Security "
                           "Council\tS/PRST/2015/3\n")
    itp = read_itp(path)
    assert itp.problems == []
    first, second, third = itp.entries
    assert (first.year, first.heading, first.section, first.symbols, first.line) == (
        2015, "UKRAINE--POLITICAL CONDITIONS", "document", ("S/2015/102",), 2)
    assert second.heading == "UN. SECURITY COUNCIL ({year})--AGENDA"
    assert second.symbols == ("S/2015/103", "A/69/767")
    assert third.section == "statement"
    assert dated_heading(second.heading, 2016) == "UN. SECURITY COUNCIL (2016)--AGENDA"
    assert dated_heading(second.heading, None) == "UN. SECURITY COUNCIL--AGENDA"
    assert generic_heading("UN. SECURITY COUNCIL (2015)", 2015) == "UN. SECURITY COUNCIL ({year})"
    assert heading_parts(first.heading) == ["UKRAINE", "POLITICAL CONDITIONS"]
    assert headings_by_document(itp.entries)["A/69/767"] == {second.heading}


def test_bad_lines_are_reported_by_number_and_the_rest_is_read(tmp_path):
    path = write(tmp_path, "S70\t2015\tTERRORISM\tGeneral documents\tS/2015/1\n"
                           "S70\tlast year\tTERRORISM\tGeneral documents\tS/2015/2\n"
                           "S70\t2015\t\tGeneral documents\tS/2015/3\n"
                           "S70\t2015\tTERRORISM\tGeneral documents\t\n"
                           "S70\t2015\tTERRORISM\tGeneral documents\tnot a symbol|S/2015/5\n"
                           "S70\t2015\tTERRORISM\n")
    itp = read_itp(path)
    assert [e.symbols for e in itp.entries] == [("S/2015/1",), ("S/2015/5",)]
    problems = "\n".join(itp.problems)
    for line, what in ((3, "is not a year"), (4, "no heading"), (5, "no document symbol"),
                       (6, "'not a symbol'"), (7, "3 columns, expected 5")):
        assert f"itp.tsv, line {line}: " in problems and what in problems


@pytest.mark.parametrize(("header", "body", "message"), [
    ("year\tsubject\n", "2015\tTERRORISM\n", "line 1: no column heading, docsymbols"),
    (HEADER, "", "no usable entries"),
    ("", "", "empty file"),
    (HEADER, "S70\t1800\tTERRORISM\tReports\tS/2015/1\n", "no usable entries (1 lines"),
])
def test_files_that_cannot_be_used_say_why(tmp_path, header, body, message):
    with pytest.raises(CorpusError, match=message.replace("(", r"\(")):
        read_itp(write(tmp_path, body, header))


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        read_itp(tmp_path / "nope.tsv")
    (tmp_path / "itp.tsv").write_bytes(HEADER.encode() + b"S70\t2015\t\xff\xfe\tReports\tS/1\n")
    with pytest.raises(CorpusError, match="not UTF-8"):
        read_itp(tmp_path / "itp.tsv")


def test_heading_parts_outside_the_vocabulary_are_counted(tmp_path, unbis):
    path = write(tmp_path, "S70\t2015\tUKRAINE--POLITICAL CONDITIONS\tReports\tS/2015/1\n"
                           "S70\t2015\tSYRIAN ARAB REPUBLIC SITUATION\tReports\tS/2015/2\n"
                           "S70\t2015\tSYRIAN ARAB REPUBLIC SITUATION\tReports\tS/2015/3\n")
    assert unknown_parts(read_itp(path).entries, unbis) == {"SYRIAN ARAB REPUBLIC SITUATION": 2}


def test_cross_validation_keeps_scored_documents_out_of_what_is_learnt(itp_file, dev_corpus):
    folds = cross_validation(itp_file.entries, dev_corpus, 5)
    dev_keys = {k for d in dev_corpus for k in d.symbols}
    indexed = {d.symbols[0] for d in dev_corpus} & set(headings_by_document(itp_file.entries))
    assert sorted(k for f in folds for k in f.test) == sorted(indexed)
    for fold in folds:
        # the Index tables hold no dev document, the scored ones least of all
        assert not any(dev_keys & set(e.symbols) for e in fold.entries)
        trained_on = {d.symbols[0] for d in fold.train}
        assert trained_on.isdisjoint(fold.test)
        assert all(fold_of(k, 5) == fold.number for k in fold.test)
        assert all(d.headings for d in fold.train)
    assert len(without_documents(itp_file.entries, dev_keys)) < len(itp_file.entries)


def test_gold_file_read_and_checked(tmp_path):
    gold = read_gold_concepts(Path(__file__).resolve().parents[2] / "corpus" / "subjects"
                              / "unpc-dev" / "unpc_devset_gold.tsv")
    assert len(gold) == 85
    assert gold["S/2015/102"] == {"http://metadata.un.org/thesaurus/1004971",
                                  "http://metadata.un.org/thesaurus/1006762"}
    (tmp_path / "g.tsv").write_text("document\tconcepts\nS/1\tx\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="g.tsv, line 1: expected columns"):
        read_gold_concepts(tmp_path / "g.tsv")
    (tmp_path / "g.tsv").write_text("document\tunbis_concepts\nnot one\tx=y\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="g.tsv, line 2: 'not one'"):
        read_gold_concepts(tmp_path / "g.tsv")


def test_corpus_documents_get_their_headings_by_symbol(itp_file):
    from hemicycle.subjects.itp import label_corpus

    corpus = Corpus([CorpusDocument("text", frozenset(), "en", "a", ("S/2015/102",)),
                     CorpusDocument("text", frozenset(), "en", "b", ("S/1999/1",))])
    labelled = label_corpus(corpus, itp_file.entries)
    assert labelled.documents[0].headings == {"UKRAINE--POLITICAL CONDITIONS"}
    assert labelled.documents[1].headings == frozenset()
