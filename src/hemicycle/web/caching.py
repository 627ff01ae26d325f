"""HTTP caching for what everyone sees, so that browsers, proxies and CDNs can keep public
pages and a crawler's repeated visit costs little:

* an anonymous GET answered 200 gets ``Cache-Control: public, max-age=cache_max_age``
  (hemicycle.toml; 0 keeps the header but makes every use revalidate) and ``Vary:
  Accept-Language, Cookie`` (the interface language comes from either);
* an answer to staff (a session cookie or credentials), or one that sets a cookie, gets
  ``private, no-store``: it is nobody else's;
* every GET answer of a few megabytes at most gets an ``ETag`` (a hash of its bytes)
  unless it has one, and a conditional GET whose ``If-None-Match`` (or, without it,
  ``If-Modified-Since`` against the route's ``Last-Modified``) still holds gets 304
  with no body.

Routes that know better set their own ``Cache-Control`` (IIIF, file downloads): it is
kept. A shared cache answers without asking Hemicycle, so the usage of a page served
from it is not counted; the 304s Hemicycle sends itself are (the route runs).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

BUFFER_LIMIT = 4 * 1024 * 1024  # larger answers are streamed without an ETag
PRIVATE = "private, no-store"
VARY = ("Accept-Language", "Cookie")
HASHED_TYPES = ("text/", "application/json", "application/xml", "application/ld+json",
                "application/atom+xml", "application/sparql-results", "application/n-triples")
# what a 304 repeats of the answer it stands for (RFC 9110, 15.4.5)
KEPT_ON_304 = ("cache-control", "content-location", "date", "etag", "expires", "vary",
               "last-modified")


def last_modified(response, when: dt.datetime):
    """``response`` with a Last-Modified header for ``when`` (naive times are UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    response.headers["Last-Modified"] = email.utils.format_datetime(when, usegmt=True)
    return response


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/"x" and "x" are the same."""
    wanted = etag.removeprefix("W/")
    return any(tag.strip() == "*" or tag.strip().removeprefix("W/") == wanted
               for tag in header.split(","))


def _not_modified_since(header: str, last_modified: str | None) -> bool:
    if not last_modified:
        return False
    try:
        since = email.utils.parsedate_to_datetime(header)
        modified = email.utils.parsedate_to_datetime(last_modified)
    except (TypeError, ValueError):
        return False
    return modified <= since


def _merge_vary(headers: MutableHeaders) -> None:
    present = [v.strip() for v in headers.get("vary", "").split(",") if v.strip()]
    lower = {v.lower() for v in present}
    headers["Vary"] = ", ".join(present + [v for v in VARY if v.lower() not in lower])


class HttpCaching:
    """ASGI middleware; outside the session middleware, so it sees every Set-Cookie."""

    def __init__(self, app: ASGIApp, max_age: int) -> None:
        self.app = app
        self.public = f"public, max-age={max_age}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        request = Headers(scope=scope)
        mode = "start"  # then: "hash" (buffering to hash), "pass" or "drop" (the body)
        start: Message = {}
        chunks: list[bytes] = []

        def not_modified(headers: MutableHeaders) -> bool:
            if "if-none-match" in request:
                etag = headers.get("etag")
                return etag is not None and _etag_matches(request["if-none-match"], etag)
            return "if-modified-since" in request and _not_modified_since(
                request["if-modified-since"], headers.get("last-modified"))

        async def send_304(message: Message) -> None:
            kept = [(k, v) for k, v in message["headers"]
                    if k.decode("latin-1").lower() in KEPT_ON_304 or k.lower() == b"set-cookie"]
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})

        async def caching_send(message: Message) -> None:
            nonlocal mode, start
            if mode == "pass":
                await send(message)
            elif mode == "drop":
                return
            elif message["type"] == "http.response.start":
                if message["status"] != 200:
                    mode = "pass"
                    await send(message)
                    return
                headers = MutableHeaders(scope=message)
                self._cache_control(scope, request, headers)
                if "etag" not in headers and headers.get("content-type", "").startswith(
                        HASHED_TYPES):
                    mode, start = "hash", message
                elif not_modified(headers):
                    mode = "drop"
                    await send_304(message)
                else:
                    mode = "pass"
                    await send(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
                if sum(map(len, chunks)) > BUFFER_LIMIT:
                    mode = "pass"
                    await send(start)
                    await send({"type": "http.response.body", "body": b"".join(chunks),
                                "more_body": more})
                elif not more:
                    body = b"".join(chunks)
                    headers = MutableHeaders(scope=start)
                    headers["ETag"] = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'
                    if not_modified(headers):
                        await send_304(start)
                    else:
                        await send(start)
                        await send({"type": "http.response.body", "body": body})
            else:
                await send(message)

        await self.app(scope, receive, caching_send)

    def _cache_control(self, scope: Scope, request: Headers, headers: MutableHeaders) -> None:
        if "cache-control" in headers:
            return  # the route knows better
        if ("authorization" in request or "set-cookie" in headers
                or (scope.get("session") or {}).get("user")):
            headers["Cache-Control"] = PRIVATE
            return
        headers["Cache-Control"] = self.public
        if not scope["path"].startswith("/static/"):
            _merge_vary(headers)
