"""Error answers: JSON for the API and for clients that ask for JSON, a page in the
interface language for everyone else. An error answer never fails in turn: the page
uses only what the request already knows (no user lookup, which may be what failed),
and if even that fails a plain page says the status."""

from __future__ import annotations

import html
import logging
import re
import sys
import tempfile
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse

from hemicycle.messages import Message
from hemicycle.web.i18n import localise, negotiate
from hemicycle.web.templating import render

log = logging.getLogger(__name__)
_PATH_TAIL = r"(?:/[^\s'\"<>:,;()\[\]]*)?"


def public_detail(request: Request, detail: str | Message) -> str | Message:
    """The message with every path on the server (data directory, temporary files, the
    installation) cut to its last part: a file's name helps, where it lives does not. A
    ``Message`` keeps its code, with the paths cut from its values too."""
    if isinstance(detail, Message):
        return detail.mapped(lambda text: public_detail(request, text))
    settings = getattr(request.app.state, "settings", None) if "app" in request.scope else None
    roots = {tempfile.gettempdir(), sys.prefix, str(Path(__file__).resolve().parents[2])}
    if settings is not None:
        roots.add(str(settings.data_dir))
    for root in sorted(roots, key=len, reverse=True):
        detail = re.sub(re.escape(root) + _PATH_TAIL,
                        lambda m: Path(m.group(0)).name or "(server path)", detail)
    return detail

EXPLAINED = (400, 401, 403, 404, 413, 416, 429)  # error.<status> messages exist for these


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def interface_language(request: Request) -> str:
    """The language this request's answer speaks (set by the app's middleware; chosen here
    for a request refused before it ran)."""
    if not hasattr(request.state, "lang"):
        request.state.lang = negotiate(request.query_params.get("ui"),
                                       request.cookies.get("lang"),
                                       request.headers.get("accept-language"))
    return request.state.lang


def json_error(request: Request, status: int, detail: str | Message, headers=None,
               **more) -> JSONResponse:
    """``{"error": {"status", "detail", "code"}}``: the detail in the language the request
    asks for (``?ui=`` or Accept-Language; not the pages' cookie, so a program that once
    followed a ``?ui=`` link keeps English), the code stable for programs."""
    lang = negotiate(request.query_params.get("ui"), None,
                     request.headers.get("accept-language"))
    try:
        shown = localise(detail, lang)
    except (KeyError, IndexError, ValueError):  # a broken translation: say it in English
        log.exception("msg.%s in %s cannot be filled in", getattr(detail, "code", "?"), lang)
        shown, lang = str(detail), "en"
    body: dict = {"status": status, "detail": shown}
    if isinstance(detail, Message):
        body["code"] = detail.code
    body.update(more)
    response = JSONResponse({"error": body}, status_code=status, headers=headers)
    response.headers.setdefault("Content-Language", lang)
    return response


def error_response(request: Request, status: int, detail: str | Message, headers=None):
    """JSON for the API, a page otherwise, both in the interface language (a ``Message``
    is translated and its code kept; other text has its server paths cut)."""
    detail = public_detail(request, detail)
    if wants_json(request):
        return json_error(request, status, detail, headers)
    known = status if status in EXPLAINED else (400 if status < 500 else 500)
    try:
        interface_language(request)
        return render(request, "error.html", {"status": status, "detail": detail,
                                              "message_key": f"error.{known}"},
                      status_code=status, headers=headers, look_up_user=False)
    except Exception:
        log.exception("the error page for %s failed; a plain one is sent", status)
        return HTMLResponse(f"<!doctype html><title>{status}</title><h1>{status}</h1>"
                            f"<p>{html.escape(detail)}</p>", status_code=status,
                            headers=headers)
