"""Home page, document pages, file downloads and the document API."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from hemicycle.catalogue.changes import record_changes
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.catalogue.queries import (
    counts,
    document_by_uid,
    find_document,
    uids_for_symbols,
)
from hemicycle.catalogue.related import named_by, naming, same_agenda_item, sharing_subjects
from hemicycle.describe import paragraphs, period_of
from hemicycle.describe.precision import date_of
from hemicycle.documents import (
    DocumentConflict,
    DocumentInput,
    FileInput,
    RecordError,
    VersionInput,
    describe_input,
    save_document,
)
from hemicycle.documents.check import check_characters
from hemicycle.ingest.text import TextError, extract_text
from hemicycle.interop import citation, iiif_manifest
from hemicycle.interop.dublin_core import dc_meta
from hemicycle.interop.iiif_image import cache as iiif_cache
from hemicycle.interop.iiif_image.request import ImageApiError, PageId
from hemicycle.interop.jsonld import document_jsonld
from hemicycle.languages import CODES, UnknownLanguage, normalise_language
from hemicycle.messages import Message, message_from_json, message_of
from hemicycle.proceedings.queries import speeches_for_meeting, voting_record_for_symbol
from hemicycle.review.tasks import open_tasks_of, record_saved
from hemicycle.search.index import catch_up
from hemicycle.storage import StorageError, open_location
from hemicycle.subjects.records import (
    RecordSubject,
    is_policy,
    record_subjects,
    split_headings,
)
from hemicycle.symbols import SymbolError, parse_symbol
from hemicycle.thesaurus import concept_labels
from hemicycle.web.auth import SignedIn, current_user, require_admin, require_cataloguer
from hemicycle.web.caching import last_modified
from hemicycle.web.display import display_title, shown_title
from hemicycle.web.errors import json_error
from hemicycle.web.routes.review import can_review, review_context
from hemicycle.web.routes.subjects import panel_context
from hemicycle.web.routes.usage import record_download, record_investigation
from hemicycle.web.templating import render

router = APIRouter()
TEXT_SHOWN = 20000  # characters of a text shown on its page (the API gives all of it)


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
    """A subject with its provenance: ``origin`` human (catalogued) or machine; for a
    machine one the backend, model version and score that suggested it, and whether the
    operator's policy accepted it (``accepted_by_policy``) or a cataloguer did."""

    vocab: str
    concept: str
    label: str | None
    origin: str
    backend: str | None = None
    model: str | None = None
    score: float | None = None
    assigned_by: str | None = None
    assigned_at: dt.datetime | None = None
    accepted_by_policy: bool = False


class SuggestedSubjectOut(BaseModel):
    """A machine suggestion no cataloguer has decided on yet: not a subject of the record."""

    vocab: str
    concept: str
    label: str | None
    backend: str | None
    model: str | None
    score: float | None
    suggested_at: dt.datetime | None


class SuggestedHeadingOut(BaseModel):
    """An Index to Proceedings heading ("SUDAN--POLITICAL CONDITIONS") the machine suggests."""

    vocab: str
    heading: str
    backend: str | None
    model: str | None
    score: float | None
    suggested_at: dt.datetime | None


class AgendaOut(BaseModel):
    agenda_symbol: str | None
    item_number: str | None
    title: str | None


class RelatedOut(BaseModel):
    symbol: str
    role: str
    uid: str | None


class PeriodOut(BaseModel):
    name: str = Field(description="session (General Assembly, ECOSOC) or year (Security "
                                  "Council)")
    value: str


class ExtractedOut(BaseModel):
    value: object
    source: str = Field(description="manifest, marc, symbol, text, ocr, person or filename")
    confidence: float
    language: str | None = None


class FindingOut(BaseModel):
    code: str
    field: str
    message: str


class DocumentOut(BaseModel):
    uid: str
    symbol: str
    symbols: list[str]
    doc_type: str | None
    body: str | None
    session: str | None
    year: int | None
    publication_date: str | None = Field(
        description="EDTF (ISO 8601): 2015-05-11, or 2015-05 / 2015 where only the month or "
                    "the year is known (a General Debate speech states its year, not its day)")
    date_precision: str | None = Field(description="day, month or year")
    action_date: dt.date | None
    distribution: str | None
    status: str
    languages: list[str]
    missing_languages: list[str]
    versions: list[VersionOut]
    files: list[FileOut]
    subjects: list[SubjectOut]
    suggested_subjects: list[SuggestedSubjectOut] = []
    suggested_headings: list[SuggestedHeadingOut] = []
    agenda_items: list[AgendaOut]
    related: list[RelatedOut]
    period: PeriodOut | None = Field(
        description="The period as the body counts it: a Security Council year, a "
                    "General Assembly or ECOSOC session")
    display_titles: dict[str, str] | None = Field(
        description="Titles made from type, body and symbol, per language, when no "
                    "language version states a title")
    extraction: dict[str, ExtractedOut] = Field(
        description="Each described field with where it came from and how sure")
    findings: list[FindingOut] = Field(description="What cannot be right in the record")
    updated_at: dt.datetime
    url: str


def file_url(doc: Document, language: str, fmt: str) -> str:
    return f"/documents/{doc.uid}/files/{language}/{fmt}"


def _extraction(doc: Document) -> dict[str, ExtractedOut]:
    out = {}
    for name, f in ((doc.extra or {}).get("extraction") or {}).items():
        if isinstance(f, dict) and "value" in f and "confidence" in f:
            out[name] = ExtractedOut(value=f["value"], source=str(f.get("source") or "ocr"),
                                     confidence=float(f["confidence"]),
                                     language=f.get("language"))
    return out


def document_out(doc: Document, related_uids: dict[str, str],
                 suggested: list[RecordSubject] = ()) -> DocumentOut:
    suggested, headings = split_headings(list(suggested))
    period = period_of(doc.body, doc.session, doc.year)
    titled = any(v.title for v in doc.versions)
    return DocumentOut(
        period=PeriodOut(name=period.name, value=period.value) if period else None,
        display_titles=None if titled else {
            code: display_title(code, doc.symbol, doc.doc_type, doc.body) for code in CODES},
        extraction=_extraction(doc),
        findings=[FindingOut(**f) for f in (doc.extra or {}).get("findings") or []
                  if isinstance(f, dict) and {"code", "field", "message"} <= set(f)],
        uid=doc.uid, symbol=doc.symbol, symbols=[s.symbol for s in doc.symbols],
        doc_type=doc.doc_type, body=doc.body, session=doc.session, year=doc.year,
        publication_date=date_of(doc),
        date_precision=(doc.date_precision or "day") if doc.publication_date else None,
        action_date=doc.action_date,
        distribution=doc.distribution, status=doc.status, languages=doc.languages,
        missing_languages=[c for c in CODES if c not in doc.languages],
        versions=[VersionOut(language=v.language, title=v.title, text_source=v.text_source,
                             has_text=bool(v.text))
                  for v in sorted(doc.versions, key=lambda v: CODES.index(v.language))],
        files=[FileOut(language=f.language, format=f.format, media_type=f.media_type,
                       size=f.size, sha512=f.sha512, filename=f.filename,
                       url=file_url(doc, f.language, f.format)) for f in doc.files],
        subjects=[SubjectOut(vocab=s.vocab, concept=s.concept, label=s.label, origin=s.origin,
                             backend=s.backend, model=s.model, score=s.score,
                             assigned_by=s.assigned_by, assigned_at=s.assigned_at,
                             accepted_by_policy=is_policy(s.assigned_by))
                  for s in doc.subjects],
        suggested_subjects=[SuggestedSubjectOut(
            vocab=s.vocab, concept=s.concept, label=s.label, backend=s.backend, model=s.model,
            score=s.score, suggested_at=s.assigned_at) for s in suggested],
        suggested_headings=[SuggestedHeadingOut(
            vocab=h.vocab.rsplit(":", 1)[0], heading=h.concept, backend=h.backend,
            model=h.model, score=h.score, suggested_at=h.assigned_at) for h in headings],
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


def _suggested(request: Request, doc: Document) -> list[RecordSubject]:
    """The document's machine suggestions no cataloguer has decided on yet."""
    with session_scope(request.app.state.settings.database_url) as db:
        return record_subjects(db, doc.id)[1]


def _links(request: Request, doc: Document) -> dict:
    """What other parts of Hemicycle hold about this document: votes, speeches, labels,
    and the documents it names, that name it, of its agenda item, sharing its subjects."""
    with session_scope(request.app.state.settings.database_url) as db:
        record = next((r for s in doc.symbols
                       if (r := voting_record_for_symbol(db, s.symbol)) is not None), None)
        speeches = [sp for s in doc.symbols for sp in speeches_for_meeting(db, s.symbol)]
        subjects, suggested = record_subjects(db, doc.id)
        suggested, headings = split_headings(suggested)
        subjects, accepted_headings = split_headings(subjects)
        labels = concept_labels(db, [s.concept for s in subjects + suggested],
                                request.state.lang)
        related = {
            "named": named_by(db, doc),
            "naming": naming(db, [s.symbol for s in doc.symbols], exclude=doc.id),
            "same_agenda": same_agenda_item(db, doc),
            "shared_subjects": sharing_subjects(db, doc),
        }
        tasks = open_tasks_of(db, doc.id) if can_review(request) else []
        db.expunge_all()
    return {
        "record_subjects": subjects, "suggested_subjects": suggested,
        "suggested_headings": headings, "record_headings": accepted_headings,
        "voting_record_url": f"/votes/records/{record.id}" if record else None,
        "speech_count": len(speeches),
        "subject_labels": labels,
        "related_links": related,
        "tasks": tasks,
    }


def _provenance(doc: Document) -> dict[str, dict]:
    """Each described field's source and confidence, under the names the page shows."""
    extraction = (doc.extra or {}).get("extraction") or {}
    return {name: f for name, f in extraction.items()
            if isinstance(f, dict) and "source" in f and "confidence" in f}


PAGES_SHOWN = 12
THUMB_WIDTH = 360


def _page_images(settings, doc: Document, language: str | None) -> list[dict]:
    """A scan's pages for the record page (its OCR text's language first): the page image
    at thumbnail width, linked to the full image (IIIF Image API). Born-digital records
    show their text, not pictures of it."""
    if any(v.text and v.text_source != "ocr" for v in doc.versions):
        return []
    files = iiif_manifest.page_files(doc)
    file = files.get(language or "") or next(iter(files.values()), None)
    if file is None:
        return []
    try:
        sizes = iiif_cache.stored_page_sizes(settings, file)
    except (ImageApiError, OSError, StorageError):
        return []  # the pages cannot be read: the record page still shows
    out = []
    for number, (width, height) in enumerate(sizes[:PAGES_SHOWN], start=1):
        base = f"/iiif/3/{PageId(doc.uid, file.language, file.format, number).text}"
        shown = min(width, THUMB_WIDTH)
        out.append({"number": number, "language": file.language,
                    "thumb": f"{base}/full/{shown},/0/default.jpg",
                    "full": f"{base}/full/max/0/default.jpg",
                    "width": shown, "height": round(height * shown / width)})
    return out


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
    text_lang = request.query_params.get("text") or (shown.language if shown else None)
    text_version = doc.version(text_lang) if text_lang in CODES else None
    as_printed = request.query_params.get("layout") == "printed"
    text = (text_version.text or "")[:TEXT_SHOWN] if text_version else ""
    # staff review machine-suggested subjects on the page itself (the cataloguer in the loop)
    review = panel_context(request, doc) if current_user(request) else {}
    return last_modified(render(request, "documents/document.html", {
        **review,
        "doc": doc, "versions": versions, "shown": shown, "related_uids": related,
        "title": shown_title(doc, lang),
        "period": period_of(doc.body, doc.session, doc.year),
        "provenance": _provenance(doc),
        "findings": [{**f, "said": message_from_json(str(f.get("message", "")), f.get("said"))}
                     for f in (doc.extra or {}).get("findings") or [] if isinstance(f, dict)],
        "text_version": text_version if text else None,
        "as_printed": as_printed,
        "text_blocks": text.splitlines() if as_printed else paragraphs(text),
        "text_cut": bool(text_version and text_version.text
                         and len(text_version.text) > TEXT_SHOWN),
        "files_by_lang": {c: [f for f in doc.files if f.language == c] for c in CODES},
        "page_images": _page_images(request.app.state.settings, doc, text_lang),
        "missing": [c for c in CODES if c not in doc.languages],
        "dc_meta": dc_meta(doc),
        "jsonld": document_jsonld(doc, request.app.state.settings.base_url),
        **_links(request, doc),
        **review_context(request, doc),
    }), doc.updated_at)


UNDL_SEARCH = "https://digitallibrary.un.org/search?p={symbol}"


def _not_held(db, symbol: str) -> dict | None:
    """What is known about a symbol no published record here carries: what the symbol
    says, its vote, the documents that name it, the UN Digital Library's search for it
    (a link, never fetched). None when the text is no symbol at all."""
    try:
        parsed = parse_symbol(symbol)
    except SymbolError:
        return None
    record = voting_record_for_symbol(db, parsed.canonical)
    return {
        "symbol": parsed.canonical,
        "body": parsed.body,
        "doc_type": parsed.doc_type,
        "period": period_of(parsed.body, parsed.session, parsed.year),
        "voting_record": {"id": record.id, "date": record.date, "title": record.title,
                          "outcome": record.outcome, "url": f"/votes/records/{record.id}"}
        if record else None,
        "named_by": naming(db, [parsed.canonical]),
        "undl_search": UNDL_SEARCH.format(symbol=quote(parsed.canonical)),
    }


@router.get("/symbol/{symbol:path}", include_in_schema=False)
def by_symbol(request: Request, symbol: str):
    """Any variant of a symbol leads to its document; a symbol not held, to what is known
    about it (its vote, the documents naming it, the UN Digital Library's search)."""
    with session_scope(request.app.state.settings.database_url) as db:
        doc = find_document(db, symbol)
        if doc is not None and not doc.unpublished:
            return RedirectResponse(f"/documents/{doc.uid}", status_code=303)
        known = _not_held(db, symbol)
        if known is None:
            raise HTTPException(404, Message("no_symbol", "no document with the symbol {symbol}",
                                             symbol=symbol))
        db.expunge_all()
    return render(request, "documents/not_held.html", {"known": known}, status_code=404)


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
def api_document(request: Request, uid: str, response: Response) -> DocumentOut:
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
    last_modified(response, doc.updated_at)
    return document_out(doc, related, _suggested(request, doc))


@router.get("/api/symbols/{symbol:path}", response_model=DocumentOut, tags=["documents"])
def api_by_symbol(request: Request, symbol: str) -> DocumentOut:
    """The document with this symbol, typed in any variant; for a symbol not held, a 404
    whose ``error.known`` says what is known of it (what the symbol says, its vote, the
    documents naming it, the UN Digital Library's search for it)."""
    with session_scope(request.app.state.settings.database_url) as db:
        doc = find_document(db, symbol)
        if doc is None or doc.unpublished:
            known = _not_held(db, symbol)
            if known is None:
                raise HTTPException(404, Message("no_symbol",
                                                 "no document with the symbol {symbol}",
                                                 symbol=symbol))
            record = known["voting_record"]
            return json_error(request, 404, Message(
                "not_held", "no document with the symbol {symbol} is held here",
                symbol=symbol), known={
                    "symbol": known["symbol"], "body": known["body"],
                    "doc_type": known["doc_type"],
                    "period": known["period"].to_json() if known["period"] else None,
                    "voting_record": {**record, "date": record["date"].isoformat()
                                      if record["date"] else None} if record else None,
                    "named_by": [link.to_json() for link in known["named_by"]],
                    "undl_search": known["undl_search"]})
        related = uids_for_symbols(db, [r.symbol for r in doc.related])
        return document_out(doc, related, record_subjects(db, doc.id)[1])


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
    except UnknownLanguage:
        raise HTTPException(400, Message(
            "language_field", "language: unknown language {value}: expected one of {allowed}",
            value=repr(language), allowed=", ".join(CODES))) from None
    name = Path(file.filename or "upload").name
    with tempfile.TemporaryDirectory(dir=settings.data_dir) as tmp:
        target = Path(tmp) / name
        written = 0
        with target.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                written += len(chunk)
                if written > settings.max_upload_bytes:
                    raise HTTPException(413, Message(
                        "upload_too_large", "{name}: larger than the limit of {limit} bytes",
                        name=name, limit=settings.max_upload_bytes))
                out.write(chunk)
        try:
            text, fmt = extract_text(target)
        except TextError as exc:
            raise HTTPException(400, Message("upload_file", "file: {reason}",
                                             reason=message_of(exc))) from None
        given = DocumentInput(
            symbols=[symbol], source=f"upload by {user.name}",
            versions={lang: VersionInput(title=title, text=text or None,
                                         text_source="born-digital" if text else None)},
            files=[FileInput(lang, fmt, target, filename=name)],
        )
        try:  # control characters named under the field they were sent in
            check_characters(given)
        except RecordError as exc:
            raise HTTPException(400, message_of(exc)) from None
        data = describe_input(given, "person")
        try:
            result = save_document(settings, data)
        except DocumentConflict as exc:
            raise HTTPException(409, message_of(exc)) from None
        except (RecordError, ValueError) as exc:
            raise HTTPException(400, message_of(exc)) from None
    record_saved(settings, [(result, data)])  # its findings and unsure fields: tasks
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
