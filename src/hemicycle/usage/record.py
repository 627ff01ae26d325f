"""Recording one event as a reader uses the site: hash the reader, append a spool line.

Never raises: a full disk or a read-only data dir must not break a page, so a failure
is logged and the event is lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from pathlib import Path

from hemicycle.usage.geo import UNKNOWN_PLACE, Resolver
from hemicycle.usage.identity import user_key
from hemicycle.usage.spool import append_event

log = logging.getLogger(__name__)


def record_event(data_dir: Path, kind: str, item: str, address: str, agent: str,
                 view: str = "", now: float | None = None,
                 resolver: Resolver | None = None) -> None:
    """Spool an investigation (i), request (r) or search (s) of ``item``; the reader's
    place comes from ``resolver`` (unknown without one), the address goes no further."""
    try:
        ts = time.time() if now is None else now
        day = dt.datetime.fromtimestamp(ts, dt.UTC).date()
        place = resolver.locate(address) if resolver else UNKNOWN_PLACE
        append_event(data_dir, ts=ts, kind=kind, item=item[:64],
                     user=user_key(data_dir, address, agent, day), agent=agent[:400],
                     view=view[:40], place=place,
                     source=resolver.source if resolver else "none")
    except OSError as exc:
        log.warning("usage event not recorded: %s", exc)


def search_item(query: str) -> str:
    """A short hash standing for a search, so the same search twice is a double click."""
    return "q:" + hashlib.blake2b(query.encode(), digest_size=8).hexdigest()


def is_first_byte(range_header: str | None) -> bool:
    """Whether a download counts: no Range, or a Range that starts at byte 0."""
    if not range_header:
        return True
    unit, _, spec = range_header.partition("=")
    if unit.strip().lower() != "bytes":
        return True  # a Range we do not honour: the whole file is sent
    first = spec.split(",")[0].strip()
    return first.split("-")[0].strip() == "0"
