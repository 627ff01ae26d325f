"""The change log: which documents changed, numbered in the order of their changes.

Every writer of a document records the change in the same transaction as the change
itself (``record_changes``), so a committed change always has its entry and a rolled
back one never does. The search index replicas follow the log, each from its own
position (``hemicycle.search.replica``); nothing here knows about them.

Numbers (``seq``) come from the database. On SQLite there is one writer at a time, so
changes become visible in number order. On PostgreSQL a number is taken when its row is
written but becomes visible only at commit, so a lower number can become visible after
a higher one, and a rolled-back transaction leaves its numbers unused for good. A reader
that finds a number missing below one it has seen keeps it as a gap and reads it again;
``running_since`` and ``oldest_running`` tell it when the gap can no longer fill (every
transaction that was running when the gap was seen has ended). Entries are written last
in their transaction, so the window between a number and its commit stays short.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from hemicycle.catalogue.models import Change, utcnow


def record_changes(db: Session, document_ids: Iterable[int]) -> None:
    """Log a change of each document (in this transaction; call it after the change)."""
    ids = list(dict.fromkeys(document_ids))
    if ids:
        now = utcnow()
        db.execute(insert(Change), [{"document_id": i, "changed_at": now} for i in ids])


def changes_after(db: Session, seq: int, limit: int) -> list[tuple[int, int]]:
    """(number, document id) of the first ``limit`` changes numbered above ``seq``."""
    return [tuple(row) for row in db.execute(
        select(Change.seq, Change.document_id).where(Change.seq > seq)
        .order_by(Change.seq).limit(limit))]


def changes_numbered(db: Session, numbers: Iterable[int]) -> list[tuple[int, int]]:
    """(number, document id) of those of ``numbers`` that are visible now."""
    wanted = sorted(set(numbers))
    found: list[tuple[int, int]] = []
    for start in range(0, len(wanted), 500):
        found += [tuple(row) for row in db.execute(
            select(Change.seq, Change.document_id)
            .where(Change.seq.in_(wanted[start:start + 500])).order_by(Change.seq))]
    return found


def last_change(db: Session) -> int:
    """The highest number visible now (0 for an empty log)."""
    return db.scalar(select(func.max(Change.seq))) or 0


def running_since(db: Session) -> int | None:
    """A mark that every transaction running now is older than (PostgreSQL: the next
    transaction id); None where a missing number can never fill later (SQLite)."""
    if db.get_bind().dialect.name != "postgresql":
        return None
    return int(db.scalar(text("SELECT pg_snapshot_xmax(pg_current_snapshot())::text")))


_OLDEST_HERE = text("""
SELECT coalesce(
  (SELECT min(x::text::bigint) FROM pg_snapshot_xip(pg_current_snapshot()) x
   WHERE (x::text::bigint % 4294967296)::text IN (
     SELECT backend_xid::text FROM pg_stat_activity
     WHERE datname = current_database() AND backend_xid IS NOT NULL)),
  pg_snapshot_xmax(pg_current_snapshot())::text::bigint)""")


def oldest_running(db: Session) -> int | None:
    """The oldest transaction still running in this database (PostgreSQL), to compare
    with marks from ``running_since``: once it is at or past a mark, every transaction
    that was running at the mark has ended. Transactions of other databases of the same
    server are left out: they cannot hold a number of this log."""
    if db.get_bind().dialect.name != "postgresql":
        return None
    return int(db.scalar(_OLDEST_HERE))
