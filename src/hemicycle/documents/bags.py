"""Catalogue records inside Hemicycle bags: ``hemicycle/<uid>/document.json``.

Export writes what the catalogue knows of each document beside its files, so that
importing the bag into another Hemicycle recreates the documents, not only the
bytes. Import goes through the ingest area's ``save_document`` (the one way
documents are written); where that is not available the bytes alone are stored.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.config import Settings
from hemicycle.storage.paths import PathRefused, normalise_logical_path

RECORD = "document.json"


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


def write_record(settings: Settings, uid: str, tag_dir: Path) -> bool:
    record = document_record(settings, uid)
    if record is None:
        return False
    (tag_dir / RECORD).write_text(json.dumps(record, ensure_ascii=False, indent=2),
                                  encoding="utf-8")
    return True


def save_record(settings: Settings, record_path: Path, payload: Path,
                entries: dict[str, Path]) -> str:
    """Recreate the document of ``record_path`` with the files under ``payload``; its uid.

    Payload files (``entries``: logical path -> file) that the record does not name
    are stored in the document's object too, so that no byte of the bag is dropped.

    Raises ValueError (naming the file and field) for a record that cannot be saved.
    """
    from hemicycle.ingest.records import (
        AgendaInput,
        DocumentInput,
        FileInput,
        SubjectInput,
        VersionInput,
        save_document,
    )

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
        from hemicycle.storage import store_files

        store_files(settings, uid, rest, message=f"imported with {record_path.parent.name}")
    return uid
