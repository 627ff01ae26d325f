"""The cataloguer's review of drafts: the queue, the review form, and the same in the API.

| URL | does |
|---|---|
| GET  /review | the queue of drafts (cataloguers and administrators) |
| GET  /documents/{uid}/review | the review form alone (the document page includes it too) |
| POST /documents/{uid}/review | save, publish or reject from the form |
| GET  /api/review | the queue as JSON |
| PATCH /api/documents/{uid} | correct a draft's fields (``version`` required) |
| POST /api/documents/{uid}/publish | publish a draft |
| POST /api/documents/{uid}/reject | reject a draft, with a reason |
| POST /review/tasks/{id}/resolve | mark a review task as checked (a form) |
| GET  /api/review/tasks | review tasks on any record (findings, unsure fields) |
| POST /api/review/tasks/{id}/resolve | mark a review task as checked |

The rules are in ``hemicycle.review``; these handlers only translate.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field

from hemicycle.accounts import role_allows
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.catalogue.queries import document_by_uid
from hemicycle.interop.iiif_image.render import PAGE_FORMATS
from hemicycle.messages import Message, message_of
from hemicycle.review import (
    FIELDS,
    DraftNotFound,
    ReviewError,
    draft_fields,
    list_drafts,
    publish,
    reject,
    update_draft,
    version_of,
)
from hemicycle.review.actions import reviewed_version
from hemicycle.review.queue import ATTENTION, MAX_PER_PAGE, QueueError, field_confidences
from hemicycle.review.tasks import NoSuchTask, TaskClosed, TaskError, list_tasks, resolve_task
from hemicycle.search.index import catch_up
from hemicycle.web.auth import check_csrf, current_user, require_cataloguer, signin_first
from hemicycle.web.errors import json_error
from hemicycle.web.templating import render

router = APIRouter()

PER_PAGE = 50
OCR_TEXT_SHOWN = 8000
# what the type list offers (codes as hemicycle.symbols derives them, labels in doctypes.json)
DOC_TYPES = ("resolution", "decision", "draft resolution", "meeting record", "summary record",
             "presidential statement", "agenda", "working paper", "information document",
             "NGO statement", "general comment", "report", "letter")
_STATUS = {"not-found": 404, "not-draft": 409, "stale": 409, "symbol-taken": 409,
           "invalid-field": 400, "cannot-publish": 409}


def can_review(request: Request) -> bool:
    """Whether the one asking may see and change drafts (cataloguers, administrators)."""
    user = current_user(request)
    return user is not None and role_allows(user.role, "cataloguer")


def _status(exc: ReviewError) -> int:
    return _STATUS.get(exc.code, 400)


# ---- the review form (on the document page and on its own) --------------------------

def _page_image(doc: Document, language: str | None) -> str | None:
    """The first page through IIIF: the scan itself if it has pages, else its PDF/A."""
    files = [f for f in doc.files if f.language == language and f.format in PAGE_FORMATS]
    if not files:
        return None
    best = min(files, key=lambda f: (f.format in ("pdf", "pdfa"), f.format))
    return f"/iiif/3/{doc.uid}~{best.language}~{best.format}~p1/full/!800,1100/0/default.jpg"


def review_context(request: Request, doc: Document, *, values: dict | None = None,
                   error: ReviewError | None = None, reason: str = "") -> dict:
    """What ``review/_form.html`` needs; empty unless a draft is shown to staff."""
    if not can_review(request):
        return {}
    if doc.status != "draft":
        published = doc.status == "published" and request.query_params.get("review") == \
            "published"
        return {"review_form": {"published": True}} if published else {}
    extra = doc.extra or {}
    extraction = extra.get("extraction") or {}
    current = draft_fields(doc)
    shown = {**current, **(values or {})}
    if isinstance(shown.get("symbols"), list):
        shown["symbols"] = "\n".join(shown["symbols"])
    version = reviewed_version(doc)
    confidences = field_confidences(extra)
    checked = set((extra.get("review") or {}).get("checked") or [])
    fields = []
    for name in FIELDS:
        found = extraction.get(name) if isinstance(extraction.get(name), dict) else None
        fields.append({
            "name": name, "value": shown.get(name) or "",
            "extracted": found.get("value") if found else None,
            "confidence": found.get("confidence") if found else None,
            "reason": found.get("reason") if found else None,
            "low": confidences.get(name, 1.0) < ATTENTION and name not in checked,
            "checked": name in checked,
        })
    return {"review_form": {
        "fields": fields, "version": (values or {}).get("version") or version_of(doc),
        "ocr": extra.get("ocr") or {}, "image_url": _page_image(doc, current["language"]),
        "ocr_text": (version.text or "")[:OCR_TEXT_SHOWN] if version else "",
        "ocr_language": version.language if version else None,
        "history": list(reversed((extra.get("review") or {}).get("history") or [])),
        "doc_types": sorted({*DOC_TYPES, *([current["doc_type"]] if current["doc_type"]
                                           else [])}),
        "error": error, "reason": reason,
        "notice": request.query_params.get("review"),
    }}


def _load_draft(request: Request, uid: str) -> Document:
    with session_scope(request.app.state.settings.database_url) as db:
        doc = document_by_uid(db, uid)
        if doc is None:
            raise HTTPException(404, Message("no_document", "no document with id {uid}", uid=uid))
        db.expunge_all()
    return doc


@router.get("/documents/{uid}/review", include_in_schema=False)
def review_page(request: Request, uid: str):
    if (redirect := signin_first(request, "cataloguer")) is not None:
        return redirect
    doc = _load_draft(request, uid)
    if doc.status != "draft":
        return RedirectResponse(f"/documents/{uid}", status_code=303)
    return render(request, "review/edit.html", {"doc": doc, **review_context(request, doc)})


@router.post("/documents/{uid}/review", include_in_schema=False)
def review_submit(request: Request, uid: str, action: str = Form(...),
                  version: str = Form(""), csrf: str = Form(""),
                  symbols: str = Form(""), date: str = Form(""), distribution: str = Form(""),
                  language: str = Form(""), title: str = Form(""), doc_type: str = Form(""),
                  reason: str = Form("")):
    user = require_cataloguer(request)
    check_csrf(request, csrf)
    settings = request.app.state.settings
    changes = {"symbols": symbols, "date": date, "distribution": distribution,
               "language": language, "title": title, "doc_type": doc_type}
    try:
        if action == "save":
            update_draft(settings, uid, changes, user.name, version=version or None)
            return RedirectResponse(f"/documents/{uid}?review=saved", status_code=303)
        if action == "publish":
            publish(settings, uid, user.name, version=version or None, changes=changes)
            catch_up(settings)
            return RedirectResponse(f"/documents/{uid}?review=published", status_code=303)
        if action == "reject":
            done = reject(settings, uid, reason, user.name, version=version or None)
            catch_up(settings)
            return RedirectResponse(f"/review?{urlencode({'rejected': done.symbol})}",
                                    status_code=303)
        raise HTTPException(400, Message("review.bad_action",
                                         "action {action}: expected save, publish or reject",
                                         action=repr(action)))
    except DraftNotFound as exc:
        raise HTTPException(404, exc.message) from None
    except ReviewError as exc:
        doc = _load_draft(request, uid)
        context = review_context(request, doc, values={**changes, "version": version},
                                 error=exc, reason=reason)
        if not context:  # no longer a draft: say why on the error page
            raise HTTPException(_status(exc), exc.message) from None
        return render(request, "review/edit.html", {"doc": doc, **context},
                      status_code=_status(exc))


# ---- the queue page -----------------------------------------------------------------

@router.get("/review", include_in_schema=False)
def queue_page(request: Request, batch: str | None = None, language: str | None = None,
               attention: bool = False, below: float | None = None, page: int = 1):
    if (redirect := signin_first(request, "cataloguer")) is not None:
        return redirect
    threshold = ATTENTION if below is None else below
    try:
        queue = list_drafts(request.app.state.settings, batch=batch or None,
                            language=language or None,
                            below=threshold if attention else None, page=page,
                            per_page=PER_PAGE)
    except (QueueError, ValueError) as exc:
        raise HTTPException(400, message_of(exc)) from None
    try:
        tasks, task_total = list_tasks(request.app.state.settings,
                                       page=_task_page(request.query_params.get("tasks")),
                                       per_page=PER_PAGE)
    except TaskError as exc:
        raise HTTPException(400, message_of(exc)) from None
    return render(request, "review/queue.html", {
        "queue": queue, "threshold": threshold, "attention": attention,
        "batch": batch or "", "language": language or "",
        "rejected": request.query_params.get("rejected"),
        "tasks": tasks, "task_total": task_total,
        "resolved": request.query_params.get("resolved"),
    })


_TASK_STATUS = {NoSuchTask: 404, TaskClosed: 409}


def _task_page(value: str | None) -> int:
    """The ``tasks`` parameter: the page of the task list."""
    if not value:
        return 1
    if not value.isdigit():
        raise TaskError(Message("query.page_not_number", "page '{value}' is not a page number",
                                value=value[:40]))
    return max(1, int(value))


@router.post("/review/tasks/{task_id}/resolve", include_in_schema=False)
def resolve_submit(request: Request, task_id: int, csrf: str = Form(""), note: str = Form(""),
                   next: str = Form("/review")):
    user = require_cataloguer(request)
    check_csrf(request, csrf)
    try:
        resolve_task(request.app.state.settings, task_id, user.name, note)
    except TaskError as exc:
        raise HTTPException(_TASK_STATUS.get(type(exc), 400), message_of(exc)) from None
    target = next if next.startswith("/") and not next.startswith("//") else "/review"
    return RedirectResponse(f"{target}{'&' if '?' in target else '?'}resolved={task_id}",
                            status_code=303)


# ---- API ----------------------------------------------------------------------------

class DraftPatch(BaseModel):
    """Fields to correct; those left out stay as they are."""

    version: str = Field(description="The draft's version (its updated_at) as last read; a "
                                     "save made since by someone else makes this one refused.")
    symbols: list[str] | None = Field(None, description="All its symbols, primary first.")
    date: str | None = Field(None, description="Publication date, YYYY-MM-DD.")
    distribution: str | None = Field(None, description="GEN, LTD or RES.")
    language: str | None = Field(None, description="Language of the scanned text.")
    title: str | None = None
    doc_type: str | None = None


class PublishIn(BaseModel):
    version: str | None = Field(None, description="The version last read, if checked.")


class RejectIn(BaseModel):
    reason: str = Field(description="Why the draft is rejected (kept in its history).")
    version: str | None = None


def _api_error(request: Request, exc: ReviewError) -> JSONResponse:
    """The review's own stable ``code`` (not-found, stale, ...), the field, the document,
    and the reason in the interface language."""
    return json_error(request, _status(exc), exc.message, code=exc.code, field=exc.field,
                      document=exc.document)


def _api_result(result) -> dict:
    return {"uid": result.uid, "symbol": result.symbol, "status": result.status,
            "version": result.version, "changes": result.changes,
            "url": f"/documents/{result.uid}"}


@router.get("/api/review", tags=["review"])
def api_review_queue(request: Request, batch: str | None = None, language: str | None = None,
                     below: float | None = None, page: int = 1,
                     per_page: int = PER_PAGE) -> dict:
    """Drafts awaiting review, newest first; ``below`` keeps those whose weakest extracted
    field is under that confidence (cataloguers)."""
    require_cataloguer(request)
    try:
        queue = list_drafts(request.app.state.settings, batch=batch, language=language,
                            below=below, page=page, per_page=min(per_page, MAX_PER_PAGE))
    except (QueueError, ValueError) as exc:
        raise HTTPException(400, message_of(exc)) from None
    threshold = ATTENTION if below is None else below
    return {"total": queue.total, "page": queue.page, "per_page": queue.per_page,
            "pages": queue.pages, "threshold": threshold, "batches": queue.batches,
            "items": [e.to_json(threshold) for e in queue.entries]}


class ResolveIn(BaseModel):
    note: str | None = Field(None, description="What was checked or corrected.")


@router.get("/api/review/tasks", tags=["review"])
def api_review_tasks(request: Request, status: str = "open", code: str | None = None,
                     record_status: str | None = None, page: int = 1,
                     per_page: int = PER_PAGE) -> dict:
    """Review tasks on any record, published or draft: findings (a date no UN document can
    have, a symbol the text contradicts, a scan without text), fields read with low
    confidence, what a draft lacks (cataloguers)."""
    require_cataloguer(request)
    try:
        tasks, total = list_tasks(request.app.state.settings, status=status, code=code,
                                  record_status=record_status, page=page,
                                  per_page=min(per_page, MAX_PER_PAGE))
    except TaskError as exc:
        raise HTTPException(400, message_of(exc)) from None
    return {"total": total, "page": page, "items": [t.to_json() for t in tasks]}


@router.post("/api/review/tasks/{task_id}/resolve", tags=["review"])
def api_resolve_task(request: Request, task_id: int, body: ResolveIn | None = None) -> dict:
    """Mark a review task as checked (cataloguers)."""
    user = require_cataloguer(request)
    check_csrf(request, None)
    try:
        resolve_task(request.app.state.settings, task_id, user.name,
                     body.note if body else None)
    except TaskError as exc:
        raise HTTPException(_TASK_STATUS.get(type(exc), 400), message_of(exc)) from None
    return {"id": task_id, "status": "resolved", "by": user.name}


@router.patch("/api/documents/{uid}", tags=["review"])
def api_update_draft(request: Request, uid: str, body: DraftPatch):
    """Correct fields of a draft; it stays a draft (cataloguers)."""
    user = require_cataloguer(request)
    check_csrf(request, None)
    changes = body.model_dump(exclude_unset=True)
    version = changes.pop("version")
    try:
        return _api_result(update_draft(request.app.state.settings, uid, changes, user.name,
                                        version=version))
    except ReviewError as exc:
        return _api_error(request, exc)


@router.post("/api/documents/{uid}/publish", tags=["review"])
def api_publish_draft(request: Request, uid: str, body: PublishIn | None = None):
    """Publish a draft: visible and searchable from now on (cataloguers)."""
    user = require_cataloguer(request)
    check_csrf(request, None)
    try:
        done = publish(request.app.state.settings, uid, user.name,
                       version=body.version if body else None)
    except ReviewError as exc:
        return _api_error(request, exc)
    catch_up(request.app.state.settings)
    return _api_result(done)


@router.post("/api/documents/{uid}/reject", tags=["review"])
def api_reject_draft(request: Request, uid: str, body: RejectIn):
    """Reject a draft with a reason; it is kept as deleted (cataloguers)."""
    user = require_cataloguer(request)
    check_csrf(request, None)
    try:
        done = reject(request.app.state.settings, uid, body.reason, user.name,
                      version=body.version)
    except ReviewError as exc:
        return _api_error(request, exc)
    catch_up(request.app.state.settings)
    return _api_result(done)

