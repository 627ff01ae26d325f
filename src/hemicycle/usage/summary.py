"""What the staff page shows: monthly totals and the most used documents of a period."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.config import Settings
from hemicycle.usage import top
from hemicycle.usage.models import UsageMonthly, UsageTotalsMonthly
from hemicycle.usage.period import Period
from hemicycle.usage.process import SEARCHES, TII, TIR, UII, UIR

METRICS = (TII, UII, TIR, UIR, SEARCHES)


@dataclass(frozen=True)
class TopItem:
    uid: str
    symbol: str | None
    investigations: int
    requests: int


def monthly_totals(settings: Settings, period: Period) -> dict[str, dict[str, int]]:
    """{month: {metric: count}} for every month of the period (zeros included)."""
    out = {m: dict.fromkeys(METRICS, 0) for m in period.months}
    with session_scope(settings.database_url) as db:
        for month, metric, n in db.execute(
                select(UsageTotalsMonthly.month, UsageTotalsMonthly.metric,
                       UsageTotalsMonthly.count)
                .where(UsageTotalsMonthly.month.between(period.months[0],
                                                        period.months[-1]))):
            if month in out and metric in out[month]:
                out[month][metric] = int(n)
    return out


def top_items(settings: Settings, period: Period, limit: int = 20) -> list[TopItem]:
    """The documents most investigated in the period, with their requests."""
    with session_scope(settings.database_url) as db:
        ranked = top.top_items(db, period, TII, limit)
        uids = [uid for uid, _ in ranked]
        requests = dict(db.execute(
            select(UsageMonthly.item, func.sum(UsageMonthly.count))
            .where(UsageMonthly.month.in_(period.months),  # by key, not a range
                   UsageMonthly.metric == TIR, UsageMonthly.item.in_(uids))
            .group_by(UsageMonthly.item)).all())
        symbols = dict(db.execute(select(Document.uid, Document.symbol)
                                  .where(Document.uid.in_(uids))).all())
    return [TopItem(uid, symbols.get(uid), n, int(requests.get(uid) or 0))
            for uid, n in ranked]


def months_available(settings: Settings) -> tuple[str, str] | None:
    """The first and last month with processed usage."""
    with session_scope(settings.database_url) as db:
        first, last = db.execute(select(func.min(UsageMonthly.month),
                                        func.max(UsageMonthly.month))).one()
    return (first, last) if first else None
