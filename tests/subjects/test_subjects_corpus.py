"""Annif's corpus formats: read, written, and refused with the file and line named."""

from __future__ import annotations

import pytest

from hemicycle.subjects.corpus import (
    read_corpus,
    read_folder_corpus,
    read_tsv_corpus,
    write_tsv_corpus,
)
from hemicycle.subjects.errors import CorpusError


def test_tsv_corpus(archaeology):
    assert len(archaeology) == 6404
    first = archaeology.documents[0]
    assert first.text.startswith("Läntinen kristillistymisprosessi")
    assert first.subjects == {"http://www.yso.fi/onto/yso/p2557"}


def test_folder_corpus_reads_tsv_and_key_files(yso, tmp_path, arch_dir):
    corpus = read_folder_corpus(arch_dir / "fulltext", yso, "fi")
    assert len(corpus) == 28
    assert all(doc.subjects for doc in corpus)
    (tmp_path / "a.txt").write_text("muinaisjäännökset", encoding="utf-8")
    (tmp_path / "a.key").write_text("kaivaukset\nei tällaista\n", encoding="utf-8")
    keyed = read_corpus(tmp_path, yso, "fi")
    assert keyed.documents[0].subjects == {"http://www.yso.fi/onto/yso/p14173"}
    assert keyed.problems == [f"{tmp_path / 'a.key'}, line 2: unknown label 'ei tällaista'"]


def test_round_trip(archaeology, tmp_path):
    path = tmp_path / "out.tsv"
    write_tsv_corpus(archaeology.documents[:50], path)
    again = read_tsv_corpus(path)
    assert [d.subjects for d in again] == [d.subjects for d in archaeology.documents[:50]]
    assert [d.text for d in again] == [" ".join(d.text.split())
                                       for d in archaeology.documents[:50]]


@pytest.mark.parametrize("content, message", [
    (b"good text\t<http://x.org/1>\nno tab here\n", "line 2: no TAB"),
    (b"\t<http://x.org/1>\n", "line 1: empty text"),
    (b"caf\xe9\t<http://x.org/1>\n", "not UTF-8"),
    (b"\n\n", "no documents"),
])
def test_broken_tsv_corpus(tmp_path, content, message):
    path = tmp_path / "bad.tsv"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=message):
        read_tsv_corpus(path)


def test_broken_folder_corpus(tmp_path):
    with pytest.raises(CorpusError, match="no .txt documents"):
        read_folder_corpus(tmp_path)
    (tmp_path / "lonely.txt").write_text("text", encoding="utf-8")
    with pytest.raises(CorpusError, match="no lonely.tsv or lonely.key"):
        read_folder_corpus(tmp_path)
    with pytest.raises(CorpusError, match="no such file"):
        read_corpus(tmp_path / "absent.tsv")
