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
from hemicycle.web.i18n import negotiate
from hemicycle.web.templating import render

log = logging.getLogger(__name__)
_PATH_TAIL = r"(?:/[^\s'\"<>:,;()\[\]]*)?"


def public_detail(request: Request, detail: str) -> str:
    """The message with every path on the server (data directory, temporary files, the
    installation) cut to its last part: a file's name helps, where it lives does not."""
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


def error_response(request: Request, status: int, detail: str | Message, headers=None):
    """JSON for the API (English text), a page in the interface language otherwise (a
    ``Message`` is shown translated; other text has its server paths cut)."""
    if not isinstance(detail, Message):
        detail = public_detail(request, detail)
    if wants_json(request):
        return JSONResponse({"error": {"status": status, "detail": detail}},
                            status_code=status, headers=headers)
    known = status if status in EXPLAINED else (400 if status < 500 else 500)
    try:
        if not hasattr(request.state, "lang"):  # refused before the language was chosen
            request.state.lang = negotiate(request.query_params.get("ui"),
                                           request.cookies.get("lang"),
                                           request.headers.get("accept-language"))
        return render(request, "error.html", {"status": status, "detail": detail,
                                              "message_key": f"error.{known}"},
                      status_code=status, headers=headers, look_up_user=False)
    except Exception:
        log.exception("the error page for %s failed; a plain one is sent", status)
        return HTMLResponse(f"<!doctype html><title>{status}</title><h1>{status}</h1>"
                            f"<p>{html.escape(detail)}</p>", status_code=status,
                            headers=headers)
