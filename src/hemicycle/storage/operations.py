"""Preservation work on the configured roots, with a PREMIS event for each object.

The CLI and the web layer call these; the mechanics live in ``fixity`` and
``replica``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.config import Settings
from hemicycle.storage import root_for
from hemicycle.storage.fixity import AuditResult, Problem, audit, object_id_of_path
from hemicycle.storage.models import StorageEvent
from hemicycle.storage.objects import OcflRoot
from hemicycle.storage.premis import record_event, record_events
from hemicycle.storage.replica import (
    RepairResult,
    ReplicationResult,
    purge_everywhere,
    repair,
    replicate,
)

EVENT_BATCH = 50


def primary_root(settings: Settings) -> OcflRoot:
    return root_for(settings)


def replica_root(settings: Settings, path: Path | None = None) -> OcflRoot:
    return OcflRoot(Path(path) if path else settings.replica_root, policy=settings.fsync)


def run_audit(settings: Settings, *, sample: int | None = None, rate_mb_s: float | None = None,
              resume: bool = True, root: Path | None = None, agent: str = "hemicycle.audit",
              progress=None) -> AuditResult:
    """Audit the storage root, recording a fixity-check event per object.

    A sample takes the objects checked longest ago (never-checked ones first), so
    that repeated sampled audits cover the whole root.
    """
    target = OcflRoot(root, policy=settings.fsync) if root else primary_root(settings)
    batch: list[dict] = []

    def on_object(object_id: str, problems: list[Problem]) -> None:
        batch.append(dict(
            object_id=object_id, event_type="fixity check",
            detail=f"sha512 of every content file and inventory of {target.path.name}",
            outcome="failure" if problems else "success",
            outcome_detail="; ".join(f"{p.path}: {p.kind}" for p in problems) or None,
            agent=agent))
        if len(batch) >= EVENT_BATCH:
            record_events(settings, batch)
            batch.clear()

    def least_recently_checked(paths: list[str]) -> list[str]:
        last = last_fixity_checks(settings)
        never = (dt.datetime.min, 0)
        return sorted(paths, key=lambda rel: (*last.get(object_id_of_path(rel), never), rel))

    try:
        return audit(target, sample=sample, rate=rate_mb_s * 1e6 if rate_mb_s else None,
                     resume=resume, on_object=on_object, progress=progress,
                     order=least_recently_checked)
    finally:
        if batch:
            record_events(settings, batch)


def last_fixity_checks(settings: Settings) -> dict[str, tuple[dt.datetime, int]]:
    """object id -> (time of its latest fixity check, number of checks)."""
    with session_scope(settings.database_url) as db:
        rows = db.execute(select(StorageEvent.object_id, func.max(StorageEvent.occurred_at),
                                 func.count(StorageEvent.id))
                          .where(StorageEvent.event_type == "fixity check")
                          .group_by(StorageEvent.object_id)).all()
    return {oid: (when, n) for oid, when, n in rows}


def run_replicate(settings: Settings, to: Path | None = None, agent: str = "hemicycle.replica",
                  progress=None) -> ReplicationResult:
    replica = replica_root(settings, to)
    result = replicate(primary_root(settings), replica, progress=progress)
    record_events(settings, [dict(object_id=oid, event_type="replication",
                                  detail=f"copied to the replica root {replica.path}",
                                  agent=agent) for oid in result.copied]
                  + [dict(object_id=oid, event_type="replication", outcome="failure",
                          detail=f"not copied to {replica.path}", outcome_detail=why,
                          agent=agent) for oid, why in result.refused])
    return result


def run_repair(settings: Settings, source: Path | None = None, agent: str = "hemicycle.repair",
               progress=None) -> RepairResult:
    replica = replica_root(settings, source)
    result = repair(primary_root(settings), replica, progress=progress)
    by_object: dict[str, list[str]] = {}
    for p in result.repaired:
        by_object.setdefault(p.object_id, []).append(f"{p.path} ({p.kind})")
    events = [dict(object_id=oid, event_type="repair", agent=agent,
                   detail=f"restored from {replica.path} and verified: " + ", ".join(paths))
              for oid, paths in by_object.items()]
    events += [dict(object_id=oid, event_type="repair", agent=agent,
                    detail=f"whole object restored from {replica.path} and verified")
               for oid in result.restored_objects]
    events += [dict(object_id=p.object_id, event_type="repair", agent=agent, outcome="failure",
                    detail=f"{p.path} ({p.kind}) not repaired", outcome_detail=why)
               for p, why in result.unrepaired]
    record_events(settings, events)
    return result


def purge_object(settings: Settings, object_id: str, reason: str, agent: str,
                 replica: Path | None = None) -> list[Path]:
    """Remove every byte of ``object_id`` from the primary and the replica, with a reason."""
    if not reason or not reason.strip():
        raise ValueError("a purge needs a reason")
    roots = [primary_root(settings), replica_root(settings, replica)]
    done = purge_everywhere(roots, object_id)
    if done:
        record_event(settings, object_id, "deletion", agent=agent,
                     detail="purged by an administrator from " + ", ".join(map(str, done)),
                     outcome_detail=f"reason: {reason.strip()}")
    return done
