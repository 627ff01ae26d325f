"""Simple Dublin Core for a document: the elements OAI-PMH ``oai_dc`` and the
``<meta name="DC.*">`` tags of the document page are both made from.

One list of (element, value, language) is the single mapping; the two outputs only
differ in how they are written.
"""

from __future__ import annotations

from typing import NamedTuple

from hemicycle.catalogue.models import Document
from hemicycle.describe.precision import date_of
from hemicycle.languages import CODES

DC_NS = "http://purl.org/dc/elements/1.1/"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"


class DCElement(NamedTuple):
    name: str  # one of the 15 simple DC elements
    value: str
    language: str | None = None


def dc_elements(document: Document, base_url: str | None = None) -> list[DCElement]:
    """The document as simple Dublin Core, titles in each language the document has."""
    out: list[DCElement] = []
    versions = {v.language: v for v in document.versions}
    for code in CODES:
        version = versions.get(code)
        if version is not None and version.title:
            out.append(DCElement("title", version.title, code))
    for sym in document.symbols or []:
        out.append(DCElement("identifier", sym.symbol))
    if not document.symbols:
        out.append(DCElement("identifier", document.symbol))
    if base_url:
        out.append(DCElement("identifier", f"{base_url.rstrip('/')}/documents/{document.uid}"))
    if document.body:
        out.append(DCElement("creator", document.body))
    if document.publication_date:
        out.append(DCElement("date", date_of(document)))
    if document.doc_type:
        out.append(DCElement("type", document.doc_type))
    for code in CODES:
        if code in versions:
            out.append(DCElement("language", code))
    for subject in document.subjects or []:
        out.append(DCElement("subject", subject.label or subject.concept))
    for item in document.agenda_items or []:
        if item.title:
            out.append(DCElement("coverage", item.title))
    for rel in document.related or []:
        out.append(DCElement("relation", rel.symbol))
    for f in document.files or []:
        out.append(DCElement("format", f.media_type))
    seen: set[DCElement] = set()
    unique = []
    for element in out:
        if element not in seen:
            seen.add(element)
            unique.append(element)
    return unique


def dc_meta(document: Document) -> list[tuple[str, str]]:
    """(name, content) pairs for ``<meta>`` tags in the page head (DC-HTML convention)."""
    return [(f"DC.{e.name}", e.value) for e in dc_elements(document)]
