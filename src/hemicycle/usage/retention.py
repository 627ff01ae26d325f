"""How long raw usage events are kept, and pruning them once their day is closed.

Raw events (``usage_events``: a salted per-day reader hash, item, view, time) are needed
only to count their day again, which happens only when new lines of that day arrive.
A day is *closed* when no new line can still change it:

* it is more than ``CLOSE_AFTER_DAYS`` days old (a web worker writes a day's lines to
  that day's spool file during that day; the margin covers clocks and slow workers),
* it has no pending ``usage_dirty_days`` row (its daily counts are final), and
* every spool file of that date has been read to its end (a spool file whose name
  does not start with a date could hold any day: while one is unread, nothing closes).

``prune`` deletes the raw events of closed days older than ``keep_days``, then folds the
daily counts by place of whole months left with no raw events onto the month's first
day (one row per place, item, language and metric: the month's sums, which are final;
every day of such a month is marked pruned). A pruned day
is remembered in ``usage_pruned_days`` *before* its events go, so a late spool line of
that day is refused by ``process`` (it would otherwise recount the day from a partial
set of events) and an interrupted prune finishes on its next run. Daily and monthly
counts are never touched, so reports give the same figures before and after.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, literal, select

from hemicycle.catalogue.db import session_scope
from hemicycle.config import Settings
from hemicycle.usage.models import UsageDirtyDay, UsageEvent, UsageGeoDaily, UsagePrunedDay
from hemicycle.usage.process import _exclusive, _positions
from hemicycle.usage.spool import spool_files

CLOSE_AFTER_DAYS = 2  # a day older than this (and fully read and counted) is closed
KEEP_DAYS = 35  # default: raw events are kept this many days, then pruned

Advance = Callable[[int], None]


@dataclass
class PruneResult:
    days: list[dt.date] = field(default_factory=list)  # newly closed and pruned
    events: int = 0  # raw events deleted
    months: list[str] = field(default_factory=list)  # whose daily counts by place were folded
    open_days: list[dt.date] = field(default_factory=list)  # old enough, still open
    blocked_by: list[str] = field(default_factory=list)  # undated spool files unread


def _unread_spool(settings: Settings) -> tuple[set[dt.date], list[str]]:
    """Dates whose spool files are not read to their end, and unread undated files."""
    saved = _positions(settings)
    dates: set[dt.date] = set()
    undated: list[str] = []
    for path in spool_files(settings.data_dir):
        done = saved.get(path.name)
        if done is not None and done[0] >= path.stat().st_size:
            continue
        try:
            dates.add(dt.date.fromisoformat(path.name[:10]))
        except ValueError:
            undated.append(path.name)
    return dates, undated


def pruned_days(settings: Settings) -> set[dt.date]:
    with session_scope(settings.database_url) as db:
        return set(db.scalars(select(UsagePrunedDay.day)))


def prune(settings: Settings, keep_days: int = KEEP_DAYS, *, today: dt.date | None = None,
          batch: int = 20_000, start: Callable[[int], Advance | None] | None = None
          ) -> PruneResult:
    """Delete the raw events of closed days older than ``keep_days`` days, ``batch`` rows
    per transaction; ``start(total)`` may return a callback advanced by rows deleted."""
    if keep_days < 0:
        raise ValueError(f"keep_days: expected 0 or more, got {keep_days}")
    today = today or dt.datetime.now(dt.UTC).date()
    limit = today - dt.timedelta(days=max(keep_days, CLOSE_AFTER_DAYS))
    result = PruneResult()
    with _exclusive(settings.data_dir):  # no process adds events or dirty days meanwhile
        unread, result.blocked_by = _unread_spool(settings)
        with session_scope(settings.database_url) as db:
            old = set(db.scalars(select(UsageEvent.day).where(UsageEvent.day < limit)
                                 .distinct()))
            dirty = set(db.scalars(select(UsageDirtyDay.day)))
            done = set(db.scalars(select(UsagePrunedDay.day)))
        candidates = old - done
        result.open_days = sorted(d for d in candidates if d in dirty or d in unread)
        if not result.blocked_by:
            result.days = sorted(candidates - set(result.open_days))
        if result.days:  # marked first: from now on process refuses their late lines
            with session_scope(settings.database_url) as db:
                db.execute(insert(UsagePrunedDay), [{"day": d} for d in result.days])
        # events of pruned days: the new ones, and any left by an interrupted prune
        pruned = UsageEvent.day.in_(select(UsagePrunedDay.day))
        with session_scope(settings.database_url) as db:
            total = db.scalar(select(func.count()).select_from(UsageEvent).where(pruned)) or 0
        step = start(total) if start else None
        while True:
            with session_scope(settings.database_url) as db:
                last = db.scalar(select(UsageEvent.id).where(pruned).order_by(UsageEvent.id)
                                 .offset(batch - 1).limit(1))
                gone = db.execute(delete(UsageEvent).where(
                    pruned, *(() if last is None else (UsageEvent.id <= last,)))
                    .execution_options(synchronize_session=False)).rowcount
            result.events += gone
            if step and gone:
                step(gone)
            if last is None:
                break
        if not result.blocked_by:
            result.months = _fold_months(settings, limit, unread)
    return result


def _fold_months(settings: Settings, limit: dt.date, unread: set[dt.date]) -> list[str]:
    """Fold the daily counts by place (``usage_geo_daily``, about a row per event) of
    whole months before ``limit`` whose raw events are all gone onto each month's first
    day: the month's sums by place, item, language and metric, which are final. Every
    day of such a month is marked pruned (also days without any use), so a late line of
    it is refused, as for any pruned day, rather than recounting one day of a folded
    month. A month with rows only on its first day is already folded."""
    daily = UsageGeoDaily
    folded = []
    with session_scope(settings.database_url) as db:
        first = db.scalar(select(func.min(daily.day)))
        if first is None:
            return []
        # a day with raw events, uncounted events or spool lines not yet read is open
        open_days = set(db.scalars(select(UsageEvent.day).distinct())) | set(
            db.scalars(select(UsageDirtyDay.day))) | unread
    month_start = first.replace(day=1)
    while True:
        last = month_start.replace(day=calendar.monthrange(month_start.year,
                                                           month_start.month)[1])
        if last >= limit:
            break
        days = [month_start + dt.timedelta(n) for n in range(last.day)]
        if not open_days.intersection(days) and _fold_month(settings.database_url, days):
            folded.append(month_start.strftime("%Y-%m"))
        month_start = last + dt.timedelta(1)
    return folded


def _fold_month(db_url: str, days: list[dt.date]) -> bool:
    """Fold one closed month in one transaction; False when there was nothing to fold."""
    daily, first, last = UsageGeoDaily, days[0], days[-1]
    with session_scope(db_url) as db:
        if db.scalar(select(daily.id).where(daily.day.between(days[1], last)).limit(1)
                     ) is None:
            return False
        known = set(db.scalars(select(UsagePrunedDay.day)
                               .where(UsagePrunedDay.day.between(first, last))))
        missing = [{"day": d} for d in days if d not in known]
        if missing:
            db.execute(insert(UsagePrunedDay), missing)
        # the sums go in under new ids (above every old one), then the old rows go
        newest = db.scalar(select(func.max(daily.id)))
        key = (daily.month, daily.place, daily.item, daily.language, daily.metric)
        db.execute(insert(daily).from_select(
            ["day", "month", "place", "item", "language", "metric", "count"],
            select(literal(first, daily.day.type), *key, func.sum(daily.count))
            .where(daily.day.between(first, last)).group_by(*key)))
        db.execute(delete(daily).where(daily.day.between(first, last), daily.id <= newest)
                   .execution_options(synchronize_session=False))
    return True
