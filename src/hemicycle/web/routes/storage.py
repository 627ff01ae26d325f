"""Preservation pages: a document's PREMIS events as HTML, JSON and PREMIS 3 XML."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.messages import Message
from hemicycle.storage.objects import OcflRoot
from hemicycle.storage.premis import events_for, premis_xml
from hemicycle.web.auth import current_user
from hemicycle.web.templating import render

router = APIRouter()


def _document(request: Request, uid: str) -> Document:
    """The document whose storage object is ``uid``; drafts only for signed-in staff."""
    with session_scope(request.app.state.settings.database_url) as db:
        doc = db.scalar(select(Document).where(Document.uid == uid))
        if doc is None:
            raise HTTPException(404, Message("no_document", "no document with id {uid}", uid=uid))
        if doc.unpublished and current_user(request) is None:
            raise HTTPException(404, Message("draft_document",
                                              "document {uid} is a draft awaiting review",
                                              uid=uid))
        db.expunge(doc)
    return doc


@router.get("/documents/{uid}/preservation", include_in_schema=False)
def preservation_page(request: Request, uid: str):
    doc = _document(request, uid)
    settings = request.app.state.settings
    inv = OcflRoot(settings.storage_root).inventory(uid)
    return render(request, "storage/events.html", {
        "doc": doc, "events": events_for(settings, uid),
        "head": inv.head if inv else None,
        "files": sorted(inv.state().items()) if inv else [],
    })


@router.get("/documents/{uid}/premis.xml", include_in_schema=False)
def premis_export(request: Request, uid: str):
    _document(request, uid)
    body = premis_xml(request.app.state.settings, uid)
    return Response(body, media_type="application/xml",
                    headers={"Content-Disposition": f'inline; filename="{uid}-premis.xml"'})


@router.get("/api/documents/{uid}/events", tags=["preservation"])
def api_events(request: Request, uid: str) -> dict:
    """The PREMIS events of a document's stored object, oldest first."""
    _document(request, uid)
    settings = request.app.state.settings
    inv = OcflRoot(settings.storage_root).inventory(uid)
    return {"uid": uid, "ocfl_version": inv.head if inv else None,
            "premis": f"/documents/{uid}/premis.xml",
            "events": [e.to_json() for e in events_for(settings, uid)]}
