"""schema.org JSON-LD for a document page, so that search engines and citation
tools read the symbol, titles per language, dates and subjects."""

from __future__ import annotations

from typing import Any

from hemicycle.catalogue.models import Document
from hemicycle.describe.precision import date_of
from hemicycle.languages import CODES

UNBIS_SCHEME = "http://metadata.un.org/thesaurus"


def _subject(subject) -> dict[str, Any]:
    term: dict[str, Any] = {"@type": "DefinedTerm", "name": subject.label or subject.concept}
    if subject.concept.startswith(("http://", "https://")):
        term["@id"] = subject.concept
    if subject.vocab == "unbis":
        term["inDefinedTermSet"] = UNBIS_SCHEME
    return term


def document_jsonld(document: Document, base_url: str) -> dict[str, Any]:
    """A schema.org CreativeWork describing ``document`` at ``base_url``/documents/uid."""
    url = f"{base_url.rstrip('/')}/documents/{document.uid}"
    versions = {v.language: v for v in document.versions}
    titles = [{"@value": versions[c].title, "@language": c}
              for c in CODES if c in versions and versions[c].title]
    symbols = [s.symbol for s in document.symbols] or [document.symbol]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": url,
        "url": url,
        "identifier": [{"@type": "PropertyValue", "propertyID": "UN document symbol",
                        "value": s} for s in symbols],
        "inLanguage": [c for c in CODES if c in versions],
    }
    if titles:
        data["name"] = titles
    if document.doc_type:
        data["genre"] = document.doc_type
    if document.body:
        data["creator"] = {"@type": "Organization", "name": document.body}
    if document.publication_date:
        data["datePublished"] = date_of(document)
    if document.updated_at:
        data["dateModified"] = document.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    if document.subjects:
        data["about"] = [_subject(s) for s in document.subjects]
    if document.related:
        data["isRelatedTo"] = [{"@type": "CreativeWork", "identifier": r.symbol,
                                "description": r.role} for r in document.related]
    if document.files:
        data["encoding"] = [{"@type": "MediaObject", "encodingFormat": f.media_type,
                             "inLanguage": f.language, "contentSize": str(f.size)}
                            for f in document.files]
    from hemicycle.interop import iiif_manifest

    if iiif_manifest.has_page_images(document):  # the pages, for IIIF viewers
        data["subjectOf"] = {"@type": "CreativeWork", "encodingFormat": "application/ld+json",
                             "url": iiif_manifest.manifest_url(base_url, document.uid),
                             "schemaVersion": iiif_manifest.PRESENTATION_CONTEXT}
    return data
