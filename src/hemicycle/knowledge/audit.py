"""Every change staff make to guides, answers, inquiries and training, with who and when.

Callers record inside their own transaction, so a change and its log entry are saved
together or not at all.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from hemicycle.knowledge.models import Change


def record_change(db: Session, who: str, kind: str, subject: str, action: str,
                  **detail: object) -> None:
    db.add(Change(who=who[:80], kind=kind, subject=subject[:80], action=action,
                  detail={k: v for k, v in detail.items() if v is not None}))


def changes(db: Session, *, kind: str | None = None, subject: str | None = None,
            limit: int = 200) -> list[dict]:
    """The latest changes, newest first (of one kind, or of one subject)."""
    query = select(Change)
    if kind:
        query = query.where(Change.kind == kind)
    if subject:
        query = query.where(Change.subject == subject)
    rows = db.scalars(query.order_by(Change.id.desc()).limit(limit))
    return [{"at": _iso(c.at), "who": c.who, "kind": c.kind, "subject": c.subject,
             "action": c.action, "detail": c.detail} for c in rows]


def _iso(when: dt.datetime) -> str:
    return when.isoformat(sep=" ", timespec="minutes")
