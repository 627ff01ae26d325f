"""Each draft's weakest extracted field, where the database can filter and sort on it.

The confidences live in the record's JSON (``extra["extraction"]``); reading them back for
every draft on every queue page is a full scan at millions of drafts. One narrow row per
draft keeps what the queue filters on (``hemicycle.review.confidence`` writes it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hemicycle.catalogue.models import Base


class ReviewDraft(Base):
    """A draft's weakest reviewed field (0..1), as computed from its record at
    ``source_version`` (the document's ``updated_at`` then)."""

    __tablename__ = "review_drafts"

    document_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    weakest_field: Mapped[str | None] = mapped_column(String(20))
    weakest_confidence: Mapped[float | None] = mapped_column(Float, index=True)
    ocr_confidence: Mapped[float | None] = mapped_column(Float)  # 0..100, Tesseract's mean
    batch: Mapped[str | None] = mapped_column(Text, index=True)
    language: Mapped[str | None] = mapped_column(String(8))  # the language the scan was read in
    source_version: Mapped[dt.datetime | None] = mapped_column(DateTime)
