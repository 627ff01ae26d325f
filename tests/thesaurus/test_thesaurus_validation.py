"""The validation report: W3C SKOS examples (consistent / not consistent), the warts of
real UNBIS exports, and bad input (syntax with line and column, W3C negative syntax
tests, unknown language tags, huge literals)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from thesaurus_helpers import DATA, DOMAIN13, PREFIXES, YSO, concept_ttl

from hemicycle.thesaurus.rdfparse import FORMATS, RdfError, parse_bytes, read_triples
from hemicycle.thesaurus.skosgraph import collect
from hemicycle.thesaurus.sources import read_sources
from hemicycle.thesaurus.validation import CODES_TABLE, validate

SHACL = DATA / "skos-shacl"
# What each W3C "not consistent" example breaks (SKOS Reference integrity conditions)
EXPECTED = {
    "ex12": "PREF_LABEL_NOT_UNIQUE", "ex13": "LABELS_NOT_DISJOINT",
    "ex14": "LABELS_NOT_DISJOINT", "ex15": "LABELS_NOT_DISJOINT",
    "ex26": "RELATED_CLASHES_BROADER", "ex27": "RELATED_CLASHES_BROADER",
    "ex28": "RELATED_CLASHES_BROADER", "ex29": "RELATED_CLASHES_BROADER",
    "ex45": "COLLECTION_IN_RELATION", "ex46": "COLLECTION_IN_RELATION",
    "ex47": "COLLECTION_IN_RELATION", "ex52": "EXACT_MATCH_CLASH",
    "ex53": "EXACT_MATCH_CLASH", "ex59": "RELATED_CLASHES_BROADER",
    "ex60": "RELATED_CLASHES_BROADER", "ex61": "RELATED_CLASHES_BROADER",
}


def _report(path: Path, required=()):
    return validate(collect(read_triples(path)), path.name, required)


def _serious(report) -> set[str]:
    return {c for c in report.codes() if CODES_TABLE[c][0] != "warning"}


@pytest.mark.parametrize("path", sorted((SHACL / "valid" / "skos-reference").glob("*.ttl")),
                         ids=lambda p: p.stem)
def test_w3c_consistent_examples_have_no_errors(path: Path) -> None:
    assert _serious(_report(path)) == set()


@pytest.mark.parametrize("path", sorted((SHACL / "invalid" / "skos-reference").glob("*.ttl")),
                         ids=lambda p: p.stem)
def test_w3c_inconsistent_examples_are_caught_with_their_code(path: Path) -> None:
    report = _report(path)
    assert EXPECTED[path.stem] in _serious(report)
    issue = next(i for i in report.issues if i.code == EXPECTED[path.stem])
    assert issue.severity == "error" and issue.uri


def test_every_inconsistent_example_has_an_expectation() -> None:
    stems = {p.stem for p in (SHACL / "invalid" / "skos-reference").glob("*.ttl")}
    assert stems == set(EXPECTED)


def test_real_unbis_warts_are_reported() -> None:
    report = read_sources(DOMAIN13).report
    assert not report.fatal
    # comma-joined alternative labels, and related links to concepts outside domain 13
    comma = [i for i in report.issues if i.code == "ALT_LABEL_COMMA"]
    assert comma and all("," in i.detail for i in comma)
    dangling = [i for i in report.issues if i.code == "RELATION_DANGLING"]
    assert any("example.org/unbis-2015/T" in i.detail for i in dangling)
    assert report.counts["PREF_LABEL_MISSING"] == 0  # domain 13 has all six


def test_missing_languages_duplicates_and_cycles(write) -> None:
    text = PREFIXES + concept_ttl("a", {"en": "Water", "fr": "Eau"}, "skos:broader ex:b") \
        + concept_ttl("b", {"en": "Resources"}, "skos:broader ex:a") \
        + concept_ttl("c", {"en": "water"}, "skos:altLabel \"rivers, lakes\"@en")
    report = read_sources([write("v.ttl", text)]).report
    codes = report.codes()
    assert {"PREF_LABEL_MISSING", "PREF_LABEL_DUPLICATE", "BROADER_CYCLE",
            "ALT_LABEL_COMMA"} <= codes
    missing = {i.uri: i.detail for i in report.issues if i.code == "PREF_LABEL_MISSING"}
    assert "ar, zh, ru, es" in missing["http://example.org/t/a"]
    dup = next(i for i in report.issues if i.code == "PREF_LABEL_DUPLICATE")
    assert dup.uri == "http://example.org/t/a" and "http://example.org/t/c" in dup.detail
    assert not report.fatal


def test_unknown_language_tag_is_fatal(write) -> None:
    report = read_sources([write("v.ttl", PREFIXES + concept_ttl("a", {"xx": "Water"}))]).report
    assert report.fatal and "LANG_TAG_UNKNOWN" in report.codes()
    assert "'xx'" in next(i for i in report.issues if i.code == "LANG_TAG_UNKNOWN").detail


def test_huge_literals_are_refused(write) -> None:
    long_label = "a" * 5_000
    report = read_sources([write("v.ttl", PREFIXES + concept_ttl("a", {"en": long_label}))]
                          ).report
    assert "LABEL_TOO_LONG" in report.codes() and report.fatal
    huge = "b" * 200_000
    report = read_sources([write("w.nt", f'<http://e/a> <http://e/p> "{huge}" .\n')]).report
    assert report.codes() == {"LITERAL_TOO_LARGE"}


def test_syntax_errors_carry_file_line_and_column(write) -> None:
    path = write("bad.ttl", PREFIXES + "ex:a skos:prefLabel \"x\"@en ;\n  skos:broader .\n")
    with pytest.raises(RdfError) as err:
        list(read_triples(path))
    assert err.value.line == 5 and err.value.column
    assert str(err.value).startswith(f"{path}:5:")
    report = read_sources([path]).report
    issue = report.issues[0]
    assert issue.code == "SYNTAX" and issue.line == 5


def test_rdfxml_errors_carry_a_position(write) -> None:
    path = write("bad.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf='
                 '"http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<rdf:Description>\n')
    with pytest.raises(RdfError) as err:
        list(read_triples(path))
    assert err.value.line == 4


def test_unknown_suffix_is_refused(write) -> None:
    report = read_sources([write("vocab.txt", "hello")]).report
    assert report.codes() == {"FORMAT_UNKNOWN"}


def test_no_concepts_is_fatal(write) -> None:
    report = read_sources([write("v.ttl", PREFIXES)]).report
    assert report.codes() == {"NO_CONCEPTS"}


def test_real_yso_vocabulary_reads_cleanly_with_its_languages() -> None:
    report = read_sources([YSO], required=("fi", "sv", "en")).report
    assert not report.fatal and not report.has("error")


def _negative_cases():
    index = DATA / "w3c-negative-syntax" / "index.tsv"
    with index.open(encoding="utf-8") as fh:
        return [(r["suite"], r["path"], r["base_iri"])
                for r in csv.DictReader(fh, delimiter="\t")]


@pytest.mark.parametrize("suite,path,base", _negative_cases(),
                         ids=lambda v: v if "/" not in v else None)
def test_w3c_negative_syntax_tests_are_rejected(suite: str, path: str, base: str) -> None:
    file = DATA / "w3c-negative-syntax" / suite / path
    with pytest.raises(RdfError) as err:
        list(parse_bytes(file.read_bytes(), FORMATS[file.suffix], str(file), base))
    assert err.value.code == "SYNTAX"
    if suite != "rdf-xml":
        assert err.value.line is not None
