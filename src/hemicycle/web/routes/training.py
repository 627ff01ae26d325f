"""Training sessions: the public list and registration, the editors' announcements,
registrations, attendance and counts by audience (``hemicycle.knowledge.training``).

| URL | who | does |
|---|---|---|
| GET /training | everyone | sessions to come (``lang`` filters by language) |
| GET /training/{slug} | everyone | one session and its registration form |
| POST /training/{slug}/register | everyone | a place, the waiting list, or a refusal when full |
| GET /knowledge/training | editors | every session, and counts by audience |
| GET, POST /knowledge/training/edit | editors | announce or change a session |
| GET, POST /knowledge/training/{slug}/people | editors | registrations, attendance, cancelling |
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from hemicycle.catalogue.models import utcnow
from hemicycle.knowledge import training
from hemicycle.knowledge.findings import KnowledgeError
from hemicycle.knowledge.formguard import (
    HONEYPOT,
    FormRefused,
    check_submission,
    form_stamp,
)
from hemicycle.languages import BY_CODE
from hemicycle.messages import Message, message_of
from hemicycle.web.auth import check_csrf, require_role, signin_first
from hemicycle.web.routes.knowledge import (
    EDITOR,
    client_address,
    db_for,
    http_error,
    limiter,
    status_of,
    unknown_action,
)
from hemicycle.web.templating import render

router = APIRouter()
FORM = "training"


def _session_or_404(db, slug: str):
    try:
        return training.session_by_slug(db, slug)
    except KnowledgeError as exc:
        raise http_error(exc) from None


def _view(session) -> dict:
    places = training.places(session)
    return {"slug": session.slug, "topic": session.topic, "description": session.description,
            "language": session.language, "starts_at": session.starts_at,
            "minutes": session.minutes, "place": session.place,
            "online_url": session.online_url, "capacity": session.capacity,
            "waitlist": session.waitlist, "cancelled": session.cancelled,
            "left": places.left, "registered": places.registered,
            "waitlisted": places.waitlisted, "past": session.starts_at <= utcnow()}


@router.get("/training", include_in_schema=False)
def training_page(request: Request, lang: str | None = None):
    lang = lang if lang in BY_CODE else None
    with db_for(request) as db:
        rows = [_view(s) for s in training.upcoming(db, language=lang)]
    return render(request, "knowledge/training.html", {"rows": rows, "tlang": lang})


def _session_form(request: Request, slug: str, *, error: str | None = None,
                  values: dict | None = None, status_code: int = 200):
    with db_for(request) as db:
        shown = _view(_session_or_404(db, slug))
    return render(request, "knowledge/training_session.html", {
        "s": shown, "error": error, "values": values or {},
        "stamp": form_stamp(request.app.state.settings.secret_key, FORM),
        "honeypot": HONEYPOT, "audiences": training.AUDIENCES}, status_code=status_code)


@router.get("/training/{slug}", include_in_schema=False)
def session_page(request: Request, slug: str):
    return _session_form(request, slug)


@router.post("/training/{slug}/register", include_in_schema=False)
async def register(request: Request, slug: str):
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in ("name", "email", "audience")}
    try:
        check_submission(request.app.state.settings.secret_key, FORM,
                         str(form.get("stamp") or ""), str(form.get(HONEYPOT) or ""))
        limiter(request, "training").check(client_address(request))
        with db_for(request) as db:
            reg = training.register(db, slug, **values)
            status = reg.status
    except (FormRefused, KnowledgeError) as exc:
        if exc.code == "not-found":
            raise http_error(exc) from None
        return _session_form(request, slug, error=message_of(exc), values=values,
                             status_code=status_of(exc))
    with db_for(request) as db:
        shown = _view(_session_or_404(db, slug))
    return render(request, "knowledge/training_registered.html",
                  {"s": shown, "status": status}, status_code=201)


# ---- editors ---------------------------------------------------------------------------

@router.get("/knowledge/training", include_in_schema=False)
def admin_page(request: Request, since: str | None = None, until: str | None = None):
    if (redirect := signin_first(request, EDITOR)) is not None:
        return redirect
    try:
        first = dt.date.fromisoformat(since) if since else None
        last = dt.date.fromisoformat(until) if until else None
    except ValueError:
        raise HTTPException(400, Message("kn.since_until",
                                         "since, until: dates as YYYY-MM-DD")) from None
    with db_for(request) as db:
        rows = [_view(s) for s in training.all_sessions(db)]
        counts = training.counts_by_audience(db, since=first, until=last)
    return render(request, "knowledge/training_admin.html",
                  {"rows": rows, "counts": counts, "since": since or "", "until": until or ""})


@router.get("/knowledge/training/edit", include_in_schema=False)
def edit_form(request: Request, slug: str = ""):
    if (redirect := signin_first(request, EDITOR)) is not None:
        return redirect
    values: dict = {"slug": "", "language": request.state.lang, "minutes": 60,
                    "capacity": 20, "waitlist": True}
    if slug:
        with db_for(request) as db:
            values = _view(_session_or_404(db, slug))
        values["starts_at"] = values["starts_at"].strftime("%Y-%m-%dT%H:%M")
    return render(request, "knowledge/training_edit.html", {"v": values, "error": None})


@router.post("/knowledge/training/edit", include_in_schema=False)
def edit_submit(request: Request, slug: str = Form(""), topic: str = Form(""),
                description: str = Form(""), language: str = Form(""),
                starts_at: str = Form(""), minutes: str = Form("60"), place: str = Form(""),
                online_url: str = Form(""), capacity: str = Form(""),
                waitlist: str = Form(""), action: str = Form("save"), csrf: str = Form("")):
    user = require_role(request, EDITOR)
    check_csrf(request, csrf)
    values = {"slug": slug, "topic": topic, "description": description, "language": language,
              "starts_at": starts_at, "minutes": minutes, "place": place,
              "online_url": online_url, "capacity": capacity, "waitlist": bool(waitlist)}
    try:
        with db_for(request) as db:
            if action == "cancel":
                training.cancel_session(db, slug, user.name)
            else:
                try:
                    when = dt.datetime.fromisoformat(starts_at)
                except ValueError:
                    raise training.TrainingError("invalid-field", Message(
                        "kn.starts_at", "date and time: expected YYYY-MM-DDTHH:MM")) from None
                if not capacity.isdigit() or not minutes.isdigit():
                    raise training.TrainingError("invalid-field", Message(
                        "kn.whole_numbers", "capacity and minutes: whole numbers"))
                training.announce(db, slug, topic=topic, language=language, starts_at=when,
                                  capacity=int(capacity), who=user.name,
                                  description=description, minutes=int(minutes), place=place,
                                  online_url=online_url, waitlist=bool(waitlist))
    except KnowledgeError as exc:
        return render(request, "knowledge/training_edit.html",
                      {"v": values, "error": message_of(exc)},
                      status_code=status_of(exc))
    return RedirectResponse(f"/knowledge/training/{slug.strip()}/people", status_code=303)


@router.get("/knowledge/training/{slug}/people", include_in_schema=False)
def people_page(request: Request, slug: str, notice: str | None = None):
    if (redirect := signin_first(request, EDITOR)) is not None:
        return redirect
    with db_for(request) as db:
        session = _session_or_404(db, slug)
        regs = [{"id": r.id, "name": r.name, "email": r.email, "audience": r.audience,
                 "status": r.status, "attended": r.attended,
                 "at": r.registered_at.isoformat(sep=" ", timespec="minutes")}
                for r in session.registrations]
        shown = _view(session)
    return render(request, "knowledge/training_people.html",
                  {"s": shown, "regs": regs, "notice": notice})


@router.post("/knowledge/training/{slug}/people", include_in_schema=False)
async def people_submit(request: Request, slug: str):
    user = require_role(request, EDITOR)
    form = await request.form()
    check_csrf(request, str(form.get("csrf") or ""))
    action = str(form.get("action") or "")
    try:
        with db_for(request) as db:
            if action == "attendance":
                session = _session_or_404(db, slug)
                came_raw = [str(v) for v in form.getlist("came")]
                places = {r.id for r in session.registrations if r.status == "registered"}
                odd = [v for v in came_raw if not v.isdigit() or int(v) not in places]
                if odd:
                    raise training.TrainingError("invalid-field", Message(
                        "kn.not_a_place", "came: {value} is no place in session {slug}",
                        value=repr(odd[0]), slug=slug))
                came = {int(v) for v in came_raw}
                training.mark_attendance(db, slug, {i: i in came for i in places}, user.name)
            elif action.startswith("cancel:") and action[7:].isdigit():
                training.cancel_registration(db, slug, int(action[7:]), user.name)
            else:
                raise HTTPException(400, unknown_action(action))
    except KnowledgeError as exc:
        raise http_error(exc) from None
    return RedirectResponse(f"/knowledge/training/{slug}/people?notice=saved",
                            status_code=303)
