"""PREMIS events: recording them, listing them, and exporting them as PREMIS 3 XML.

Storage records an event for every change and check of an object (ingestion,
format identification, fixity check, replication, repair, deletion, migration).
``events_for`` is what the document page shows; ``premis_xml`` is the export.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from sqlalchemy import insert, select
from sqlalchemy.exc import OperationalError

from hemicycle.catalogue.db import session_scope
from hemicycle.characters import xml_text
from hemicycle.config import Settings
from hemicycle.storage.models import EVENT_TYPES, OUTCOMES, StorageEvent

log = logging.getLogger(__name__)
PREMIS_NS = "http://www.loc.gov/premis/v3"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "http://www.loc.gov/standards/premis/v3/premis-v3-0.xsd"
EVENT_TYPE_AUTHORITY = "http://id.loc.gov/vocabulary/preservation/eventType"
PENDING = "premis-pending.jsonl"


@dataclass(frozen=True)
class Event:
    """An event as pages and the API show it."""

    uid: str
    object_id: str
    event_type: str
    occurred_at: dt.datetime
    detail: str
    outcome: str
    outcome_detail: str | None
    agent: str
    version: str | None
    files: list

    def to_json(self) -> dict:
        return {
            "id": self.uid, "object": self.object_id, "type": self.event_type,
            "date": self.occurred_at.isoformat() + "Z", "detail": self.detail,
            "outcome": self.outcome, "outcome_detail": self.outcome_detail,
            "agent": self.agent, "version": self.version, "files": self.files,
        }


def _event(row: StorageEvent) -> Event:
    return Event(row.uid, row.object_id, row.event_type, row.occurred_at, row.detail,
                 row.outcome, row.outcome_detail, row.agent, row.version, list(row.files or []))


def _pending_file(settings: Settings) -> Path:
    return settings.data_dir / PENDING


def record_event(settings: Settings, object_id: str, event_type: str, detail: str = "", *,
                 outcome: str = "success", outcome_detail: str | None = None,
                 agent: str = "hemicycle", version: str | None = None,
                 files: list | None = None) -> None:
    """Keep one event. If the catalogue is busy the event waits in a journal file."""
    record_events(settings, [dict(object_id=object_id, event_type=event_type, detail=detail,
                                  outcome=outcome, outcome_detail=outcome_detail, agent=agent,
                                  version=version, files=files or [])])


def record_events(settings: Settings, events: list[dict]) -> None:
    for ev in events:
        if ev["event_type"] not in EVENT_TYPES:
            raise ValueError(f"unknown PREMIS event type {ev['event_type']!r}")
        if ev.get("outcome", "success") not in OUTCOMES:
            raise ValueError(f"unknown event outcome {ev['outcome']!r}")
        ev.setdefault("occurred_at", dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
                      .isoformat())
    pending = _pending_file(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(pending.with_suffix(".lock"), "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # one process at a time owns the journal
        backlog: list[dict] = []
        if pending.exists():
            backlog = [json.loads(line) for line in pending.read_text().splitlines() if line]
        try:
            rows = [_row(ev) for ev in backlog + events]
            with session_scope(settings.database_url) as db:
                if rows:  # one INSERT for them all (none given: none, not an empty row)
                    db.execute(insert(StorageEvent), rows)
        except OperationalError as exc:
            log.warning("catalogue unavailable (%s); %d PREMIS events kept in %s",
                        str(exc).splitlines()[0], len(events), pending)
            with open(pending, "a") as fh:
                for ev in events:
                    fh.write(json.dumps(ev) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            return
        if backlog:
            pending.unlink(missing_ok=True)


def _row(event: dict) -> dict:
    """An event as a row of ``storage_events``, every column given (one INSERT for many
    rows wants the same columns in each)."""
    return {"uid": str(uuid.uuid4()), "object_id": event["object_id"],
            "event_type": event["event_type"],
            "occurred_at": dt.datetime.fromisoformat(event["occurred_at"]),
            "detail": event.get("detail", ""), "outcome": event.get("outcome", "success"),
            "outcome_detail": event.get("outcome_detail"),
            "agent": event.get("agent", "hemicycle"), "version": event.get("version"),
            "files": event.get("files") or []}


def record_commits(settings: Settings, commits: list[tuple], agent: str = "hemicycle") -> None:
    """Events for stores and removals, ``(commit, sources)`` each (sources: the files a
    store was given, None for a removal): ingestion + format identification, or deletion;
    all in one catalogue transaction.

    An ingestion whose event was lost (a crash between the bytes and the catalogue)
    is recorded when the same files are stored again.
    """
    lost = [(c.object_id, c.inventory.head) for c, sources in commits
            if not c.changed and sources]
    unrecorded = _unrecorded(settings, lost) if lost else set()
    events: list[dict] = []
    for commit, _sources in commits:
        inv = commit.inventory
        if not commit.changed:
            if (commit.object_id, inv.head) not in unrecorded:
                continue
            commit = type(commit)(commit.object_id, inv, True, tuple(sorted(inv.state())))
        events += _commit_events(settings, commit, agent)
    if events:
        record_events(settings, events)


def _commit_events(settings: Settings, commit, agent: str) -> list[dict]:
    from hemicycle.storage import root_for
    from hemicycle.storage.formats import identify

    inv = commit.inventory
    obj = root_for(settings).object_dir(commit.object_id)
    state = inv.state()
    copied = commit.copied or {}
    events = []
    if commit.added or commit.modified:
        files = []
        for logical in (*commit.added, *commit.modified):
            digest = state[logical]
            if digest in copied:  # identified as it was copied in
                size, media_type, name = copied[digest]
            else:
                content = obj / inv.content_path_for(digest)
                media_type, name = identify(content)
                size = content.stat().st_size
            files.append({"path": logical, "sha512": digest, "size": size,
                          "media_type": media_type, "format": name})
        msg = inv.data["versions"][inv.head].get("message", "")
        events.append(dict(object_id=commit.object_id, event_type="ingestion",
                           detail=f"stored as OCFL {inv.head}: {msg}", agent=agent,
                           version=inv.head, files=files))
        events.append(dict(object_id=commit.object_id, event_type="format identification",
                           detail="by file signature: " + "; ".join(
                               f"{f['path']}: {f['media_type']}" for f in files),
                           agent="hemicycle.storage.formats", version=inv.head,
                           files=[{k: f[k] for k in ("path", "media_type", "format")}
                                  for f in files]))
    if commit.removed:
        events.append(dict(object_id=commit.object_id, event_type="deletion",
                           detail=f"removed from OCFL {inv.head} (bytes kept in earlier "
                           f"versions): {', '.join(commit.removed)}", agent=agent,
                           version=inv.head, files=[{"path": p} for p in commit.removed]))
    return events


def _unrecorded(settings: Settings, versions: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those (object id, version) whose making change was not recorded (no ingestion or
    deletion event). With the catalogue unreachable the answer is "none": the backfill
    waits for later."""
    found: set[tuple[str, str]] = set()
    try:
        with session_scope(settings.database_url) as db:
            for start in range(0, len(versions), 500):
                chunk = versions[start:start + 500]
                found.update((object_id, version) for object_id, version in db.execute(
                    select(StorageEvent.object_id, StorageEvent.version).where(
                        StorageEvent.object_id.in_([o for o, _ in chunk]),
                        StorageEvent.event_type.in_(("ingestion", "deletion")))))
    except OperationalError:
        return set()
    return set(versions) - found


def events_for(settings: Settings, object_id: str) -> list[Event]:
    """Every event of ``object_id``, oldest first."""
    with session_scope(settings.database_url) as db:
        rows = db.scalars(select(StorageEvent).where(StorageEvent.object_id == object_id)
                          .order_by(StorageEvent.occurred_at, StorageEvent.id)).all()
        return [_event(r) for r in rows]


def _sub(parent, tag: str, text: str | None = None, **attrs):
    el = etree.SubElement(parent, f"{{{PREMIS_NS}}}{tag}", **attrs)
    if text is not None:
        el.text = xml_text(text)
    return el


def premis_xml(settings: Settings, object_id: str) -> bytes:
    """PREMIS 3 XML for an object: the object, its current files, its events, their agents."""
    from hemicycle.storage import root_for
    from hemicycle.storage.paths import ocfl_id

    events = events_for(settings, object_id)
    root = etree.Element(f"{{{PREMIS_NS}}}premis", nsmap={"premis": PREMIS_NS, "xsi": XSI_NS},
                         version="3.0")
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{PREMIS_NS} {SCHEMA_LOCATION}")
    entity = _sub(root, "object")
    entity.set(f"{{{XSI_NS}}}type", "premis:intellectualEntity")
    ident = _sub(entity, "objectIdentifier")
    _sub(ident, "objectIdentifierType", "OCFL object id")
    _sub(ident, "objectIdentifierValue", ocfl_id(object_id))
    inv = root_for(settings).inventory(object_id)
    formats = {}
    for ev in events:
        for f in ev.files:
            if "media_type" in f:
                formats[f.get("sha512") or f["path"]] = f
                formats[f["path"]] = f
    if inv is not None:
        obj_dir = root_for(settings).object_dir(object_id)
        for logical, digest in sorted(inv.state().items()):
            content = inv.content_path_for(digest)
            f = _sub(root, "object")
            f.set(f"{{{XSI_NS}}}type", "premis:file")
            fid = _sub(f, "objectIdentifier")
            _sub(fid, "objectIdentifierType", "OCFL logical path")
            _sub(fid, "objectIdentifierValue", f"{ocfl_id(object_id)}/{logical}")
            chars = _sub(f, "objectCharacteristics")
            fixity = _sub(chars, "fixity")
            _sub(fixity, "messageDigestAlgorithm", "SHA-512")
            _sub(fixity, "messageDigest", digest)
            path = obj_dir / content
            if path.exists():
                _sub(chars, "size", str(path.stat().st_size))
            known = formats.get(digest) or formats.get(logical) or {}
            fmt = _sub(chars, "format")
            designation = _sub(fmt, "formatDesignation")
            _sub(designation, "formatName", known.get("media_type", "application/octet-stream"))
            _sub(f, "originalName", logical)
            storage = _sub(f, "storage")
            loc = _sub(storage, "contentLocation")
            _sub(loc, "contentLocationType", "OCFL content path")
            _sub(loc, "contentLocationValue", content)
    agents = []
    for ev in events:
        e = _sub(root, "event")
        eid = _sub(e, "eventIdentifier")
        _sub(eid, "eventIdentifierType", "UUID")
        _sub(eid, "eventIdentifierValue", ev.uid)
        _sub(e, "eventType", ev.event_type, authority="eventType",
             authorityURI=EVENT_TYPE_AUTHORITY)
        _sub(e, "eventDateTime", ev.occurred_at.isoformat() + "Z")
        if ev.detail:
            info = _sub(e, "eventDetailInformation")
            _sub(info, "eventDetail", ev.detail)
        outcome = _sub(e, "eventOutcomeInformation")
        _sub(outcome, "eventOutcome", ev.outcome)
        if ev.outcome_detail:
            od = _sub(outcome, "eventOutcomeDetail")
            _sub(od, "eventOutcomeDetailNote", ev.outcome_detail)
        link = _sub(e, "linkingAgentIdentifier")
        _sub(link, "linkingAgentIdentifierType", "local")
        _sub(link, "linkingAgentIdentifierValue", ev.agent)
        lo = _sub(e, "linkingObjectIdentifier")
        _sub(lo, "linkingObjectIdentifierType", "OCFL object id")
        _sub(lo, "linkingObjectIdentifierValue", ocfl_id(object_id))
        if ev.agent not in agents:
            agents.append(ev.agent)
    for name in agents:
        a = _sub(root, "agent")
        aid = _sub(a, "agentIdentifier")
        _sub(aid, "agentIdentifierType", "local")
        _sub(aid, "agentIdentifierValue", name)
        _sub(a, "agentName", name)
        _sub(a, "agentType", "software" if name.startswith("hemicycle") else "person")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
