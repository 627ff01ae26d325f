"""Loading vocabularies into the catalogue (SQLite and PostgreSQL): the corpus, reloads
with a change log, all-or-nothing on bad input, and the functions search uses."""

from __future__ import annotations

import csv

import pytest
import rdflib
from sqlalchemy import func, select
from thesaurus_helpers import DOMAIN13, DOMAINS, LABELS, PREFIXES, YSO, concept_ttl

from hemicycle.catalogue.db import session_scope
from hemicycle.thesaurus import concept_labels, lookup, narrower_closure, resolve_subject
from hemicycle.thesaurus.models import Change, Concept, Label, TCode, ValidationReport
from hemicycle.thesaurus.store import LoadRefused, load_vocabulary

SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")


def _tcodes() -> dict[str, str]:
    with DOMAIN13[1].open(encoding="utf-8") as fh:
        return {r["tcode"]: r["metadata_un_org_uri_by_zh_label"]
                for r in csv.DictReader(fh, delimiter="\t")}


def test_load_unbis_corpus(catalogue_settings) -> None:
    result = load_vocabulary(catalogue_settings, "unbis", DOMAIN13 + [LABELS, DOMAINS])
    tcodes = _tcodes()
    with LABELS.open(encoding="utf-8") as fh:
        tsv_uris = {r["uri"] for r in csv.DictReader(fh, delimiter="\t")}
    assert result.version == 1 and not result.changed and not result.deprecated
    assert result.concepts == len(tsv_uris | set(tcodes.values()))
    with session_scope(catalogue_settings.database_url) as db:
        vocab = lookup.vocabulary(db, "unbis")
        assert vocab.languages[:6] == ["ar", "zh", "en", "fr", "ru", "es"]
        assert db.scalar(select(func.count()).select_from(TCode)) == len(tcodes)
        # domain 13's SKOS wins over the label list: its English labels are upper-case
        graph = rdflib.Graph().parse(DOMAIN13[0])
        code, uri = next(iter(tcodes.items()))
        view = lookup.concept_view(db, vocab, lookup.concept_by_uri(db, uri)[1], "en")
        en_labels = {str(o) for o in graph.objects(
            rdflib.URIRef(f"http://example.org/unbis-2015/{code}"), SKOS.prefLabel)
            if o.language == "en"}
        assert view.pref["en"] in en_labels
        assert view.tcodes == [code]
        # placed under its domain and microthesaurus
        assert view.breadcrumbs and view.breadcrumbs[0][0].kind == "domain"
        assert view.breadcrumbs[0][-1].kind == "microthesaurus"
        domains = lookup.groups(db, vocab, "fr")
        assert len(domains) == 18 and all(d.label for d in domains)
        report = db.scalar(select(ValidationReport).where(ValidationReport.version == 1))
        assert report.counts["ALT_LABEL_COMMA"] > 0


def _vocab(tmp_path, name: str, concepts: dict[str, dict[str, str]], extra=None):
    text = PREFIXES + "".join(concept_ttl(cid, labels, (extra or {}).get(cid, ""))
                              for cid, labels in concepts.items())
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


SIX = {"en": "water", "fr": "eau", "es": "agua", "ru": "вода", "ar": "ماء", "zh": "水"}


def test_reload_logs_added_changed_deprecated(catalogue_settings, tmp_path) -> None:
    v1 = _vocab(tmp_path, "v1.ttl", {"a": SIX, "b": {**SIX, "en": "rivers"},
                                     "c": {**SIX, "en": "lakes"}})
    v2 = _vocab(tmp_path, "v2.ttl", {"a": SIX, "b": {**SIX, "en": "streams"},
                                     "d": {**SIX, "en": "seas"}})
    first = load_vocabulary(catalogue_settings, "t", [v1])
    assert sorted(first.added) == ["http://example.org/t/" + x for x in "abc"] + [
        "http://example.org/t/s"]
    second = load_vocabulary(catalogue_settings, "t", [v2])
    ex = "http://example.org/t/"
    assert (second.version, second.added, second.changed, second.deprecated) == (
        2, [ex + "d"], [ex + "b"], [ex + "c"])
    with session_scope(catalogue_settings.database_url) as db:
        logged = set(db.execute(select(Change.version, Change.change, Change.uri)
                                .where(Change.version == 2)).all())
        assert logged == {(2, "added", ex + "d"), (2, "changed", ex + "b"),
                          (2, "deprecated", ex + "c")}
        vocab = lookup.vocabulary(db, "t")
        gone = lookup.concept_view(db, vocab, lookup.concept_by_id(db, vocab, "c"), "en")
        assert gone.deprecated and gone.pref["en"] == "lakes"  # old links still resolve
        assert [h.id for h in lookup.autocomplete(db, vocab, "la", "en")] == []
    # reloading the same version changes nothing
    third = load_vocabulary(catalogue_settings, "t", [v2])
    assert (third.version, third.added, third.changed, third.deprecated) == (2, [], [], [])
    with session_scope(catalogue_settings.database_url) as db:
        assert lookup.vocabulary(db, "t").version == 2


def test_bad_input_loads_nothing(catalogue_settings, tmp_path) -> None:
    good = _vocab(tmp_path, "good.ttl", {"a": SIX})
    load_vocabulary(catalogue_settings, "t", [good])
    with session_scope(catalogue_settings.database_url) as db:
        before = db.scalar(select(func.count()).select_from(Label))
    newer = _vocab(tmp_path, "newer.ttl", {"a": {**SIX, "en": "H2O"}, "b": SIX})
    broken = tmp_path / "broken.nt"
    broken.write_text('<http://example.org/t/x> <http://www.w3.org/2004/02/skos/core#'
                      'prefLabel> "x"@en .\n<http://example.org/t/x> <bad iri> "y" .\n')
    with pytest.raises(LoadRefused) as err:
        load_vocabulary(catalogue_settings, "t", [newer, broken])
    assert "broken.nt:2:" in str(err.value) and "SYNTAX" in str(err.value)
    with session_scope(catalogue_settings.database_url) as db:
        vocab = lookup.vocabulary(db, "t")
        assert vocab.version == 1
        assert db.scalar(select(func.count()).select_from(Label)) == before
        assert db.scalar(select(Concept.id).where(Concept.uri == "http://example.org/t/b")) \
            is None
        refused = db.scalar(select(ValidationReport).where(ValidationReport.version.is_(None)))
        assert refused.counts == {"SYNTAX": 1}
        assert refused.issues[0]["line"] == 2


def test_strict_refuses_skos_errors(settings, tmp_path) -> None:
    clash = _vocab(tmp_path, "v.ttl", {"a": SIX, "b": SIX},
                   {"a": "skos:broader ex:b ; skos:related ex:b"})
    with pytest.raises(LoadRefused, match="RELATED_CLASHES_BROADER"):
        load_vocabulary(settings, "t", [clash], strict=True)
    assert load_vocabulary(settings, "t", [clash]).version == 1  # lenient by default


def test_functions_for_search(catalogue_settings) -> None:
    load_vocabulary(catalogue_settings, "unbis", DOMAIN13)
    load_vocabulary(catalogue_settings, "yso", [YSO], required=("fi", "sv", "en"))
    tcodes = _tcodes()
    graph = rdflib.Graph().parse(YSO)
    # the YSO concept with the most descendants, and what rdflib says lies below it
    def below(node):
        return {str(s) for s in graph.transitive_subjects(SKOS.broader, node)}
    top = max(set(graph.objects(None, SKOS.broader)), key=lambda n: len(below(n)))
    with session_scope(catalogue_settings.database_url) as db:
        assert narrower_closure(db, str(top)) == below(top) | {str(top)}
        assert len(narrower_closure(db, str(top))) > 2
        code, uri = sorted(tcodes.items())[0]
        view = lookup.concept_view(db, lookup.vocabulary(db, "unbis"),
                                   lookup.concept_by_uri(db, uri)[1], "fr")
        french = view.pref["fr"]
        assert resolve_subject(db, code) == uri
        assert resolve_subject(db, code.lower()) == uri
        assert resolve_subject(db, uri) == uri
        assert resolve_subject(db, french.lower()) == uri
        assert resolve_subject(db, view.pref["ar"]) == uri
        assert resolve_subject(db, "no such subject at all") is None
        assert resolve_subject(db, "http://example.org/none") is None
        labels = concept_labels(db, [uri, "http://example.org/none"], "zh")
        assert labels == {uri: view.pref["zh"]}
    assert concept_labels(catalogue_settings, [uri], "fr") == {uri: french}


def test_autocomplete_accents_and_arabic_letters(settings) -> None:
    load_vocabulary(settings, "unbis", DOMAIN13)
    with session_scope(settings.database_url) as db:
        vocab = lookup.vocabulary(db, "unbis")
        # every French label is found from its accented / lower-case spelling and vice versa
        rows = db.execute(select(Label.text, Concept.uri).join(Concept).where(
            Label.lang == "fr", Label.kind == "pref", Concept.kind == "concept")).all()
        for text, uri in rows[:40]:
            typed = text.lower()[:6]
            assert uri in {h.uri for h in lookup.autocomplete(db, vocab, typed, "fr", 200)}
        hits = lookup.autocomplete(db, vocab, "réfugiés", "fr")
        assert hits and all(h.label.upper().startswith("REFUGI") for h in hits)
        arabic = db.execute(select(Label.text, Concept.uri).join(Concept).where(
            Label.lang == "ar", Label.kind == "pref", Label.text.like("%ة%"))).first()
        typed = arabic.text.replace("ة", "ه").replace("أ", "ا").replace("إ", "ا")
        assert arabic.uri in {h.uri for h in lookup.autocomplete(db, vocab, typed, "ar")}
        assert lookup.autocomplete(db, vocab, "", "en") == []
        # most Arabic labels begin with the article; the bare word finds them
        with_article = db.execute(select(Label.text, Concept.uri).join(Concept).where(
            Label.lang == "ar", Label.kind == "pref", Label.text.like("ال%"))).all()
        assert len(with_article) > 20
        for text, uri in with_article[:20]:
            bare = text.split()[0][2:4]  # the first two letters after the article
            found = {h.uri for h in lookup.autocomplete(db, vocab, bare, "ar", 200)}
            assert uri in found, (text, bare)
        # and a label is found from its first word and any part of the next, article
        # included: what a reader has typed when the suggestions are looked up
        two_words = [(text, uri) for text, uri in with_article if " ال" in text]
        assert len(two_words) > 10
        for text, uri in two_words[:10]:
            start = text.index(" ال") + 1
            for end in range(start, len(text) + 1):
                found = {h.uri for h in lookup.autocomplete(db, vocab, text[:end], "ar", 200)}
                assert uri in found, (text, text[:end])


def _statements(db, vocab_name: str) -> tuple[set, set]:
    from hemicycle.thesaurus.models import Relation, Vocabulary

    vid = select(Vocabulary.id).where(Vocabulary.name == vocab_name).scalar_subquery()
    labels = set(db.execute(select(Concept.uri, Label.kind, Label.tag, Label.text).join(
        Label, Label.concept_id == Concept.id).where(Concept.vocab_id == vid)).all())
    links = set(db.execute(select(Concept.uri, Relation.kind, Relation.target_uri).join(
        Relation, Relation.source_id == Concept.id).where(Concept.vocab_id == vid)).all())
    return labels, links


@pytest.mark.parametrize("fmt", ["ttl", "json", "xml", "nt"])
def test_export_then_load_round_trip(settings, fmt) -> None:
    from hemicycle.thesaurus.export import vocab_dump_path

    load_vocabulary(settings, "yso", [YSO], required=("fi", "sv", "en"))
    with session_scope(settings.database_url) as db:
        dump = vocab_dump_path(settings, db, lookup.vocabulary(db, "yso"), fmt)
    copy = load_vocabulary(settings, "copy", [dump], required=("fi", "sv", "en"))
    with session_scope(settings.database_url) as db:
        original = _statements(db, "yso")
        assert _statements(db, "copy") == original
        assert copy.concepts == lookup.vocabulary(db, "yso").concept_count
        assert len(original[0]) > 300 and any(k == "broader" for _u, k, _t in original[1])


def test_hidden_labels_are_found_but_not_listed(settings, tmp_path) -> None:
    path = _vocab(tmp_path, "v.ttl", {"a": SIX}, {"a": 'skos:hiddenLabel "watter"@en'})
    load_vocabulary(settings, "t", [path])
    with session_scope(settings.database_url) as db:
        vocab = lookup.vocabulary(db, "t")
        hits = lookup.autocomplete(db, vocab, "watt", "en")
        assert [(h.id, h.kind, h.pref) for h in hits] == [("a", "hidden", "water")]
        assert resolve_subject(db, "Watter", "t") == "http://example.org/t/a"
        listed = [e.label for e in lookup.az(db, vocab, "en", "W").entries]
        assert listed == ["water"]


def test_every_label_row_of_a_concept_is_kept(settings) -> None:
    """1001908 is on two rows of the label table (educational reform / educational
    innovations): the first gives its prefLabels, the second its altLabels."""
    uri = "http://metadata.un.org/thesaurus/1001908"
    with LABELS.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
                if r["uri"] == uri]
    assert len(rows) == 2
    load_vocabulary(settings, "unbis", [LABELS])
    with session_scope(settings.database_url) as db:
        vocab = lookup.vocabulary(db, "unbis")
        view = lookup.concept_view(db, vocab, lookup.concept_by_uri(db, uri)[1], "en")
        for lang in ("ar", "zh", "en", "fr", "ru", "es"):
            assert view.pref[lang] == rows[0][lang]
            second = rows[1][lang]
            if second != rows[0][lang]:
                assert second in view.alt[lang], lang
                hits = lookup.autocomplete(db, vocab, second, lang, 5)
                assert uri in {h.uri for h in hits}, (lang, second)
        assert "教育改革" not in view.alt.get("zh", [])  # the same on both rows: once
        assert resolve_subject(db, "educational innovations") == uri
        assert resolve_subject(db, "Образовательные нововведения") == uri
