"""Text from born-digital files: PDF (pdfium, a maintained PDF engine) and plain text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pypdfium2 as pdfium


class TextError(ValueError):
    """The file's text cannot be read; the message says why."""


def pdf_text(path: Path) -> str:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise TextError(f"{path.name}: the PDF is encrypted (password protected)") from None
        raise TextError(f"{path.name}: not a readable PDF ({reason})") from None
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n"))
            textpage.close()
            page.close()
        return "\f".join(pages).strip()
    finally:
        pdf.close()


def plain_text(path: Path) -> str:
    return _decoded(path, path.read_bytes())


def _decoded(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig").strip()
    except UnicodeDecodeError as exc:
        raise TextError(f"{path.name}: not UTF-8 text (byte {exc.start})") from None


def extract_text(path: Path) -> tuple[str, str]:
    """(text, format) for a PDF or a text file."""
    text, fmt, _digest = read_document_file(path)
    return text, fmt


def read_document_file(path: Path) -> tuple[str, str, tuple[int, str] | None]:
    """(text, format, (size, sha512) of a text file's bytes, hashed as they were read
    (None for a PDF, which pdfium reads itself))."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_text(path), "pdf", None
    if suffix in (".txt", ".text"):
        raw = path.read_bytes()
        return _decoded(path, raw), "txt", (len(raw), hashlib.sha512(raw).hexdigest())
    raise TextError(
        f"{path.name}: unsupported file type {suffix or '(none)'}; expected .pdf or .txt")
