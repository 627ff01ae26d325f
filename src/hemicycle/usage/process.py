"""``hemicycle usage process``: spool lines into the catalogue, then COUNTER daily counts.

Two steps, each crash-safe:

1. New whole lines of each spool file are parsed; robots are dropped; the remaining
   events, the file's new read position and the days they touch are committed in one
   transaction per batch. A rerun starts from the saved position, so nothing is
   counted twice and nothing is lost; a half-written last line waits for the next run.
2. Every touched ("dirty") day is counted again from its stored events: double clicks
   (same reader, kind, item and view within 30 s) count once; Unique_Item_* count one per
   session (reader + one-hour slice) and item. A day's counts, the removal of its dirty
   mark and the marking of its month are one transaction.
3. Every marked month is summed again from its days (what the reports read), and its
   counts by place rolled up by country, city and page (``hemicycle.usage.rollups``).

A line of a day whose raw events were pruned (``hemicycle.usage.retention``) is not
stored: recounting that day would see only the late events. It is reported as a finding.
"""

from __future__ import annotations

import datetime as dt
import fcntl
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, insert, select, update

from hemicycle.catalogue.db import session_scope
from hemicycle.config import Settings
from hemicycle.usage.models import (
    UsageDaily,
    UsageDirtyDay,
    UsageDirtyMonth,
    UsageEvent,
    UsageGeoDaily,
    UsageGeoSource,
    UsageMonthly,
    UsagePrunedDay,
    UsageSpoolPosition,
    UsageTotalsMonthly,
)
from hemicycle.usage.pages import view_language
from hemicycle.usage.place_ids import UNKNOWN_ID, PlaceIds
from hemicycle.usage.robots import is_robot
from hemicycle.usage.rollups import sum_places
from hemicycle.usage.spool import (
    SpoolLineError,
    UnreadPlace,
    parse_line,
    spool_files,
    whole_lines,
)
from hemicycle.usage.top import keep_top

DOUBLE_CLICK_S = 30.0
SESSION_S = 3600
TII, TIR = "Total_Item_Investigations", "Total_Item_Requests"
UII, UIR = "Unique_Item_Investigations", "Unique_Item_Requests"
SEARCHES = "Searches_Platform"
PLATFORM_ITEM = ""  # the item of platform-level counts (searches)


@dataclass
class ProcessResult:
    files: int = 0
    lines: int = 0
    events: int = 0
    robots: int = 0
    days: int = 0
    broken: list[str] = field(default_factory=list)
    # lines of days whose raw events were pruned: not counted (see usage.retention)
    late: list[str] = field(default_factory=list)
    # events counted with an unknown place because their place could not be read
    unplaced: list[str] = field(default_factory=list)


Advance = Callable[[int], None]


def pending_bytes(settings: Settings) -> int:
    """Bytes of spool not yet read (for a progress bar's total)."""
    positions = _positions(settings)
    return sum(max(0, p.stat().st_size - positions.get(p.name, (0, 0))[0])
               for p in spool_files(settings.data_dir))


def _positions(settings: Settings) -> dict[str, tuple[int, int]]:
    with session_scope(settings.database_url) as db:
        return {name: (offset, lines) for name, offset, lines in db.execute(
            select(UsageSpoolPosition.name, UsageSpoolPosition.offset,
                   UsageSpoolPosition.lines))}


class ProcessBusy(RuntimeError):
    """Another ``process`` is running on this data directory."""


@contextmanager
def _exclusive(data_dir: Path) -> Iterator[None]:
    """One ``process`` at a time: two would read the same lines from the same position."""
    folder = data_dir / "usage"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "process.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ProcessBusy(f"another usage process holds {folder / 'process.lock'}; "
                              "try again when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def process_spool(settings: Settings, *, batch: int = 50_000,
                  advance: Advance | None = None,
                  count_days: Callable[[int], Advance | None] | None = None) -> ProcessResult:
    """Read every spool file from where the last run stopped, then recount dirty days."""
    with _exclusive(settings.data_dir):
        return _process(settings, batch, advance, count_days)


def _process(settings: Settings, batch: int, advance: Advance | None,
             count_days: Callable[[int], Advance | None] | None) -> ProcessResult:
    result = ProcessResult()
    saved = _positions(settings)
    with session_scope(settings.database_url) as db:
        closed = set(db.scalars(select(UsagePrunedDay.day)))
        places = PlaceIds(db)
    pending = _Batch(places)
    for path in spool_files(settings.data_dir):
        offset, lines = pending.positions.get(path.name) or saved.get(path.name, (0, 0))
        if path.stat().st_size <= offset:
            continue
        result.files += 1
        for line in whole_lines(path, offset, lines):
            pending.lines += 1
            try:
                event = parse_line(path, line.number, line.raw)
            except UnreadPlace as exc:
                result.unplaced.append(str(exc))
                event = exc.event
            except SpoolLineError as exc:
                result.broken.append(str(exc))
                event = None
            if event is not None:
                if is_robot(event.agent):
                    result.robots += 1
                elif closed and (day := pending.day_of(event.ts)) in closed:
                    result.late.append(f"{path.name}:{line.number}: day {day} already "
                                       "closed and pruned; event not counted")
                else:
                    pending.add(event)
            pending.positions[path.name] = (line.end, line.number)
            pending.read += line.end - offset
            offset = line.end
            if pending.lines >= batch:
                pending = _flush(settings, pending, result, advance)
    _flush(settings, pending, result, advance)
    dirty = dirty_days(settings)
    step = count_days(len(dirty)) if count_days else None
    for day in dirty:
        count_day(settings, day)
        if step:
            step(1)
    result.days = len(dirty)
    for month in dirty_months(settings):
        sum_month(settings, month)
    return result


class _Batch:
    """Events read but not yet committed, with the read positions they bring."""

    def __init__(self, places: PlaceIds) -> None:
        self.places = places
        self.rows: list[tuple] = []  # day, ts, reader, kind, item, view, place id
        self.days: set[dt.date] = set()
        self.sources: dict[tuple[dt.date, str], int] = defaultdict(int)
        self.positions: dict[str, tuple[int, int]] = {}
        self.lines = 0
        self.read = 0
        self._day_of: dict[int, dt.date] = {}

    def day_of(self, ts: float) -> dt.date:
        number = int(ts // 86400)
        day = self._day_of.get(number)
        if day is None:
            day = self._day_of[number] = dt.date(1970, 1, 1) + dt.timedelta(number)
        return day

    def add(self, event) -> None:
        day = self.day_of(event.ts)
        self.days.add(day)
        self.rows.append((day, event.ts, event.user, event.kind, event.item, event.view,
                          self.places.get((event.country, event.region, event.city))))
        self.sources[(day, event.source)] += 1


def _flush(settings: Settings, pending: _Batch, result: ProcessResult,
           advance: Advance | None) -> _Batch:
    """Commit a batch's events, dirty days and read positions in one transaction."""
    if pending.positions:
        with session_scope(settings.database_url) as db:
            conn = db.connection()
            pending.places.save(db)
            if pending.rows:
                _insert_many(conn, UsageEvent.__table__, pending.rows)
            known = set(db.scalars(select(UsageDirtyDay.day)
                                   .where(UsageDirtyDay.day.in_(pending.days))))
            if pending.days - known:
                conn.execute(insert(UsageDirtyDay.__table__),
                             [{"day": d} for d in sorted(pending.days - known)])
            if pending.sources:
                _add_sources(db, pending.sources)
            table = UsageSpoolPosition.__table__
            names = list(pending.positions)
            conn.execute(delete(table).where(table.c.name.in_(names)))
            conn.execute(insert(table), [{"name": name, "offset": end, "lines": number}
                                         for name, (end, number) in pending.positions.items()])
        result.lines += pending.lines
        result.events += len(pending.rows)
        if advance:
            advance(pending.read)
    return _Batch(pending.places)


_EVENT_COLUMNS = ("day", "ts", "reader", "kind", "item", "view", "place")


def _add_sources(db, counts: dict[tuple[dt.date, str], int]) -> None:
    """Add a batch's events per day and geography source to ``usage_geo_sources``."""
    table = UsageGeoSource.__table__
    days = {day for day, _ in counts}
    known = {(day, source): n for day, source, n in db.execute(
        select(table.c.day, table.c.source, table.c.events).where(table.c.day.in_(days)))}
    for (day, source), n in counts.items():
        if (day, source) in known:
            db.execute(update(table).where(table.c.day == day, table.c.source == source)
                       .values(events=known[(day, source)] + n))
        else:
            db.execute(insert(table).values(day=day, source=source, events=n))


def _insert_many(conn, table, rows: list[tuple],
                 columns: tuple[str, ...] = _EVENT_COLUMNS) -> None:
    """executemany straight through the driver: tuples, no per-row SQLAlchemy work."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    quote = conn.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    conn.exec_driver_sql(sql, rows)


def remove_processed(settings: Settings, today: dt.date | None = None) -> list[str]:
    """Delete the spool files of past days that have been read to their end (they hold
    reader hashes and user agents that the counts no longer need); their names."""
    today = today or dt.datetime.now(dt.UTC).date()
    saved = _positions(settings)
    removed = []
    with _exclusive(settings.data_dir):
        for path in spool_files(settings.data_dir):
            done = saved.get(path.name)
            if (path.name[:10] < today.isoformat() and done is not None
                    and done[0] == path.stat().st_size):
                path.unlink()
                removed.append(path.name)
    return removed


def dirty_days(settings: Settings) -> list[dt.date]:
    with session_scope(settings.database_url) as db:
        return list(db.scalars(select(UsageDirtyDay.day).order_by(UsageDirtyDay.day)))


GeoKey = tuple[int, str, str, str]  # place id, item, language, metric


def daily_counts(events, geo: dict[GeoKey, int] | None = None) -> dict[tuple[str, str], int]:
    """COUNTER counts of one day's events ``(ts, reader, kind, item, view[, place id])``
    sorted by reader, kind, item, view, ts: {(item, metric): count}.

    Clicks on the same thing by the same reader less than 30 s apart are one click,
    kept at its last (R5.1 7.3); the unique counts take the sessions (reader + hour)
    of the kept clicks, so a unique count is never above its total. With ``geo``, the
    same total investigations and requests are also added up there by place, item and
    language version (a reader is one address, so a run of clicks has one place).
    """
    counts: dict[tuple[str, str], int] = defaultdict(int)
    places = defaultdict(int) if geo is None else geo
    languages: dict[str, str] = {}
    investigated: set[tuple[str, int, str]] = set()
    requested: set[tuple[str, int, str]] = set()
    previous: tuple[str, str, str, str] | None = None
    previous_ts = 0.0
    kept: tuple[str, int, str, str] | None = None  # the last click of the current run
    for ts, reader, kind, item, view, *where in events:
        key = (reader, kind, item, view)
        if key != previous or ts - previous_ts > DOUBLE_CLICK_S:
            if kept is not None:
                _keep(kept, investigated, requested)
            if kind == "s":
                counts[(PLATFORM_ITEM, SEARCHES)] += 1
            else:
                counts[(item, TII)] += 1
                language = languages.get(view)
                if language is None:
                    language = languages[view] = view_language(view)
                place = where[0] if where else UNKNOWN_ID
                places[(place, item, language, TII)] += 1
                if kind == "r":
                    counts[(item, TIR)] += 1
                    places[(place, item, language, TIR)] += 1
        previous, previous_ts = key, ts
        kept = (reader, int(ts // SESSION_S), item, kind)
    if kept is not None:
        _keep(kept, investigated, requested)
    for _, _, item in investigated:
        counts[(item, UII)] += 1
    for _, _, item in requested:
        counts[(item, UIR)] += 1
    return counts


def _keep(click: tuple[str, int, str, str], investigated: set, requested: set) -> None:
    reader, hour, item, kind = click
    if kind == "s":
        return
    investigated.add((reader, hour, item))
    if kind == "r":
        requested.add((reader, hour, item))


def count_day(settings: Settings, day: dt.date) -> None:
    """Replace one day's counts with those computed from its stored events; a pruned
    day's counts are final and are kept as they are."""
    with session_scope(settings.database_url) as db:
        if db.get(UsagePrunedDay, day) is not None:
            db.execute(delete(UsageDirtyDay).where(UsageDirtyDay.day == day))
            return
        events = db.execute(
            select(UsageEvent.ts, UsageEvent.reader, UsageEvent.kind, UsageEvent.item,
                   UsageEvent.view, UsageEvent.place)
            .where(UsageEvent.day == day)
            .order_by(UsageEvent.reader, UsageEvent.kind, UsageEvent.item, UsageEvent.view,
                      UsageEvent.ts))
        geo: dict[GeoKey, int] = defaultdict(int)
        counts = daily_counts(events, geo)
        db.execute(delete(UsageDaily).where(UsageDaily.day == day))
        db.execute(delete(UsageGeoDaily).where(UsageGeoDaily.day == day))
        month = day.strftime("%Y-%m")
        if counts:
            _insert_many(db.connection(), UsageDaily.__table__,
                         [(day, item, metric, month, n) for (item, metric), n in counts.items()],
                         ("day", "item", "metric", "month", "count"))
        if geo:
            _insert_many(db.connection(), UsageGeoDaily.__table__,
                         [(day, month, *key, n) for key, n in geo.items()],
                         ("day", "month", "place", "item", "language", "metric", "count"))
        db.execute(delete(UsageDirtyDay).where(UsageDirtyDay.day == day))
        if db.get(UsageDirtyMonth, month) is None:
            db.add(UsageDirtyMonth(month=month))


def dirty_months(settings: Settings) -> list[str]:
    with session_scope(settings.database_url) as db:
        return list(db.scalars(select(UsageDirtyMonth.month).order_by(UsageDirtyMonth.month)))


def sum_month(settings: Settings, month: str) -> None:
    """Replace one month's sums with those of its daily counts, and the month's roll-ups
    of its counts by place (by country and language, by city, pages by language)."""
    with session_scope(settings.database_url) as db:
        db.execute(delete(UsageMonthly).where(UsageMonthly.month == month))
        db.execute(insert(UsageMonthly).from_select(
            ["month", "item", "metric", "count"],
            select(UsageDaily.month, UsageDaily.item, UsageDaily.metric,
                   func.sum(UsageDaily.count))
            .where(UsageDaily.month == month)
            .group_by(UsageDaily.month, UsageDaily.item, UsageDaily.metric)))
        db.execute(delete(UsageTotalsMonthly).where(UsageTotalsMonthly.month == month))
        db.execute(insert(UsageTotalsMonthly).from_select(
            ["month", "metric", "count"],
            select(UsageMonthly.month, UsageMonthly.metric, func.sum(UsageMonthly.count))
            .where(UsageMonthly.month == month)
            .group_by(UsageMonthly.month, UsageMonthly.metric)))
        keep_top(db, month, (TII, TIR))
        sum_places(db, month)
        db.execute(delete(UsageDirtyMonth).where(UsageDirtyMonth.month == month))
