"""Hemicycle's own reports by place, beside the COUNTER ones: investigations and requests
(downloads) per country, city, item, language version, body and document type, per
month or for the whole period, as JSON and TSV.

They read the tables that ``process`` keeps: ``usage_country_monthly`` when only
countries and languages are asked for, ``usage_city_yearly`` (one row per place, metric
and year, a column per month) for cities, ``usage_monthly`` for items without places,
and the daily counts by place, ``usage_geo_daily`` grouped by month (with the catalogue
for body and type), for anything by item and place or language; places by their id in
``usage_places``. The header says which geography databases resolved each month, and
whether any of it is sample traffic.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.config import Settings
from hemicycle.messages import Message
from hemicycle.usage.cldr import country_name
from hemicycle.usage.models import (
    MONTH_COLUMNS,
    UsageCityYearly,
    UsageCountryMonthly,
    UsageGeoDaily,
    UsageGeoSource,
    UsageMonthly,
    UsagePlace,
)
from hemicycle.usage.pages import PAGE_TYPES, page_of
from hemicycle.usage.period import Period
from hemicycle.usage.process import TII, TIR
from hemicycle.usage.sample import is_sample

DIMENSIONS: tuple[str, ...] = ("country", "city", "item", "language", "body", "type")
METRICS: dict[str, str] = {"investigations": TII, "downloads": TIR}
REPORT_ID = "Hemicycle_Places"


class PlaceReportError(ValueError):
    """A request this report cannot answer; the message says which parameter and why."""


@dataclass(frozen=True)
class PlaceRequest:
    period: Period
    by: tuple[str, ...] = ("country",)
    metrics: tuple[str, ...] = (TII, TIR)
    granularity: str = "Month"  # or Total
    limit: int = 0  # the first N rows by total (0: all)
    language: str = "en"  # of the country names


def parse_by(text: str) -> tuple[str, ...]:
    by = tuple(dict.fromkeys(p.strip() for p in text.replace("|", ",").split(",") if p.strip()))
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown or not by:
        raise PlaceReportError(Message("usage.unknown_by", "by: {unknown} is not one of {known}",
                                       unknown=", ".join(unknown) or "nothing",
                                       known=", ".join(DIMENSIONS)))
    return by


def parse_metrics(text: str | None) -> tuple[str, ...]:
    if not text:
        return (TII, TIR)
    names = [p.strip() for p in text.replace("|", ",").split(",") if p.strip()]
    out = []
    for name in names:
        metric = METRICS.get(name, name)
        if metric not in (TII, TIR):
            raise PlaceReportError(Message(
                "usage.unknown_metric",
                "metric {name}: expected investigations, downloads, {tii} or {tir}",
                name=repr(name), tii=TII, tir=TIR))
        out.append(metric)
    return tuple(dict.fromkeys(out))


def sources(settings: Settings, period: Period) -> list[dict]:
    """Per month, the databases that resolved its events and how many events each
    ("" is events recorded before geography was resolved)."""
    with session_scope(settings.database_url) as db:
        rows = db.execute(
            select(UsageGeoSource.day, UsageGeoSource.source, UsageGeoSource.events)
            .where(UsageGeoSource.day.between(period.begin, period.end))).all()
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for day, source, n in rows:
        counts[(day.strftime("%Y-%m"), source)] += n
    return [{"Month": m, "Source": s or "none (recorded before geography)", "Events": n,
             **({"Sample": True} if is_sample(s) else {})}
            for (m, s), n in sorted(counts.items())]


MonthCounts = tuple[tuple, str, dict[str, int]]  # dimension values, metric, {month: n}


def _month_counts(settings: Settings, request: PlaceRequest) -> list[MonthCounts]:
    """The counts per month of each combination of the dimensions asked for, from the
    smallest table that has them all."""
    by = set(request.by)
    with session_scope(settings.database_url) as db:
        if by <= {"country", "city"} and "city" in by:
            return _yearly_counts(db, request)
        return [(tuple(values), metric, {month: int(n)})
                for *values, month, metric, n in db.execute(_monthly_query(request))]


def _yearly_counts(db, request: PlaceRequest) -> list[MonthCounts]:
    """By city (and country): one row per place, metric and year of the period, with the
    period's months of that year as columns."""
    table, place = UsageCityYearly, UsagePlace
    columns = [c for dim in request.by for c in (
        (place.country,) if dim == "country" else (place.country, place.region, place.city))]
    years: dict[int, list[str]] = {}
    for month in request.period.months:
        years.setdefault(int(month[:4]), []).append(month)
    out: list[MonthCounts] = []
    for year, months in years.items():
        numbers = [int(month[5:7]) for month in months]
        mask = sum(1 << (n - 1) for n in numbers)
        counts = [getattr(table, MONTH_COLUMNS[n - 1]) for n in numbers]
        query = (select(*columns, table.metric, *counts)
                 .join(place, place.id == table.place)
                 .where(table.year == year, table.metric.in_(request.metrics),
                        table.months.op("&")(mask) != 0))
        width = len(columns)
        for row in db.execute(query):
            out.append((tuple(row[:width]), row[width], {
                month: n for month, n in zip(months, row[width + 1:], strict=True) if n}))
    return out


def _monthly_query(request: PlaceRequest):
    """(value per dimension column, month, metric, count) rows from the month tables, or
    from the daily rows by place grouped by month."""
    by, months = set(request.by), request.period.months
    if by <= {"country", "language"}:
        table = UsageCountryMonthly
    elif not by & {"country", "city", "language"}:  # by item, body or type: no place
        table = UsageMonthly
    else:
        table = UsageGeoDaily
    country = UsagePlace.country if table is UsageGeoDaily else getattr(table, "country", None)
    columns = []
    for dim in request.by:
        if dim == "country":
            columns.append(country)
        elif dim == "city":
            columns += [UsagePlace.country, UsagePlace.region, UsagePlace.city]
        elif dim == "language":
            columns.append(table.language)
        elif dim == "item":
            columns.append(table.item)
        elif dim == "body":
            columns.append(Document.body)
        elif dim == "type":  # a page's type, or the document's
            columns.append(case(*((table.item.like(f"{kind}:%"), kind) for kind in PAGE_TYPES),
                                else_=func.coalesce(Document.doc_type, "")))
    in_period = (table.day.between(request.period.begin, request.period.end)
                 if table is UsageGeoDaily else table.month.between(months[0], months[-1]))
    query = (select(*columns, table.month, table.metric, func.sum(table.count))
             .where(in_period, table.metric.in_(request.metrics))
             .group_by(*columns, table.month, table.metric))
    if table is UsageMonthly:
        query = query.where(UsageMonthly.item != "")
    if table is UsageGeoDaily and by & {"country", "city"}:
        query = query.join(UsagePlace, UsagePlace.id == table.place)
    if by & {"body", "type"}:
        query = query.join(Document, Document.uid == table.item, isouter=True)
    return query


def _cells(dims: tuple[str, ...], values: tuple) -> tuple[tuple, dict]:
    """The row key and the described cells of one result row's dimension values."""
    cells: dict = {}
    key = []
    i = 0
    for dim in dims:
        if dim == "city":
            country, region, city = values[i:i + 3]
            i += 3
            cells.update({"Country": country, "Region": region, "City": city})
            key += [country, region, city]
        elif dim == "type":
            cells["Document_Type"] = values[i] or ""
            key.append(values[i] or "")
            i += 1
        else:
            value = values[i] or ""
            i += 1
            cells[{"country": "Country", "item": "Item_ID", "language": "Language",
                   "body": "Body"}[dim]] = value
            key.append(value)
    return tuple(key), cells


def build_place_report(settings: Settings, request: PlaceRequest,
                       now: dt.datetime | None = None) -> dict:
    """The report as a dict: a header (period, grouping, metrics, geography sources)
    and one row per combination of the dimensions asked for, largest total first."""
    now = now or dt.datetime.now(dt.UTC)
    dims = request.by
    grouped: dict[tuple, dict] = {}
    for values, metric, counts in _month_counts(settings, request):
        key, cells = _cells(dims, values)
        entry = grouped.setdefault(key, {"cells": cells, "performance": defaultdict(dict)})
        months = entry["performance"][metric]
        for month, n in counts.items():
            months[month] = months.get(month, 0) + n
    items = [e for e in grouped.values()]
    ordered = sorted(items, key=lambda e: (-sum(sum(m.values())
                                                 for m in e["performance"].values()),
                                           tuple(str(v) for v in e["cells"].values())))
    if request.limit:
        ordered = ordered[:request.limit]
    symbols = _symbols(settings, [e["cells"]["Item_ID"] for e in ordered
                                  if "Item_ID" in e["cells"]])
    rows = []
    for entry in ordered:
        cells = dict(entry["cells"])
        if "Country" in cells:
            cells["Country_Name"] = country_name(cells["Country"], request.language)
        if "Item_ID" in cells:
            cells["Item"] = symbols.get(cells["Item_ID"], cells["Item_ID"])
        performance = {}
        for metric in request.metrics:
            months = entry["performance"].get(metric, {})
            if not months:
                continue
            if request.granularity == "Total":
                performance[metric] = {request.period.months[0]: sum(months.values())}
            else:
                performance[metric] = dict(sorted(months.items()))
        rows.append({**cells, "Performance": performance})
    found = sources(settings, request.period)
    header = {
        "Report_Name": "Usage by place", "Report_ID": REPORT_ID,
        "Created": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "Created_By": "Hemicycle",
        "Begin_Date": request.period.begin.isoformat(),
        "End_Date": request.period.end.isoformat(),
        "Group_By": list(dims), "Metric_Types": list(request.metrics),
        "Granularity": request.granularity, "Geography_Sources": found,
        "Sample_Traffic": any(s.get("Sample") for s in found),
    }
    if request.limit:
        header["Limit"] = request.limit
    return {"Report_Header": header, "Rows": rows}


def _symbols(settings: Settings, items: list[str]) -> dict[str, str]:
    """Document symbols of the items that are documents (pages keep their item)."""
    wanted = [i for i in items if page_of(i) is None]
    out: dict[str, str] = {}
    with session_scope(settings.database_url) as db:
        for start in range(0, len(wanted), 500):
            out.update(db.execute(select(Document.uid, Document.symbol)
                                  .where(Document.uid.in_(wanted[start:start + 500]))).all())
    return out


_COLUMNS = {"country": ("Country", "Country_Name"), "city": ("Country", "Region", "City"),
            "item": ("Item", "Item_ID"), "language": ("Language",), "body": ("Body",),
            "type": ("Document_Type",)}


def place_report_tsv(report: dict, period: Period) -> str:
    """The report as TSV: header rows, a blank row, then one row per group and metric
    with the period's total and each month (0 where none)."""
    header = report["Report_Header"]
    total_only = header["Granularity"] == "Total"
    months = [] if total_only else period.months
    sources_text = "; ".join(f"{s['Month']} {s['Source']} ({s['Events']} events)"
                             for s in header["Geography_Sources"])
    lines = [f"Report_Name\t{header['Report_Name']}", f"Report_ID\t{header['Report_ID']}",
             f"Reporting_Period\tBegin_Date={header['Begin_Date']}; "
             f"End_Date={header['End_Date']}",
             f"Group_By\t{'; '.join(header['Group_By'])}",
             f"Metric_Types\t{'; '.join(header['Metric_Types'])}",
             f"Geography_Sources\t{sources_text}",
             f"Sample_Traffic\t{'yes' if header['Sample_Traffic'] else 'no'}",
             f"Created\t{header['Created']}", ""]
    columns = list(dict.fromkeys(c for dim in header["Group_By"] for c in _COLUMNS[dim]))
    lines.append("\t".join(columns + ["Metric_Type", "Reporting_Period_Total"] + months))
    for row in report["Rows"]:
        for metric, counts in row["Performance"].items():
            cells = [_tsv(row.get(c, "")) for c in columns]
            cells += [metric, str(sum(counts.values()))]
            cells += [str(counts.get(m, 0)) for m in months]
            lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def _tsv(value) -> str:
    return str(value).replace("\t", " ").replace("\n", " ")
