"""What a document is saved from: the input every way in fills (manifest, MARC, BagIt,
digitisation, upload, review), and the errors that name the field at fault."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

STATUSES = ("published", "draft", "deleted")
DISTRIBUTIONS = ("GEN", "LTD", "RES")


class RecordError(ValueError):
    """The input for one document is not valid; says which field and why."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class DocumentConflict(RecordError):
    """The document exists with different values for fields the input also gives."""


# how a version's text was obtained: from a born-digital file, by OCR (by us), by OCR
# corrected by hand against the scans (CR-UNSC's texts), or given in the manifest
TEXT_SOURCES = ("born-digital", "ocr", "ocr-corrected", "manual")


@dataclass
class VersionInput:
    """``text_source``: one of ``TEXT_SOURCES``."""

    title: str | None = None
    text: str | None = None
    text_source: str | None = None


@dataclass
class FileInput:
    language: str
    format: str
    path: Path
    filename: str | None = None
    media_type: str | None = None
    # (size, sha512) of the bytes, where the reader hashed them as it read them (a manifest
    # of text files): not read again to check them; storage checks them as it copies
    digest: tuple[int, str] | None = None


@dataclass
class SubjectInput:
    concept: str
    label: str | None = None
    vocab: str = "unbis"
    origin: str = "human"
    backend: str | None = None
    score: float | None = None
    assigned_by: str | None = None


@dataclass
class AgendaInput:
    agenda_symbol: str | None = None
    item_number: str | None = None
    title: str | None = None
    subject: str | None = None


@dataclass
class DocumentInput:
    symbols: list[str]
    doc_type: str | None = None
    distribution: str | None = None
    publication_date: dt.date | None = None
    action_date: dt.date | None = None
    # day | month | year (hemicycle.describe.precision); None: to the day
    date_precision: str | None = None
    status: str = "published"
    source: str | None = None
    extra: dict = field(default_factory=dict)
    versions: dict[str, VersionInput] = field(default_factory=dict)
    files: list[FileInput] = field(default_factory=list)
    subjects: list[SubjectInput] = field(default_factory=list)
    agenda_items: list[AgendaInput] = field(default_factory=list)
    related: list[tuple[str, str]] = field(default_factory=list)
    # A local identifier for records that carry no UN symbol (e.g. a speech).
    identifier: str | None = None
    body: str | None = None
    session: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class SaveResult:
    uid: str
    document_id: int
    created: bool
    changed: bool
