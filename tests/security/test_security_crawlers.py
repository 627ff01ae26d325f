"""Aggressive crawlers must not starve readers: per-client limits on anonymous search
(429 + Retry-After), public pages that shared caches may keep (Cache-Control, ETag,
Last-Modified, 304 for conditional GET), and no session cookie for anonymous readers."""

from __future__ import annotations

import dataclasses
import email.utils

from fastapi.testclient import TestClient
from security_helpers import BOSS, CAT, sign_in

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.queries import document_by_uid
from hemicycle.web.app import create_app


def _uid(client) -> str:
    return client.get("/api/search", params={"q": "Security Council"}).json()["hits"][0]["uid"]


def test_anonymous_readers_get_no_session_cookie(site) -> None:
    uid = _uid(site)
    for path in ("/", "/search?q=council", f"/documents/{uid}", "/thesaurus", "/votes",
                 f"/api/documents/{uid}", "/nothing-here", "/thesaurus/sparql"):
        reply = site.get(path)
        assert "set-cookie" not in reply.headers, (path, reply.headers.get("set-cookie"))
    assert dict(site.cookies) == {}
    # choosing the interface language keeps that choice, and nothing else
    site.get("/?ui=fr")
    assert dict(site.cookies) == {"lang": "fr"}
    # the sign-in form needs its CSRF token in a cookie; signing in gives the session
    sign_in(site, *CAT)
    assert "hemicycle_session" in site.cookies


def test_public_pages_are_cacheable_and_revalidated(site, staffed) -> None:
    uid = _uid(site)
    page = site.get(f"/documents/{uid}")
    assert page.status_code == 200
    assert page.headers["cache-control"].startswith("public, max-age=")
    assert {"accept-language", "cookie"} <= {
        v.strip().lower() for v in page.headers["vary"].split(",")}
    etag = page.headers["etag"]
    with session_scope(staffed.database_url) as db:
        updated = document_by_uid(db, uid).updated_at
    assert email.utils.parsedate_to_datetime(page.headers["last-modified"]).replace(
        tzinfo=None) == updated.replace(microsecond=0)
    again = site.get(f"/documents/{uid}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    since = site.get(f"/documents/{uid}",
                     headers={"If-Modified-Since": page.headers["last-modified"]})
    assert since.status_code == 304
    changed = site.get(f"/documents/{uid}", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.text == page.text
    api = site.get(f"/api/documents/{uid}")
    assert api.headers["cache-control"].startswith("public") and "etag" in api.headers
    assert site.get(f"/api/documents/{uid}",
                    headers={"If-None-Match": api.headers["etag"]}).status_code == 304
    home = site.get("/")
    assert site.get("/", headers={"If-None-Match": home.headers["etag"]}).status_code == 304


def test_staff_answers_are_never_stored(site) -> None:
    uid = _uid(site)
    sign_in(site, *CAT)
    page = site.get(f"/documents/{uid}")
    assert page.headers["cache-control"] == "private, no-store"
    basic = TestClient(site.app).get(f"/api/documents/{uid}", auth=BOSS)
    assert basic.headers["cache-control"] == "private, no-store"


def test_search_flood_gets_429_with_retry_after(staffed) -> None:
    # one a minute: the next token is a minute away, however slow a loaded machine makes
    # the requests below
    app = create_app(dataclasses.replace(staffed, search_per_minute=1))
    bot = TestClient(app, client=("198.51.100.23", 40000))
    assert bot.get("/search", params={"q": "council 0"}).status_code == 200
    refused = bot.get("/api/search", params={"q": "council"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    page = bot.get("/search", params={"q": "council"}, headers={"accept": "text/html"})
    assert page.status_code == 429 and "<html" in page.text
    assert bot.get("/feeds/search.atom", params={"q": "council"}).status_code == 429
    # the bot's neighbours, its document reading and staff are not held back
    reader = TestClient(app, client=("198.51.100.24", 40000))
    assert reader.get("/search", params={"q": "council"}).status_code == 200
    uid = _uid(TestClient(app, client=("198.51.100.25", 40000)))
    assert bot.get(f"/documents/{uid}").status_code == 200
    staff = TestClient(app, client=("198.51.100.23", 40001))
    sign_in(staff, *CAT)
    assert all(staff.get("/search", params={"q": "council"}).status_code == 200
               for _ in range(8))
