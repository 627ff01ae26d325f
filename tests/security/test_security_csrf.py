"""Every write a browser's cookie authenticates needs the CSRF token (forms, JSON,
multipart, DELETE); API clients with HTTP Basic credentials send none."""

from __future__ import annotations

import importlib
import re

from fastapi.routing import APIRoute
from security_helpers import BOSS, CAT, form_token, sign_in

from hemicycle.web.app import ROUTE_MODULES

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _token(client) -> str:
    return form_token(client.get("/?ui=en").text)


def _upload(client, symbol: str, **kwargs):
    return client.post("/api/documents", data={"symbol": symbol, "language": "en"},
                       files={"file": ("a.txt", b"A report on the situation.", "text/plain")},
                       **kwargs)


def test_cookie_writes_need_the_token(site) -> None:
    sign_in(site, *BOSS)
    refused = _upload(site, "A/74/100")
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["detail"]
    created = _upload(site, "A/74/100", headers={"X-CSRF-Token": _token(site)})
    assert created.status_code == 201, created.text
    uid = created.json()["uid"]
    assert site.delete(f"/api/documents/{uid}").status_code == 403
    assert site.get(f"/api/documents/{uid}").json()["status"] != "deleted"
    wrong = site.delete(f"/api/documents/{uid}", headers={"X-CSRF-Token": "guessed"})
    assert wrong.status_code == 403
    gone = site.delete(f"/api/documents/{uid}", headers={"X-CSRF-Token": _token(site)})
    assert gone.status_code == 200 and gone.json()["status"] == "deleted"
    # a multipart form with the token as its first field, as an HTML form sends it
    fields = {"csrf": _token(site), "symbol": "A/74/101", "language": "en"}
    form = site.post("/api/documents", data=fields,
                     files={"file": ("b.txt", b"Another report.", "text/plain")})
    assert form.status_code == 201, form.text


def test_basic_credentials_need_no_token(site) -> None:
    created = _upload(site, "A/74/102", auth=CAT)
    assert created.status_code == 201, created.text
    uid = created.json()["uid"]
    assert site.delete(f"/api/documents/{uid}", auth=BOSS).status_code == 200


def _sample_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def test_no_cookie_write_anywhere_without_the_token(site) -> None:
    """Every write route of the site, present and future: signed in by cookie, no token."""
    from hemicycle.web.csrf import READ_ONLY_POSTS

    sign_in(site, *BOSS)
    checked = []
    routes = [r for name in ROUTE_MODULES for r in importlib.import_module(name).router.routes]
    for route in routes:
        if not isinstance(route, APIRoute) or route.path in READ_ONLY_POSTS:
            continue
        for method in sorted(route.methods & UNSAFE):
            reply = site.request(method, _sample_path(route.path), data={"a": "b"})
            assert reply.status_code == 403, (method, route.path, reply.status_code)
            checked.append((method, route.path))
    assert ("DELETE", "/api/documents/{uid}") in checked and len(checked) > 10
