"""Per-client rate limits, so that one client (an aggressive crawler, a script) cannot
take the server from everyone else: anonymous search and costly answers (SPARQL, subject
suggestions, exports, Word and MARC indexes, large IIIF renders) are counted per client
address and refused with 429 and Retry-After past the limit, before any work is done.

Signed-in staff and API clients with valid credentials are not counted, nor are the
addresses in ``rate_limit_exempt`` (by default this host itself, 127.0.0.1 and ::1) and
clients with no IP address (a Unix socket): behind a proxy that is not in
``trusted_proxies`` every reader would have the proxy's address, and one shared quota
would shut everyone out; unlimited is the better failure. The limits are
``search_per_minute`` and ``costly_per_minute`` in hemicycle.toml (0: no limit); each is
a token bucket that holds a minute's worth of requests (bursts are fine, a steady flood
is not). IPv6 clients are counted per /64, which one subscriber usually holds whole.
The counts live in the server process: with several workers each counts on its own.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import OrderedDict

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from hemicycle.config import Settings
from hemicycle.messages import Message
from hemicycle.web.auth import current_user
from hemicycle.web.clients import client_key
from hemicycle.web.errors import error_response

MAX_CLIENTS = 100_000  # buckets kept; the least recently seen go first
_IIIF_IMAGE = re.compile(r"^/iiif/3/[^/]+/[^/]+/([^/]+)/[^/]+/[^/]+$")
_BIG = 1024  # a IIIF render wider or taller than this (or max, or over half) is costly
_RULES: tuple[tuple[str, frozenset[str], re.Pattern], ...] = tuple(
    (kind, frozenset(methods), re.compile(pattern)) for kind, methods, pattern in (
        ("search", {"GET", "HEAD"}, r"^/(api/)?search$|^/feeds/search\.atom$"
                                    r"|^/(api/)?thesaurus/[^/]+/search$"),
        ("costly", {"POST"}, r"^/api/subjects/[^/]+/suggest$|^/(api/)?thesaurus/sparql$"),
        ("costly", {"GET", "HEAD"}, r"^/api/thesaurus/sparql$|^/api/(votes|speeches)/export$"
                                    r"|^/proceedings/index/[^/]+/[^/]+\.(docx|mrc)$"
                                    r"|^/thesaurus/[^/]+/download\.[a-z]+$"),
    ))


def _big_render(size: str) -> bool:
    body = size.lstrip("^")
    if body in ("max", "full"):
        return True
    if body.startswith("pct:"):
        try:
            return float(body[4:]) > 50
        except ValueError:
            return False
    return any(int(n) > _BIG for n in re.findall(r"\d+", body))


def rate_class(method: str, path: str, query: str) -> str | None:
    """Which limit a request counts against: "search", "costly" or None."""
    for kind, methods, pattern in _RULES:
        if method in methods and pattern.match(path):
            return kind
    if method in ("GET", "HEAD"):
        if path == "/thesaurus/sparql" and "query=" in query:
            return "costly"  # without a query it is the form
        if (m := _IIIF_IMAGE.match(path)) and _big_render(m.group(1)):
            return "costly"
    return None


class RateLimiter:
    """Token buckets per (kind, client): ``per_minute`` requests a minute, as a burst."""

    def __init__(self, per_minute: dict[str, int], max_clients: int = MAX_CLIENTS) -> None:
        self.per_minute = per_minute
        self.max_clients = max_clients
        self._buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, kind: str, client: str) -> float:
        """0 when the request may go ahead (and is counted), else seconds to wait."""
        limit = self.per_minute.get(kind, 0)
        if limit <= 0:
            return 0.0
        rate = limit / 60.0
        now = time.monotonic()
        key = (kind, client)
        with self._lock:
            tokens, last = self._buckets.pop(key, (float(limit), now))
            tokens = min(float(limit), tokens + (now - last) * rate)
            if tokens >= 1.0:
                tokens -= 1.0
                wait = 0.0
            else:
                wait = (1.0 - tokens) / rate
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_clients:
                self._buckets.popitem(last=False)
        return wait


def limiter_for(settings: Settings) -> RateLimiter:
    return RateLimiter({"search": settings.search_per_minute,
                        "costly": settings.costly_per_minute})


class RateLimit:
    """ASGI middleware; sits inside the session and interface-language middleware."""

    def __init__(self, app: ASGIApp, limiter: RateLimiter, exempt: tuple = ()) -> None:
        self.app = app
        self.limiter = limiter
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = None
        if scope["type"] == "http":
            kind = rate_class(scope["method"], scope["path"],
                              scope.get("query_string", b"").decode("latin-1"))
        if kind is None or self.limiter.per_minute.get(kind, 0) <= 0:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        client = client_key(request.client.host if request.client else "", self.exempt)
        credentials = (scope.get("session") or {}).get("user") or \
            "authorization" in request.headers
        if client is None or (credentials and
                              await run_in_threadpool(current_user, request) is not None):
            await self.app(scope, receive, send)  # not counted
            return
        wait = self.limiter.wait(kind, client)
        if wait:
            seconds = max(1, math.ceil(wait))
            limit = self.limiter.per_minute[kind]
            said = Message(
                "rate.search", "too many search requests from your address (at most {limit} "
                "a minute): try again in {seconds} s", limit=limit, seconds=seconds,
            ) if kind == "search" else Message(
                "rate.costly", "too many costly requests from your address (at most {limit} "
                "a minute): try again in {seconds} s", limit=limit, seconds=seconds)
            response = error_response(request, 429, said,
                                      headers={"Retry-After": str(seconds)})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
