"""Usage tables: filtered events, daily counts, and how far each spool file was read.

Events keep no address and no user agent: ``user`` is a salted hash whose salt changes
every day, so it links one reader's clicks within a day and nothing else.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hemicycle.catalogue.models import Base


class UsageEvent(Base):
    """One human event that passed the robot filter (before double-click filtering)."""

    __tablename__ = "usage_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    ts: Mapped[float] = mapped_column(Float)  # seconds since the epoch, UTC
    reader: Mapped[str] = mapped_column(String(40))  # salted hash, changes daily
    kind: Mapped[str] = mapped_column(String(1))  # i investigation, r request, s search
    item: Mapped[str] = mapped_column(String(64))  # document uid; a query hash for searches
    # what exactly was shown (page, json, text/en, file/fr/pdf): a double click is a
    # second click on the same thing, not a download after reading the page
    view: Mapped[str] = mapped_column(String(40), default="")
    # where the reader was, resolved when the event was recorded (no address is kept):
    # an id of ``usage_places``, 0 for unknown
    place: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class UsagePlace(Base):
    """Each place readers came from (country, region, city) under a small integer id,
    which the events and the counts by place carry instead of the three names: the
    rows that grow with the events stay short. Id 0 is the unknown place (``ZZ``)."""

    __tablename__ = "usage_places"
    __table_args__ = (UniqueConstraint("country", "region", "city",
                                       name="uq_usage_places_place"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    country: Mapped[str] = mapped_column(String(2))  # ZZ: unknown
    region: Mapped[str] = mapped_column(String(80))  # "": unknown
    city: Mapped[str] = mapped_column(String(80))  # "": unknown


class UsageDaily(Base):
    """COUNTER counts for one day, one item (blank for the platform) and one metric."""

    __tablename__ = "usage_daily"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    item: Mapped[str] = mapped_column(String(64), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM, for grouping
    count: Mapped[int] = mapped_column(Integer)


class UsageMonthly(Base):
    """The month's sums of the daily counts: what every report reads."""

    __tablename__ = "usage_monthly"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    item: Mapped[str] = mapped_column(String(64), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class UsageDirtyMonth(Base):
    """A month with recounted days whose sums must be made again."""

    __tablename__ = "usage_dirty_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)


class UsageDirtyDay(Base):
    """A day with new events whose daily counts must be computed again."""

    __tablename__ = "usage_dirty_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)


class UsageSpoolPosition(Base):
    """How far a spool file has been read: the byte offset after the last whole line."""

    __tablename__ = "usage_spool_positions"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[int] = mapped_column(Integer)


class UsagePrunedDay(Base):
    """A closed day whose raw events were deleted: its daily counts are final for good,
    and a late spool line for it is refused rather than recounted from a partial set."""

    __tablename__ = "usage_pruned_days"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)


class UsageGeoDaily(Base):
    """Investigations and requests of one day by place, item and language version: the
    same counting as ``usage_daily`` (double clicks once), broken down by where. About
    one row per counted event: rows are appended under a plain row id (no composite key
    to keep in order, no index but the day's, which only ever grows at its end), deleted
    by day when a day is counted again, and read by day range: the reports by item and
    place group them by ``month``. Once a month is closed and pruned its rows are folded
    onto its first day (``hemicycle.usage.retention``)."""

    __tablename__ = "usage_geo_daily"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)  # months are read by day range
    month: Mapped[str] = mapped_column(String(7), default="", server_default="")  # YYYY-MM
    place: Mapped[int] = mapped_column(Integer)  # usage_places.id
    item: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))  # "": no language version
    metric: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer)


class UsagePageMonthly(Base):
    """Per month, page that is not a document (guide, FAQ answer, other page) and
    language version: the views the knowledge desk and the yearly figures read, without
    the places (a few rows a month, summed from ``usage_geo_daily``)."""

    __tablename__ = "usage_page_monthly"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    item: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class UsageTotalsMonthly(Base):
    """The platform's total per month and metric (the month's sum of ``usage_monthly``):
    the dashboard's series without reading every item."""

    __tablename__ = "usage_totals_monthly"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class UsageTopMonthly(Base):
    """The month's ``TOP_KEPT`` most used items per metric: candidates from which the top
    of any period is found exactly without summing every item (``hemicycle.usage.top``)."""

    __tablename__ = "usage_top_monthly"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    item: Mapped[str] = mapped_column(String(64), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class UsageCountryMonthly(Base):
    """Per month, country and language version: the map, top countries and languages of
    the dashboard, small enough to answer at once for any period."""

    __tablename__ = "usage_country_monthly"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    language: Mapped[str] = mapped_column(String(2), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


MONTH_COLUMNS = tuple(f"m{n:02d}" for n in range(1, 13))


class UsageCityYearly(Base):
    """Per year, place and metric, the count of each month (``m01`` January ...) and the
    months with any (bit 0: January): the reports by city and the number of distinct
    cities read one row per place and year instead of one per place and month."""

    __tablename__ = "usage_city_yearly"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    place: Mapped[int] = mapped_column(Integer, primary_key=True)  # usage_places.id
    metric: Mapped[str] = mapped_column(String(40), primary_key=True)
    months: Mapped[int] = mapped_column(Integer)  # bit m - 1 set: a count in month m
    m01: Mapped[int] = mapped_column(Integer, default=0)
    m02: Mapped[int] = mapped_column(Integer, default=0)
    m03: Mapped[int] = mapped_column(Integer, default=0)
    m04: Mapped[int] = mapped_column(Integer, default=0)
    m05: Mapped[int] = mapped_column(Integer, default=0)
    m06: Mapped[int] = mapped_column(Integer, default=0)
    m07: Mapped[int] = mapped_column(Integer, default=0)
    m08: Mapped[int] = mapped_column(Integer, default=0)
    m09: Mapped[int] = mapped_column(Integer, default=0)
    m10: Mapped[int] = mapped_column(Integer, default=0)
    m11: Mapped[int] = mapped_column(Integer, default=0)
    m12: Mapped[int] = mapped_column(Integer, default=0)


class UsageGeoSource(Base):
    """Which database resolved the readers' places, per day: how many events each.
    Source "" is events recorded before geography; a "sample" source is synthetic
    traffic (``hemicycle usage sample``), which every report and page marks as such."""

    __tablename__ = "usage_geo_sources"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    source: Mapped[str] = mapped_column(String(80), primary_key=True)
    events: Mapped[int] = mapped_column(Integer)
