"""Credentials on the API: a client that sends wrong ones is told so (401, or 429 once
its address is blocked), even where none are needed, instead of being served as anyone.
Pages, for readers, show as to anyone whatever the header says (see ``current_user``)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from hemicycle.web.auth import current_user
from hemicycle.web.errors import error_response

# APIs that answer credential errors themselves, in their own format (COUNTER SUSHI's
# Exception 2000); every route there requires credentials anyway
OWN_ERRORS = ("/api/counter/",)


class RefuseBadCredentials:
    """ASGI middleware; sits inside the session middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["path"].startswith("/api/")
                and not scope["path"].startswith(OWN_ERRORS)):
            request = Request(scope)
            if ("authorization" in request.headers
                    and await run_in_threadpool(current_user, request) is None):
                failure = getattr(request.state, "auth_failure", None)
                if failure is not None:
                    response = error_response(request, failure.status_code,
                                              str(failure.detail), failure.headers)
                    await response(scope, receive, send)
                    return
        await self.app(scope, receive, send)
