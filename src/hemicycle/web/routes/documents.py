"""Home page, document pages, file downloads and the document API."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import BaseModel

from hemicycle.catalogue.changes import record_changes
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.catalogue.queries import (
    counts,
    document_by_uid,
    find_document,
    uids_for_symbols,
)
from hemicycle.documents import (
    DocumentConflict,
    DocumentInput,
    FileInput,
    RecordError,
    VersionInput,
    save_document,
)
from hemicycle.ingest.text import TextError, extract_text
from hemicycle.interop import citation
from hemicycle.interop.dublin_core import dc_meta
from hemicycle.interop.jsonld import document_jsonld
from hemicycle.languages import CODES, UnknownLanguage, normalise_language
from hemicycle.messages import Message
from hemicycle.proceedings.queries import speeches_for_meeting, voting_record_for_symbol
from hemicycle.search.index import catch_up
from hemicycle.storage import StorageError, open_location
from hemicycle.thesaurus import concept_labels
from hemicycle.web.auth import SignedIn, current_user, require_admin, require_cataloguer
from hemicycle.web.routes.review import can_review, review_context
from hemicycle.web.routes.subjects import panel_context
from hemicycle.web.routes.usage import record_download, record_investigation
from hemicycle.web.templating import render

router = APIRouter()


# ---- JSON shapes (the OpenAPI description is generated from these) ----

class FileOut(BaseModel):
    language: str
    format: str
    media_type: str
    size: int
    sha512: str
    filename: str
    url: str


class VersionOut(BaseModel):
    language: str
    title: str | None
    text_source: str | None
    has_text: bool


class SubjectOut(BaseModel):
    vocab: str
    concept: str
    label: str | None
    origin: str


class AgendaOut(BaseModel):
    agenda_symbol: str | None
    item_number: str | None
    title: str | None


class RelatedOut(BaseModel):
    symbol: str
    role: str
    uid: str | None


class DocumentOut(BaseModel):
    uid: str
    symbol: str
    symbols: list[str]
    doc_type: str | None
    body: str | None
    session: str | None
    year: int | None
    publication_date: dt.date | None
    action_date: dt.date | None
    distribution: str | None
    status: str
    languages: list[str]
    missing_languages: list[str]
    versions: list[VersionOut]
    files: list[FileOut]
    subjects: list[SubjectOut]
    agenda_items: list[AgendaOut]
    related: list[RelatedOut]
    updated_at: dt.datetime
    url: str


def file_url(doc: Document, language: str, fmt: str) -> str:
    return f"/documents/{doc.uid}/files/{language}/{fmt}"


def document_out(doc: Document, related_uids: dict[str, str]) -> DocumentOut:
    return DocumentOut(
        uid=doc.uid, symbol=doc.symbol, symbols=[s.symbol for s in doc.symbols],
        doc_type=doc.doc_type, body=doc.body, session=doc.session, year=doc.year,
        publication_date=doc.publication_date, action_date=doc.action_date,
        distribution=doc.distribution, status=doc.status, languages=doc.languages,
        missing_languages=[c for c in CODES if c not in doc.languages],
        versions=[VersionOut(language=v.language, title=v.title, text_source=v.text_source,
                             has_text=bool(v.text))
                  for v in sorted(doc.versions, key=lambda v: CODES.index(v.language))],
        files=[FileOut(language=f.language, format=f.format, media_type=f.media_type,
                       size=f.size, sha512=f.sha512, filename=f.filename,
                       url=file_url(doc, f.language, f.format)) for f in doc.files],
        subjects=[SubjectOut(vocab=s.vocab, concept=s.concept, label=s.label, origin=s.origin)
                  for s in doc.subjects],
        agenda_items=[AgendaOut(agenda_symbol=a.agenda_symbol, item_number=a.item_number,
                                title=a.title) for a in doc.agenda_items],
        related=[RelatedOut(symbol=r.symbol, role=r.role, uid=related_uids.get(r.symbol))
                 for r in doc.related],
        updated_at=doc.updated_at, url=f"/documents/{doc.uid}",
    )


def _load(request: Request, uid: str, *, include_drafts: bool = False):
    with session_scope(request.app.state.settings.database_url) as db:
        doc = document_by_uid(db, uid)
        if doc is None:
            raise HTTPException(404, Message("no_document", "no document with id {uid}", uid=uid))
        # drafts (and drafts turned down) are for staff only: reviewed on their page
        if doc.unpublished and not include_drafts and not can_review(request):
            raise HTTPException(404, Message("draft_document",
                                              "document {uid} is a draft awaiting review",
                                              uid=uid))
        related = uids_for_symbols(db, [r.symbol for r in doc.related])
        db.expunge_all()
    return doc, related


# ---- pages ----

@router.get("/", include_in_schema=False)
def home(request: Request):
    with session_scope(request.app.state.settings.database_url) as db:
        c = counts(db)
    return render(request, "documents/home.html", {"counts": c})


def _links(request: Request, doc: Document) -> dict:
    """What other parts of Hemicycle hold about this document: votes, speeches, labels."""
    with session_scope(request.app.state.settings.database_url) as db:
        record = next((r for s in doc.symbols
                       if (r := voting_record_for_symbol(db, s.symbol)) is not None), None)
        speeches = [sp for s in doc.symbols for sp in speeches_for_meeting(db, s.symbol)]
        labels = concept_labels(db, [s.concept for s in doc.subjects], request.state.lang)
    return {
        "voting_record_url": f"/votes/records/{record.id}" if record else None,
        "speech_count": len(speeches),
        "subject_labels": labels,
    }


@router.get("/documents/{uid}", include_in_schema=False)
def document_page(request: Request, uid: str):
    doc, related = _load(request, uid)
    if doc.status == "deleted":
        raise HTTPException(410, Message("withdrawn", "document {symbol} was withdrawn",
                                         symbol=doc.symbol))
    record_investigation(request, doc)
    versions = sorted(doc.versions, key=lambda v: CODES.index(v.language))
    lang = request.state.lang
    shown = doc.version(lang) or doc.version("en") or (versions[0] if versions else None)
    # staff review machine-suggested subjects on the page itself (the cataloguer in the loop)
    review = panel_context(request, doc) if current_user(request) else {}
    return render(request, "documents/document.html", {
        **review,
        "doc": doc, "versions": versions, "shown": shown, "related_uids": related,
        "files_by_lang": {c: [f for f in doc.files if f.language == c] for c in CODES},
        "missing": [c for c in CODES if c not in doc.languages],
        "dc_meta": dc_meta(doc),
        "jsonld": document_jsonld(doc, request.app.state.settings.base_url),
        **_links(request, doc),
        **review_context(request, doc),
    })


@router.get("/symbol/{symbol:path}", include_in_schema=False)
def by_symbol(request: Request, symbol: str):
    """Any variant of a symbol leads to its document."""
    with session_scope(request.app.state.settings.database_url) as db:
        doc = find_document(db, symbol)
        if doc is None or doc.unpublished:
            raise HTTPException(404, Message("no_symbol", "no document with the symbol {symbol}",
                                             symbol=symbol))
        return RedirectResponse(f"/documents/{doc.uid}", status_code=303)


@router.get("/documents/{uid}/files/{language}/{fmt}", include_in_schema=False)
def download(request: Request, uid: str, language: str, fmt: str):
    """The file's bytes; Range requests are honoured (206, 416)."""
    doc, _ = _load(request, uid)
    f = next((x for x in doc.files if x.language == language and x.format == fmt), None)
    if f is None:
        raise HTTPException(404, Message("no_file",
                                         "document {symbol} has no {fmt} file in {language}",
                                         symbol=doc.symbol, fmt=fmt, language=language))
    try:
        path = open_location(request.app.state.settings, f.location)
    except StorageError as exc:
        raise HTTPException(500, Message("file_missing", "the stored file is missing: {reason}",
                                         reason=str(exc))) from None
    record_download(request, doc)
    return FileResponse(path, media_type=f.media_type, filename=f.filename,
                        headers={"Digest": f"sha-512={f.sha512}", "Accept-Ranges": "bytes"})


# ---- API ----

@router.get("/api/documents/{uid}", response_model=DocumentOut, tags=["documents"],
            responses={200: {"content": {media: {} for media in citation.MEDIA_TYPES}}})
def api_document(request: Request, uid: str) -> DocumentOut:
    """One document: symbols, metadata, language versions and files. Its citation instead
    by content negotiation: Accept application/x-bibtex, application/x-research-info-systems
    or application/vnd.citationstyles.csl+json."""
    doc, related = _load(request, uid)
    record_investigation(request, doc)
    wanted = citation.format_for_accept(request.headers.get("accept", ""))
    if wanted:
        from hemicycle.web.routes.citations import citation_name, citations_of

        item = citation.Citable.of(doc, request.app.state.settings.base_url)
        return citations_of(request, [item], wanted, citation_name(doc.symbol))
    return document_out(doc, related)


@router.get("/api/symbols/{symbol:path}", response_model=DocumentOut, tags=["documents"])
def api_by_symbol(request: Request, symbol: str) -> DocumentOut:
    """The document with this symbol, typed in any variant."""
    with session_scope(request.app.state.settings.database_url) as db:
        doc = find_document(db, symbol)
        if doc is None or doc.unpublished:
            raise HTTPException(404, Message("no_symbol", "no document with the symbol {symbol}",
                                             symbol=symbol))
        related = uids_for_symbols(db, [r.symbol for r in doc.related])
        return document_out(doc, related)


@router.get("/api/documents/{uid}/text/{language}", tags=["documents"])
def api_text(request: Request, uid: str, language: str) -> dict:
    """The full text of one language version."""
    doc, _ = _load(request, uid)
    v = doc.version(language)
    if v is None:
        raise HTTPException(404, Message("no_version",
                                         "document {symbol} has no {language} version",
                                         symbol=doc.symbol, language=language))
    record_investigation(request, doc)
    return {"uid": doc.uid, "symbol": doc.symbol, "language": language, "text": v.text or ""}


@router.post("/api/documents", response_model=DocumentOut, status_code=201, tags=["documents"])
def api_upload(
    request: Request,
    symbol: str = Form(..., description="Document symbol"),
    language: str = Form(...),
    title: str | None = Form(None),
    file: UploadFile = File(..., description="PDF or UTF-8 text"),
    user: SignedIn = Depends(require_cataloguer),
) -> DocumentOut:
    """Add a language version with its file (cataloguers). Merges into an existing record."""
    settings = request.app.state.settings
    try:
        lang = normalise_language(language)
    except UnknownLanguage as exc:
        raise HTTPException(400, f"language: {exc}") from None
    name = Path(file.filename or "upload").name
    with tempfile.TemporaryDirectory(dir=settings.data_dir) as tmp:
        target = Path(tmp) / name
        written = 0
        with target.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                written += len(chunk)
                if written > settings.max_upload_bytes:
                    raise HTTPException(413, f"{name}: larger than the limit of "
                                             f"{settings.max_upload_bytes} bytes")
                out.write(chunk)
        try:
            text, fmt = extract_text(target)
        except TextError as exc:
            raise HTTPException(400, f"file: {exc}") from None
        data = DocumentInput(
            symbols=[symbol], source=f"upload by {user.name}",
            versions={lang: VersionInput(title=title, text=text, text_source="born-digital")},
            files=[FileInput(lang, fmt, target, filename=name)],
        )
        try:
            result = save_document(settings, data)
        except DocumentConflict as exc:
            raise HTTPException(409, str(exc)) from None
        except RecordError as exc:
            raise HTTPException(400, str(exc)) from None
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
    catch_up(settings)  # the uploader finds it in the search at once
    doc, related = _load(request, result.uid, include_drafts=True)
    return document_out(doc, related)


@router.delete("/api/documents/{uid}", tags=["documents"])
def api_withdraw(request: Request, uid: str, user: SignedIn = Depends(require_admin)) -> dict:
    """Withdraw a document (administrators): it stays known to harvesters as deleted."""
    settings = request.app.state.settings
    with session_scope(settings.database_url) as db:
        doc = document_by_uid(db, uid)
        if doc is None:
            raise HTTPException(404, Message("no_document", "no document with id {uid}", uid=uid))
        doc.status = "deleted"
        doc.extra = {**(doc.extra or {}), "withdrawn_by": user.name}
        db.flush()
        record_changes(db, [doc.id])
    catch_up(settings)
    return {"uid": uid, "status": "deleted"}
