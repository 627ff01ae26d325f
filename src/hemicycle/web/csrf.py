"""The CSRF rule, for every route at once: a write (POST, PUT, PATCH, DELETE) sent with a
signed-in session cookie carries the session's token, or it is refused with 403 before
any handler runs. Routes cannot forget it.

The token travels in the ``X-CSRF-Token`` header (scripts, JSON, DELETE) or in a form
field ``csrf`` (HTML forms: url-encoded, or multipart with the field before the files).
Requests without a signed-in cookie are not concerned: HTTP Basic credentials are never
attached by a browser to another site's request, and anonymous requests carry no rights.
"""

from __future__ import annotations

import hmac
import re
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hemicycle import messages
from hemicycle.web.errors import error_response

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# POSTs that only read (a SPARQL query, an OAI-PMH request): nothing to forge
READ_ONLY_POSTS = frozenset({"/oai", "/thesaurus/sparql", "/api/thesaurus/sparql"})
FIELD = "csrf"
SCAN_BYTES = 64 * 1024  # a form's token field comes first; files come after it
_MULTIPART_FIELD = re.compile(
    rb'content-disposition:[ \t]*form-data;[ \t]*name="csrf"[^\r\n]*\r\n'
    rb'(?:[^\r\n]+\r\n)*\r\n([^\r\n]*)\r\n', re.IGNORECASE)
REFUSED = messages.Message("auth.csrf",
                           "missing or wrong CSRF token; reload the form and try again")


def _form_token(content_type: str, body: bytes) -> str | None:
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("utf-8", "replace")).get(FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        found = _MULTIPART_FIELD.search(body)
        return found.group(1).decode("utf-8", "replace") if found else None
    return None


class CsrfGuard:
    """ASGI middleware; sits inside the session middleware (it reads the session)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session = scope.get("session") if scope["type"] == "http" else None
        if (not session or not session.get("user") or scope["method"] not in UNSAFE
                or scope["path"] in READ_ONLY_POSTS):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        token = headers.get("x-csrf-token")
        early: list[Message] = []
        if token is None:
            content_type = headers.get("content-type", "")
            if content_type.startswith(("application/x-www-form-urlencoded",
                                        "multipart/form-data")):
                body = b""
                while len(body) < SCAN_BYTES:
                    message = await receive()
                    early.append(message)
                    body += message.get("body", b"")
                    if message["type"] != "http.request" or not message.get("more_body"):
                        break
                token = _form_token(content_type, body)
        expected = session.get("csrf")
        if not (expected and token and hmac.compare_digest(str(expected), token)):
            response = error_response(Request(scope), 403, REFUSED)
            await response(scope, receive, send)
            return

        async def replay() -> Message:
            return early.pop(0) if early else await receive()

        await self.app(scope, replay, send)
