"""The review queue: drafts waiting for a cataloguer, newest first, weakest field shown.

Each digitised draft carries its extracted fields with a confidence
(``extra["extraction"]``). A field a cataloguer has saved counts as certain (1.0); a draft
without any symbol counts its symbol as 0, since it cannot be published that way. The
weakest of these says what to check first, and drives bulk publishing by threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, LanguageVersion
from hemicycle.config import Settings
from hemicycle.languages import normalise_language
from hemicycle.review.actions import FIELDS, is_symbol, local_identifier, reviewed_version

ATTENTION = 0.8  # below this a field is flagged in the queue
MAX_PER_PAGE = 200
_CHUNK = 2000


class QueueError(ValueError):
    """A queue request that makes no sense (page out of range, threshold not in 0..1)."""


@dataclass(frozen=True)
class QueueEntry:
    uid: str
    label: str  # the primary symbol, or the local identifier when there is none
    has_symbol: bool
    batch: str | None
    language: str | None
    title: str | None
    ocr_confidence: float | None  # 0..100, Tesseract's mean word confidence
    weakest_field: str | None
    weakest_confidence: float | None  # 0..1
    source_file: str | None
    created_at: dt.datetime
    updated_at: dt.datetime

    def flagged(self, threshold: float = ATTENTION) -> bool:
        return self.weakest_confidence is not None and self.weakest_confidence < threshold

    def to_json(self, threshold: float = ATTENTION) -> dict:
        return {"uid": self.uid, "symbol": self.label if self.has_symbol else None,
                "identifier": None if self.has_symbol else self.label, "batch": self.batch,
                "language": self.language, "title": self.title,
                "ocr_confidence": self.ocr_confidence,
                "weakest_field": self.weakest_field,
                "weakest_confidence": self.weakest_confidence,
                "needs_attention": self.flagged(threshold), "source_file": self.source_file,
                "created_at": self.created_at.isoformat(),
                "version": self.updated_at.isoformat(), "url": f"/documents/{self.uid}"}


@dataclass(frozen=True)
class QueuePage:
    entries: list[QueueEntry]
    total: int
    page: int
    per_page: int
    batches: list[str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def field_confidences(extra: dict | None) -> dict[str, float]:
    """Each reviewed field's confidence: extracted value's, 1.0 once a person saved it."""
    extra = extra or {}
    extraction = extra.get("extraction") or {}
    checked = set((extra.get("review") or {}).get("checked") or [])
    out: dict[str, float] = {}
    for name in FIELDS:
        if name in checked:
            out[name] = 1.0
        elif isinstance(extraction.get(name), dict):
            try:
                out[name] = float(extraction[name].get("confidence", 0.0))
            except (TypeError, ValueError):
                out[name] = 0.0
    if "symbols" not in out:
        out["symbols"] = 0.0  # nothing found to publish it under
    return out


def weakest_field(extra: dict | None) -> tuple[str | None, float | None]:
    scores = field_confidences(extra)
    if not scores:
        return None, None
    name = min(scores, key=lambda n: (scores[n], FIELDS.index(n)))
    return name, scores[name]


def _drafts(batch: str | None, language: str | None):
    stmt = select(Document.id).where(Document.status == "draft")
    if batch:
        stmt = stmt.where(Document.extra[("ocr", "batch")].as_string() == batch)
    if language:
        stmt = stmt.where(exists().where(LanguageVersion.document_id == Document.id,
                                         LanguageVersion.language == language))
    return stmt


def _check(page: int, per_page: int, below: float | None, language: str | None) -> str | None:
    if page < 1:
        raise QueueError(f"page {page}: pages count from 1")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueueError(f"per_page {per_page}: between 1 and {MAX_PER_PAGE}")
    if below is not None and not 0 <= below <= 1:
        raise QueueError(f"below {below}: a confidence between 0 and 1")
    return normalise_language(language) if language else None


def _entry(doc: Document) -> QueueEntry:
    extra = doc.extra or {}
    ocr = extra.get("ocr") or {}
    weakest, confidence = weakest_field(extra)
    version = reviewed_version(doc)
    has_symbol = is_symbol(doc.symbol)
    return QueueEntry(
        uid=doc.uid, label=doc.symbol if has_symbol else (local_identifier(doc) or doc.symbol),
        has_symbol=has_symbol, batch=ocr.get("batch"),
        language=version.language if version else None,
        title=version.title if version else None,
        ocr_confidence=ocr.get("confidence"), weakest_field=weakest,
        weakest_confidence=confidence, source_file=ocr.get("source_file"),
        created_at=doc.created_at, updated_at=doc.updated_at)


def _scan(db, stmt) -> Iterator[tuple[int, dict]]:
    """(id, extra) of the drafts in queue order, read in chunks (the backlog is large)."""
    ids = db.scalars(stmt.order_by(Document.created_at.desc(), Document.id.desc())).all()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        extras = dict(db.execute(select(Document.id, Document.extra)
                                 .where(Document.id.in_(chunk))).all())
        for doc_id in chunk:
            yield doc_id, extras.get(doc_id) or {}


def list_drafts(settings: Settings, *, batch: str | None = None, language: str | None = None,
                below: float | None = None, page: int = 1,
                per_page: int = 50) -> QueuePage:
    """One page of the queue; ``below`` keeps only drafts whose weakest field is under it."""
    language = _check(page, per_page, below, language)
    stmt = _drafts(batch, language)
    with session_scope(settings.database_url) as db:
        if below is None:
            total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            ids = db.scalars(stmt.order_by(Document.created_at.desc(), Document.id.desc())
                             .offset((page - 1) * per_page).limit(per_page)).all()
        else:
            matching = [doc_id for doc_id, extra in _scan(db, stmt)
                        if (weakest_field(extra)[1] or 0.0) < below]
            total = len(matching)
            ids = matching[(page - 1) * per_page:page * per_page]
        docs = {d.id: d for d in db.scalars(
            select(Document).where(Document.id.in_(ids)).options(
                selectinload(Document.symbols), selectinload(Document.versions)))}
        entries = [_entry(docs[i]) for i in ids if i in docs]
        batches = sorted(b for b in db.scalars(
            select(Document.extra[("ocr", "batch")].as_string())
            .where(Document.status == "draft").distinct()) if b)
    return QueuePage(entries=entries, total=total, page=page, per_page=per_page,
                     batches=batches)


def confident_drafts(settings: Settings, threshold: float, *, batch: str | None = None,
                     language: str | None = None) -> list[str]:
    """The uids of drafts whose every reviewed field is at or above ``threshold``."""
    language = _check(1, 1, threshold, language)
    with session_scope(settings.database_url) as db:
        chosen = [doc_id for doc_id, extra in _scan(db, _drafts(batch, language))
                  if (weakest_field(extra)[1] or 0.0) >= threshold]
        uids: list[str] = []
        for start in range(0, len(chosen), _CHUNK):
            chunk = chosen[start:start + _CHUNK]
            found = dict(db.execute(select(Document.id, Document.uid)
                                    .where(Document.id.in_(chunk))).all())
            uids.extend(found[i] for i in chunk if i in found)
    return uids
