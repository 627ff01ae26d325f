"""Usage: recording readers' events, the SUSHI API (/api/counter/r51/...) and the
staff page (/usage).

Who may read usage: administrators, signed in or with HTTP Basic credentials, as for
every other staff function. Figures are aggregates with no personal data, but what
readers look at is the library's business to publish, not the software's default.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from hemicycle.catalogue.models import Document
from hemicycle.messages import Message, message_of
from hemicycle.usage.dashboard import build_dashboard
from hemicycle.usage.exceptions import CounterError, exception
from hemicycle.usage.pages import page_item, page_view
from hemicycle.usage.period import Period, parse_period
from hemicycle.usage.places import (
    PlaceReportError,
    PlaceRequest,
    build_place_report,
    parse_by,
    parse_metrics,
    place_report_tsv,
)
from hemicycle.usage.record import is_first_byte, record_event, search_item
from hemicycle.usage.reports import KINDS, ReportRequest, build_report
from hemicycle.usage.summary import METRICS, monthly_totals, months_available, top_items
from hemicycle.usage.tabular import report_tsv
from hemicycle.usage.view import CHART_TABLES, chart_tsv, dashboard_context
from hemicycle.web.auth import require_admin, signin_first
from hemicycle.web.i18n import translate
from hemicycle.web.templating import render

router = APIRouter()

# ---- recording (called by the document and search routes) ----

_NOT_A_SEARCH = {"ui", "page", "per_page", "sort"}


def _record(request: Request, kind: str, item: str, view: str | None = None) -> None:
    if request.method != "GET":  # a HEAD delivers nothing: not a use
        return
    address = request.client.host if request.client else "-"
    if view is None:
        # the route's own path below the item tells a page from its JSON, text or files
        rest = request.url.path.rsplit(item, 1)[-1].strip("/") if kind != "s" else ""
        api = "api" if request.url.path.startswith("/api/") else ""
        view = "/".join(p for p in (api, rest) if p) or "page"
    record_event(request.app.state.settings.data_dir, kind, item, address,
                 request.headers.get("user-agent", ""), view=view,
                 resolver=request.app.state.geo)


def record_investigation(request: Request, doc: Document) -> None:
    """A document's page, record or text was shown (usage of published documents only:
    staff reviewing a draft is work, not use)."""
    if doc.status == "published":
        _record(request, "i", doc.uid)


def record_download(request: Request, doc: Document) -> None:
    """A file was downloaded: a Request; a Range continuing a download does not count."""
    if doc.status == "published" and is_first_byte(request.headers.get("range")):
        _record(request, "r", doc.uid)


def record_page_view(request: Request, page_type: str, language: str,
                     path: str | None = None) -> None:
    """A page that is not a document was read: a research guide (``guide``), an FAQ
    answer (``faq``) or another page (``page``), in ``language`` (one of the six).
    Counted as a COUNTER investigation of an item of Data_Type Other, by place and
    language like a document; ``path`` defaults to the request's own path. Call it
    from the page's route once the page is known to exist (not for a 404)."""
    _record(request, "i", page_item(page_type, path or request.url.path),
            view=page_view(language))


def record_search(request: Request) -> None:
    """A page of search results (only when something was searched for)."""
    pairs = sorted((k, v) for k, v in request.query_params.multi_items() if k != "ui")
    if any(k not in _NOT_A_SEARCH and v for k, v in pairs):
        _record(request, "s", search_item(urlencode(pairs)))


# ---- SUSHI ----

_HANDLED = {"begin_date", "end_date", "metric_type", "granularity", "item_id",
            "data_type", "access_method",
            "customer_id", "requestor_id", "api_key", "platform", "format"}


def _sushi_error(code: int, data: str, status: int, headers=None) -> JSONResponse:
    return JSONResponse(exception(code, data), status_code=status, headers=headers)


def _sushi_admin(request: Request) -> JSONResponse | None:
    try:
        require_admin(request)
    except HTTPException as exc:
        if exc.status_code == 401:
            return _sushi_error(2000, exc.detail, 401, {"WWW-Authenticate": "Basic"})
        if exc.status_code == 403:
            return _sushi_error(2010, exc.detail, 403)
        raise
    return None


@router.get("/api/counter/r51/status", tags=["usage"])
def sushi_status(request: Request):
    """SUSHI server status (COUNTER R5.1)."""
    if refused := _sushi_admin(request):
        return refused
    available = months_available(request.app.state.settings)
    note = (f"Usage processed from {available[0]} to {available[1]}." if available
            else "No usage has been processed yet.")
    return [{"Description": "Hemicycle COUNTER R5.1 usage statistics (PR, PR_P1, IR).",
             "Service_Active": True, "Note": note}]


@router.get("/api/counter/r51/reports", tags=["usage"])
def sushi_reports(request: Request):
    """The reports this server offers (COUNTER R5.1 report list)."""
    if refused := _sushi_admin(request):
        return refused
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    first, last = months_available(request.app.state.settings) or (month, month)
    return [{"Report_Name": k.name, "Report_ID": k.id, "Release": "5.1",
             "Report_Description": k.description, "Path": f"/r51/reports/{key}",
             "First_Month_Available": first, "Last_Month_Available": last}
            for key, k in KINDS.items()]


def _sushi_report(request: Request, name: str):
    if refused := _sushi_admin(request):
        return refused
    qp = request.query_params
    missing = [p for p in ("begin_date", "end_date") if not qp.get(p)]
    if missing:
        return _sushi_error(1030, f"missing {' and '.join(missing)}", 400)
    try:
        period = parse_period(qp.get("begin_date"), qp.get("end_date"))
    except CounterError as exc:
        return _sushi_error(exc.code, exc.data, exc.http_status)
    allowed = _HANDLED if name == "ir" else _HANDLED - {"item_id"}
    unknown = sorted({k for k in qp if k not in allowed})
    def listed(name: str) -> tuple[str, ...]:
        return tuple(v for v in (qp.get(name) or "").split("|") if v)

    report = build_report(request.app.state.settings, ReportRequest(
        name, period, listed("metric_type"), qp.get("item_id") if name == "ir" else None,
        qp.get("granularity") or "Month", listed("data_type"), listed("access_method")))
    if unknown:
        report["Report_Header"].setdefault("Exceptions", []).insert(
            0, exception(3050, ", ".join(unknown)))
    if qp.get("format") == "tsv":
        return PlainTextResponse(report_tsv(report, period),
                                 media_type="text/tab-separated-values; charset=utf-8")
    return report


@router.get("/api/counter/r51/reports/pr", tags=["usage"])
def sushi_pr(request: Request):
    """Platform Report (PR): begin_date, end_date, metric_type (a|b), granularity."""
    return _sushi_report(request, "pr")


@router.get("/api/counter/r51/reports/pr_p1", tags=["usage"])
def sushi_pr_p1(request: Request):
    """Platform Usage (PR_P1), the Standard View of PR: begin_date, end_date."""
    return _sushi_report(request, "pr_p1")


@router.get("/api/counter/r51/reports/ir", tags=["usage"])
def sushi_ir(request: Request):
    """Item Report (IR): begin_date, end_date, item_id, metric_type, granularity."""
    return _sushi_report(request, "ir")


# ---- Hemicycle's reports by place ----

_PLACE_PARAMS = {"begin_date", "end_date", "by", "metric", "granularity", "limit", "format",
                 "ui"}


@router.get("/api/usage/places", tags=["usage"])
def places_report(request: Request):
    """Usage by place (administrators): investigations and downloads per country, city,
    item, language, body and type. begin_date, end_date (YYYY-MM), by (comma-separated),
    metric (investigations|downloads), granularity (Month|Total), limit, format=tsv;
    country names in the ``ui`` language."""
    require_admin(request)
    qp = request.query_params
    unknown = sorted(k for k in qp if k not in _PLACE_PARAMS)
    try:
        if unknown:
            raise PlaceReportError(Message(
                "usage.unknown_parameter", "unknown parameter {names}; expected {known}",
                names=", ".join(unknown), known=", ".join(sorted(_PLACE_PARAMS))))
        for name in ("begin_date", "end_date"):
            if not qp.get(name):
                raise PlaceReportError(Message("usage.date_missing", "{name}: missing (YYYY-MM)",
                                               name=name))
        granularity = qp.get("granularity") or "Month"
        if granularity not in ("Month", "Total"):
            raise PlaceReportError(Message("usage.granularity",
                                           "granularity {value}: expected Month or Total",
                                           value=repr(granularity)))
        limit = qp.get("limit") or "0"
        if not limit.isdigit() or int(limit) > 1_000_000:
            raise PlaceReportError(Message("usage.limit",
                                           "limit {value}: expected a whole number up to 1000000",
                                           value=repr(limit)))
        period = parse_period(qp.get("begin_date"), qp.get("end_date"))
        place_request = PlaceRequest(period, parse_by(qp.get("by") or "country"),
                                     parse_metrics(qp.get("metric")), granularity,
                                     int(limit), request.state.lang)
    except CounterError as exc:
        raise HTTPException(400, exc.data) from None
    except PlaceReportError as exc:
        raise HTTPException(400, message_of(exc)) from None
    report = build_place_report(request.app.state.settings, place_request)
    if qp.get("format") == "tsv":
        return PlainTextResponse(place_report_tsv(report, period),
                                 media_type="text/tab-separated-values; charset=utf-8")
    return report


# ---- the staff page ----

def _default_period(today: dt.date) -> Period:
    year, month = (today.year - 1, today.month + 1) if today.month < 12 else (today.year, 1)
    return parse_period(f"{year:04d}-{month:02d}", today.strftime("%Y-%m"), today)


def _page_period(request: Request) -> tuple[Period, str | None]:
    begin, end = request.query_params.get("begin"), request.query_params.get("end")
    today = dt.datetime.now(dt.UTC).date()
    try:
        return (parse_period(begin, end) if begin or end else _default_period(today)), None
    except CounterError as exc:
        return _default_period(today), exc.data


@router.get("/usage", include_in_schema=False)
def usage_page(request: Request):
    """The staff dashboard: charts drawn on the server, each with its numbers in a table
    one click away and as TSV, and a text alternative."""
    if (redirect := signin_first(request, "admin")) is not None:
        return redirect
    settings = request.app.state.settings
    period, error = _page_period(request)
    lang = request.state.lang
    totals = monthly_totals(settings, period)
    board = build_dashboard(settings, period)
    context = dashboard_context(board, lang, lambda key, **v: translate(key, lang, **v))
    return render(request, "usage/usage.html", {
        "period": period, "begin": period.begin.strftime("%Y-%m"),
        "end": period.end.strftime("%Y-%m"), "metrics": METRICS, "totals": totals,
        "sums": {m: sum(row[m] for row in totals.values()) for m in METRICS},
        "top": top_items(settings, period), "error": error, "board": board, **context,
    }, status_code=400 if error else 200)


@router.get("/usage/data/{name}.tsv", include_in_schema=False)
def usage_data(request: Request, name: str):
    """The numbers behind one chart of the dashboard, as TSV (administrators)."""
    require_admin(request)
    if name not in CHART_TABLES:
        raise HTTPException(404, Message("usage.no_chart", "no chart {name}: expected one of "
                                         "{known}", name=repr(name),
                                         known=", ".join(CHART_TABLES)))
    period, error = _page_period(request)
    if error:
        raise HTTPException(400, error)
    board = build_dashboard(request.app.state.settings, period)
    filename = f"usage-{name}-{period.months[0]}-{period.months[-1]}.tsv"
    return PlainTextResponse(chart_tsv(board, name, request.state.lang),
                             media_type="text/tab-separated-values; charset=utf-8",
                             headers={"content-disposition": f'attachment; filename="{filename}"'})
