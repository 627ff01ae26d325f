"""Sign-in and sign-out pages for cataloguers and administrators."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from hemicycle.accounts import authenticate, end_sessions
from hemicycle.web.auth import check_csrf, current_user, start_session
from hemicycle.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/signin")
def signin_form(request: Request, next: str | None = None):
    return render(request, "signin.html", {"next": _safe_next(next), "error": None})


@router.post("/signin")
def signin(request: Request, name: str = Form(...), password: str = Form(...),
           csrf: str = Form(""), next: str = Form("/")):
    check_csrf(request, csrf)
    limiter = request.app.state.signin_limiter
    address = request.client.host if request.client else "?"
    if limiter.blocked(address, name):
        return render(request, "signin.html", {"next": _safe_next(next), "error": "auth.too_many"},
                      status_code=429)
    user = authenticate(request.app.state.settings.database_url, name, password)
    if user is None:
        limiter.failed(address, name)
        return render(request, "signin.html", {"next": _safe_next(next), "error": "auth.failed"},
                      status_code=401)
    limiter.succeeded(address, name)
    start_session(request, user)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/signout")
def signout(request: Request, csrf: str = Form("")):
    """Sign out everywhere: every session of this user ends, not only this browser's."""
    check_csrf(request, csrf)
    user = current_user(request)
    if user is not None and "user" in request.session:
        end_sessions(request.app.state.settings.database_url, user.name)
    request.session.clear()
    return RedirectResponse("/", status_code=303)
