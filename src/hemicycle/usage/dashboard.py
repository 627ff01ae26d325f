"""What the staff dashboard shows for a period, read from the small month tables that
``process`` keeps (never from raw events): downloads and investigations per month, per
country and per language version, the most downloaded documents, how many countries
and cities, which databases placed the readers and whether sample traffic is in it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.config import Settings
from hemicycle.usage import top
from hemicycle.usage.geo import UNKNOWN
from hemicycle.usage.models import UsageCountryMonthly
from hemicycle.usage.period import Period
from hemicycle.usage.places import sources
from hemicycle.usage.process import TII, TIR
from hemicycle.usage.rollups import distinct_cities
from hemicycle.usage.summary import monthly_totals


@dataclass
class Counts:
    investigations: int = 0
    downloads: int = 0


@dataclass
class Dashboard:
    period: Period
    months: dict[str, Counts] = field(default_factory=dict)
    countries: dict[str, Counts] = field(default_factory=dict)  # ZZ: unknown
    languages: dict[str, Counts] = field(default_factory=dict)  # "": no language version
    top_items: list[tuple[str, str, int]] = field(default_factory=list)  # uid, symbol, n
    cities: int = 0
    sources: list[dict] = field(default_factory=list)

    @property
    def total(self) -> Counts:
        return Counts(sum(c.investigations for c in self.months.values()),
                      sum(c.downloads for c in self.months.values()))

    @property
    def known_countries(self) -> int:
        return sum(1 for code, c in self.countries.items()
                   if code != UNKNOWN and c.investigations)

    @property
    def source_spans(self) -> list[tuple[str, str, str, int]]:
        """(source, first month, last month, events) per database, in order of use."""
        spans: dict[str, list] = {}
        for s in self.sources:
            span = spans.setdefault(s["Source"], [s["Month"], s["Month"], 0])
            span[1], span[2] = s["Month"], span[2] + s["Events"]
        return [(name, first, last, n) for name, (first, last, n) in spans.items()]

    @property
    def sample_events(self) -> int:
        return sum(s["Events"] for s in self.sources if s.get("Sample"))


def top_downloads(settings: Settings, period: Period, limit: int = 10
                  ) -> list[tuple[str, str, int]]:
    """The most downloaded documents and pages of the period: (item, symbol, downloads)."""
    with session_scope(settings.database_url) as db:
        ranked = top.top_items(db, period, TIR, limit)
        symbols = dict(db.execute(select(Document.uid, Document.symbol).where(
            Document.uid.in_([item for item, _ in ranked]))).all())
    return [(item, symbols.get(item) or item, n) for item, n in ranked]


def build_dashboard(settings: Settings, period: Period) -> Dashboard:
    board = Dashboard(period)
    first, last = period.months[0], period.months[-1]
    for month, row in monthly_totals(settings, period).items():
        board.months[month] = Counts(row[TII], row[TIR])
    table = UsageCountryMonthly
    with session_scope(settings.database_url) as db:
        for country, language, metric, n in db.execute(
                select(table.country, table.language, table.metric, func.sum(table.count))
                .where(table.month.between(first, last))
                .group_by(table.country, table.language, table.metric)):
            for key, into in ((country, board.countries), (language, board.languages)):
                counts = into.setdefault(key, Counts())
                if metric == TII:
                    counts.investigations += int(n)
                elif metric == TIR:
                    counts.downloads += int(n)
        board.cities = distinct_cities(db, period)
    board.top_items = top_downloads(settings, period)
    board.sources = sources(settings, period)
    return board
