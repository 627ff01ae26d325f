"""The figures a yearly report quotes (``hemicycle usage figures --year 2026``): downloads,
how many cities and countries readers came from, the most downloaded documents, and
the views of guides and FAQ answers per language (zero where none yet)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import distinct, func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.config import Settings
from hemicycle.languages import CODES
from hemicycle.usage.geo import UNKNOWN
from hemicycle.usage.models import (
    UsageCountryMonthly,
    UsagePageMonthly,
    UsageTotalsMonthly,
)
from hemicycle.usage.pages import PAGE_TYPES
from hemicycle.usage.period import Period
from hemicycle.usage.places import sources
from hemicycle.usage.process import TII, TIR
from hemicycle.usage.rollups import distinct_cities
from hemicycle.usage.top import top_items as top_ranked


@dataclass
class YearFigures:
    year: int
    downloads: int = 0  # Total_Item_Requests
    investigations: int = 0  # Total_Item_Investigations (downloads included)
    countries: int = 0  # distinct known countries with any use
    cities: int = 0  # distinct known cities (country, region, city) with any use
    unknown_place: int = 0  # investigations whose place is unknown
    top_items: list[tuple[str, str, int]] = field(default_factory=list)  # uid, symbol, n
    page_views: dict[str, dict[str, int]] = field(default_factory=dict)  # type -> lang -> n
    sources: list[dict] = field(default_factory=list)

    @property
    def sample(self) -> int:
        """Events of sample traffic counted in this year (0 for a real site)."""
        return sum(s["Events"] for s in self.sources if s.get("Sample"))


def year_figures(settings: Settings, year: int, top: int = 10) -> YearFigures:
    period = Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
    first, last = f"{year:04d}-01", f"{year:04d}-12"
    out = YearFigures(year)
    with session_scope(settings.database_url) as db:
        totals = dict(db.execute(
            select(UsageTotalsMonthly.metric, func.sum(UsageTotalsMonthly.count))
            .where(UsageTotalsMonthly.month.between(first, last),
                   UsageTotalsMonthly.metric.in_((TII, TIR)))
            .group_by(UsageTotalsMonthly.metric)).all())
        out.downloads, out.investigations = int(totals.get(TIR) or 0), int(totals.get(TII)
                                                                         or 0)
        country = UsageCountryMonthly
        out.countries = db.scalar(
            select(func.count(distinct(country.country)))
            .where(country.month.between(first, last), country.metric == TII,
                   country.country != UNKNOWN)) or 0
        out.unknown_place = int(db.scalar(
            select(func.sum(country.count))
            .where(country.month.between(first, last), country.metric == TII,
                   country.country == UNKNOWN)) or 0)
        out.cities = distinct_cities(db, period)
        ranked = top_ranked(db, period, TIR, top)
        symbols = dict(db.execute(select(Document.uid, Document.symbol).where(
            Document.uid.in_([item for item, _ in ranked]))).all())
        out.top_items = [(item, symbols.get(item) or item, n) for item, n in ranked]
        out.page_views = {kind: dict.fromkeys(CODES, 0) for kind in PAGE_TYPES}
        geo = UsagePageMonthly
        for kind in PAGE_TYPES:
            rows = db.execute(
                select(geo.language, func.sum(geo.count))
                .where(geo.item >= f"{kind}:", geo.item < f"{kind};",
                       geo.month.between(first, last), geo.metric == TII)
                .group_by(geo.language))
            for language, n in rows:
                if language in out.page_views[kind]:
                    out.page_views[kind][language] += int(n)
    out.sources = sources(settings, period)
    return out
