"""What cannot be right: dates no UN document has, dates and bodies the symbol denies.

Each check returns the findings it makes; the describer keeps the value a person gave
(flagged) and drops a value it read itself only when it cannot be true.
"""

from __future__ import annotations

import datetime as dt

from hemicycle.describe.fields import Finding
from hemicycle.describe.precision import edtf, span
from hemicycle.symbols import Symbol

FIRST_DAY = dt.date(1945, 6, 26)  # the Charter was signed: no UN document is older


def date_in_range(name: str, value: dt.date, today: dt.date,
                  precision: str | None = None) -> Finding | None:
    """A date known only to its year or month is possible if any day of it is."""
    first, last = span(value, precision)
    if last >= FIRST_DAY and first <= today:
        return None
    when = "before the Charter was signed (26 June 1945)" if last < FIRST_DAY else \
        f"after today ({today.isoformat()})"
    return Finding("date-out-of-range", name, f"{edtf(value, precision)} is {when}")


def date_against_year(name: str, value: dt.date, year: int, source: str) -> Finding | None:
    """The year a manifest or MARC record states (a General Debate speech's, a corpus
    file's) against a date the text or the record gives."""
    if value.year == year:
        return None
    return Finding("date-contradicts-year", name,
                   f"{value.isoformat()} is not in {year}, the year the {source} states")


def date_against_symbol(name: str, value: dt.date, symbol: Symbol) -> Finding | None:
    """A Security Council symbol states its year (S/RES/242 (1967), S/2015/305); a General
    Assembly session runs from September of 1945 + n into the next year."""
    if symbol.body == "SC" and symbol.year and value.year != symbol.year:
        return Finding("date-contradicts-symbol", name,
                       f"{value.isoformat()} is not in {symbol.year}, the year of "
                       f"{symbol.canonical}")
    if symbol.body == "GA" and symbol.session and symbol.session.isdigit():
        first = 1945 + int(symbol.session)
        if not first <= value.year <= first + 1:
            return Finding("date-contradicts-symbol", name,
                           f"{value.isoformat()} is outside session {symbol.session} of "
                           f"{symbol.canonical} ({first}-{first + 1})")
    return None
