"""Cite and share: a record's citation in the UN style, BibTeX, RIS and CSL-JSON
(``/documents/{uid}/cite.{format}``; the API gives the same by content negotiation on
``/api/documents/{uid}``), and the same exports for a result list
(``/search/cite.{format}?q=...``, the hits of the page asked for, at most 100)."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.queries import document_by_uid
from hemicycle.interop import citation
from hemicycle.interop.citation import FORMATS, Citable
from hemicycle.languages import CODES
from hemicycle.messages import Message, message_of
from hemicycle.search.query import QueryError
from hemicycle.web.i18n import translate
from hemicycle.web.templating import templates

router = APIRouter()


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise HTTPException(404, Message("cite.unknown_format",
                                         "no citation format '{fmt}': use one of {allowed}",
                                         fmt=fmt, allowed=", ".join(FORMATS)))
    return fmt


def _language(request: Request) -> str:
    """Titles and organ names in ``?lang=`` when given, else the interface language."""
    lang = request.query_params.get("lang")
    return lang if lang in CODES else request.state.lang


def citations_of(request: Request, items: list[Citable], fmt: str, name: str) -> Response:
    media, suffix = FORMATS[fmt]
    body = citation.render(items, fmt, _language(request), translate)
    disposition = "inline" if fmt == "un" else "attachment"
    return Response(body, media_type=media, headers={
        "Content-Disposition": f'{disposition}; filename="{name}.{suffix}"',
        "Vary": "Accept"})


def citables(request: Request, uids: list[str]) -> list[Citable]:
    base = request.app.state.settings.base_url
    with session_scope(request.app.state.settings.database_url) as db:
        found = []
        for uid in uids:
            doc = document_by_uid(db, uid)
            if doc is not None and doc.status == "published":
                found.append(Citable.of(doc, base))
        return found


def document_citations(request: Request, doc) -> dict:
    """For the record's page: its permalink and its citation in every format."""
    item = Citable.of(doc, request.app.state.settings.base_url)
    lang = request.state.lang
    return {"permalink": item.url, "name": citation_name(item.symbol),
            "formats": {fmt: citation.render([item], fmt, lang, translate) for fmt in FORMATS}}


templates.env.globals["document_citations"] = document_citations


@router.get("/documents/{uid}/cite.{fmt}", include_in_schema=False)
def cite_document(request: Request, uid: str, fmt: str) -> Response:
    fmt = _format(fmt)
    items = citables(request, [uid])
    if not items:
        raise HTTPException(404, Message("no_document", "no document with id {uid}", uid=uid))
    return citations_of(request, items, fmt, citation_name(items[0].symbol))


@router.get("/search/cite.{fmt}", include_in_schema=False)
def cite_results(request: Request, fmt: str) -> Response:
    from hemicycle.web.routes.search import run_search, search_params

    fmt = _format(fmt)
    try:
        params = search_params(request)
        results = run_search(request, params)
    except QueryError as exc:
        raise HTTPException(400, message_of(exc)) from None
    items = citables(request, [hit.uid for hit in results.hits])
    return citations_of(request, items, fmt, "hemicycle-results")


def citation_name(symbol: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in symbol).strip("_") or "citation"
