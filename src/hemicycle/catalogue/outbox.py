"""Documents waiting to be (re)indexed, recorded in the same transaction as the change.

A crash between a catalogue commit and the search-index update would otherwise
leave a document unsearchable until the next full rebuild: the outbox row makes
the next ``flush`` pick it up.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hemicycle.catalogue.models import Job

KIND = "index"


def mark_for_index(db: Session, document_id: int) -> None:
    job = db.scalar(select(Job).where(Job.kind == KIND, Job.key == str(document_id)))
    if job is None:
        db.add(Job(kind=KIND, key=str(document_id), state="pending", payload={}, result={}))
    elif job.state != "pending":
        job.state = "pending"


def pending_ids(db: Session, limit: int = 5000) -> list[int]:
    keys = db.scalars(
        select(Job.key).where(Job.kind == KIND, Job.state == "pending").limit(limit)
    ).all()
    return [int(k) for k in keys]


def mark_indexed(db: Session, document_ids: list[int]) -> None:
    if document_ids:
        db.execute(
            update(Job)
            .where(Job.kind == KIND, Job.key.in_([str(i) for i in document_ids]))
            .values(state="done")
        )
