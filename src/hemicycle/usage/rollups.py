"""The month's counts by place rolled up from ``usage_geo_daily`` (what the dashboard and
the reports read instead of the rows per place and item), and the cities of each year.

``sum_places`` replaces one month's rows of ``usage_country_monthly`` (per country and
language version), ``usage_city_monthly`` (per city) and ``usage_page_monthly`` (views of
pages that are not documents, per language), each summed from the month's daily rows in
one pass, and sets or clears that month's bit in ``usage_city_yearly``. ``distinct_cities``
counts the known cities of any run of whole months from at most one row per city and
year, so the dashboard does not read one row per city and month.
"""

from __future__ import annotations

import calendar
import datetime as dt

from sqlalchemy import and_, delete, func, insert, literal, or_, select

from hemicycle.usage.geo import UNKNOWN
from hemicycle.usage.models import (
    UsageCityMonthly,
    UsageCityYearly,
    UsageCountryMonthly,
    UsageGeoDaily,
    UsagePageMonthly,
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
    for table in (UsageCountryMonthly, UsageCityMonthly, UsagePageMonthly):
        db.execute(delete(table).where(table.month == month))
    in_month = daily.day.between(*month_days(month))
    db.execute(insert(UsageCountryMonthly).from_select(
        ["month", "country", "language", "metric", "count"],
        select(literal(month), daily.country, daily.language, daily.metric,
               func.sum(daily.count))
        .where(in_month).group_by(daily.country, daily.language, daily.metric)))
    db.execute(insert(UsageCityMonthly).from_select(
        ["month", "country", "region", "city", "metric", "count"],
        select(literal(month), daily.country, daily.region, daily.city, daily.metric,
               func.sum(daily.count))
        .where(in_month).group_by(daily.country, daily.region, daily.city, daily.metric)))
    db.execute(insert(UsagePageMonthly).from_select(
        ["month", "item", "language", "metric", "count"],
        select(literal(month), daily.item, daily.language, daily.metric,
               func.sum(daily.count))
        .where(in_month, is_page(daily.item))
        .group_by(daily.item, daily.language, daily.metric)))
    _mark_cities(db, month)


def _mark_cities(db, month: str) -> None:
    """Set this month's bit on every known city used in it, clear it on the others of
    the year (a recounted day can take a city's last use away), drop cities left with
    no month: four set-wise statements, each reading the year's or the month's cities
    once with a key lookup into the other."""
    year, bit = int(month[:4]), 1 << (int(month[5:7]) - 1)
    city, yearly = UsageCityMonthly.__table__.c, UsageCityYearly.__table__
    row = yearly.c
    used = select(literal(1)).where(
        city.month == month, city.metric == CITY_METRIC, city.country == row.country,
        city.region == row.region, city.city == row.city).exists()
    has_bit = row.months.op("&")(bit) != 0
    db.execute(yearly.update().where(row.year == year, ~has_bit, used)
               .values(months=row.months.op("|")(bit)))
    db.execute(yearly.update().where(row.year == year, has_bit, ~used)
               .values(months=row.months.op("&")(ALL_MONTHS ^ bit)))
    db.execute(yearly.delete().where(row.year == year, row.months == 0))
    known = select(literal(1)).where(row.year == year, row.country == city.country,
                                     row.region == city.region,
                                     row.city == city.city).exists()
    db.execute(yearly.insert().from_select(
        ["year", "country", "region", "city", "months"],
        select(literal(year), city.country, city.region, city.city, literal(bit))
        .where(city.month == month, city.metric == CITY_METRIC, city.city != "",
               city.country != UNKNOWN, ~known)))


def distinct_cities(db, period: Period) -> int:
    """How many known cities readers came from in the period's months."""
    yearly = UsageCityYearly
    years: dict[int, int] = {}
    for month in period.months:
        years[int(month[:4])] = years.get(int(month[:4]), 0) | 1 << (int(month[5:7]) - 1)
    used = [and_(yearly.year == year, yearly.months.op("&")(mask) != 0)
            for year, mask in years.items()]
    rows = select(yearly.country, yearly.region, yearly.city).where(or_(*used))
    if len(years) > 1:  # a city used in two of the years is one city
        rows = rows.group_by(yearly.country, yearly.region, yearly.city)
    return db.scalar(select(func.count()).select_from(rows.subquery())) or 0
