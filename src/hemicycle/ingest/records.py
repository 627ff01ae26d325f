"""Saving one document: bytes to storage first, then the catalogue in one transaction.

Every way a document enters Hemicycle (manifest ingest, digitisation, MARC import)
goes through ``save_document``, so the rules live here once: symbols are parsed by
``hemicycle.symbols``; saving the same thing twice changes nothing; new language
versions, files and subjects merge into an existing record; a value that disagrees
with the one already catalogued is a conflict unless ``replace`` is asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hemicycle.catalogue import outbox
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import (
    AgendaItem,
    Document,
    DocumentSubject,
    DocumentSymbol,
    File,
    LanguageVersion,
    RelatedDocument,
    new_uid,
    utcnow,
)
from hemicycle.catalogue.queries import lookup_key
from hemicycle.config import Settings
from hemicycle.languages import normalise_language
from hemicycle.storage import store_files
from hemicycle.symbols import parse_symbol

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


@dataclass
class VersionInput:
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


@dataclass(frozen=True)
class _Checked:
    """The input after validation: canonical symbols, keys and file facts."""

    primary: str
    symbols: list[tuple[str, str]]  # (canonical, key)
    body: str | None
    session: str | None
    year: int | None
    doc_type: str | None
    files: list[tuple[FileInput, int, str]]  # (file, size, sha512)


def _sha512(path: Path) -> tuple[int, str]:
    digest = hashlib.sha512()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def check_input(doc: DocumentInput) -> _Checked:
    """Validate ``doc`` without touching anything; raise RecordError naming the field."""
    if doc.status not in STATUSES:
        raise RecordError("status", f"{doc.status!r} is not one of {', '.join(STATUSES)}")
    if doc.distribution and doc.distribution not in DISTRIBUTIONS:
        raise RecordError(
            "distribution", f"{doc.distribution!r} is not one of {', '.join(DISTRIBUTIONS)}")
    symbols: list[tuple[str, str]] = []
    parsed = []
    for raw in doc.symbols:
        try:
            sym = parse_symbol(raw)
        except ValueError as exc:
            raise RecordError("symbol", f"{raw!r} is not a document symbol ({exc})") from None
        if sym.key not in {k for _, k in symbols}:
            symbols.append((sym.canonical, sym.key))
            parsed.append(sym)
    if not symbols:
        if not doc.identifier:
            raise RecordError("symbol", "a document needs a symbol (or a local identifier)")
        ident = doc.identifier.strip()
        symbols.append((ident, lookup_key(ident)))
    first = parsed[0] if parsed else None
    for lang in doc.versions:
        normalise_language(lang)  # raises UnknownLanguage (a ValueError) naming it
    files = []
    for f in doc.files:
        try:
            lang = normalise_language(f.language)
        except ValueError as exc:
            raise RecordError("language", str(exc)) from None
        path = Path(f.path)
        if not path.is_file():
            raise RecordError("file", f"{path} does not exist or is not a file")
        size, digest = _sha512(path)
        files.append((FileInput(lang, f.format.lower(), path, f.filename or path.name,
                                f.media_type), size, digest))
    return _Checked(
        primary=symbols[0][0],
        symbols=symbols,
        body=doc.body or (first.body if first else None),
        session=doc.session or (first.session if first else None),
        year=doc.year or next((p.year for p in parsed if p.year), None) or (
            (doc.action_date or doc.publication_date).year
            if (doc.action_date or doc.publication_date) else None),
        doc_type=doc.doc_type or (first.doc_type if first else None),
        files=files,
    )


def find_document(db: Session, symbol: str) -> Document | None:
    """The document carrying ``symbol`` in any of its variants (or local identifier)."""
    return db.scalar(
        select(Document).join(DocumentSymbol).where(DocumentSymbol.key == lookup_key(symbol))
    )


def _merge_scalar(doc: Document, name: str, value, replace: bool, conflicts: list[str]) -> bool:
    if value is None or value == {}:
        return False
    current = getattr(doc, name)
    if current == value:
        return False
    if current is not None and current != {} and not replace:
        conflicts.append(f"{name}: catalogued {current!r}, input {value!r}")
        return False
    setattr(doc, name, value)
    return True


def _apply(db: Session, doc: Document, data: DocumentInput, checked: _Checked,
           locations: dict[str, str], replace: bool) -> bool:
    """Merge ``data`` into ``doc``; return whether anything changed."""
    conflicts: list[str] = []
    changed = False
    for name, value in (
        ("doc_type", data.doc_type), ("body", data.body), ("session", data.session),
        ("year", data.year), ("distribution", data.distribution),
        ("publication_date", data.publication_date), ("action_date", data.action_date),
        ("source", data.source),
    ):
        changed |= _merge_scalar(doc, name, value, replace, conflicts)
    # Values derived from a symbol only fill gaps: a joint document's second symbol
    # (S/2017/14 beside A/ES-10/738) must not contradict what its first one says.
    for name in ("doc_type", "body", "session", "year"):
        derived = getattr(checked, name)
        if derived is not None and getattr(doc, name) is None:
            setattr(doc, name, derived)
            changed = True
    if data.status != doc.status and (doc.id is None or replace or doc.status == "draft"):
        doc.status = data.status
        changed = True
    if data.extra:
        merged = {**(doc.extra or {}), **data.extra}
        if merged != (doc.extra or {}):
            doc.extra = merged
            changed = True

    have_keys = {s.key for s in doc.symbols}
    for canonical, key in checked.symbols:
        if key not in have_keys:
            other = db.scalar(select(DocumentSymbol).where(DocumentSymbol.key == key))
            if other is not None and other.document_id != doc.id:
                conflicts.append(f"symbol: {canonical} already belongs to another document")
                continue
            doc.symbols.append(DocumentSymbol(symbol=canonical, key=key,
                                              position=len(doc.symbols)))
            changed = True

    for lang_raw, v in data.versions.items():
        lang = normalise_language(lang_raw)
        existing = doc.version(lang)
        if existing is None:
            doc.versions.append(LanguageVersion(language=lang, title=v.title, text=v.text,
                                                text_source=v.text_source))
            changed = True
            continue
        for name in ("title", "text", "text_source"):
            value = getattr(v, name)
            if value is None or getattr(existing, name) == value:
                continue
            if getattr(existing, name) is not None and not replace:
                conflicts.append(f"{lang} {name}: differs from the catalogued one")
            else:
                setattr(existing, name, value)
                changed = True

    for f, size, digest in checked.files:
        current = next((x for x in doc.files
                        if x.language == f.language and x.format == f.format), None)
        if current is not None and current.sha512 == digest:
            continue
        if current is not None and not replace:
            conflicts.append(f"file {f.language}/{f.format}: different bytes from the catalogued "
                             f"{current.filename}")
            continue
        media = f.media_type or mimetypes.guess_type(f.filename)[0] or "application/octet-stream"
        if current is None:
            current = File(language=f.language, format=f.format)
            doc.files.append(current)
        current.media_type, current.size, current.sha512 = media, size, digest
        current.filename = f.filename
        current.location = locations[_logical_path(f)]
        changed = True

    have_subjects = {(s.vocab, s.concept) for s in doc.subjects}
    for s in data.subjects:
        if (s.vocab, s.concept) in have_subjects:
            continue
        doc.subjects.append(DocumentSubject(
            vocab=s.vocab, concept=s.concept, label=s.label, origin=s.origin,
            backend=s.backend, score=s.score, assigned_by=s.assigned_by))
        have_subjects.add((s.vocab, s.concept))
        changed = True

    have_agenda = {(a.agenda_symbol, a.item_number) for a in doc.agenda_items}
    for a in data.agenda_items:
        if (a.agenda_symbol, a.item_number) not in have_agenda:
            doc.agenda_items.append(AgendaItem(agenda_symbol=a.agenda_symbol,
                                               item_number=a.item_number,
                                               title=a.title, subject=a.subject))
            have_agenda.add((a.agenda_symbol, a.item_number))
            changed = True

    have_related = {(r.symbol, r.role) for r in doc.related}
    for symbol, role in data.related:
        try:
            canonical = parse_symbol(symbol).canonical
        except ValueError as exc:
            raise RecordError("related", f"{symbol!r} is not a document symbol ({exc})") from None
        if (canonical, role) not in have_related:
            doc.related.append(RelatedDocument(symbol=canonical, role=role))
            have_related.add((canonical, role))
            changed = True

    if conflicts:
        raise DocumentConflict(
            "document", f"{checked.primary} conflicts with the catalogued record: "
            + "; ".join(conflicts))
    if changed and doc.id is not None:
        doc.updated_at = utcnow()
    return changed


_ALL_RELATIONS = tuple(
    selectinload(rel) for rel in (Document.symbols, Document.versions, Document.files,
                                  Document.subjects, Document.agenda_items, Document.related))


def _logical_path(f: FileInput) -> str:
    return f"{f.language}/{f.filename}"


def save_document(settings: Settings, data: DocumentInput, replace: bool = False,
                  index: bool = True) -> SaveResult:
    """Store the files, then write the record whole (or not at all)."""
    checked = check_input(data)
    with session_scope(settings.database_url) as db:
        doc = None
        for canonical, _key in checked.symbols:
            doc = find_document(db, canonical)
            if doc is not None:
                break
        uid = doc.uid if doc is not None else new_uid()
    locations: dict[str, str] = {}
    if checked.files:
        # bytes first: a crash after this leaves stored bytes and no record, never the reverse
        sources = {_logical_path(f): f.path for f, _, _ in checked.files}
        locations = store_files(settings, uid, sources, message=f"ingest {checked.primary}")
    with session_scope(settings.database_url) as db, db.no_autoflush:
        doc = db.scalar(select(Document).options(*_ALL_RELATIONS).where(Document.uid == uid))
        created = doc is None
        if created:
            doc = Document(uid=uid, symbol=checked.primary, status=data.status, extra={})
            db.add(doc)
        changed = _apply(db, doc, data, checked, locations, replace)
        db.flush()
        document_id = doc.id
        if changed:
            outbox.mark_for_index(db, document_id)
    if changed and index:
        index_pending(settings)
    return SaveResult(uid=uid, document_id=document_id, created=created, changed=changed)


def index_pending(settings: Settings) -> int:
    """Bring the search index up to date with every change recorded in the outbox."""
    from hemicycle.search.index import update_documents

    done = 0
    while True:
        with session_scope(settings.database_url) as db:
            ids = outbox.pending_ids(db)
        if not ids:
            return done
        update_documents(settings, ids)
        with session_scope(settings.database_url) as db:
            outbox.mark_indexed(db, ids)
        done += len(ids)
