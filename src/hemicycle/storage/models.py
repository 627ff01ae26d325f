"""PREMIS events in the catalogue: what happened to each stored object, when, by whom.

Events outlive the bytes they describe (a purged object keeps its deletion event),
so they are kept here rather than inside the OCFL objects.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hemicycle.catalogue.models import Base, utcnow

EVENT_TYPES = ("ingestion", "fixity check", "format identification", "replication",
               "repair", "deletion", "migration")
OUTCOMES = ("success", "failure", "warning")


class StorageEvent(Base):
    """One PREMIS event about one storage object (a document's OCFL object)."""

    __tablename__ = "storage_events"
    __table_args__ = (Index("ix_storage_events_object_time", "object_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True,
                                     default=lambda: str(uuid.uuid4()))
    object_id: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(40), index=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    detail: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(12), default="success")
    outcome_detail: Mapped[str | None] = mapped_column(Text)
    agent: Mapped[str] = mapped_column(String(120), default="hemicycle")
    version: Mapped[str | None] = mapped_column(String(20))  # the OCFL version concerned
    # [{"path", "sha512", "size", "media_type", "format"}] for the files the event concerns
    files: Mapped[list] = mapped_column(JSON, default=list)
