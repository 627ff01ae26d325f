"""Shared constants for the thesaurus tests: the bundled corpus and small SKOS files."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus" / "thesaurus"
DATA = ROOT / "tests" / "data" / "thesaurus"
DOMAIN13 = [CORPUS / "unbis-domain13" / "unbis-domain13.ttl",
            CORPUS / "unbis-domain13" / "tcode_to_metadata_un_org.tsv"]
LABELS = CORPUS / "unbis-labels" / "unbis_concepts_uri_6lang_joined.tsv"
DOMAINS = CORPUS / "unbis-labels" / "unbis_domains_microthesauri_2016.tsv"
YSO = CORPUS / "yso-archaeology" / "yso-archaeology.ttl"

SIX = '"{en}"@en, "{fr}"@fr, "{es}"@es, "{ru}"@ru, "{ar}"@ar, "{zh}"@zh'


def concept_ttl(cid: str, labels: dict[str, str], extra: str = "") -> str:
    pref = ", ".join(f'"{text}"@{lang}' for lang, text in labels.items())
    return (f"ex:{cid} a skos:Concept ; skos:inScheme ex:s ; skos:prefLabel {pref}"
            f"{' ; ' + extra if extra else ''} .\n")


PREFIXES = ("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
            "@prefix ex: <http://example.org/t/> .\n"
            "ex:s a skos:ConceptScheme ; skos:prefLabel \"Test scheme\"@en .\n")
