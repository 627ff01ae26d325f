"""A digitised document enters the catalogue as a draft for a cataloguer to review.

The draft carries what was extracted from its first page, each field with its
confidence (``extra["extraction"]``), the OCR facts per page (``extra["ocr"]``),
the OCR text as its language version, and four files: the original scan, the
PDF/A, the plain text and the hOCR.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from hemicycle.config import Settings
from hemicycle.digitise.assemble import DocumentOutputs
from hemicycle.digitise.extract import extract_metadata
from hemicycle.digitise.sources import MEDIA_TYPES, ScanFile
from hemicycle.documents import DocumentInput, FileInput, VersionInput, save_document
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


def describe(scan: ScanFile, outputs: DocumentOutputs, batch: str) -> dict:
    """Everything the draft record will say, as plain data (kept in the job result too)."""
    pages = outputs.pages
    language, language_confidence = document_language(pages)
    first_text = outputs.text_content.split("\f", 1)[0]
    fields = extract_metadata(first_text, language, language_confidence,
                              pages[0]["confidence"])
    if "symbols" not in fields:
        from_name = _filename_symbol(scan.path.name)
        if from_name:
            fields["symbols"] = {"value": [from_name], "confidence": 0.5}
    words = sum(p["words"] for p in pages)
    mean = (sum(p["confidence"] * p["words"] for p in pages) / words) if words else 0.0
    ocr = {
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
    return {"language": language, "fields": fields, "ocr": ocr}


def save_draft(settings: Settings, scan: ScanFile, outputs: DocumentOutputs, batch: str):
    """Save the draft record with its files; return (SaveResult, description)."""
    from hemicycle.review.confidence import record_saved_draft

    info = describe(scan, outputs, batch)
    fields, language = info["fields"], info["language"]
    symbols = fields.get("symbols", {}).get("value", [])
    drafts = fields.get("drafts", {}).get("value", [])
    date = fields.get("date", {}).get("value")
    title = fields.get("title", {}).get("value")
    base = Path(scan.path.name).stem
    files = [
        FileInput(language, scan.format, scan.path, scan.path.name, MEDIA_TYPES[scan.format]),
        FileInput(language, "pdfa", outputs.pdfa, f"{base}.pdfa.pdf", "application/pdf"),
        FileInput(language, "txt", outputs.text, f"{base}.txt", "text/plain"),
        FileInput(language, "hocr", outputs.hocr, f"{base}.hocr",
                  "text/vnd.hocr+html"),
    ]
    doc = DocumentInput(
        symbols=symbols,
        identifier=None if symbols else f"scan-{scan.doc_id}",
        distribution=fields.get("distribution", {}).get("value"),
        publication_date=dt.date.fromisoformat(date) if date else None,
        status="draft",
        source="digitise",
        extra={"extraction": fields, "ocr": info["ocr"]},
        versions={language: VersionInput(title=title, text=outputs.text_content,
                                         text_source="ocr")},
        files=files,
        related=[(draft, "draft") for draft in drafts if draft not in symbols],
    )
    result = save_document(settings, doc)
    record_saved_draft(settings, result.document_id)  # the review queue filters on it
    if result.changed:
        suggest_subjects(settings, result.document_id)
    return result, info


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
