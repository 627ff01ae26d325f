"""The review queue: drafts waiting for a cataloguer, newest first, weakest field shown.

Each digitised draft carries its extracted fields with a confidence
(``extra["extraction"]``). A field a cataloguer has saved counts as certain (1.0); a draft
without any symbol counts its symbol as 0, since it cannot be published that way. The
weakest of these says what to check first, and drives bulk publishing by threshold.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, LanguageVersion
from hemicycle.config import Settings
from hemicycle.languages import normalise_language
from hemicycle.messages import Message
from hemicycle.review.actions import local_identifier, reviewed_version
from hemicycle.review.confidence import catch_up, weakest_field
from hemicycle.review.confidence import field_confidences as field_confidences
from hemicycle.review.models import ReviewDraft
from hemicycle.review.tasks import open_tasks_of, record_tasks, task_text
from hemicycle.symbols import is_symbol

ATTENTION = 0.8  # below this a field is flagged in the queue
MAX_PER_PAGE = 200


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


def _drafts(batch: str | None, language: str | None, *, below: float | None = None,
            at_least: float | None = None):
    """The drafts asked for, filtered by the database on their ``review_drafts`` row."""
    stmt = (select(Document.id).join(ReviewDraft, ReviewDraft.document_id == Document.id)
            .where(Document.status == "draft"))
    if batch:
        stmt = stmt.where(ReviewDraft.batch == batch)
    if language:
        stmt = stmt.where(exists().where(LanguageVersion.document_id == Document.id,
                                         LanguageVersion.language == language))
    if below is not None:
        stmt = stmt.where(ReviewDraft.weakest_confidence < below)
    if at_least is not None:
        stmt = stmt.where(ReviewDraft.weakest_confidence >= at_least)
    return stmt


_NEWEST_FIRST = (Document.created_at.desc(), Document.id.desc())


def _check(page: int, per_page: int, below: float | None, language: str | None) -> str | None:
    if page < 1:
        raise QueueError(Message("review.queue_page", "page {page}: pages count from 1",
                                 page=page))
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueueError(Message("review.queue_per_page",
                                 "per_page {per_page}: between 1 and {limit}",
                                 per_page=per_page, limit=MAX_PER_PAGE))
    if below is not None and not 0 <= below <= 1:
        raise QueueError(Message("review.queue_below",
                                 "below {below}: a confidence between 0 and 1", below=below))
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


def list_drafts(settings: Settings, *, batch: str | None = None, language: str | None = None,
                below: float | None = None, page: int = 1,
                per_page: int = 50) -> QueuePage:
    """One page of the queue; ``below`` keeps only drafts whose weakest field is under it."""
    language = _check(page, per_page, below, language)
    stmt = _drafts(batch, language, below=below)
    with session_scope(settings.database_url) as db:
        catch_up(db)
        total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        ids = db.scalars(stmt.order_by(*_NEWEST_FIRST)
                         .offset((page - 1) * per_page).limit(per_page)).all()
        docs = {d.id: d for d in db.scalars(
            select(Document).where(Document.id.in_(ids)).options(
                selectinload(Document.symbols), selectinload(Document.versions)))}
        entries = [_entry(docs[i]) for i in ids if i in docs]
        batches = sorted(b for b in db.scalars(
            select(ReviewDraft.batch).join(Document, Document.id == ReviewDraft.document_id)
            .where(Document.status == "draft").distinct()) if b)
    return QueuePage(entries=entries, total=total, page=page, per_page=per_page,
                     batches=batches)


def confident_drafts(settings: Settings, threshold: float, *, batch: str | None = None,
                     language: str | None = None) -> list[str]:
    """The uids of drafts whose every reviewed field is at or above ``threshold``."""
    language = _check(1, 1, threshold, language)
    with session_scope(settings.database_url) as db:
        catch_up(db)
        stmt = _drafts(batch, language, at_least=threshold).with_only_columns(Document.uid)
        return list(db.scalars(stmt.order_by(*_NEWEST_FIRST)))


def checked_drafts(settings: Settings, threshold: float, *, batch: str | None = None
                   ) -> tuple[list[str], dict[str, list[str]]]:
    """The drafts a cataloguer's checks would pass (a symbol, a date, a title, no finding,
    every reviewed field at or above ``threshold``), and those held back with their
    reasons (their open review tasks, or their weakest field)."""
    _check(1, 1, threshold, None)
    with session_scope(settings.database_url) as db:
        catch_up(db)
        rows = db.execute(_drafts(batch, None).with_only_columns(
            Document.id, Document.uid, ReviewDraft.weakest_field,
            ReviewDraft.weakest_confidence).order_by(*_NEWEST_FIRST)).all()
        record_tasks(db, [r.id for r in rows])
        ready, waiting = [], {}
        for r in rows:
            reasons = [f"{t.field}: {task_text(t.code, t.message, t.confidence)}"
                       for t in open_tasks_of(db, r.id)]
            if (r.weakest_confidence or 0.0) < threshold:
                reasons.append(f"{r.weakest_field}: confidence {r.weakest_confidence or 0:.2f} "
                               f"under {threshold}")
            if reasons:
                waiting[r.uid] = reasons
            else:
                ready.append(r.uid)
    return ready, waiting
