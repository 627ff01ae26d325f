"""review: each draft's weakest extracted field, for the queue to filter and sort on

Revision ID: 1000_review
Revises: 0001_core

The rows of drafts that exist already are computed from their JSON here, 2,000 at a time
(those changed in the last minute without a source version, so that the queue's next
catch-up reads them once more: see ``hemicycle.review.confidence``). How a row is computed
is written out here as it was at this revision: a migration never imports the code it
migrates.
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "1000_review"
down_revision = "0001_core"
branch_labels = ("review",)
depends_on = None

_CHUNK = 2000
_SETTLED = dt.timedelta(seconds=60)  # as in hemicycle.review.confidence


def upgrade() -> None:
    op.create_table(
        "review_drafts",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("weakest_field", sa.String(length=20), nullable=True),
        sa.Column("weakest_confidence", sa.Float(), nullable=True),
        sa.Column("ocr_confidence", sa.Float(), nullable=True),
        sa.Column("batch", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("source_version", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("document_id"),
    )
    op.create_index("ix_review_drafts_weakest_confidence", "review_drafts",
                    ["weakest_confidence"])
    op.create_index("ix_review_drafts_batch", "review_drafts", ["batch"])
    _backfill()


# the fields a cataloguer reviews, in the order the form shows them (at this revision)
_FIELDS = ("symbols", "date", "distribution", "language", "title", "doc_type")


def _field_confidences(extra: dict) -> dict[str, float]:
    extraction = extra.get("extraction") or {}
    checked = set((extra.get("review") or {}).get("checked") or [])
    out: dict[str, float] = {}
    for name in _FIELDS:
        if name in checked:
            out[name] = 1.0
        elif isinstance(extraction.get(name), dict):
            try:
                out[name] = float(extraction[name].get("confidence", 0.0))
            except (TypeError, ValueError):
                out[name] = 0.0
    if "symbols" not in out:
        out["symbols"] = 0.0
    return out


def _row_values(extra: dict | None) -> dict:
    """What ``review_drafts`` keeps of a draft's record (its JSON ``extra``)."""
    extra = extra or {}
    ocr = extra.get("ocr") if isinstance(extra.get("ocr"), dict) else {}
    scores = _field_confidences(extra)
    name = min(scores, key=lambda n: (scores[n], _FIELDS.index(n)))
    read_in = (extra.get("review") or {}).get("language") or \
        ((extra.get("extraction") or {}).get("language") or {}).get("value")
    try:
        ocr_confidence = float(ocr["confidence"]) if ocr.get("confidence") is not None \
            else None
    except (TypeError, ValueError):
        ocr_confidence = None
    batch = ocr.get("batch")
    return {"weakest_field": name, "weakest_confidence": scores[name] or 0.0,
            "ocr_confidence": ocr_confidence,
            "batch": str(batch) if batch is not None else None,
            "language": str(read_in)[:8] if read_in else None}


def _backfill() -> None:
    documents = sa.table("documents", sa.column("id", sa.Integer), sa.column("status"),
                         sa.column("extra", sa.JSON), sa.column("updated_at", sa.DateTime))
    rows_table = sa.table("review_drafts", *(sa.column(c) for c in (
        "document_id", "weakest_field", "weakest_confidence", "ocr_confidence", "batch",
        "language", "source_version")))
    conn = op.get_bind()
    settled = dt.datetime.now(dt.UTC).replace(tzinfo=None) - _SETTLED
    last = 0
    while True:
        found = conn.execute(
            sa.select(documents.c.id, documents.c.extra, documents.c.updated_at)
            .where(documents.c.status == "draft", documents.c.id > last)
            .order_by(documents.c.id).limit(_CHUNK)).all()
        if not found:
            return
        conn.execute(sa.insert(rows_table), [
            {"document_id": r.id, **_row_values(r.extra),
             "source_version": r.updated_at if r.updated_at and r.updated_at < settled
             else None} for r in found])
        last = found[-1].id


def downgrade() -> None:
    op.drop_index("ix_review_drafts_batch", table_name="review_drafts")
    op.drop_index("ix_review_drafts_weakest_confidence", table_name="review_drafts")
    op.drop_table("review_drafts")
