"""Request body limits per endpoint, enforced while the body is read.

A body whose Content-Length is over its endpoint's limit is answered 413 before a byte
of it is read; a body sent without a length (chunked) is cut with 413 as soon as it
passes the limit. Uploads (the only large bodies) are also refused with 401 before their
body is read when the sender is not signed-in staff: a stranger cannot make the server
take in 200 MB only to be told to sign in. The routes check roles again, precisely.

Limits (hemicycle.toml): ``max_upload_bytes`` for a file upload (the file; the form
around it may add FORM_ALLOWANCE, and the route names the file that is too large),
``max_text_bytes`` for a text sent for subject suggestions, ``max_body_bytes`` for
everything else.
"""

from __future__ import annotations

import re

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.types import Message as AsgiMessage

from hemicycle.config import Settings
from hemicycle.messages import Message
from hemicycle.web.auth import current_user
from hemicycle.web.errors import error_response

FORM_ALLOWANCE = 64 * 1024  # an upload's other form fields and multipart framing
# (method, path, which limit, staff only): the first that matches; else max_body_bytes
_RULES: tuple[tuple[str, re.Pattern, str, bool], ...] = tuple(
    (method, re.compile(pattern), limit, staff) for method, pattern, limit, staff in (
        ("POST", r"^/api/documents$", "max_upload_bytes", True),
        ("POST", r"^/api/subjects/[^/]+/(vocabulary|train|eval)$", "max_upload_bytes", True),
        ("POST", r"^/api/subjects/[^/]+/suggest$", "max_text_bytes", False),
    ))


def body_rule(settings: Settings, method: str, path: str) -> tuple[int, bool]:
    """(limit in bytes, staff only) for a request."""
    for rule_method, pattern, limit, staff in _RULES:
        if method == rule_method and pattern.match(path):
            extra = FORM_ALLOWANCE if limit == "max_upload_bytes" else 0
            return getattr(settings, limit) + extra, staff
    return settings.max_body_bytes, False


def _too_large(limit: int) -> Message:
    return Message("body_too_large", "request body larger than this endpoint's limit of "
                   "{limit} bytes", limit=f"{limit:,}")


class BodyLimit:
    """ASGI middleware; sits inside the session middleware (staff uploads)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, status: int,
                      detail: str | Message, headers: dict | None = None) -> None:
        # the unread body stays unread: the connection is closed after this answer
        response = error_response(Request(scope), status, detail,
                                  {**(headers or {}), "Connection": "close"})
        await response(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, staff_only = body_rule(self.settings, scope["method"], scope["path"])
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                await self._refuse(scope, receive, send, 400, Message(
                    "content_length", "Content-Length {value}: not a number of bytes",
                    value=repr(length)))
                return
            if int(length) > limit:
                await self._refuse(scope, receive, send, 413, _too_large(limit))
                return
        if staff_only:
            request = Request(scope)
            if await run_in_threadpool(current_user, request) is None:
                failure = getattr(request.state, "auth_failure", None)
                status, detail, challenge = (
                    (failure.status_code, failure.detail, failure.headers)
                    if failure is not None else
                    (401, Message("auth.signin_required", "sign in required"),
                     {"WWW-Authenticate": "Basic"}))
                await self._refuse(scope, receive, send, status, detail, challenge)
                return
        received = 0

        async def counted() -> AsgiMessage:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise HTTPException(413, _too_large(limit))
            return message

        await self.app(scope, counted, send)
