"""Keeping robots out of the public forms without any third-party service.

Four checks, each cheap and invisible to people:

* a honeypot field, hidden by the style sheet, that people leave empty;
* a signed time stamp put in the form when it is shown: a form sent back sooner than
  ``MIN_FILL_S`` seconds was not filled by a person, one older than ``MAX_AGE_S`` is stale,
  and the signature (HMAC with the installation's secret key) cannot be forged;
* a limit per address: at most ``PER_ADDRESS`` submissions in ``WINDOW_S`` (addresses are
  kept in memory only, hashed with a salt that is new at each start);
* size limits on every field (checked by the service that saves the form).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from hemicycle.knowledge.findings import KnowledgeError
from hemicycle.messages import Message

HONEYPOT = "website"
MIN_FILL_S = 3
MAX_AGE_S = 2 * 3600
PER_ADDRESS = 5
WINDOW_S = 3600.0


class FormRefused(KnowledgeError):
    """A submission the checks refuse; ``code``: honeypot, stamp, too-fast, too-old,
    too-many."""


def _mac(secret: str, form: str, ts: int) -> str:
    return hmac.new(secret.encode(), f"{form}:{ts}".encode(), hashlib.sha256).hexdigest()[:32]


def form_stamp(secret: str, form: str, now: float | None = None) -> str:
    ts = int(time.time() if now is None else now)
    return f"{ts}.{_mac(secret, form, ts)}"


def check_submission(secret: str, form: str, stamp: str | None, honeypot: str | None,
                     now: float | None = None) -> None:
    """Refuse a submission from a robot (raises FormRefused with a code)."""
    if honeypot:
        raise FormRefused("honeypot", Message(
            "kn.form_honeypot", "the form was filled in a field people do not see"))
    ts_text, _, mac = (stamp or "").partition(".")
    if not ts_text.isdigit() or not hmac.compare_digest(mac, _mac(secret, form, int(ts_text))):
        raise FormRefused("stamp", Message(
            "kn.form_stamp", "the form is not one this site showed: reload it and send it "
            "again"))
    age = (time.time() if now is None else now) - int(ts_text)
    if age < MIN_FILL_S:
        raise FormRefused("too-fast", Message(
            "kn.form_too_fast", "the form was sent back too fast to have been read: wait a "
            "moment and send it again"))
    if age > MAX_AGE_S:
        raise FormRefused("too-old", Message(
            "kn.form_too_old", "the form was open too long: reload it and send it again"))


class AddressLimiter:
    """At most ``limit`` submissions per address in ``window`` seconds."""

    def __init__(self, limit: int = PER_ADDRESS, window: float = WINDOW_S):
        self.limit, self.window = limit, window
        self._salt = secrets.token_bytes(16)
        self._hits: dict[bytes, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, address: str, now: float | None = None) -> None:
        """Count one submission from ``address``, or refuse it when over the limit."""
        key = hashlib.blake2b(address.encode(), key=self._salt, digest_size=16).digest()
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits[key]
            while hits and now - hits[0] > self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                raise FormRefused("too-many", Message(
                    "kn.form_too_many", "too many messages from this address: try again in "
                    "an hour"))
            hits.append(now)
            if len(self._hits) > 100_000:  # forget idle addresses rather than grow forever
                for k in [k for k, v in self._hits.items() if not v][:50_000]:
                    del self._hits[k]
