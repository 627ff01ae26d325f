"""COUNTER R5.1 reports from the daily counts: PR, PR_P1 and IR as COUNTER JSON.

The platform is Hemicycle and usage is reported to "The World" (open access, no
institutions). Items are catalogue documents: Item is the document symbol (the same in
every language), Item_ID holds ``Hemicycle:<uid>`` and the document's URI. Every
access is Regular (no TDM offering). Months without usage are left out of the JSON,
as R5.1 does; with Granularity Total each count is the period's total under the key
of its first month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.catalogue.queries import find_document
from hemicycle.config import Settings
from hemicycle.usage.data_types import DATA_TYPES, UNSPECIFIED, data_type
from hemicycle.usage.exceptions import exception
from hemicycle.usage.models import UsageMonthly
from hemicycle.usage.pages import PAGE_DATA_TYPE, page_of
from hemicycle.usage.period import Period
from hemicycle.usage.process import SEARCHES, TII, TIR, UII, UIR

PLATFORM = "Hemicycle"
PUBLISHER = "United Nations"
PROPRIETARY = "Hemicycle"
INSTITUTION = {"Institution_Name": "The World",
               "Institution_ID": {"Proprietary": [f"{PROPRIETARY}:0000000000000000"]}}


@dataclass(frozen=True)
class ReportKind:
    id: str
    name: str
    description: str
    metrics: tuple[str, ...]


KINDS: dict[str, ReportKind] = {k.id.lower(): k for k in (
    ReportKind("PR", "Platform Report",
               "Usage of the whole platform by Data_Type, and searches.",
               (SEARCHES, TII, TIR, UII, UIR)),
    ReportKind("PR_P1", "Platform Usage",
               "Standard View of the Platform Report: searches and requests.",
               (SEARCHES, TIR, UIR)),
    ReportKind("IR", "Item Report", "Usage of each document.", (TII, TIR, UII, UIR)),
)}
PR_P1_METRICS = ["Searches_Platform", "Total_Item_Requests", "Unique_Item_Requests",
                 "Unique_Title_Requests"]


@dataclass(frozen=True)
class ReportRequest:
    report: str  # pr, pr_p1, ir
    period: Period
    metric_types: tuple[str, ...] = ()
    item_id: str | None = None
    granularity: str = "Month"
    data_types: tuple[str, ...] = ()  # Data_Type filter (PR, IR)
    access_methods: tuple[str, ...] = ()  # Access_Method filter: all usage is Regular


def _metrics(kind: ReportKind, asked: tuple[str, ...]) -> tuple[tuple[str, ...], list[dict]]:
    """The metrics to show and an Exception 3060 for any that this report lacks."""
    if not asked or kind.id == "PR_P1":
        return kind.metrics, []
    unknown = [m for m in asked if m not in kind.metrics]
    known = tuple(m for m in kind.metrics if m in asked)
    problems = [exception(3060, f"Metric_Type {', '.join(unknown)} not in {kind.id}")] \
        if unknown else []
    if kind.id == "PR" and known:
        # the R5.1 schema wants at least two metrics per data type in a PR: a Total
        # metric comes with its Unique twin and the other way round
        wanted = set(known) | {_TWINS[m] for m in known if m in _TWINS}
        known = tuple(m for m in kind.metrics if m in wanted)
    return known or kind.metrics, problems


_TWINS = {TII: UII, UII: TII, TIR: UIR, UIR: TIR}


def _performance(by_month: dict[str, dict[str, int]], metrics: tuple[str, ...],
                 period: Period, total: bool) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for metric in metrics:
        months = by_month.get(metric, {})
        if total:
            n = sum(months.values())
            if n:
                out[metric] = {period.months[0]: n}
        elif months:
            shown = {m: n for m, n in sorted(months.items()) if n}
            if shown:
                out[metric] = shown
    return out


def _item_uid(settings: Settings, item_id: str) -> str | None:
    """The uid an ``item_id`` names: a uid, Hemicycle:<uid> or any symbol variant."""
    wanted = item_id.removeprefix(f"{PROPRIETARY}:")
    with session_scope(settings.database_url) as db:
        doc = find_document(db, wanted)
        return doc.uid if doc is not None else None


def _header(kind: ReportKind, request: ReportRequest, metrics: tuple[str, ...],
            asked: bool, exceptions: list[dict], now: dt.datetime) -> dict:
    filters: dict = {"Begin_Date": request.period.begin.isoformat(),
                     "End_Date": request.period.end.isoformat()}
    header: dict = {"Release": "5.1", "Report_ID": kind.id, "Report_Name": kind.name,
                    "Created": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "Created_By": PLATFORM,
                    "Registry_Record": "",  # no COUNTER Registry record: blank, as R5.1 asks
                    **INSTITUTION}
    if kind.id == "PR_P1":
        filters["Access_Method"] = ["Regular"]
        filters["Metric_Type"] = PR_P1_METRICS
    else:
        if asked:
            filters["Metric_Type"] = list(metrics)
        if request.item_id:
            filters["Item_ID"] = request.item_id
        attributes: dict = {"Attributes_To_Show": ["Access_Method"]}
        if request.granularity == "Total":
            attributes["Granularity"] = "Total"
        header["Report_Attributes"] = attributes
    header["Report_Filters"] = filters
    if exceptions:
        header["Exceptions"] = exceptions
    return header


def build_report(settings: Settings, request: ReportRequest,
                 now: dt.datetime | None = None) -> dict:
    """The report as COUNTER R5.1 JSON (a dict)."""
    now = now or dt.datetime.now(dt.UTC)
    kind = KINDS.get(request.report.lower())
    if kind is None:
        raise ValueError(f"unknown report {request.report!r}: expected one of "
                         f"{', '.join(KINDS)}")
    metrics, exceptions = _metrics(kind, request.metric_types)
    if request.granularity not in ("Month", "Total"):
        exceptions.append(exception(3062, f"Granularity {request.granularity!r} is not "
                                          "Month or Total; Month is shown"))
    total = request.granularity == "Total"
    period = request.period
    data_types, problems = _data_types(kind, request.data_types)
    exceptions += problems
    regular = True
    if request.access_methods and kind.id != "PR_P1":
        unknown = [m for m in request.access_methods if m not in ("Regular", "TDM")]
        if unknown:
            exceptions.append(exception(3060, f"Access_Method {', '.join(unknown)}"))
        regular = "Regular" in request.access_methods or bool(unknown)
    if not regular:  # only TDM asked for: there is none
        body = []
    elif kind.id == "IR":
        items = [i for i in _item_report(settings, request, metrics, total)
                 if not data_types
                 or i["Attribute_Performance"][0]["Data_Type"] in data_types]
        body = [{"Items": items}] if items else []
    else:
        body = _platform_report(settings, kind, metrics, period, total)
        if data_types and body:
            kept = [a for a in body[0]["Attribute_Performance"]
                    if a["Data_Type"] in data_types]
            body = [{**body[0], "Attribute_Performance": kept}] if kept else []
    if not body:
        exceptions.append(exception(3030, f"no usage from {period.begin} to {period.end}"))
    header = _header(kind, request, metrics, bool(request.metric_types), exceptions, now)
    if kind.id != "PR_P1":
        if data_types:
            header["Report_Filters"]["Data_Type"] = list(data_types)
        if request.access_methods and not any(
                e["Code"] == 3060 and e.get("Data", "").startswith("Access_Method")
                for e in exceptions):
            header["Report_Filters"]["Access_Method"] = list(dict.fromkeys(
                request.access_methods))
    return {"Report_Header": header, "Report_Items": body}


def _data_types(kind: ReportKind, asked: tuple[str, ...]) -> tuple[tuple[str, ...], list]:
    """The Data_Type filter values this report knows, and a 3060 for the others."""
    if not asked or kind.id == "PR_P1":
        return (), []
    known = set(DATA_TYPES.values()) | {UNSPECIFIED}
    if kind.id == "PR":
        known.add("Platform")
    unknown = [d for d in asked if d not in known]
    kept = tuple(dict.fromkeys(d for d in asked if d in known))
    return kept, [exception(3060, f"Data_Type {', '.join(unknown)}")] if unknown else []


def _platform_report(settings: Settings, kind: ReportKind, metrics: tuple[str, ...],
                     period: Period, total: bool) -> list[dict]:
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    with session_scope(settings.database_url) as db:
        page = UsageMonthly.item.contains(":/")  # a guide, FAQ answer or other page
        rows = db.execute(
            select(UsageMonthly.month, Document.doc_type, page, UsageMonthly.metric,
                   func.sum(UsageMonthly.count))
            .join(Document, Document.uid == UsageMonthly.item, isouter=True)
            .where(UsageMonthly.month.between(period.months[0], period.months[-1]),
                   UsageMonthly.metric.in_(metrics))
            .group_by(UsageMonthly.month, Document.doc_type, page, UsageMonthly.metric))
        for month, doc_type, is_page, metric, n in rows:
            dtype = ("Platform" if metric == SEARCHES else PAGE_DATA_TYPE if is_page
                     else data_type(doc_type))
            bucket = counts[dtype][metric]
            bucket[month] = bucket.get(month, 0) + int(n)
    attributes = []
    for dtype in sorted(counts, key=lambda d: (d != "Platform", d)):
        wanted = (SEARCHES,) if dtype == "Platform" else tuple(m for m in metrics
                                                               if m != SEARCHES)
        performance = _performance(counts[dtype], wanted, period, total)
        if performance:
            entry: dict = {"Data_Type": dtype}
            if kind.id == "PR":
                entry["Access_Method"] = "Regular"
            entry["Performance"] = performance
            attributes.append(entry)
    return [{"Platform": PLATFORM, "Attribute_Performance": attributes}] if attributes else []


def _item_report(settings: Settings, request: ReportRequest, metrics: tuple[str, ...],
                 total: bool) -> list[dict]:
    period = request.period
    uid = None
    if request.item_id:
        uid = _item_uid(settings, request.item_id)
        if uid is None:
            return []
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    described: dict[str, tuple[str, str | None]] = {}
    with session_scope(settings.database_url) as db:
        query = (select(UsageMonthly.item, Document.symbol, Document.doc_type,
                        UsageMonthly.month, UsageMonthly.metric, UsageMonthly.count)
                 .join(Document, Document.uid == UsageMonthly.item, isouter=True)
                 .where(UsageMonthly.month.between(period.months[0], period.months[-1]),
                        UsageMonthly.metric.in_(metrics), UsageMonthly.item != ""))
        if uid:
            query = query.where(UsageMonthly.item == uid)
        for item, symbol, doc_type, month, metric, n in db.execute(query):
            counts[item][metric][month] = int(n)
            described[item] = (symbol or item, doc_type)
    base = settings.base_url.rstrip("/")
    items = []
    for item in sorted(counts, key=lambda i: (described[i][0], i)):
        performance = _performance(counts[item], metrics, period, total)
        if not performance:
            continue
        symbol, doc_type = described[item]
        page = page_of(item)
        items.append({
            "Item": symbol, "Publisher": PUBLISHER, "Platform": PLATFORM,
            "Item_ID": {"Proprietary": f"{PROPRIETARY}:{item}",
                        "URI": f"{base}{page[1]}" if page else f"{base}/documents/{item}"},
            "Attribute_Performance": [{"Data_Type": PAGE_DATA_TYPE if page
                                       else data_type(doc_type),
                                       "Access_Method": "Regular",
                                       "Performance": performance}],
        })
    return items
