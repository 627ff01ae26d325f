"""Tables of the document service: where each bulk load stands."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from hemicycle.catalogue.models import Base, utcnow


class LoadCheckpoint(Base):
    """How far a bulk load of one file got: written in the transaction of each batch, so
    an interrupted load resumes after the last batch that was committed."""

    __tablename__ = "load_checkpoints"

    source: Mapped[str] = mapped_column(String(600), primary_key=True)  # the file, resolved
    fingerprint: Mapped[str] = mapped_column(String(200))  # size, mtime, first bytes' hash
    position: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
