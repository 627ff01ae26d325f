"""Page views of guides, answers and Member State pages, counted like documents.

Views go through the COUNTER pipeline (``hemicycle.usage``): a spool line now, the robot
and double-click filters and the daily counts when ``hemicycle usage process`` runs. The
item names the kind of page, the language and the page (``guide/fr/security-council``), so
that views can be reported per language and per month; the document reports (IR, PR) see
them as items with no document behind them.

Until hemicycle.usage has its own hook for non-document pages this module spools through
its existing API (``record_event``), additively.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hemicycle.usage.models import UsageMonthly
from hemicycle.usage.process import TII, UII
from hemicycle.usage.record import record_event

KINDS = ("guide", "faq", "state")


def page_item(kind: str, lang: str, key: str) -> str:
    return f"{kind}/{lang}/{key}"[:64]


def record_page_view(data_dir, kind: str, lang: str, key: str, address: str,
                     agent: str) -> None:
    record_event(data_dir, "i", page_item(kind, lang, key), address, agent, view="page")


@dataclass
class ViewRow:
    kind: str
    language: str
    month: str
    views: int
    unique: int


def views_by_language(db: Session, *, first_month: str | None = None,
                      last_month: str | None = None) -> list[ViewRow]:
    """Views (Total_Item_Investigations) and unique views per kind, language and month."""
    query = select(UsageMonthly.item, UsageMonthly.month, UsageMonthly.metric,
                   UsageMonthly.count).where(UsageMonthly.metric.in_((TII, UII)))
    if first_month:
        query = query.where(UsageMonthly.month >= first_month)
    if last_month:
        query = query.where(UsageMonthly.month <= last_month)
    table: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: {TII: 0, UII: 0})
    for item, month, metric, count in db.execute(query):
        kind, _, rest = item.partition("/")
        lang = rest.partition("/")[0]
        if kind in KINDS and lang:
            table[(kind, lang, month)][metric] += int(count)
    return [ViewRow(kind, lang, month, n[TII], n[UII])
            for (kind, lang, month), n in sorted(table.items(),
                                                 key=lambda kv: (kv[0][2], kv[0][0], kv[0][1]))]


def top_pages(db: Session, *, month: str | None = None, limit: int = 20) -> list[dict]:
    query = select(UsageMonthly.item, UsageMonthly.count).where(UsageMonthly.metric == TII)
    if month:
        query = query.where(UsageMonthly.month == month)
    totals: dict[str, int] = defaultdict(int)
    for item, count in db.execute(query):
        if item.partition("/")[0] in KINDS:
            totals[item] += int(count)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [{"item": item, "kind": item.split("/")[0], "language": item.split("/")[1],
             "key": item.split("/", 2)[2], "views": n} for item, n in ranked]
