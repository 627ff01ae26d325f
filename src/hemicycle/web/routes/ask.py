"""Ask a librarian: the readers' form and private answer page, the staff queue.
The rules are in ``hemicycle.knowledge.inquiries``; robots are kept out by
``hemicycle.knowledge.formguard`` (no third-party service, no cookie).

| URL | who | does |
|---|---|---|
| GET /ask?from=PATH | everyone | the form (``from``: the page the reader came from) |
| POST /ask | everyone | files the inquiry; shows its reference and private link |
| GET /ask/answers/{token} | whoever holds the link | the question and, once given, the answer |
| GET /knowledge/inquiries | inquiry staff | the queue (``status``, ``mine``) |
| GET, POST /knowledge/inquiries/{ref} | inquiry staff | assign, status, note, reply, to FAQ |
"""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from hemicycle.knowledge import inquiries
from hemicycle.knowledge.findings import KnowledgeError
from hemicycle.knowledge.formguard import (
    HONEYPOT,
    FormRefused,
    check_submission,
    form_stamp,
)
from hemicycle.messages import Message, message_of
from hemicycle.web.auth import check_csrf, require_role, signin_first
from hemicycle.web.routes.knowledge import (
    INQUIRIES,
    client_address,
    db_for,
    http_error,
    limiter,
    status_of,
    unknown_action,
    who,
)
from hemicycle.web.templating import render

router = APIRouter()
FORM = "ask"
PER_PAGE = 50


def _form(request: Request, *, question: str = "", page: str = "", error: str | None = None,
          status_code: int = 200):
    settings = request.app.state.settings
    return render(request, "knowledge/ask.html", {
        "question": question, "page": inquiries.same_site_path(page),
        "stamp": form_stamp(settings.secret_key, FORM), "honeypot": HONEYPOT,
        "error": error, "max_question": inquiries.MAX_QUESTION}, status_code=status_code)


@router.get("/ask", include_in_schema=False)
def ask_form(request: Request):
    return _form(request, page=request.query_params.get("from") or "")


@router.post("/ask", include_in_schema=False)
async def ask_submit(request: Request):
    form = await request.form()
    question = str(form.get("question") or "")
    page = str(form.get("page") or "")
    try:
        check_submission(request.app.state.settings.secret_key, FORM,
                         str(form.get("stamp") or ""), str(form.get(HONEYPOT) or ""))
        limiter(request, "ask").check(client_address(request))
        with db_for(request) as db:
            inquiry, token = inquiries.file_inquiry(db, question, request.state.lang, page)
            reference = inquiry.reference
    except FormRefused as exc:
        return _form(request, question=question[:inquiries.MAX_QUESTION], page=page,
                     error=message_of(exc), status_code=status_of(exc))
    except KnowledgeError as exc:
        return _form(request, question=question[:inquiries.MAX_QUESTION], page=page,
                     error=message_of(exc), status_code=status_of(exc))
    link = f"{request.app.state.settings.base_url.rstrip('/')}/ask/answers/{token}"
    return render(request, "knowledge/ask_sent.html",
                  {"reference": reference, "link": link, "path": f"/ask/answers/{token}"},
                  status_code=201, headers={"Cache-Control": "no-store",
                                            "Referrer-Policy": "no-referrer"})


@router.get("/ask/answers/{token}", include_in_schema=False)
def answer_page(request: Request, token: str):
    with db_for(request) as db:
        found = inquiries.by_token(db, token)
        if found is None:
            raise HTTPException(404, Message("kn.no_inquiry_link", "no inquiry at this link: "
                                             "it may have been deleted after the retention "
                                             "period"))
        shown = {"reference": found.reference, "question": found.question,
                 "status": found.status, "reply": found.reply, "language": found.language,
                 "created_at": found.created_at.isoformat(sep=" ", timespec="minutes"),
                 "replied_at": found.replied_at.isoformat(sep=" ", timespec="minutes")
                 if found.replied_at else None,
                 "retention_days": request.app.state.settings.inquiry_retention_days}
    # the link is the reader's only key: never cached, never sent on as a Referer
    return render(request, "knowledge/ask_answer.html", {"i": shown},
                  headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                           "X-Robots-Tag": "noindex"})


# ---- staff -----------------------------------------------------------------------------

@router.get("/knowledge/inquiries", include_in_schema=False)
def queue_page(request: Request, status: str | None = None, mine: str | None = None,
               page: int = 1):
    if (redirect := signin_first(request, INQUIRIES)) is not None:
        return redirect
    if page < 1 or page > 10_000:
        raise HTTPException(400, Message("kn.inquiry_page", "page: 1 to 10000"))
    try:
        with db_for(request) as db:
            total, rows = inquiries.queue(db, status=status or None,
                                          assignee=who(request) if mine else None, page=page,
                                          per_page=PER_PAGE)
            counts = inquiries.counts(db)
            items = [{"reference": r.reference, "status": r.status, "assignee": r.assignee,
                      "language": r.language, "question": r.question[:200],
                      "created_at": r.created_at.isoformat(sep=" ", timespec="minutes")}
                     for r in rows]
    except KnowledgeError as exc:
        raise http_error(exc) from None
    return render(request, "knowledge/inquiries.html", {
        "items": items, "total": total, "status": status or "", "mine": bool(mine),
        "counts": counts, "statuses": inquiries.STATUSES, "page": page,
        "pages": max(1, -(-total // PER_PAGE))})


def _detail(request: Request, reference: str, **extra) -> dict:
    with db_for(request) as db:
        try:
            found = inquiries.by_reference(db, reference)
        except KnowledgeError as exc:
            raise http_error(exc) from None
        return {"i": found, "notes": list(found.notes), "statuses": inquiries.STATUSES,
                "error": None, "notice": None} | extra


@router.get("/knowledge/inquiries/{reference}", include_in_schema=False)
def inquiry_page(request: Request, reference: str, notice: str | None = None):
    if (redirect := signin_first(request, INQUIRIES)) is not None:
        return redirect
    return render(request, "knowledge/inquiry.html", _detail(request, reference, notice=notice))


@router.post("/knowledge/inquiries/{reference}", include_in_schema=False)
def inquiry_action(request: Request, reference: str, action: str = Form(...),
                   text: str = Form(""), assignee: str = Form(""), status: str = Form(""),
                   slug: str = Form(""), csrf: str = Form("")):
    user = require_role(request, INQUIRIES)
    check_csrf(request, csrf)
    try:
        with db_for(request) as db:
            if action == "assign":
                inquiries.assign(db, reference, assignee or user.name, user.name)
            elif action == "status":
                inquiries.set_status(db, reference, status, user.name)
            elif action == "note":
                inquiries.add_note(db, reference, text, user.name)
            elif action == "reply":
                inquiries.reply(db, reference, text, user.name)
            elif action == "faq":
                inquiries.to_faq(db, reference, slug.strip(), user.name)
            else:
                raise HTTPException(400, unknown_action(action))
    except KnowledgeError as exc:
        if getattr(message_of(exc), "code", None) == "kn.no_inquiry":
            raise http_error(exc) from None
        return render(request, "knowledge/inquiry.html",
                      _detail(request, reference, error=message_of(exc),
                              **({"draft": text} if action == "reply" else {})),
                      status_code=status_of(exc))
    return RedirectResponse(f"/knowledge/inquiries/{reference}?notice={action}",
                            status_code=303)
