"""The most used items of any period, exactly, without summing every item of the period.

``sum_month`` keeps each month's ``TOP_KEPT`` most used items per metric
(``usage_top_monthly``). For a period, the candidates are the items in those monthly
tops; their exact totals come from ``usage_monthly`` by key. An item outside every
month's top has, each month, at most that month's smallest kept count, so its total is
at most the sum of those: when the period's last wanted total is above that bound, the
answer is exact; otherwise (rare: a flat month, a long period) every item is summed.
The candidates' totals are read by key, month by month in a list (``month IN (...)``,
not a range: a range would read every item of every month of the period first).
"""

from __future__ import annotations

from sqlalchemy import func, insert, select

from hemicycle.usage.models import UsageMonthly, UsageTopMonthly
from hemicycle.usage.period import Period

TOP_KEPT = 200
KEYS_AT_MOST = 5000  # candidates looked up by key in one statement


def keep_top(db, month: str, metrics: tuple[str, ...]) -> None:
    """Replace the month's kept top items (called with the month's sums)."""
    db.execute(UsageTopMonthly.__table__.delete().where(UsageTopMonthly.month == month))
    for metric in metrics:
        db.execute(insert(UsageTopMonthly).from_select(
            ["month", "metric", "item", "count"],
            select(UsageMonthly.month, UsageMonthly.metric, UsageMonthly.item,
                   UsageMonthly.count)
            .where(UsageMonthly.month == month, UsageMonthly.metric == metric,
                   UsageMonthly.item != "")
            .order_by(UsageMonthly.count.desc(), UsageMonthly.item).limit(TOP_KEPT)))


def top_items(db, period: Period, metric: str, limit: int) -> list[tuple[str, int]]:
    """The ``limit`` items with the largest total of ``metric`` over the period, largest
    first (ties by item): [(item, total)]."""
    months = UsageMonthly.month.between(period.months[0], period.months[-1])
    kept = UsageTopMonthly
    in_period = kept.month.between(period.months[0], period.months[-1])
    bound = 0
    for n, smallest in db.execute(select(func.count(), func.min(kept.count))
                                  .where(in_period, kept.metric == metric)
                                  .group_by(kept.month)):
        if n >= TOP_KEPT:  # a month whose top was cut: others may have up to its last
            bound += smallest
    total = func.sum(UsageMonthly.count)
    ranked = select(UsageMonthly.item, total).where(
        UsageMonthly.metric == metric, UsageMonthly.item != "").group_by(
        UsageMonthly.item).order_by(total.desc(), UsageMonthly.item).limit(limit)
    candidates = select(kept.item).where(in_period, kept.metric == metric).distinct()
    wanted = list(db.scalars(candidates))
    if len(wanted) <= KEYS_AT_MOST:
        by_key = ranked.where(UsageMonthly.month.in_(period.months),
                              UsageMonthly.item.in_(wanted))
    else:  # decades of months: too many keys for one statement
        by_key = ranked.where(months, UsageMonthly.item.in_(candidates))
    rows = [(item, int(n)) for item, n in db.execute(by_key)] if wanted else []
    if bound == 0 or (len(rows) == limit and rows[-1][1] > bound):
        return rows
    return [(item, int(n)) for item, n in db.execute(ranked.where(months))]
