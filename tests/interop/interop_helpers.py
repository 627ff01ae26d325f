"""Helpers for the interop tests: a small catalogue written straight through the
catalogue models (so these tests do not depend on the ingest layer), and the
schemas loaded offline through their XML catalog."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lxml import etree

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import (
    AgendaItem,
    Document,
    DocumentSubject,
    DocumentSymbol,
    LanguageVersion,
    RelatedDocument,
)
from hemicycle.config import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "interop"
SCHEMAS = DATA / "xml-schemas"
MARC_DATA = DATA / "pymarc-test-data"
CATALOG_NS = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"

# (symbol, body, session, type, status, title_en, title_fr, updated_at)
DOCUMENTS = [
    ("S/RES/2334 (2016)", "SC", "71", "resolution", "published",
     "Resolution 2334 (2016)", "Résolution 2334 (2016)", dt.datetime(2016, 12, 23, 18, 0, 0)),
    ("A/RES/74/1", "GA", "74", "resolution", "published",
     "Scale of assessments", None, dt.datetime(2019, 10, 10, 9, 30, 0)),
    ("A/74/PV.52", "GA", "74", "meeting record", "published",
     "52nd plenary meeting", "52e séance plénière", dt.datetime(2019, 12, 1, 0, 0, 0)),
    ("A/C.3/74/L.25/Rev.1", "GA", "74", "draft resolution", "deleted",
     "Draft resolution", None, dt.datetime(2019, 12, 1, 0, 0, 0)),
    ("S/2015/305", "SC", "70", "letter", "draft",
     "Letter (draft, never shown)", None, dt.datetime(2020, 1, 1, 0, 0, 0)),
    ("E/RES/2019/1", "ECOSOC", "2019", "resolution", "published",
     "Working methods", None, dt.datetime(2020, 3, 4, 5, 6, 7)),
]


def key_of(symbol: str) -> str:
    return "".join(ch for ch in symbol.upper() if not ch.isspace())


def make_catalogue(settings: Settings, documents=DOCUMENTS) -> list[str]:
    """Write ``documents`` into the catalogue; return their uids in order."""
    uids = []
    with session_scope(settings.database_url) as db:
        for symbol, body, session, kind, status, en, fr, updated in documents:
            doc = Document(symbol=symbol, body=body, session=session, doc_type=kind,
                           status=status, extra={}, updated_at=updated,
                           publication_date=updated.date(), distribution="GEN")
            doc.symbols.append(DocumentSymbol(symbol=symbol, key=key_of(symbol), position=0))
            doc.versions.append(LanguageVersion(language="en", title=en, text=f"{en} text"))
            if fr:
                doc.versions.append(LanguageVersion(language="fr", title=fr))
            doc.subjects.append(DocumentSubject(
                vocab="unbis", concept="http://metadata.un.org/thesaurus/1005155",
                label="PEACEKEEPING"))
            doc.agenda_items.append(AgendaItem(agenda_symbol="A/74/251", item_number="14",
                                               title="Culture of peace", subject="PEACE"))
            doc.related.append(RelatedDocument(symbol="S/PV.7853", role="meeting record"))
            db.add(doc)
            db.flush()
            uids.append(doc.uid)
    return uids


class _CatalogResolver(etree.Resolver):
    """Resolves schema URLs to the local copies named in catalog.xml (offline)."""

    def __init__(self) -> None:
        super().__init__()
        catalog = etree.parse(str(SCHEMAS / "catalog.xml")).getroot()
        self.map = {}
        for entry in catalog:
            if entry.tag in (f"{CATALOG_NS}uri", f"{CATALOG_NS}system"):
                name = entry.get("name") or entry.get("systemId")
                self.map[name] = str(SCHEMAS / entry.get("uri"))

    def resolve(self, url, pubid, context):
        if url in self.map:
            return self.resolve_filename(self.map[url], context)
        return None


def load_schema(name: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_CatalogResolver())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), parser))


