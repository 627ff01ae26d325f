"""Who is asking: signed-in sessions, role checks, CSRF tokens, sign-in rate limits.

Pages use a signed session cookie plus a CSRF token on every form. API clients may
instead send HTTP Basic credentials (no cookie, so no CSRF risk). Every write goes
through ``require_role``.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse

from hemicycle.accounts import authenticate, role_allows
from hemicycle.messages import Message

SIGNIN_ATTEMPTS = 5
SIGNIN_WINDOW_S = 300.0


@dataclass(frozen=True)
class SignedIn:
    name: str
    role: str


def current_user(request: Request) -> SignedIn | None:
    cached = getattr(request.state, "user", False)
    if cached is not False:
        return cached
    user = None
    data = request.session.get("user") if "session" in request.scope else None
    if data:
        user = SignedIn(data["name"], data["role"])
    else:
        header = request.headers.get("authorization", "")
        if header.lower().startswith("basic "):
            try:
                name, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                name, password = "", ""
            limiter = request.app.state.signin_limiter
            key = (request.client.host if request.client else "?", name)
            if limiter.blocked(key):
                raise HTTPException(429, Message("auth.too_many_attempts",
                                                  "too many failed sign-in attempts"))
            found = authenticate(request.app.state.settings.database_url, name, password)
            if found is None:
                limiter.failed(key)
                raise HTTPException(401, Message("auth.wrong_password",
                                                 "wrong user name or password"),
                                    headers={"WWW-Authenticate": "Basic"})
            user = SignedIn(found.name, found.role)
    request.state.user = user
    return user


def require_role(request: Request, role: str) -> SignedIn:
    """The signed-in user if their role allows ``role``; 401 or 403 otherwise."""
    user = current_user(request)
    if user is None:
        raise HTTPException(401, Message("auth.signin_required", "sign in required"),
                            headers={"WWW-Authenticate": "Basic"})
    if not role_allows(user.role, role):
        raise HTTPException(403, Message("auth.role_required", "the {role} role is required",
                                         role=role))
    return user


def signin_first(request: Request, role: str) -> RedirectResponse | None:
    """For a staff page: anonymous visitors are sent to sign in (and back here after);
    a signed-in user without ``role`` gets 403; None when the page may be shown."""
    if current_user(request) is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
    require_role(request, role)
    return None


def require_cataloguer(request: Request) -> SignedIn:
    return require_role(request, "cataloguer")


def require_admin(request: Request) -> SignedIn:
    return require_role(request, "admin")


def csrf_token(request: Request) -> str:
    if "session" not in request.scope:
        return ""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse a cookie-authenticated form post whose token does not match."""
    if request.session.get("user") is None and "authorization" in request.headers:
        return  # HTTP Basic: the browser does not attach it cross-site by itself
    expected = request.session.get("csrf")
    submitted = submitted or request.headers.get("x-csrf-token")
    if not expected or not submitted or not hmac.compare_digest(expected, submitted):
        raise HTTPException(403, Message("auth.csrf", "missing or wrong CSRF token; reload the "
                                         "form and try again"))


class SigninLimiter:
    """At most SIGNIN_ATTEMPTS failures per (address, name) in SIGNIN_WINDOW_S."""

    def __init__(self, attempts: int = SIGNIN_ATTEMPTS, window: float = SIGNIN_WINDOW_S):
        self.attempts = attempts
        self.window = window
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._failures[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def blocked(self, key: tuple[str, str]) -> bool:
        with self._lock:
            return len(self._prune(key, time.monotonic())) >= self.attempts

    def failed(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._prune(key, time.monotonic()).append(time.monotonic())

    def succeeded(self, key: tuple[str, str]) -> None:
        with self._lock:
            self._failures.pop(key, None)
