"""The spool: one JSON line per event, appended by the web workers, read by ``process``.

A web worker appends to ``usage/spool/<date>-<host>-<pid>.jsonl`` with O_APPEND and no fsync,
so recording a view costs one small write and never waits for the catalogue. Each
line is written with a single ``os.write`` so lines from one process never interleave;
a line cut short by a crash has no newline and is left for a later run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from hemicycle.usage.geo import SOURCE_LIMIT, UNKNOWN, Place

KINDS = {"i": "investigation", "r": "request", "s": "search"}
_lock = threading.Lock()
_handles: dict[Path, int] = {}


def spool_dir(data_dir: Path) -> Path:
    return data_dir / "usage" / "spool"


def spool_path(data_dir: Path, day: dt.date, pid: int | None = None) -> Path:
    """Named by day, host and process: web nodes sharing one catalogue never collide."""
    host = "".join(c for c in socket.gethostname() if c.isalnum() or c in "-_.")[:40]
    return spool_dir(data_dir) / f"{day.isoformat()}-{host or 'host'}-{pid or os.getpid()}.jsonl"


def append_event(data_dir: Path, *, ts: float, kind: str, item: str, user: str,
                 agent: str, view: str = "", place: Place | None = None,
                 source: str = "") -> None:
    """Append one event line (``kind`` is i, r or s); ``place`` is where the reader is,
    ``source`` the database that said so."""
    when = dt.datetime.fromtimestamp(ts, dt.UTC).date()
    path = spool_path(data_dir, when)
    event = {"ts": round(ts, 3), "kind": kind, "item": item, "view": view, "user": user,
             "agent": agent}
    if place is not None:
        event["geo"] = [place.country, place.region, place.city]
        event["src"] = source[:SOURCE_LIMIT]
    line = json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
    data = line.encode("utf-8")
    with _lock:
        fd = _handles.get(path)
        if fd is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            for old in list(_handles):  # yesterday's file: close it
                os.close(_handles.pop(old))
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            _handles[path] = fd
        os.write(fd, data)


class SpoolEvent(NamedTuple):
    ts: float
    kind: str
    item: str
    user: str
    agent: str
    view: str = ""
    # where the reader was (lines written before geography have none: unknown)
    country: str = UNKNOWN
    region: str = ""
    city: str = ""
    source: str = ""  # the database that resolved the place; "" for none


class SpoolLineError(ValueError):
    """A whole line that is not a valid event; carries where it is."""

    def __init__(self, path: Path, line: int, problem: str):
        super().__init__(f"{path.name}:{line}: {problem}")
        self.path, self.line, self.problem = path, line, problem


class UnreadPlace(SpoolLineError):
    """A valid event whose place cannot be read: counted, with an unknown place."""

    def __init__(self, path: Path, line: int, problem: str, event: SpoolEvent):
        super().__init__(path, line, problem)
        self.event = event


_decode = json.JSONDecoder().decode
_COUNTRY = re.compile(r"[A-Z]{2}")
_TS_MAX = 32503680000  # the year 3000


def parse_line(path: Path, number: int, raw: bytes) -> SpoolEvent:
    try:
        data = _decode(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SpoolLineError(path, number, f"not a JSON line ({exc})") from None
    try:  # the usual case, checked in one expression; any doubt goes the long way
        ts, kind, item, user = data["ts"], data["kind"], data["item"], data["user"]
        agent, view = data.get("agent", ""), data.get("view", "")
        if (type(ts) is float and 0 < ts < _TS_MAX and kind in KINDS
                and type(item) is str and 0 < len(item) <= 64
                and type(user) is str and 0 < len(user) <= 40
                and type(agent) is str and type(view) is str and len(view) <= 40):
            geo = data.get("geo")
            if geo is None:
                return SpoolEvent(ts, kind, item, user, agent, view)
            country, region, city = geo
            place = (country, region, city, data["src"])  # a list in it: TypeError below
            if place in _places_seen or _valid_place(place):
                return SpoolEvent(ts, kind, item, user, agent, view, *place)
    except (KeyError, TypeError, ValueError):
        pass
    return _checked(path, number, data)


# places (country, region, city, source) already found valid: a reader's place comes
# again and again, and is then checked with one lookup (bounded: cleared when full)
_places_seen: set[tuple[str, str, str, str]] = set()
_PLACES_SEEN_LIMIT = 200_000


def _valid_place(place: tuple) -> bool:
    country, region, city, source = place
    if (type(country) is str and len(country) == 2 and country.isupper()
            and type(region) is str and len(region) <= 80
            and type(city) is str and len(city) <= 80
            and type(source) is str and len(source) <= SOURCE_LIMIT):
        if len(_places_seen) >= _PLACES_SEEN_LIMIT:
            _places_seen.clear()
        _places_seen.add(place)
        return True
    return False


def _checked(path: Path, number: int, data) -> SpoolEvent:
    """The same checks one by one, to say which field is wrong."""
    if not isinstance(data, dict):
        raise SpoolLineError(path, number, "not a JSON object")
    ts = data.get("ts")
    if isinstance(ts, bool) or not isinstance(ts, int | float) or not 0 < ts < 32503680000:
        raise SpoolLineError(path, number, f"ts: expected seconds since 1970, got {ts!r}")
    kind = data.get("kind")
    if kind not in KINDS:
        raise SpoolLineError(path, number, f"kind: expected one of i, r, s, got {kind!r}")
    for name, limit in (("item", 64), ("user", 40)):
        value = data.get(name)
        if not isinstance(value, str) or not value or len(value) > limit:
            raise SpoolLineError(path, number,
                                 f"{name}: expected a text of 1 to {limit} characters")
    agent, view = data.get("agent", ""), data.get("view", "")
    if not isinstance(agent, str):
        raise SpoolLineError(path, number, "agent: expected a text")
    if not isinstance(view, str) or len(view) > 40:
        raise SpoolLineError(path, number, "view: expected a text of at most 40 characters")
    event = SpoolEvent(float(ts), kind, data["item"], data["user"], agent, view)
    geo, source = data.get("geo"), data.get("src", "")
    if geo is None:
        return event
    if not (isinstance(geo, list) and len(geo) == 3
            and isinstance(geo[0], str) and _COUNTRY.fullmatch(geo[0])
            and all(isinstance(g, str) and len(g) <= 80 for g in geo[1:])):
        raise UnreadPlace(path, number, "geo: expected [country (2 capital letters), "
                                        "region, city], texts of at most 80 characters; "
                                        "counted as unknown", event)
    if not isinstance(source, str) or len(source) > SOURCE_LIMIT:
        raise UnreadPlace(path, number, f"src: expected a text of at most {SOURCE_LIMIT} "
                                        "characters; counted as unknown", event)
    return event._replace(country=geo[0], region=geo[1], city=geo[2], source=source)


class SpoolLine(NamedTuple):
    number: int  # 1-based line number in the file
    end: int  # byte offset just after this line
    raw: bytes


def whole_lines(path: Path, offset: int, first_number: int,
                chunk: int = 1 << 20) -> Iterator[SpoolLine]:
    """The complete lines of ``path`` from ``offset``; a last line without newline is not."""
    number = first_number
    with path.open("rb") as fh:
        fh.seek(offset)
        pending = b""
        position = offset
        while block := fh.read(chunk):
            pending += block
            start = 0
            while (nl := pending.find(b"\n", start)) >= 0:
                number += 1
                position += nl + 1 - start
                yield SpoolLine(number, position, pending[start:nl])
                start = nl + 1
            pending = pending[start:]


def spool_files(data_dir: Path) -> list[Path]:
    folder = spool_dir(data_dir)
    return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
