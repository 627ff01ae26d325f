"""What cannot be right: dates no UN document has, dates and bodies the symbol denies.

Each check returns the findings it makes; the describer keeps the value a person gave
(flagged) and drops a value it read itself only when it cannot be true.
"""

from __future__ import annotations

import datetime as dt

from hemicycle.describe.fields import Finding
from hemicycle.describe.precision import edtf, span
from hemicycle.messages import Message
from hemicycle.symbols import Symbol

FIRST_DAY = dt.date(1945, 6, 26)  # the Charter was signed: no UN document is older


def date_in_range(name: str, value: dt.date, today: dt.date,
                  precision: str | None = None) -> Finding | None:
    """A date known only to its year or month is possible if any day of it is."""
    first, last = span(value, precision)
    if last >= FIRST_DAY and first <= today:
        return None
    if last < FIRST_DAY:
        said = Message("finding.before_charter",
                       "{date} is before the Charter was signed (26 June 1945)",
                       date=edtf(value, precision))
    else:
        said = Message("finding.after_today", "{date} is after today ({today})",
                       date=edtf(value, precision), today=today.isoformat())
    return Finding("date-out-of-range", name, said)


def date_against_year(name: str, value: dt.date, year: int, source: str) -> Finding | None:
    """The year a manifest or MARC record states (a General Debate speech's, a corpus
    file's) against a date the text or the record gives."""
    if value.year == year:
        return None
    return Finding("date-contradicts-year", name,
                   Message("finding.not_stated_year",
                           "{date} is not in {year}, the year the {source} states",
                           date=value.isoformat(), year=year, source=source_named(source)))


def date_against_symbol(name: str, value: dt.date, symbol: Symbol) -> Finding | None:
    """A Security Council symbol states its year (S/RES/242 (1967), S/2015/305); a General
    Assembly session runs from September of 1945 + n into the next year."""
    if symbol.body == "SC" and symbol.year and value.year != symbol.year:
        return Finding("date-contradicts-symbol", name,
                       Message("finding.not_symbol_year", "{date} is not in {year}, the "
                               "year of {symbol}", date=value.isoformat(), year=symbol.year,
                               symbol=symbol.canonical))
    if symbol.body == "GA" and symbol.session and symbol.session.isdigit():
        first = 1945 + int(symbol.session)
        if not first <= value.year <= first + 1:
            return Finding("date-contradicts-symbol", name,
                           Message("finding.outside_session", "{date} is outside session "
                                   "{session} of {symbol} ({first}-{last})",
                                   date=value.isoformat(), session=symbol.session,
                                   symbol=symbol.canonical, first=first, last=first + 1))
    return None


def source_named(source: str) -> Message:
    """Who states a value (manifest, marc, symbol), as a finding's sentence names it."""
    if source == "marc":
        return Message("finding.source_marc", "MARC record")
    if source == "symbol":
        return Message("finding.source_symbol", "symbol")
    return Message("finding.source_manifest", "manifest")
