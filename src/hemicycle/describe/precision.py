"""Dates known to the day, the month or only the year, written as EDTF (ISO 8601-2).

A General Debate speech states its year and session but not its day; a Security Council
document's symbol states its year (S/2015/305, S/RES/242 (1967)). Such a record is dated
to the year ("2015"), never to an invented day. The catalogue keeps the first day of the
period in its date column (so that sorting and year facets work unchanged) beside the
precision; every place that shows or exports the date writes it through ``edtf``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

PRECISIONS: tuple[str, ...] = ("day", "month", "year")
_EDTF = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def edtf(value: dt.date | None, precision: str | None) -> str | None:
    """``value`` as precise as it is known: "2015-05-11", "2015-05" or "2015"."""
    if value is None:
        return None
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def date_of(record) -> str | None:
    """A catalogue document's publication date as precisely as it is known ("1946",
    "2015-05-11"): anything with ``publication_date`` and ``date_precision``."""
    return edtf(record.publication_date, record.date_precision)


def parse_edtf(text: str) -> tuple[dt.date, str]:
    """(first day, precision) of "YYYY-MM-DD", "YYYY-MM" or "YYYY". Raises ValueError
    naming the value when it is none of these or no calendar date (2015-02-30)."""
    m = _EDTF.match(str(text).strip())
    if not m:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")
    year, month, day = m.groups()
    try:
        value = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError(f"{text!r} is not a date (no such day in the calendar)") from None
    return value, "day" if day else "month" if month else "year"


def span(value: dt.date, precision: str | None) -> tuple[dt.date, dt.date]:
    """The first and last day a date of this precision may be."""
    if precision == "year":
        return dt.date(value.year, 1, 1), dt.date(value.year, 12, 31)
    if precision == "month":
        last = calendar.monthrange(value.year, value.month)[1]
        return dt.date(value.year, value.month, 1), dt.date(value.year, value.month, last)
    return value, value
