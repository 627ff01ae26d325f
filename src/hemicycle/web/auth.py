"""Who is asking: signed-in sessions, role checks, CSRF tokens, sign-in rate limits.

Pages use a signed session cookie plus a CSRF token on every form. The cookie names the
user and their session version, checked against the catalogue on every request, so a
session ended elsewhere (sign-out, new password or role, removal) is over at once, and
the role is always the catalogue's. API clients may instead send HTTP Basic credentials
(no cookie, so no CSRF risk). Every write goes through ``require_role``.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse

from hemicycle.accounts import Account, authenticate, role_allows, session_account
from hemicycle.messages import Message
from hemicycle.web.clients import client_key

SIGNIN_ATTEMPTS = 5  # per (address, name)
SIGNIN_WINDOW_S = 300.0
ACCOUNT_WINDOW_S = 900.0  # per account, per address: the counts are in Settings


@dataclass(frozen=True)
class SignedIn:
    name: str
    role: str


def start_session(request: Request, account: Account) -> None:
    """Sign ``account`` in on this browser (a fresh session: no fixation)."""
    request.session.clear()
    request.session["user"] = {"name": account.name, "v": account.session_version}


def _session_user(request: Request) -> SignedIn | None:
    """The user the session cookie names, if their session has not been ended."""
    data = request.session.get("user") if "session" in request.scope else None
    if not data:
        return None
    account = None
    if isinstance(data, dict) and isinstance(data.get("name"), str):
        account = session_account(request.app.state.settings.database_url, data["name"],
                                  data.get("v"))
    if account is None:
        request.session.clear()  # ended: the browser's cookie is dropped too
        return None
    return SignedIn(account.name, account.role)


def _basic_credentials(header: str) -> tuple[str, str] | None:
    """(name, password) from an ``Authorization: Basic`` value; None when malformed."""
    try:
        raw = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except ValueError:
        return None
    name, colon, password = raw.partition(":")
    return (name, password) if colon and name else None


def _basic_user(request: Request, header: str) -> SignedIn | None:
    """The user HTTP Basic credentials sign in; on failure None, the reason kept in
    ``request.state.auth_failure`` (an HTTPException for ``require_role`` to raise)."""
    challenge = {"WWW-Authenticate": 'Basic realm="Hemicycle", charset="UTF-8"'}
    credentials = _basic_credentials(header)
    if credentials is None:
        request.state.auth_failure = HTTPException(
            401, Message("auth.malformed_basic", "malformed Authorization header: expected "
                         "Basic base64(name:password)"), headers=challenge)
        return None
    name, password = credentials
    limiter = request.app.state.signin_limiter
    address = request.client.host if request.client else "?"
    if limiter.blocked(address, name):
        request.state.auth_failure = HTTPException(429, Message("auth.too_many_attempts",
                                                           "too many failed sign-in attempts"))
        return None
    found = authenticate(request.app.state.settings.database_url, name, password)
    if found is None:
        limiter.failed(address, name)
        request.state.auth_failure = HTTPException(401, Message(
            "auth.wrong_password", "wrong user name or password"), headers=challenge)
        return None
    return SignedIn(found.name, found.role)


def current_user(request: Request) -> SignedIn | None:
    """Who is asking: the session's user, else HTTP Basic's, else None (anonymous). It
    never raises for bad credentials: a reader's page is shown as to anyone."""
    cached = getattr(request.state, "user", False)
    if cached is not False:
        return cached
    user = _session_user(request)
    header = request.headers.get("authorization", "")
    if user is None and header.partition(" ")[0].lower() == "basic":
        user = _basic_user(request, header)
    request.state.user = user
    return user


def known_user(request: Request) -> SignedIn | None:
    """The user already looked up for this request, without looking again (error pages:
    the lookup itself may be what failed)."""
    cached = getattr(request.state, "user", None)
    return cached or None


def require_role(request: Request, role: str) -> SignedIn:
    """The signed-in user if their role allows ``role``; 401 or 403 otherwise."""
    user = current_user(request)
    if user is None:
        failure = getattr(request.state, "auth_failure", None)
        if failure is not None:
            raise failure
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
    """This browser's CSRF token, made (and kept in its session cookie) when first asked
    for: only pages that show a form get one, so anonymous readers get no cookie."""
    if "session" not in request.scope:
        return ""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


class LazyCsrfToken:
    """A page's ``csrf_token``: the token is made when a template writes it out (a form),
    not for every page rendered."""

    def __init__(self, request: Request) -> None:
        self.request = request

    def __str__(self) -> str:
        return csrf_token(self.request)

    __html__ = __str__  # for Jinja: a token needs no escaping

    def __bool__(self) -> bool:
        return "session" in self.request.scope


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
    """Failed sign-ins (form or HTTP Basic), limited three ways: per address and name
    (``SIGNIN_ATTEMPTS`` in ``SIGNIN_WINDOW_S``), per account from any address (against
    spraying one account from many addresses) and per address over every account
    (against one address trying many accounts), each of the last two in ``window``
    seconds. A blocked request is refused before its password is even checked. Addresses
    are counted as ``client_key`` counts them (IPv6 per /64). The counts live in the
    server process; at most ``max_keys`` of them are kept (the oldest go first)."""

    def __init__(self, per_account: int = 10, per_address: int = 30,
                 window: float = ACCOUNT_WINDOW_S, max_keys: int = 100_000) -> None:
        self.limits = {"pair": (SIGNIN_ATTEMPTS, SIGNIN_WINDOW_S),
                       "account": (per_account, window), "address": (per_address, window)}
        self.max_keys = max_keys
        self._failures: OrderedDict[tuple, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _keys(address: str, name: str) -> list[tuple]:
        where = client_key(address) or address
        return [("pair", where, name), ("account", name), ("address", where)]

    def _recent(self, key: tuple, now: float) -> deque[float]:
        window = self.limits[key[0]][1]
        q = self._failures.pop(key, None) or deque()
        while q and now - q[0] > window:
            q.popleft()
        self._failures[key] = q  # most recently seen last
        return q

    def blocked(self, address: str, name: str) -> bool:
        now = time.monotonic()
        with self._lock:
            return any(len(self._recent(key, now)) >= self.limits[key[0]][0]
                       for key in self._keys(address, name))

    def failed(self, address: str, name: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in self._keys(address, name):
                self._recent(key, now).append(now)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, address: str, name: str) -> None:
        """Only the (address, name) count is forgiven: one good password must not wipe
        out the traces of a spraying run."""
        with self._lock:
            self._failures.pop(self._keys(address, name)[0], None)


def signin_limiter(settings) -> SigninLimiter:
    return SigninLimiter(settings.signin_failures_per_account,
                         settings.signin_failures_per_address)
