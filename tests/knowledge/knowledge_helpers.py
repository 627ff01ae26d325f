"""Small builders shared by the knowledge tests: documents in the catalogue, guide texts."""

from __future__ import annotations

import shutil
from pathlib import Path

from hemicycle.catalogue.db import session_scope
from hemicycle.documents import DocumentInput, SubjectInput, VersionInput, save_document
from hemicycle.knowledge import guides
from hemicycle.knowledge.links import LinkChecker
from hemicycle.proceedings.importers.ga import GAFiles, import_ga
from hemicycle.proceedings.importers.gdc import GDCFiles, import_gdc
from hemicycle.search.index import catch_up
from hemicycle.thesaurus.store import load_vocabulary

EDITOR = "editor1"


def add_documents(settings) -> None:
    """Three real Security Council documents (titles as the DHL catalogues them)."""
    save_document(settings, DocumentInput(
        symbols=["S/RES/242 (1967)"], doc_type="resolution",
        versions={"en": VersionInput(title="Resolution 242 (1967) of 22 November 1967",
                                     text="The Security Council, expressing its continuing "
                                          "concern with the grave situation in the Middle "
                                          "East"),
                  "fr": VersionInput(title="Résolution 242 (1967) du 22 novembre 1967",
                                     text="Le Conseil de sécurité, exprimant l'inquiétude que "
                                          "continue de lui causer la grave situation au "
                                          "Moyen-Orient")}))
    save_document(settings, DocumentInput(
        symbols=["S/RES/2334 (2016)"], doc_type="resolution",
        versions={"en": VersionInput(title="Resolution 2334 (2016)",
                                     text="The Security Council, reaffirming its relevant "
                                          "resolutions, including resolutions 242 (1967)")}))
    save_document(settings, DocumentInput(
        symbols=["CEDAW/C/UZB/Q/5"], doc_type="report",
        versions={"en": VersionInput(title="List of issues and questions in relation to the "
                                           "fifth periodic report of Uzbekistan")}))
    catch_up(settings)  # writers never touch the index: it follows the change log


def checker(settings) -> LinkChecker:
    return LinkChecker(settings)


GUIDE_EN = """Security Council resolutions are numbered in one series since 1946.

## A resolution

```live documents
- S/RES/242 (1967)
```

## Searching

```live search
q: security council
limit: 3
```

See [resolution 242](/symbol/S/RES/242%20(1967)).
"""


def save_guide(settings, slug="sc-documents", lang="en", body=GUIDE_EN, title="Security Council",
               publish=True) -> None:
    with session_scope(settings.database_url) as db:
        guides.save_page(db, slug, lang, title=title, summary="How to find them", body=body,
                         who=EDITOR)
    if publish:
        with session_scope(settings.database_url) as db:
            guides.submit(db, slug, lang, EDITOR, checker=checker(settings))
        with session_scope(settings.database_url) as db:
            guides.publish(db, slug, lang, "reviewer", checker=checker(settings))


ROOT = Path(__file__).resolve().parents[2]
UNVOTES = ROOT / "corpus" / "proceedings" / "unvotes"
UNGDC = ROOT / "corpus" / "proceedings" / "ungdc"
TEXTS = ROOT / "corpus" / "documents" / "ungdc" / "files"
UZBEKISTAN = "http://metadata.un.org/thesaurus/1006841"
# UNBIS names each country with a concept (labels as in the UNBIS export)
TTL = f"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
t:00 a skos:ConceptScheme ; skos:prefLabel "UNBIS Thesaurus"@en .
<{UZBEKISTAN}> a skos:Concept ; skos:inScheme t:00 ;
  skos:prefLabel "UZBEKISTAN"@en, "OUZBÉKISTAN"@fr, "UZBEKISTÁN"@es, "УЗБЕКИСТАН"@ru,
                 "أوزبكستان"@ar, "乌兹别克斯坦"@zh .
""".replace("t:00", "<http://metadata.un.org/thesaurus/00>")


def load_state_data(settings, tmp_path):
    """Votes of session 70, the General Debate speakers (two texts), their documents and
    a thesaurus concept for Uzbekistan with one document indexed under it."""
    import_ga(settings, GAFiles(UNVOTES / "sample_session70_roll_calls.csv",
                                UNVOTES / "sample_session70_votes.csv"))
    texts = tmp_path / "texts"
    texts.mkdir()
    for name in ("UZB_75_2020.txt", "FRA_75_2020.txt"):
        shutil.copy(TEXTS / name, texts / name)
    import_gdc(settings, GDCFiles(UNGDC / "Speakers_by_session.xlsx", texts))
    add_documents(settings)
    save_document(settings, DocumentInput(
        symbols=[], identifier="UNGDC/75/UZB", doc_type="speech",
        versions={"en": VersionInput(title="General Debate, session 75 (2020): statement by "
                                           "Uzbekistan")}))
    vocab = tmp_path / "unbis-uzb.ttl"
    vocab.write_text(TTL, encoding="utf-8")
    load_vocabulary(settings, "unbis", [vocab])
    save_document(settings, DocumentInput(
        symbols=["A/75/9999"], doc_type="letter", subjects=[SubjectInput(UZBEKISTAN)],
        versions={"en": VersionInput(title="Letter dated 1 October 2020 on the Aral Sea"),
                  "ru": VersionInput(title="Письмо от 1 октября 2020 года об Аральском море")}))
    catch_up(settings)
    return settings
