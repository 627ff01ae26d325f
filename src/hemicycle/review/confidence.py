"""How sure the machine was of a draft, kept in ``review_drafts`` for the queue to query.

The confidences are computed from the record's JSON (``extra["extraction"]``, and
``extra["review"]["checked"]`` for the fields a cataloguer saved) and stored per draft,
with the record's ``updated_at`` they were computed from. Digitising a scan and every
review action write the row; ``catch_up`` writes it for drafts saved by any other way (an
ingest of draft records) or changed since, so the queue never misses or misjudges one.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.config import Settings
from hemicycle.review.models import ReviewDraft

# the fields a cataloguer reviews, in the order the form shows them
FIELDS: tuple[str, ...] = ("symbols", "date", "distribution", "language", "title", "doc_type")
_CHUNK = 2000
# ``updated_at`` keeps whole seconds, and a writer's commit may come after its timestamp: a
# row computed from a record this recent is kept as provisional (no source_version) and
# computed again by the next ``catch_up``, so a change made in the same second is not missed
_SETTLED = dt.timedelta(seconds=60)


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


def row_values(extra: dict | None) -> dict:
    """What ``review_drafts`` keeps of a draft's record (its JSON ``extra``)."""
    extra = extra or {}
    ocr = extra.get("ocr") if isinstance(extra.get("ocr"), dict) else {}
    name, confidence = weakest_field(extra)
    read_in = (extra.get("review") or {}).get("language") or \
        ((extra.get("extraction") or {}).get("language") or {}).get("value")
    try:
        ocr_confidence = float(ocr["confidence"]) if ocr.get("confidence") is not None \
            else None
    except (TypeError, ValueError):
        ocr_confidence = None
    batch = ocr.get("batch")
    return {"weakest_field": name, "weakest_confidence": confidence or 0.0,
            "ocr_confidence": ocr_confidence,
            "batch": str(batch) if batch is not None else None,
            "language": str(read_in)[:8] if read_in else None}


def _upsert(db: Session, rows: list[dict]) -> None:
    """Insert or replace rows (two queue pages catching up at once must not clash)."""
    if not rows:
        return
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(ReviewDraft)
    columns = [c for c in rows[0] if c != "document_id"]
    db.execute(stmt.on_conflict_do_update(
        index_elements=[ReviewDraft.document_id],
        set_={c: getattr(stmt.excluded, c) for c in columns}), rows)


def record_drafts(db: Session, document_ids: list[int]) -> None:
    """(Re)compute the rows of these documents: drafts get one, others lose theirs."""
    ids = sorted(set(document_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        found = db.execute(select(Document.id, Document.status, Document.extra,
                                  Document.updated_at).where(Document.id.in_(chunk))).all()
        drafts = [r for r in found if r.status == "draft"]
        gone = set(chunk) - {r.id for r in drafts}
        if gone:
            db.execute(delete(ReviewDraft).where(ReviewDraft.document_id.in_(sorted(gone))))
        settled = dt.datetime.now(dt.UTC).replace(tzinfo=None) - _SETTLED
        _upsert(db, [{"document_id": r.id, **row_values(r.extra),
                      "source_version": r.updated_at if r.updated_at and r.updated_at < settled
                      else None} for r in drafts])


def record_saved_draft(settings: Settings, document_id: int) -> None:
    """After a draft is saved (by ``hemicycle digitise``): its row, in one transaction."""
    with session_scope(settings.database_url) as db:
        record_drafts(db, [document_id])


def forget_draft(db: Session, document_id: int) -> None:
    """A published or rejected record leaves the queue."""
    db.execute(delete(ReviewDraft).where(ReviewDraft.document_id == document_id))


def catch_up(db: Session) -> int:
    """Write the rows of drafts that have none or whose record changed since; return how many.

    The check reads two indexed columns per draft, no JSON: only the drafts found are read.
    """
    stale = db.scalars(
        select(Document.id).outerjoin(ReviewDraft, ReviewDraft.document_id == Document.id)
        .where(Document.status == "draft",
               or_(ReviewDraft.document_id.is_(None), ReviewDraft.source_version.is_(None),
                   ReviewDraft.source_version != Document.updated_at))).all()
    record_drafts(db, list(stale))
    return len(stale)
