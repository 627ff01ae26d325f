"""Search uses the thesaurus: subjects by label in any language, narrower concepts,
facet labels in the interface language."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hemicycle.documents import DocumentInput, SubjectInput, VersionInput, save_document
from hemicycle.search.index import catch_up
from hemicycle.search.query import search
from hemicycle.thesaurus.store import load_vocabulary
from hemicycle.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
TTL = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix t: <http://metadata.un.org/thesaurus/> .
t:00 a skos:ConceptScheme ; skos:prefLabel "UNBIS Thesaurus"@en .
t:1000001 a skos:Concept ; skos:inScheme t:00 ; skos:narrower t:1000002 ;
  skos:prefLabel "REFUGEES"@en, "RÉFUGIÉS"@fr, "REFUGIADOS"@es, "БЕЖЕНЦЫ"@ru,
                 "اللاجئون"@ar, "难民"@zh .
t:1000002 a skos:Concept ; skos:inScheme t:00 ; skos:broader t:1000001 ;
  skos:prefLabel "REFUGEE CHILDREN"@en, "ENFANTS RÉFUGIÉS"@fr, "NIÑOS REFUGIADOS"@es,
                 "ДЕТИ-БЕЖЕНЦЫ"@ru, "الأطفال اللاجئون"@ar, "难民儿童"@zh .
"""
BROAD, NARROW = "http://metadata.un.org/thesaurus/1000001", "http://metadata.un.org/thesaurus/1000002"


@pytest.fixture
def indexed(settings, tmp_path):
    vocab = tmp_path / "mini.ttl"
    vocab.write_text(TTL, encoding="utf-8")
    load_vocabulary(settings, "unbis", [vocab])
    for symbol, concept in (("A/74/10", BROAD), ("A/74/11", NARROW)):
        save_document(settings, DocumentInput(
            symbols=[symbol], versions={"en": VersionInput(title=f"Report {symbol}",
                                                           text="Assistance to people")},
            subjects=[SubjectInput(concept, label=None)]))
    catch_up(settings)
    return settings


def symbols(results) -> set[str]:
    return {hit.symbol for hit in results.hits}


def test_subject_filter_can_include_narrower_concepts(indexed):
    only = search(indexed, "", filters={"subject": [BROAD]})
    assert symbols(only) == {"A/74/10"}
    wider = search(indexed, "", filters={"subject": [BROAD]}, narrower=True)
    assert symbols(wider) == {"A/74/10", "A/74/11"}
    # a label works as well as a URI
    by_label = search(indexed, "", filters={"subject": ["refugees"]}, narrower=True)
    assert symbols(by_label) == {"A/74/10", "A/74/11"}


@pytest.mark.parametrize("label", ["réfugiés", "БЕЖЕНЦЫ", "اللاجئون", "难民", "refugiados"])
def test_subject_label_in_any_language_finds_the_document(indexed, label):
    assert "A/74/10" in symbols(search(indexed, f'subject:"{label}"'))


def test_subject_facet_shows_labels_in_the_interface_language(indexed):
    client = TestClient(create_app(indexed))
    page = client.get("/search/facets?q=assistance&ui=fr")
    assert "RÉFUGIÉS" in page.text and "ENFANTS RÉFUGIÉS" in page.text
    chosen = client.get(f"/search/facets?q=assistance&subject={BROAD}&ui=ar")
    assert "تضمين المواضيع الأضيق" in chosen.text
    wider = client.get(f"/api/search?subject={BROAD}&narrower=1").json()
    assert {h["symbol"] for h in wider["hits"]} == {"A/74/10", "A/74/11"}
