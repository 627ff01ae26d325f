"""Security headers on every answer (pages, API, files, errors):

* Content-Security-Policy: everything from this site only; scripts only from files
  (no inline script, no event attributes, no eval), no plugins, no framing by others,
  forms post here only. Inline ``style`` is still allowed (templates and the Index to
  Proceedings' standalone file use it; styles cannot run code).
* X-Frame-Options (older browsers), X-Content-Type-Options, Referrer-Policy, and
  Strict-Transport-Security when the site is served over HTTPS.

A route that needs another policy (the API documentation page) sets its own header; it
is kept.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:", "object-src 'none'", "base-uri 'self'",
    "form-action 'self'", "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
HSTS = "max-age=31536000"


def with_security_headers(response, https: bool = False):
    """``response`` with the headers set (for answers made outside the middleware: the
    500 handler runs outermost, where no middleware sees its answer)."""
    for name, value in {**HEADERS, **({"Strict-Transport-Security": HSTS} if https
                                      else {})}.items():
        response.headers.setdefault(name, value)
    return response


class SecurityHeaders:
    """ASGI middleware; outermost but for the proxy headers, so that every answer,
    errors and refusals included, carries the headers."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app = app
        self.headers = {**HEADERS, **({"Strict-Transport-Security": HSTS} if https else {})}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)
