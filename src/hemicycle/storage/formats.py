"""Format identification by signature: what a stored file is, recorded as a PREMIS event.

A handful of magic numbers covers what a library of official documents holds
(PDF, TIFF, JPEG, PNG, XML, ZIP-based office files, plain text); anything else is
``application/octet-stream`` and says so, rather than trusting a file name.
"""

from __future__ import annotations

from pathlib import Path

SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "Portable Document Format"),
    (b"II*\x00", "image/tiff", "Tagged Image File Format"),
    (b"MM\x00*", "image/tiff", "Tagged Image File Format"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG File Interchange Format"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "Portable Network Graphics"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "image/jp2", "JPEG 2000"),
    (b"PK\x03\x04", "application/zip", "ZIP archive"),
    (b"{\\rtf", "application/rtf", "Rich Text Format"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage", "OLE2 compound file"),
)


HEAD = 4096  # the bytes a file is identified by


def identify(path: Path) -> tuple[str, str]:
    """(media type, format name) of the file at ``path``, from its first bytes."""
    with open(path, "rb") as fh:
        return identify_head(fh.read(HEAD))


def identify_head(head: bytes) -> tuple[str, str]:
    """(media type, format name) of a file whose first ``HEAD`` bytes are ``head`` (a
    writer that has just copied the file identifies it without reading it again)."""
    if not head:
        return "application/octet-stream", "empty file"
    for magic, media_type, name in SIGNATURES:
        if head.startswith(magic):
            return media_type, name
    probe = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if probe.startswith(b"<?xml") or probe.startswith(b"<"):
        if b"<html" in probe[:512].lower() or b"<!doctype html" in probe[:512].lower():
            return "text/html", "HyperText Markup Language"
        return "application/xml", "Extensible Markup Language"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the 4096-byte edge
            return "application/octet-stream", "unidentified binary"
    return "text/plain", "Plain text (UTF-8)"
