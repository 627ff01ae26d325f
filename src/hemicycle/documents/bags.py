"""Documents in BagIt bags: the catalogue record beside the bytes.

A Hemicycle bag (``hemicycle.storage.bags``) holds each object's files under
``data/<uid>/``; here each document's catalogue record goes beside them as
``hemicycle/<uid>/document.json``, so that importing the bag into another Hemicycle
recreates the documents, not only the bytes. Import saves each record through the
document service (its files with it); objects without a record are stored as bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.config import Settings
from hemicycle.documents.inputs import (
    AgendaInput,
    DocumentInput,
    FileInput,
    SubjectInput,
    VersionInput,
)
from hemicycle.documents.save import save_document
from hemicycle.storage import StorageError, store_files
from hemicycle.storage.bags import BagImport, BagRefused
from hemicycle.storage.bags import export_bag as export_objects
from hemicycle.storage.bags import import_bag as import_objects
from hemicycle.storage.paths import PathRefused, normalise_logical_path

RECORD = "document.json"


def export_bag(settings: Settings, object_ids: list[str], dest: Path, *,
               agent: str = "hemicycle", info: dict[str, str] | None = None) -> Path:
    """A bag of ``object_ids`` (document uids, or other stored objects) at ``dest``, each
    document's catalogue record beside its files."""
    return export_objects(settings, object_ids, dest, agent=agent, info=info,
                          tag_files=lambda uid: _record_file(settings, uid))


def import_bag(settings: Settings, path: Path, *, object_id: str | None = None,
               agent: str = "hemicycle") -> BagImport:
    """Import a bag: the documents of its records saved whole, the other objects stored
    as bytes. A record that cannot be saved refuses the bag, naming the record."""

    def save(oid: str, tag_dir: Path, entries: dict[str, Path]) -> str | None:
        record = tag_dir / RECORD
        if not record.is_file():
            return None
        try:
            return save_record(settings, record, tag_dir.parent.parent / "data" / oid, entries)
        except (ValueError, StorageError) as exc:
            raise BagRefused(f"hemicycle/{oid}/{RECORD}: {exc}") from None

    return import_objects(settings, path, object_id=object_id, agent=agent, catalogue=save)


def document_record(settings: Settings, uid: str) -> dict | None:
    """The catalogue record of document ``uid`` as plain JSON, or None if there is none."""
    with session_scope(settings.database_url) as db:
        doc = db.scalar(select(Document).where(Document.uid == uid))
        if doc is None:
            return None

        def day(value: dt.date | None) -> str | None:
            return value.isoformat() if value else None

        prefix = f"ocfl:{uid}/"
        return {
            "uid": doc.uid,
            "symbols": [s.symbol for s in doc.symbols] or [doc.symbol],
            "doc_type": doc.doc_type, "distribution": doc.distribution,
            "publication_date": day(doc.publication_date), "action_date": day(doc.action_date),
            "date_precision": doc.date_precision,
            "status": doc.status, "source": doc.source, "extra": doc.extra or {},
            "body": doc.body, "session": doc.session, "year": doc.year,
            "versions": {v.language: {"title": v.title, "text": v.text,
                                      "text_source": v.text_source} for v in doc.versions},
            "files": [{"language": f.language, "format": f.format, "filename": f.filename,
                       "media_type": f.media_type,
                       "path": f.location[len(prefix):] if f.location.startswith(prefix)
                       else None} for f in doc.files],
            "subjects": [{"concept": s.concept, "label": s.label, "vocab": s.vocab,
                          "origin": s.origin, "backend": s.backend, "score": s.score,
                          "assigned_by": s.assigned_by} for s in doc.subjects],
            "agenda_items": [{"agenda_symbol": a.agenda_symbol, "item_number": a.item_number,
                              "title": a.title, "subject": a.subject} for a in doc.agenda_items],
            "related": [[r.symbol, r.role] for r in doc.related],
        }


def _record_file(settings: Settings, uid: str) -> dict[str, bytes]:
    record = document_record(settings, uid)
    if record is None:
        return {}
    return {RECORD: json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")}


def save_record(settings: Settings, record_path: Path, payload: Path,
                entries: dict[str, Path]) -> str:
    """Recreate the document of ``record_path`` with the files under ``payload``; its uid.

    Payload files (``entries``: logical path -> file) that the record does not name
    are stored in the document's object too, so that no byte of the bag is dropped.

    Raises ValueError (naming the file and field) for a record that cannot be saved.
    """
    try:
        rec = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{record_path.name}: not readable JSON ({exc})") from None

    def day(key: str) -> dt.date | None:
        value = rec.get(key)
        try:
            return dt.date.fromisoformat(value) if value else None
        except (TypeError, ValueError):
            raise ValueError(f"{record_path}: {key} {value!r} is not a date") from None

    files = []
    for f in rec.get("files") or []:
        logical = f.get("path")
        if not logical:
            continue
        try:
            logical = normalise_logical_path(logical)
        except PathRefused as exc:
            raise ValueError(f"{record_path}: file path refused: {exc}") from None
        source = payload / logical
        if not source.is_file():
            raise ValueError(f"{record_path}: file {logical!r} is not in the bag's payload")
        files.append(FileInput(f["language"], f["format"], source, f.get("filename"),
                               f.get("media_type")))
    data = DocumentInput(
        symbols=list(rec.get("symbols") or []),
        doc_type=rec.get("doc_type"), distribution=rec.get("distribution"),
        publication_date=day("publication_date"), action_date=day("action_date"),
        date_precision=rec.get("date_precision"),
        status=rec.get("status") or "published", source=rec.get("source"),
        extra=rec.get("extra") or {},
        versions={lang: VersionInput(**v) for lang, v in (rec.get("versions") or {}).items()},
        files=files,
        subjects=[SubjectInput(**s) for s in rec.get("subjects") or []],
        agenda_items=[AgendaInput(**a) for a in rec.get("agenda_items") or []],
        related=[tuple(r) for r in rec.get("related") or []],
    )
    uid = save_document(settings, data).uid
    named = {f.path for f in files}
    rest = {logical: p for logical, p in entries.items() if p not in named}
    if rest:
        store_files(settings, uid, rest, message=f"imported with {record_path.parent.name}")
    return uid
