"""The month's counts by place rolled up from ``usage_geo_daily`` (what the dashboard and
the reports read instead of the rows per place and item).

``sum_places`` replaces one month's rows of ``usage_country_monthly`` (per country and
language version) and ``usage_page_monthly`` (views of pages that are not documents, per
language), each summed from the month's daily rows in one pass, and that month's column
of ``usage_city_yearly`` (per place, metric and year, a column per month). The reports by
city and ``distinct_cities`` (how many known cities any run of whole months had) read at
most one row per place, metric and year instead of one per place and month.
"""

from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import (
    Date,
    Integer,
    and_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
)

from hemicycle.usage.geo import UNKNOWN
from hemicycle.usage.models import (
    MONTH_COLUMNS,
    UsageCityYearly,
    UsageCountryMonthly,
    UsageGeoDaily,
    UsagePageMonthly,
    UsagePlace,
)
from hemicycle.usage.pages import PAGE_TYPES
from hemicycle.usage.period import Period

CITY_METRIC = "Total_Item_Investigations"  # a city counts when anything was read from it
ALL_MONTHS = (1 << 12) - 1


def month_days(month: str) -> tuple[dt.date, dt.date]:
    year, number = map(int, month.split("-"))
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def is_page(column):
    """A condition on an item column: the item is a page (``<type>:/...``), read as a
    prefix range so that an index on the column can serve it."""
    return or_(*[and_(column >= f"{kind}:", column < f"{kind};") for kind in PAGE_TYPES])


def sum_places(db, month: str) -> None:
    """Replace the month's roll-ups by place with the sums of its daily rows."""
    daily = UsageGeoDaily
    for table in (UsageCountryMonthly, UsagePageMonthly):
        db.execute(delete(table).where(table.month == month))
    in_month = daily.day.between(*month_days(month))
    db.execute(insert(UsageCountryMonthly).from_select(
        ["month", "country", "language", "metric", "count"],
        select(literal(month), UsagePlace.country, daily.language, daily.metric,
               func.sum(daily.count))
        .join(UsagePlace, UsagePlace.id == daily.place)
        .where(in_month).group_by(UsagePlace.country, daily.language, daily.metric)))
    db.execute(insert(UsagePageMonthly).from_select(
        ["month", "item", "language", "metric", "count"],
        select(literal(month), daily.item, daily.language, daily.metric,
               func.sum(daily.count))
        .where(in_month, is_page(daily.item))
        .group_by(daily.item, daily.language, daily.metric)))
    _sum_cities(db, month)


_YEARLY = "usage_city_yearly"


def _sum_cities(db, month: str) -> None:
    """Replace the month's column of ``usage_city_yearly`` with the month's sums per place
    and metric, in three set-wise statements: the month cleared on the year's rows, the
    sums added (new rows, or the month set on existing ones), rows left with no month
    dropped (a recounted day can take a place's last use away)."""
    year, number = int(month[:4]), int(month[5:7])
    bit, column = 1 << (number - 1), MONTH_COLUMNS[number - 1]
    first, last = month_days(month)
    params = {"year": year, "bit": bit, "keep": ALL_MONTHS ^ bit}
    db.execute(text(f"UPDATE {_YEARLY} SET {column} = 0, months = (months & :keep) "
                    "WHERE year = :year AND (months & :bit) != 0"), params)
    sums = ", ".join("SUM(count)" if name == column else "0" for name in MONTH_COLUMNS)
    db.execute(text(
        f"INSERT INTO {_YEARLY} (year, place, metric, months, {', '.join(MONTH_COLUMNS)}) "
        f"SELECT :year, place, metric, :bit, {sums} FROM usage_geo_daily "
        "WHERE day BETWEEN :first AND :last GROUP BY place, metric "
        f"ON CONFLICT (year, place, metric) DO UPDATE SET {column} = excluded.{column}, "
        f"months = ({_YEARLY}.months | excluded.months)").bindparams(
            bindparam("year", type_=Integer), bindparam("bit", type_=Integer),
            bindparam("first", type_=Date), bindparam("last", type_=Date)),
        {"year": year, "bit": bit, "first": first, "last": last})
    db.execute(text(f"DELETE FROM {_YEARLY} WHERE year = :year AND months = 0"), params)


def known_city(place):
    """A condition on ``usage_places``: a known city (not an unknown place or a country
    without its city)."""
    return and_(place.city != "", place.country != UNKNOWN)


def distinct_cities(db, period: Period) -> int:
    """How many known cities readers came from in the period's months."""
    yearly = UsageCityYearly
    years: dict[int, int] = {}
    for month in period.months:
        years[int(month[:4])] = years.get(int(month[:4]), 0) | 1 << (int(month[5:7]) - 1)
    used = [and_(yearly.year == year, yearly.months.op("&")(mask) != 0)
            for year, mask in years.items()]
    rows = (select(yearly.place).join(UsagePlace, UsagePlace.id == yearly.place)
            .where(yearly.metric == CITY_METRIC, known_city(UsagePlace), or_(*used)))
    if len(years) > 1:  # a city used in two of the years is one city
        rows = rows.group_by(yearly.place)
    return db.scalar(select(func.count()).select_from(rows.subquery())) or 0
