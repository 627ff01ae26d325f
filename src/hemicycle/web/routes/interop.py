"""Protocol endpoints for harvesters and crawlers: ``/oai`` (OAI-PMH 2.0),
``/sitemap.xml`` (+ ``/sitemap-N.xml`` pages), ``/robots.txt`` and Atom feeds of new
documents for any search (``/feeds/search.atom?q=...``)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from hemicycle.interop import sitemap
from hemicycle.interop.oai import handle_request
from hemicycle.messages import Message, message_of
from hemicycle.web.i18n import translate

router = APIRouter(include_in_schema=False)

XML = "text/xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
FILTERS = ("body", "year", "session", "type", "language", "subject")


@router.get("/oai")
async def oai_get(request: Request) -> Response:
    pairs = list(request.query_params.multi_items())
    body = await run_in_threadpool(handle_request, request.app.state.settings, pairs)
    return Response(body, media_type=XML)


@router.post("/oai")
async def oai_post(request: Request) -> Response:
    content_type = request.headers.get("content-type", "")
    raw = (await request.body()).decode("utf-8", errors="replace")
    if "application/x-www-form-urlencoded" not in content_type:
        pairs = []  # arguments must be form-encoded; without them the verb is missing
    else:
        pairs = parse_qsl(raw, keep_blank_values=True)
    pairs += list(request.query_params.multi_items())
    body = await run_in_threadpool(handle_request, request.app.state.settings, pairs)
    return Response(body, media_type=XML)


# Crawlers find every document through the sitemap; result lists, the API, SPARQL and
# feeds are endless variations of what the sitemap lists, and costly to produce.
ROBOTS_DISALLOW = ("/search", "/api/", "/feeds/", "/thesaurus/sparql", "/signin", "/review",
                   "/usage", "/iiif/")


@router.get("/robots.txt")
def robots(request: Request) -> Response:
    base = request.app.state.settings.base_url.rstrip("/")
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), "",
             f"Sitemap: {base}/sitemap.xml", ""]
    return Response("\n".join(lines), media_type="text/plain; charset=utf-8")


@router.get("/sitemap.xml")
def sitemap_index(request: Request) -> Response:
    return Response(sitemap.sitemap(request.app.state.settings), media_type=XML)


@router.get("/sitemap-{page}.xml")
def sitemap_page(request: Request, page: str) -> Response:
    if not page.isdigit():
        raise HTTPException(404, Message("no_sitemap_page", "no sitemap page '{page}'", page=page))
    try:
        body = sitemap.sitemap_page(request.app.state.settings, int(page))
    except sitemap.NoSuchPage as exc:
        raise HTTPException(404, Message("no_sitemap_page", "no sitemap page '{page}'",
                                         page=page, reason=str(exc))) from None
    return Response(body, media_type=XML)


@router.get("/feeds/search.atom")
def search_feed(request: Request, q: str = "", lang: str | None = None) -> Response:
    from hemicycle.interop.feeds import search_feed as build
    from hemicycle.search.query import QueryError

    qp = request.query_params
    filters = {name: qp.getlist(name) for name in FILTERS if qp.getlist(name)}
    ui = request.state.lang
    title = translate("interop.feed_title", ui, query=q) if q else translate(
        "interop.feed_title_all", ui)
    try:
        body = build(request.app.state.settings, q, title, lang=lang or None,
                     filters=filters or None, xml_lang=ui)
    except QueryError as exc:
        raise HTTPException(400, Message("invalid_search", "invalid search: {reason}",
                                         reason=message_of(exc))) from None
    return Response(body, media_type=ATOM)
