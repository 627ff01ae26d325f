"""Subject-indexing tables: machine suggestions waiting for a cataloguer, and decisions.

Suggestions are what the machine last proposed for a document (replaced on each run).
Decisions are what a cataloguer said about one concept for one document; accepted ones
also become ``DocumentSubject`` rows, and both kinds feed the next training run.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hemicycle.catalogue.models import Base, utcnow


class SubjectSuggestion(Base):
    __tablename__ = "subject_suggestions"
    __table_args__ = (UniqueConstraint("document_id", "vocab", "concept"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    vocab: Mapped[str] = mapped_column(String(40))
    concept: Mapped[str] = mapped_column(String(300))
    label: Mapped[str | None] = mapped_column(String(300))
    backend: Mapped[str] = mapped_column(String(40))
    model: Mapped[str | None] = mapped_column(String(80))  # the model version that made it
    score: Mapped[float] = mapped_column(Float)
    rank: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SubjectDecision(Base):
    __tablename__ = "subject_decisions"
    __table_args__ = (UniqueConstraint("document_id", "vocab", "concept"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    vocab: Mapped[str] = mapped_column(String(40), index=True)
    concept: Mapped[str] = mapped_column(String(300))
    decision: Mapped[str] = mapped_column(String(10))  # accepted | rejected
    backend: Mapped[str | None] = mapped_column(String(40))
    score: Mapped[float | None] = mapped_column(Float)
    decided_by: Mapped[str] = mapped_column(String(80))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
