"""Vocabularies from SKOS and TSV, kept in the data directory; bad files say what and where."""

from __future__ import annotations

import pytest

from hemicycle.subjects.errors import SubjectError, UnknownVocabulary
from hemicycle.subjects.vocabulary import (
    install_vocabulary,
    load_vocabulary,
    read_vocabulary,
    vocabulary_names,
)


def test_skos_file_gives_concepts_labels_and_hierarchy(yso):
    assert len(yso) == 130
    assert set(yso.languages) == {"fi", "sv", "en"}
    crusades = yso.concepts["http://www.yso.fi/onto/yso/p2557"]
    assert crusades.labels["en"] == "Age of the Crusades"
    assert crusades.broader == ["http://www.yso.fi/onto/yso/p2558"]
    assert yso.find_label("arkeologiset kaivaukset", "fi") == "http://www.yso.fi/onto/yso/p14173"


def test_unbis_comma_joined_alt_labels_are_split(unbis13):
    assert set(unbis13.languages) == {"ar", "zh", "en", "fr", "ru", "es"}
    oil = unbis13.concepts["http://example.org/unbis-2015/T0001209"]
    assert "MAREES NOIRES" in oil.alt_labels["fr"]
    assert unbis13.label(oil.uri, "zh") == "漏油"


def test_annif_subject_list_and_six_language_table(tmp_path, arch_dir):
    yso_fi = read_vocabulary("fi", arch_dir / "subjects.tsv", "fi")
    assert len(yso_fi) == 125 and yso_fi.languages == ["fi"]
    table = tmp_path / "six.tsv"
    table.write_text("uri\tar\tzh\ten\tfr\tru\tes\n"
                     "http://metadata.un.org/thesaurus/1005418\tاللاجئون\t难民\trefugees\t"
                     "refugies\tБеженцы\trefugiados\n", encoding="utf-8")
    six = read_vocabulary("six", table)
    assert six.label("http://metadata.un.org/thesaurus/1005418", "ru") == "Беженцы"


@pytest.mark.parametrize("content, message", [
    ("", "empty vocabulary"),
    ("not-a-uri\tlabel\n", "line 1: 'not-a-uri' is not a concept URI"),
    ("<http://x.org/1>\tok\n<http://x.org/2>\n", "line 2: no label"),
])
def test_broken_tables_name_the_line(tmp_path, content, message):
    path = tmp_path / "bad.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SubjectError, match=message):
        read_vocabulary("bad", path, "en")


def test_broken_skos_and_missing_file(tmp_path):
    path = tmp_path / "bad.ttl"
    path.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<x> skos:prefLabel",
                    encoding="utf-8")
    with pytest.raises(SubjectError, match="cannot read as RDF"):
        read_vocabulary("bad", path)
    empty = tmp_path / "empty.ttl"
    empty.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    with pytest.raises(SubjectError, match="no skos:Concept"):
        read_vocabulary("empty", empty)
    with pytest.raises(SubjectError, match="no such file"):
        read_vocabulary("gone", tmp_path / "gone.ttl")


def test_installed_vocabulary_round_trips_and_unknown_names_are_clear(settings, yso):
    install_vocabulary(settings, yso)
    assert vocabulary_names(settings) == ["yso"]
    again = load_vocabulary(settings, "yso")
    assert again.to_json() == yso.to_json()
    with pytest.raises(UnknownVocabulary, match="unknown vocabulary 'unbis'; loaded: yso"):
        load_vocabulary(settings, "unbis")
    with pytest.raises(UnknownVocabulary, match="not valid"):
        load_vocabulary(settings, "../etc")
