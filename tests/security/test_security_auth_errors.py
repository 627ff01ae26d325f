"""Wrong or malformed credentials: 401 on the API, the normal page for readers; and an
error page never fails itself (not even when the catalogue is down)."""

from __future__ import annotations

import base64
import dataclasses

import pytest
from fastapi.testclient import TestClient
from security_helpers import CAT, sign_in

from hemicycle.web.app import create_app


def _basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode()


BAD_HEADERS = ["Basic !!!not base64!!!", "Basic", "Basic " + "A" * 5, _basic(b"no colon"),
               _basic(b"cat:wrong-password"), _basic(b"\xff\xfe:\xff"), _basic(b":"),
               _basic(b"nobody:whatever"), "Bearer abc.def.ghi", "Basic " + "=" * 9]


def _uid(site) -> str:
    return site.get("/api/search", params={"q": "Security Council"}).json()["hits"][0]["uid"]


def test_readers_get_the_page_whatever_the_header(site) -> None:
    uid = _uid(site)
    pages = {"/?ui=en": 200, "/search?q=council": 200, f"/documents/{uid}": 200,
             "/thesaurus": 200, "/votes": 200, "/signin": 200, "/documents/nothing": 404}
    for header in BAD_HEADERS:
        for path, status in pages.items():
            reply = site.get(path, headers={"Authorization": header})
            assert reply.status_code == status, (header, path, reply.status_code)
            assert "text/html" in reply.headers["content-type"]
            assert 'href="/signin' in reply.text, (header, path)  # shown as anonymous


def test_the_api_says_401(site) -> None:
    uid = _uid(site)
    for header in BAD_HEADERS:
        if not header.startswith("Basic"):
            continue
        reply = site.get(f"/api/documents/{uid}", headers={"Authorization": header})
        assert reply.status_code == 401, (header, reply.status_code)
        assert reply.headers["www-authenticate"].startswith("Basic")
        assert reply.json()["error"]["status"] == 401
    assert site.get(f"/api/documents/{uid}", auth=CAT).status_code == 200
    assert site.get(f"/api/documents/{uid}").status_code == 200


def test_staff_pages_with_a_wrong_header_ask_to_sign_in(site) -> None:
    reply = site.get("/review", headers={"Authorization": _basic(b"cat:wrong")},
                     follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"].startswith("/signin")


@pytest.mark.parametrize("path", ["/?ui=en", "/api/search?q=x", "/search?q=x"])
def test_error_page_when_the_catalogue_is_down(staffed, path) -> None:
    """The page of a 500 renders even though looking up the signed-in user fails too."""
    client = TestClient(create_app(staffed))
    sign_in(client, *CAT)
    down = dataclasses.replace(staffed, database_url="postgresql://nobody@127.0.0.1:1/none")
    broken = TestClient(create_app(down), raise_server_exceptions=False)
    broken.cookies.set("hemicycle_session", client.cookies.get("hemicycle_session"))
    reply = broken.get(path, headers={"Authorization": _basic(b"cat:wrong")})
    assert reply.status_code == 500
    assert "default-src 'self'" in reply.headers["content-security-policy"]
    if path.startswith("/api"):
        assert reply.json()["error"]["status"] == 500
    else:
        assert "<html" in reply.text and "500" in reply.text
