"""Protocol endpoints for harvesters and crawlers: ``/oai`` (OAI-PMH 2.0),
``/sitemap.xml`` and Atom feeds of new documents for any search."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from hemicycle.interop.oai import handle_request

router = APIRouter(include_in_schema=False)

XML = "text/xml; charset=utf-8"


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
