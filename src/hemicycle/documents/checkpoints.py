"""Where a bulk load of a file stands, so that an interrupted one resumes.

The checkpoint is written in the transaction that commits each batch (``save_batch``'s
``on_commit``): it can never say more was loaded than was, nor less. It belongs to the
file as it was: a file changed since (size, time, first bytes) starts over, which is safe
because saving an unchanged record changes nothing. A finished load forgets it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.orm import Session

from hemicycle.catalogue.db import session_scope
from hemicycle.config import Settings
from hemicycle.documents.models import LoadCheckpoint


@dataclass(frozen=True)
class Checkpoint:
    source: str  # what is loaded, e.g. "marc:/data/undl.mrc"
    fingerprint: str  # the file as it is now

    @classmethod
    def of(cls, kind: str, path: Path) -> Checkpoint:
        path = Path(path).resolve()
        stat = path.stat()
        with path.open("rb") as fh:
            head = hashlib.sha256(fh.read(1 << 16)).hexdigest()[:32]
        return cls(f"{kind}:{path}"[:600], f"{stat.st_size}:{stat.st_mtime_ns}:{head}")

    def load(self, settings: Settings) -> dict | None:
        """Where the last interrupted load of the same file stopped, if it did."""
        with session_scope(settings.database_url) as db:
            row = db.get(LoadCheckpoint, self.source)
            if row is None or row.fingerprint != self.fingerprint:
                return None
            return dict(row.position)

    def save(self, db: Session, position: dict) -> None:
        """Record ``position`` in the caller's transaction (the batch's own)."""
        row = db.get(LoadCheckpoint, self.source)
        if row is None:
            db.add(LoadCheckpoint(source=self.source, fingerprint=self.fingerprint,
                                  position=position))
        else:
            row.fingerprint, row.position = self.fingerprint, position

    def forget(self, settings: Settings) -> None:
        with session_scope(settings.database_url) as db:
            db.execute(delete(LoadCheckpoint).where(LoadCheckpoint.source == self.source))
