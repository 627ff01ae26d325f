"""Each draft's weakest extracted field, where the database can filter and sort on it;
review tasks on any record.

The confidences live in the record's JSON (``extra["extraction"]``); reading them back for
every draft on every queue page is a full scan at millions of drafts. One narrow row per
draft keeps what the queue filters on (``hemicycle.review.confidence`` writes it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hemicycle.catalogue.models import Base, utcnow
from hemicycle.messages import message_from_json


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


class ReviewTask(Base):
    """Something a cataloguer should look at on one record, published or draft: a
    finding (a date no UN document can have, a symbol the text contradicts, a scan
    without text), a field read with low confidence (its proposed value in ``message``),
    or what a draft still lacks before it can be published. One per (document, code,
    field); a task a person resolved stays resolved."""

    __tablename__ = "review_tasks"
    __table_args__ = (UniqueConstraint("document_id", "code", "field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))  # a finding's code, low-confidence, missing
    field: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    # the finding's message as code and values (hemicycle.messages), to say it in any language
    said_as: Mapped[dict | None] = mapped_column(JSON)
    confidence: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)  # open|resolved
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(80))  # a person, or "the record"
    note: Mapped[str | None] = mapped_column(Text)

    @property
    def said(self) -> str:
        """The message, translatable where its code was kept."""
        return message_from_json(self.message, self.said_as)
