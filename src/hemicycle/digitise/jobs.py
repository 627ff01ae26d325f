"""The digitisation batch in the core job table: one row per page, one per document.

A page row is committed the moment its outcome is known, so a batch killed at any
instant loses at most the pages in flight, which a rerun finds pending and does
(once) again; a document row is committed only after its record is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Job
from hemicycle.config import Settings

PAGE = "digitise-page"
DOCUMENT = "digitise-doc"


def page_key(batch: str, doc_id: str, index: int) -> str:
    return f"{batch}/{doc_id}/{index + 1:04d}"


def document_key(batch: str, doc_id: str) -> str:
    return f"{batch}/{doc_id}"


@dataclass(frozen=True)
class BatchCounts:
    pages: dict[str, int]  # state -> count
    documents: dict[str, int]

    @property
    def pages_total(self) -> int:
        return sum(self.pages.values())

    @property
    def pages_finished(self) -> int:
        return self.pages.get("done", 0) + self.pages.get("failed", 0)


def ensure_document(settings: Settings, batch: str, doc_id: str, payload: dict,
                    pages: int) -> None:
    """Create the document's row and one row per page, unless they exist (a rerun)."""
    with session_scope(settings.database_url) as db:
        key = document_key(batch, doc_id)
        if db.scalar(select(Job.id).where(Job.kind == DOCUMENT, Job.key == key)) is not None:
            return
        db.add(Job(kind=DOCUMENT, key=key, batch=batch, state="pending", payload=payload,
                   result={}))
        for index in range(pages):
            db.add(Job(kind=PAGE, key=page_key(batch, doc_id, index), batch=batch,
                       state="pending", payload={"doc": doc_id, "index": index}, result={}))


def record_failed_document(settings: Settings, batch: str, doc_id: str, payload: dict,
                           error: str) -> None:
    """A file that cannot even be opened: its document row says why; it has no pages."""
    with session_scope(settings.database_url) as db:
        key = document_key(batch, doc_id)
        job = db.scalar(select(Job).where(Job.kind == DOCUMENT, Job.key == key))
        if job is None:
            job = Job(kind=DOCUMENT, key=key, batch=batch, payload=payload, result={})
            db.add(job)
        if job.state != "done":
            job.state, job.error = "failed", error
            job.attempts = (job.attempts or 0) + 1


def pending_pages(settings: Settings, batch: str, after: str = "",
                  limit: int = 1000) -> list[tuple[str, str, int]]:
    """(key, doc_id, index) of the next ``limit`` pages still to do after key ``after``."""
    with session_scope(settings.database_url) as db:
        rows = db.scalars(select(Job).where(Job.kind == PAGE, Job.batch == batch,
                                            Job.state == "pending", Job.key > after)
                          .order_by(Job.key).limit(limit)).all()
        return [(r.key, r.payload["doc"], r.payload["index"]) for r in rows]


def documents_with_pending_pages(settings: Settings, batch: str) -> set[str]:
    """The documents of ``batch`` that still have a page to do (one query, not one per doc)."""
    with session_scope(settings.database_url) as db:
        keys = db.scalars(select(Job.key).where(Job.kind == PAGE, Job.batch == batch,
                                                Job.state == "pending"))
        return {key.split("/")[1] for key in keys}


def finish_page(settings: Settings, batch: str, doc_id: str, index: int,
                outcome: dict) -> None:
    """Commit one page's outcome: done with its summary, or failed with its reason."""
    with session_scope(settings.database_url) as db:
        job = db.scalar(select(Job).where(Job.kind == PAGE,
                                          Job.key == page_key(batch, doc_id, index)))
        job.attempts = (job.attempts or 0) + 1
        if outcome.get("ok"):
            job.state, job.error = "done", None
            job.result = {k: v for k, v in outcome.items() if k != "ok"}
        else:
            job.state = "failed"
            job.error = f"{outcome['error']}: {outcome['message']}"


def document_jobs(settings: Settings, batch: str, state: str | None = None,
                  doc_id: str | None = None) -> list[Job]:
    with session_scope(settings.database_url) as db:
        query = select(Job).where(Job.kind == DOCUMENT, Job.batch == batch)
        if state:
            query = query.where(Job.state == state)
        if doc_id:
            query = query.where(Job.key == document_key(batch, doc_id))
        return list(db.scalars(query.order_by(Job.key)).all())


def page_jobs(settings: Settings, batch: str, doc_id: str) -> list[Job]:
    with session_scope(settings.database_url) as db:
        prefix = f"{batch}/{doc_id}/"
        return list(db.scalars(select(Job).where(
            Job.kind == PAGE, Job.key.startswith(prefix, autoescape=True)).order_by(Job.key)))


def finish_document(settings: Settings, batch: str, doc_id: str, *, result: dict | None = None,
                    error: str | None = None) -> None:
    with session_scope(settings.database_url) as db:
        job = db.scalar(select(Job).where(Job.kind == DOCUMENT,
                                          Job.key == document_key(batch, doc_id)))
        job.attempts = (job.attempts or 0) + 1
        if error is None:
            job.state, job.error, job.result = "done", None, result or {}
        else:
            job.state, job.error = "failed", error


def retry_failed(settings: Settings, batch: str) -> int:
    """Put the batch's failed pages and documents back to pending; return how many."""
    with session_scope(settings.database_url) as db:
        jobs = db.scalars(select(Job).where(Job.batch == batch,
                                            Job.kind.in_((PAGE, DOCUMENT)),
                                            Job.state == "failed")).all()
        for job in jobs:
            job.state, job.error = "pending", None
        return len(jobs)


def batch_counts(settings: Settings, batch: str) -> BatchCounts:
    with session_scope(settings.database_url) as db:
        rows = db.execute(select(Job.kind, Job.state, func.count()).where(Job.batch == batch)
                          .group_by(Job.kind, Job.state)).all()
    pages: dict[str, int] = {}
    documents: dict[str, int] = {}
    for kind, state, count in rows:
        (pages if kind == PAGE else documents)[state] = count
    return BatchCounts(pages=pages, documents=documents)
