"""A digitised document enters the catalogue as a draft for a cataloguer to review.

The draft is described like every other record (``documents.describe_input``, reading
the OCR text with the page's confidence): each field with its source and confidence
(``extra["extraction"]``), its findings (a scan without text, a symbol the text
contradicts), the OCR facts per page (``extra["ocr"]``), the OCR text as its language
version, and four files: the original scan, the PDF/A, the plain text and the hOCR.
What a manifest beside the scans states (``hints``: symbol, date, type, title) counts
as stated by the manifest.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from hemicycle.config import Settings
from hemicycle.digitise.assemble import DocumentOutputs
from hemicycle.digitise.sources import MEDIA_TYPES, ScanFile
from hemicycle.documents import (
    DocumentInput,
    FileInput,
    VersionInput,
    describe_input,
    save_document,
)
from hemicycle.symbols import looks_like_symbol, symbol_from_filename


def _filename_symbol(name: str) -> str | None:
    try:
        symbol, _lang = symbol_from_filename(name)
    except ValueError:
        return None
    return symbol if symbol and looks_like_symbol(symbol) else None


def document_language(pages: list[dict]) -> tuple[str, float]:
    """The language most pages are in, and the first page's confidence in it."""
    counts = Counter(p["language"] for p in pages)
    language = counts.most_common(1)[0][0]
    first = next(p for p in pages if p["language"] == language)
    return language, float(first.get("language_confidence", 1.0))


def ocr_facts(scan: ScanFile, outputs: DocumentOutputs, batch: str) -> dict:
    """What the OCR says about itself, per page and in all (kept in ``extra["ocr"]``)."""
    pages = outputs.pages
    words = sum(p["words"] for p in pages)
    mean = (sum(p["confidence"] * p["words"] for p in pages) / words) if words else 0.0
    return {
        "engine": pages[0]["engine"],
        "batch": batch,
        "source_file": scan.path.name,
        "source_sha256": scan.sha256,
        "pages": [{k: p[k] for k in ("page", "language", "confidence", "words", "skew",
                                     "rotated")} for p in pages],
        "confidence": round(mean, 1),
        "pdfa": "PDF/A-2b",
        "review": True,
    }


def draft_input(scan: ScanFile, outputs: DocumentOutputs, batch: str,
                hints: dict | None = None) -> DocumentInput:
    """The draft's input, described; ``hints``: what a manifest states about the scan."""
    hints = hints or {}
    pages = outputs.pages
    language, language_confidence = document_language(pages)
    base = Path(scan.path.name).stem
    files = [
        FileInput(language, scan.format, scan.path, scan.path.name, MEDIA_TYPES[scan.format]),
        FileInput(language, "pdfa", outputs.pdfa, f"{base}.pdfa.pdf", "application/pdf"),
        FileInput(language, "txt", outputs.text, f"{base}.txt", "text/plain"),
        FileInput(language, "hocr", outputs.hocr, f"{base}.hocr",
                  "text/vnd.hocr+html"),
    ]
    date = hints.get("date")
    doc = DocumentInput(
        symbols=list(hints.get("symbols") or []),
        identifier=f"scan-{scan.doc_id}",
        doc_type=hints.get("doc_type"),
        publication_date=dt.date.fromisoformat(date) if date else None,
        status="draft",
        source=hints.get("source") or "digitise",
        extra={"ocr": ocr_facts(scan, outputs, batch)},
        versions={language: VersionInput(title=hints.get("title"),
                                         text=outputs.text_content, text_source="ocr")},
        files=files,
    )
    describe_input(doc, "manifest", text_source="ocr", quality=pages[0]["confidence"] / 100,
                   primary_language=language)
    extraction = doc.extra["extraction"]
    if not doc.symbols and (from_name := _filename_symbol(scan.path.name)):
        doc.symbols = [from_name]
        extraction["symbols"] = {"value": [from_name], "source": "filename",
                                 "confidence": 0.5}
    extraction["language"] = {"value": language, "source": "ocr",
                              "confidence": round(language_confidence, 2)}
    if doc.symbols:
        doc.identifier = None
    return doc


def save_draft(settings: Settings, scan: ScanFile, outputs: DocumentOutputs, batch: str,
               hints: dict | None = None):
    """Save the draft record with its files; return (SaveResult, the saved input)."""
    from hemicycle.review.confidence import record_saved_draft
    from hemicycle.review.tasks import record_saved

    doc = draft_input(scan, outputs, batch, hints)
    result = save_document(settings, doc)
    record_saved_draft(settings, result.document_id)  # the review queue filters on it
    record_saved(settings, [(result, doc)])
    if result.changed:
        suggest_subjects(settings, result.document_id)
    return result, doc


def suggest_subjects(settings: Settings, document_id: int) -> None:
    """Drafts reach the cataloguer with subject suggestions already made.

    Without a loaded vocabulary there is nothing to suggest from; the draft is kept and
    ``hemicycle subjects index`` makes the suggestions once one is loaded.
    """
    from hemicycle.subjects import SubjectError, suggest_for_document

    try:
        suggest_for_document(settings, document_id)
    except SubjectError:
        return
