"""Error answers: JSON for the API and for clients that ask for JSON, a page in the
interface language for everyone else."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse

from hemicycle.web.templating import render

EXPLAINED = (400, 401, 403, 404, 413, 416, 429)  # error.<status> messages exist for these


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, detail: str, headers=None):
    if wants_json(request):
        return JSONResponse({"error": {"status": status, "detail": detail}},
                            status_code=status, headers=headers)
    known = status if status in EXPLAINED else (400 if status < 500 else 500)
    return render(request, "error.html", {"status": status, "detail": detail,
                                          "message_key": f"error.{known}"},
                  status_code=status, headers=headers)
