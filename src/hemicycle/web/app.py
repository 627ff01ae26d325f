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
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from hemicycle.config import Settings, load_settings
from hemicycle.messages import Message
from hemicycle.search.follower import Follower
from hemicycle.usage.geo import resolver_for
from hemicycle.web.auth import signin_limiter
from hemicycle.web.caching import HttpCaching
from hemicycle.web.clients import networks
from hemicycle.web.credentials import RefuseBadCredentials
from hemicycle.web.csrf import CsrfGuard
from hemicycle.web.errors import error_response
from hemicycle.web.headers import SecurityHeaders, with_security_headers
from hemicycle.web.i18n import negotiate
from hemicycle.web.limits import BodyLimit
from hemicycle.web.ratelimit import RateLimit, limiter_for

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
NUMERIC_OUT_OF_RANGE = "22003"  # SQLSTATE (PostgreSQL; SQLite raises OverflowError)
TOO_LARGE = "a number in the request is out of range"


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
    app.state.signin_limiter = signin_limiter(settings)
    # the readers' places: a database that cannot be read stops the start, here
    app.state.geo = resolver_for(settings)

    # Middleware: each one added wraps those added before it (the last is outermost).
    app.add_middleware(CsrfGuard)  # reads the session, answers in the interface language
    app.add_middleware(RefuseBadCredentials)
    app.add_middleware(RateLimit, limiter=limiter_for(settings),
                       exempt=networks(settings.rate_limit_exempt))
    app.add_middleware(BodyLimit, settings=settings)

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

    app.add_middleware(HttpCaching, max_age=settings.cache_max_age)
    app.add_middleware(SecurityHeaders, https=settings.base_url.startswith("https"))
    if settings.trusted_proxies:  # outermost: everything inside sees the client's address
        app.add_middleware(ProxyHeadersMiddleware,
                           trusted_hosts=list(settings.trusted_proxies))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        detail = exc.detail if isinstance(exc.detail, Message) else str(exc.detail)
        return error_response(request, exc.status_code, detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()))
            parts.append(f"{where}: {err.get('msg')}")
        if not parts:
            return error_response(request, 400, Message("invalid_request", "invalid request"))
        # which parameter is wrong is said in every language; pydantic's reason stays English
        return error_response(request, 400, Message(
            "invalid_parameter", "{details}", details="; ".join(parts),
            names=", ".join(".".join(str(p) for p in e.get("loc", ())[1:]) or "?"
                            for e in exc.errors())))

    @app.exception_handler(404)
    async def not_found(request: Request, exc):
        detail = getattr(exc, "detail", None)
        if not detail or detail == "Not Found":
            detail = Message("nothing_at", "nothing at {path}", path=request.url.path)
        return error_response(request, 404, detail if isinstance(detail, Message)
                              else str(detail))

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return with_security_headers(
            error_response(request, 500, Message(
                "internal_error", "internal error; the administrator can see the log")),
            https=settings.base_url.startswith("https"))

    # a number from the request too large for the catalogue's integers: the client's error
    @app.exception_handler(OverflowError)
    async def number_too_large(request: Request, exc: OverflowError):
        return error_response(request, 400, TOO_LARGE)

    @app.exception_handler(DataError)
    async def data_error(request: Request, exc: DataError):
        if getattr(exc.orig, "sqlstate", None) == NUMERIC_OUT_OF_RANGE:
            return error_response(request, 400, TOO_LARGE)
        return await server_error(request, exc)

    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for name in ROUTE_MODULES:
        app.include_router(importlib.import_module(name).router)
    answer_head(app)
    return app


def answer_head(app: FastAPI) -> None:
    """HEAD wherever GET is (FastAPI routes answer only the methods they name): the same
    handler, unlisted in the API description; the server sends the headers only."""
    routes = [r for name in ROUTE_MODULES for r in importlib.import_module(name).router.routes
              if isinstance(r, APIRoute)]
    has_head = {r.path for r in routes if "HEAD" in r.methods}
    for route in routes:
        if "GET" in route.methods and route.path not in has_head:
            app.router.add_api_route(
                route.path, route.endpoint, methods=["HEAD"], include_in_schema=False,
                name=f"{route.name}_head", response_model=route.response_model,
                response_class=route.response_class, status_code=route.status_code,
                dependencies=route.dependencies)
            has_head.add(route.path)
