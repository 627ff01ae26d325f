"""Views of guides, answers and Member State pages per kind, language and month.

Views are recorded through the usage package's hook for pages that are not documents
(``hemicycle.web.routes.usage.record_page_view``): items ``guide:/guides/<slug>/<lang>``,
``faq:/faq/<slug>`` and ``page:/states/<ISO3>``, the language in the view. They go through
the COUNTER pipeline like documents (robots out, double clicks once, Data_Type Other in
the reports); this module reads the monthly counts back for the knowledge desk.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hemicycle.usage.models import UsagePageMonthly
from hemicycle.usage.pages import page_of
from hemicycle.usage.process import TII

KINDS = ("guide", "faq", "state")
STATE_PATH = "/states/"


def page_path(kind: str, key: str, lang: str) -> tuple[str, str]:
    """(page type of hemicycle.usage.pages, path) a view of a knowledge page counts under."""
    if kind == "guide":
        return "guide", f"/guides/{key}/{lang}"
    if kind == "faq":
        return "faq", f"/faq/{key}"
    return "page", f"{STATE_PATH}{key}"


def _kind(item: str) -> tuple[str, str] | None:
    """(kind, path) of a knowledge page's item, None for anything else."""
    found = page_of(item)
    if found is None:
        return None
    page_type, path = found
    if page_type in ("guide", "faq"):
        return page_type, path
    return ("state", path) if path.startswith(STATE_PATH) else None


def _rows(db: Session, first_month: str | None, last_month: str | None,
          metrics: tuple[str, ...]):
    geo = UsagePageMonthly  # every page, none of the documents
    query = (select(geo.month, geo.item, geo.language, geo.metric, func.sum(geo.count))
             .where(geo.metric.in_(metrics))
             .group_by(geo.month, geo.item, geo.language, geo.metric))
    if first_month:
        query = query.where(geo.month >= first_month)
    if last_month:
        query = query.where(geo.month <= last_month)
    return db.execute(query)


@dataclass
class ViewRow:
    kind: str
    language: str
    month: str
    views: int


def views_by_language(db: Session, *, first_month: str | None = None,
                      last_month: str | None = None) -> list[ViewRow]:
    """Views (COUNTER Total_Item_Investigations: robots out, double clicks once) per kind,
    language and month. The usage counts keep languages with the totals, not with the
    unique counts (those are per item), so there are no unique views per language here."""
    table: dict[tuple[str, str, str], int] = defaultdict(int)
    for month, item, language, _metric, count in _rows(db, first_month, last_month, (TII,)):
        found = _kind(item)
        if found is not None and language:
            table[(found[0], language, month)] += int(count)
    return [ViewRow(kind, lang, month, n)
            for (kind, lang, month), n in sorted(table.items(),
                                                 key=lambda kv: (kv[0][2], kv[0][0], kv[0][1]))]


def top_pages(db: Session, *, limit: int = 20) -> list[dict]:
    """The most viewed knowledge pages (all languages, all months)."""
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for _month, item, _language, _metric, count in _rows(db, None, None, (TII,)):
        found = _kind(item)
        if found is not None:
            totals[found] += int(count)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [{"kind": kind, "path": path, "views": n} for (kind, path), n in ranked]
