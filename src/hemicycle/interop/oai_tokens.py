"""OAI-PMH resumption tokens: the position of a keyset page, signed.

A token carries the request it continues (verb, format, set, from, until), the
(datestamp, id) of the last record sent, the cursor and the list size counted at
the first page. It is signed with the installation key, so a changed or made-up
token is recognised (badResumptionToken) instead of being trusted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass


class TokenError(ValueError):
    pass


@dataclass(frozen=True)
class PageToken:
    verb: str
    prefix: str
    set_spec: str | None
    from_: str | None  # as given, so the resumed request is the same request
    until: str | None
    last_datestamp: str  # ISO seconds of the last record sent
    last_id: int
    cursor: int  # records sent before the page this token asks for
    complete_size: int


def _sign(key: str, payload: bytes) -> str:
    mac = hmac.new(key.encode(), payload, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def encode_token(key: str, token: PageToken) -> str:
    payload = json.dumps(list(asdict(token).values()), separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(key, payload)}"


def decode_token(key: str, text: str) -> PageToken:
    """The page ``text`` points at; TokenError when it is not one of ours."""
    body, _, signature = text.partition(".")
    if not body or not signature or len(text) > 2000:
        raise TokenError("not a resumption token issued by this repository")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError) as exc:
        raise TokenError("resumption token is not valid base64") from exc
    if not hmac.compare_digest(_sign(key, payload), signature):
        raise TokenError("resumption token was not issued by this repository or was altered")
    try:
        values = json.loads(payload)
        token = PageToken(*values)
    except (ValueError, TypeError) as exc:
        raise TokenError("resumption token is malformed") from exc
    return token
