"""Review tasks: what a cataloguer should look at on any record, published or draft.

A record's tasks are computed from the record itself: its findings
(``extra["findings"]``: a date no UN document can have, a symbol the text contradicts, a
scan without text), its fields read with low confidence (``extra["extraction"]``, below
``REVIEW_BELOW``: on a published record these were not applied, the task carries the
proposal; on a draft they were applied, to be checked), and, for a draft, what it lacks
to be published (a symbol, a date, a title). ``record_tasks`` (re)computes them after
every save; a task no longer wanted is closed by "the record", one a person resolved
stays resolved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, LanguageVersion, utcnow
from hemicycle.config import Settings
from hemicycle.describe import REVIEW_BELOW
from hemicycle.describe.fields import FINDINGS
from hemicycle.documents import DocumentInput, SaveResult
from hemicycle.messages import Message
from hemicycle.review.models import ReviewTask

# fields of the extraction a person would check (titles per language are in "title")
WATCHED = ("symbols", "date", "action_date", "doc_type", "body", "title", "period",
           "agenda", "meeting_record", "distribution")
STATED = ("manifest", "marc", "person")  # sources a person stands behind
CLOSED_BY_RECORD = "the record"
_CHUNK = 1000
MAX_NOTE = 2000


class TaskError(ValueError):
    """A request about tasks that makes no sense (a status, a page, a note too long)."""


class NoSuchTask(TaskError):
    """The task number names no task."""


class TaskClosed(TaskError):
    """The task was resolved already."""


@dataclass(frozen=True)
class Wanted:
    code: str
    field: str
    message: str
    confidence: float | None = None
    said_as: dict | None = None  # a finding's message as code and values


def _shown(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items() if v)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def wanted_tasks(status: str, extra: dict | None, has_title: bool) -> list[Wanted]:
    """The tasks a record with this status and ``extra`` should have."""
    extra = extra or {}
    out: list[Wanted] = []
    for f in extra.get("findings") or []:
        if isinstance(f, dict) and f.get("code") in FINDINGS:
            said = f.get("said")
            out.append(Wanted(f["code"], str(f.get("field") or "record"),
                              str(f.get("message") or FINDINGS[f["code"]]),
                              said_as=said if isinstance(said, dict) else None))
    extraction = extra.get("extraction") or {}
    checked = set((extra.get("review") or {}).get("checked") or [])
    for name in WATCHED:
        f = extraction.get(name)
        if not isinstance(f, dict) or name in checked or f.get("source") in STATED:
            continue
        try:
            confidence = float(f.get("confidence", 0.0))
        except (TypeError, ValueError):
            confidence = 0.0
        if confidence < REVIEW_BELOW:
            # the proposed value alone: pages and commands say "proposed" and the
            # confidence in their own language
            out.append(Wanted("low-confidence", name, _shown(f.get("value")), confidence))
    if status == "draft":
        if not (extraction.get("symbols") or {}).get("value"):
            out.append(Wanted("missing", "symbols", "no document symbol found"))
        if not (extraction.get("date") or {}).get("value"):
            out.append(Wanted("missing", "date", "no date found"))
        if not has_title and "title" not in checked:
            out.append(Wanted("missing", "title", "no title found (a display title is "
                                                  "made from the type and symbol)"))
    return out


def record_tasks(db: Session, document_ids: list[int]) -> None:
    """(Re)compute the tasks of these documents, in the caller's transaction."""
    ids = sorted(set(document_ids))
    now = utcnow()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        docs = db.execute(select(Document.id, Document.status, Document.extra)
                          .where(Document.id.in_(chunk))).all()
        titled = set(db.scalars(select(LanguageVersion.document_id).where(
            LanguageVersion.document_id.in_(chunk), LanguageVersion.title.is_not(None),
            LanguageVersion.title != "")))
        existing: dict[tuple[int, str, str], ReviewTask] = {
            (t.document_id, t.code, t.field): t for t in db.scalars(
                select(ReviewTask).where(ReviewTask.document_id.in_(chunk)))}
        for doc_id, status, extra in docs:
            wanted = {} if status in ("deleted", "rejected") else {
                (w.code, w.field): w for w in wanted_tasks(status, extra, doc_id in titled)}
            for (code, field), w in wanted.items():
                task = existing.pop((doc_id, code, field), None)
                if task is None:
                    db.add(ReviewTask(document_id=doc_id, code=code, field=field,
                                      message=w.message, said_as=w.said_as,
                                      confidence=w.confidence, status="open", created_at=now))
                elif task.status == "open" or task.resolved_by == CLOSED_BY_RECORD:
                    task.message, task.confidence = w.message, w.confidence
                    task.said_as = w.said_as
                    task.status, task.resolved_at, task.resolved_by = "open", None, None
            for key in [k for k in existing if k[0] == doc_id]:
                task = existing.pop(key)
                if task.status == "open":
                    task.status, task.resolved_at, task.resolved_by = \
                        "resolved", now, CLOSED_BY_RECORD
    db.flush()


def record_saved(settings: Settings, saved: list[tuple[SaveResult, DocumentInput]]) -> None:
    """After an import saved these documents: their tasks, in one transaction. A record
    created or left unchanged whose input wants no task is skipped (most of a bulk load:
    no read of it is needed)."""
    ids = [result.document_id for result, data in saved
           if result.changed and not result.created or wanted_tasks(
               data.status, data.extra,
               any(v.title for v in data.versions.values()))]
    if ids:
        with session_scope(settings.database_url) as db:
            record_tasks(db, ids)


def refresh_all(settings: Settings, progress=None) -> int:
    """Compute the tasks of every record (after an upgrade); return how many records."""
    done, last = 0, 0
    while True:
        with session_scope(settings.database_url) as db:
            ids = list(db.scalars(select(Document.id).where(Document.id > last)
                                  .order_by(Document.id).limit(_CHUNK)))
            if not ids:
                return done
            record_tasks(db, ids)
        done, last = done + len(ids), ids[-1]
        if progress:
            progress(len(ids))


@dataclass(frozen=True)
class TaskEntry:
    id: int
    uid: str
    symbol: str
    status: str  # the record's
    code: str
    field: str
    message: str
    confidence: float | None
    task_status: str
    created_at: dt.datetime
    resolved_by: str | None
    note: str | None
    said: str  # the message, a translatable Message where the check kept its code

    def to_json(self) -> dict:
        return {"id": self.id, "uid": self.uid, "symbol": self.symbol,
                "record_status": self.status, "code": self.code, "field": self.field,
                "message": self.message, "confidence": self.confidence,
                "status": self.task_status, "created_at": self.created_at.isoformat(),
                "resolved_by": self.resolved_by, "note": self.note,
                "url": f"/documents/{self.uid}"}


def task_text(code: str, message: str, confidence: float | None) -> str:
    """A task for commands and refusals ("low-confidence: Report of the
    Secretary-General (confidence 0.40)"); pages say it from translations instead."""
    sure = f" (confidence {confidence:.2f})" if code == "low-confidence" and confidence else ""
    return f"{code}: {message}{sure}"


def list_tasks(settings: Settings, *, status: str = "open", code: str | None = None,
               document: int | None = None, record_status: str | None = None,
               page: int = 1, per_page: int = 50) -> tuple[list[TaskEntry], int]:
    """One page of tasks (oldest first) and how many there are in all."""
    if status not in ("open", "resolved", "all"):
        raise TaskError(Message("review.task_status", "status {status}: open, resolved or all",
                                status=repr(status)))
    if page < 1 or not 1 <= per_page <= 200:
        raise TaskError(Message("review.task_page",
                                "page counts from 1; per_page between 1 and 200"))
    stmt = select(ReviewTask, Document.uid, Document.symbol, Document.status).join(
        Document, Document.id == ReviewTask.document_id)
    if status != "all":
        stmt = stmt.where(ReviewTask.status == status)
    if code:
        stmt = stmt.where(ReviewTask.code == code)
    if document is not None:
        stmt = stmt.where(ReviewTask.document_id == document)
    if record_status:
        stmt = stmt.where(Document.status == record_status)
    with session_scope(settings.database_url) as db:
        total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        rows = db.execute(stmt.order_by(ReviewTask.id).offset((page - 1) * per_page)
                          .limit(per_page)).all()
        return [TaskEntry(t.id, uid, symbol, doc_status, t.code, t.field, t.message,
                          t.confidence, t.status, t.created_at, t.resolved_by, t.note,
                          t.said)
                for t, uid, symbol, doc_status in rows], total


def open_tasks_of(db: Session, document_id: int) -> list[ReviewTask]:
    return list(db.scalars(select(ReviewTask).where(
        ReviewTask.document_id == document_id, ReviewTask.status == "open")
        .order_by(ReviewTask.id)))


def resolve_task(settings: Settings, task_id: int, user: str, note: str | None = None) -> None:
    """A person has looked at the task (and corrected the record if it needed it)."""
    text = (note or "").strip() or None
    if text and len(text) > MAX_NOTE:
        raise TaskError(Message("review.task_note", "task {task}: note: at most {limit} characters",
                                task=task_id, limit=MAX_NOTE))
    with session_scope(settings.database_url) as db:
        task = db.get(ReviewTask, task_id)
        if task is None:
            raise NoSuchTask(Message("review.no_task", "task {task}: no such task", task=task_id))
        if task.status != "open":
            raise TaskClosed(Message("review.task_closed",
                                     "task {task}: already resolved by {user}",
                                     task=task_id, user=task.resolved_by))
        task.status, task.resolved_at, task.resolved_by = "resolved", utcnow(), user
        task.note = text
