"""The ASGI application: middleware, error pages, and the map of route modules.

Routes live in ``hemicycle.web.routes.<feature>``, each one APIRouter called
``router``; ROUTE_MODULES below is the whole map of the site.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from hemicycle.config import Settings, load_settings
from hemicycle.messages import Message
from hemicycle.search.follower import Follower
from hemicycle.usage.geo import resolver_for
from hemicycle.web.auth import SigninLimiter
from hemicycle.web.i18n import negotiate
from hemicycle.web.templating import render

ROUTE_MODULES: tuple[str, ...] = (
    "hemicycle.web.routes.auth",
    "hemicycle.web.routes.documents",
    "hemicycle.web.routes.storage",
    "hemicycle.web.routes.interop",
    "hemicycle.web.routes.subjects",
    "hemicycle.web.routes.search",
    "hemicycle.web.routes.proceedings",
    "hemicycle.web.routes.itp",
    "hemicycle.web.routes.thesaurus",
    "hemicycle.web.routes.usage",
    "hemicycle.web.routes.iiif",
    "hemicycle.web.routes.review",
    "hemicycle.web.routes.assets",
    "hemicycle.web.routes.citations",
    "hemicycle.web.routes.viewer",
    "hemicycle.web.routes.knowledge",
    "hemicycle.web.routes.guides",
    "hemicycle.web.routes.faq",
    "hemicycle.web.routes.ask",
    "hemicycle.web.routes.memberstates",
    "hemicycle.web.routes.training",
)

log = logging.getLogger(__name__)


def _wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _error_response(request: Request, status: int, detail: object, headers=None):
    """JSON for the API (English text), a page in the interface language otherwise."""
    if _wants_json(request):
        return JSONResponse({"error": {"status": status, "detail": str(detail)}},
                            status_code=status, headers=headers)
    known = status if status in (400, 401, 403, 404, 413, 416, 429) else (
        400 if status < 500 else 500)
    return render(request, "error.html", {"status": status, "detail": detail,
                                          "message_key": f"error.{known}"},
                  status_code=status, headers=headers)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # this node's index follows the change log while the process serves: changes made
        # by other processes and nodes become searchable here within a second or so
        follower = Follower(settings)
        follower.start()
        try:
            yield
        finally:
            follower.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Hemicycle API",
        description="Documents of deliberative bodies: search, records, files.",
        version="0.1.0",
        docs_url=None,  # served by routes/assets.py from local files
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.signin_limiter = SigninLimiter()
    # the readers' places: a database that cannot be read stops the start, here
    app.state.geo = resolver_for(settings)

    @app.middleware("http")
    async def interface_language(request: Request, call_next):
        # "ui" switches the interface language ("lang" is left to content filters)
        request.state.lang = negotiate(
            request.query_params.get("ui"),
            request.cookies.get("lang"),
            request.headers.get("accept-language"),
        )
        response = await call_next(request)
        if request.query_params.get("ui") and request.cookies.get("lang") != request.state.lang:
            response.set_cookie("lang", request.state.lang, max_age=365 * 86400,
                                samesite="lax")
        response.headers.setdefault("Content-Language", request.state.lang)
        return response

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="hemicycle_session",
        same_site="lax",
        https_only=settings.base_url.startswith("https"),
    )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        detail = exc.detail if isinstance(exc.detail, Message) else str(exc.detail)
        return _error_response(request, exc.status_code, detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()))
            parts.append(f"{where}: {err.get('msg')}")
        if not parts:
            return _error_response(request, 400, Message("invalid_request", "invalid request"))
        # which parameter is wrong is said in every language; pydantic's reason stays English
        return _error_response(request, 400, Message(
            "invalid_parameter", "{details}", details="; ".join(parts),
            names=", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) or "?"
                            for e in exc.errors())))

    @app.exception_handler(404)
    async def not_found(request: Request, exc):
        detail = getattr(exc, "detail", None)
        if not detail or detail == "Not Found":
            detail = Message("nothing_at", "nothing at {path}", path=request.url.path)
        return _error_response(request, 404, detail if isinstance(detail, Message)
                               else str(detail))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return _error_response(request, 500, Message(
            "internal_error", "internal error; the administrator can see the log"))

    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for name in ROUTE_MODULES:
        app.include_router(importlib.import_module(name).router)
    return app
