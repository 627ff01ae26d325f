"""Reporting periods: begin and end dates as SUSHI takes them (YYYY-MM or YYYY-MM-DD),
widened to whole months as COUNTER reports count by month."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from hemicycle.messages import Message
from hemicycle.usage.exceptions import CounterError

_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


@dataclass(frozen=True)
class Period:
    begin: dt.date  # first day of the first month
    end: dt.date  # last day of the last month

    @cached_property
    def months(self) -> list[str]:
        out, year, month = [], self.begin.year, self.begin.month
        while (year, month) <= (self.end.year, self.end.month):
            out.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out


def _parse(name: str, text: str | None, *, last: bool) -> dt.date:
    match = _DATE.fullmatch((text or "").strip())
    if not match:
        raise CounterError(3020, Message("usage.not_a_date",
                                          "{name} {text} is not a date (YYYY-MM or YYYY-MM-DD)",
                                          name=name, text=repr(text)))
    year, month = int(match[1]), int(match[2])
    try:
        day = dt.date(year, month, int(match[3]) if match[3] else 1)
    except ValueError:
        raise CounterError(3020, Message("usage.not_in_calendar",
                                          "{name} {text} is not a date in the calendar",
                                          name=name, text=repr(text))) from None
    if last:
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return day.replace(day=1)


def parse_period(begin: str | None, end: str | None, today: dt.date | None = None) -> Period:
    """Whole months from ``begin`` to ``end``; 3020 when a date is missing, malformed,
    reversed, or begins after the current month."""
    today = today or dt.datetime.now(dt.UTC).date()
    first = _parse("begin_date", begin, last=False)
    final = _parse("end_date", end, last=True)
    if final < first:
        raise CounterError(3020, Message("usage.end_before_begin",
                                          "end_date {end} is before begin_date {begin}",
                                          end=end, begin=begin))
    if first > today:
        raise CounterError(3020, Message("usage.begin_in_future",
                                          "begin_date {begin} is in the future", begin=begin))
    return Period(first, final)
