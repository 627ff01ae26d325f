"""How far an index replica has followed the change log, kept beside the index itself.

Each generation of the index (``gen-*``) holds a ``watermark.json``: ``through`` (every
change numbered up to it is in this index), ``seen`` (the highest number applied) and the
gaps between them: numbers not visible yet when a higher one was (on PostgreSQL a change
commits after its number is taken, so a lower number can appear later). A gap is read
again at every catch-up until it appears, or until it can no longer appear: every
transaction that was running when it was seen has ended (``mark``), or ``GAP_TIMEOUT_S``
has passed. ``through`` only moves over numbers that are applied or final, so a late
change is never skipped.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from hemicycle.catalogue.changes import (
    changes_after,
    changes_numbered,
    last_change,
    oldest_running,
    running_since,
)

FILE = "watermark.json"
GAP_TIMEOUT_S = 600.0  # the last resort; on PostgreSQL gaps close as soon as ``mark`` allows
START_WINDOW = 10_000  # numbers below the last one a new index checks for late changes


@dataclass
class Gap:
    since: float  # when it was first seen (seconds since the epoch)
    mark: int | None  # ``changes.running_since`` then; None where gaps never fill (SQLite)


@dataclass
class Watermark:
    through: int = 0
    seen: int = 0
    gaps: dict[int, Gap] = field(default_factory=dict)

    def advance(self, filled: list[tuple[int, int]], new: list[tuple[int, int]],
                mark: int | None, oldest: int | None, now: float) -> set[int]:
        """Take in the changes read: ``filled`` (gaps that appeared) and ``new`` (numbered
        above ``seen``, in order); drop the gaps that can no longer fill (``oldest``: the
        oldest transaction running before the read); return the documents to re-derive."""
        documents = {doc for _, doc in filled} | {doc for _, doc in new}
        for number, _doc in filled:
            self.gaps.pop(number, None)
        for number, _doc in new:
            for missing in range(self.seen + 1, number):
                self.gaps[missing] = Gap(now, mark)
            self.seen = max(self.seen, number)
        for number, gap in list(self.gaps.items()):
            if _final(gap, oldest, now):
                del self.gaps[number]
        self.through = min(self.gaps) - 1 if self.gaps else self.seen
        return documents

    def to_json(self) -> dict:
        return {"through": self.through, "seen": self.seen,
                "gaps": {str(n): [g.since, g.mark] for n, g in sorted(self.gaps.items())}}

    @classmethod
    def from_json(cls, data: dict) -> Watermark:
        return cls(int(data["through"]), int(data["seen"]),
                   {int(n): Gap(float(since), None if mark is None else int(mark))
                    for n, (since, mark) in data.get("gaps", {}).items()})


def follow(db: Session, watermark: Watermark, limit: int) -> tuple[set[int], bool]:
    """Read the changes ``watermark`` has not taken in (at most ``limit`` new ones) and
    advance it; (documents to re-derive, whether more changes wait)."""
    oldest = oldest_running(db)  # before the reads: see ``_final``
    filled = changes_numbered(db, watermark.gaps) if watermark.gaps else []
    new = changes_after(db, watermark.seen, limit)
    mark = running_since(db) if new else None  # after the read that found the new gaps
    return watermark.advance(filled, new, mark, oldest, time.time()), len(new) == limit


def starting_watermark(db: Session) -> Watermark:
    """Where an index built from the catalogue as it is now starts following the log:
    at the last change, with the missing numbers just below it as gaps (changes still
    being committed, which the catalogue read may not show)."""
    last = last_change(db)
    low = max(0, last - START_WINDOW)
    visible = {n for n, _ in changes_after(db, low, START_WINDOW)}
    mark = running_since(db)
    now = time.time()
    watermark = Watermark(seen=last, gaps={n: Gap(now, mark) for n in range(low + 1, last + 1)
                                           if n not in visible})
    watermark.advance([], [], mark, None, now)
    return watermark


def _final(gap: Gap, oldest: int | None, now: float) -> bool:
    if gap.mark is None or now - gap.since > GAP_TIMEOUT_S:
        return True
    return oldest is not None and oldest >= gap.mark


def read_watermark(generation: Path) -> Watermark:
    """The generation's watermark; an index from before the change log starts at 0, so
    that it takes in every change the log holds."""
    try:
        return Watermark.from_json(json.loads((generation / FILE).read_text()))
    except FileNotFoundError:
        return Watermark()


def write_watermark(generation: Path, watermark: Watermark) -> None:
    """Replace the generation's watermark in one rename. Written after the index commit:
    a crash in between leaves it behind the index, and catching up again is harmless."""
    tmp = generation / f".{FILE}.{os.getpid()}"
    tmp.write_text(json.dumps(watermark.to_json()))
    os.replace(tmp, generation / FILE)
