"""What any public site is expected to do: security headers on every answer, HEAD
answered wherever GET is, /robots.txt pointing at the sitemap, and the catalogue and
the secret key readable by their owner only."""

from __future__ import annotations

import importlib
import os
import re
import stat

import httpx
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from hemicycle.config import load_settings
from hemicycle.web.app import ROUTE_MODULES, create_app


def _csp(reply) -> dict[str, str]:
    policy = reply.headers["content-security-policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def _hardened(reply, what) -> None:
    csp = _csp(reply)
    assert csp["default-src"] == "default-src 'self'", what
    assert csp["script-src"] == "script-src 'self'", what  # no inline script, no eval
    assert csp["frame-ancestors"] == "frame-ancestors 'none'", what
    assert csp["object-src"] == "object-src 'none'", what
    assert reply.headers["x-frame-options"] == "DENY", what
    assert reply.headers["x-content-type-options"] == "nosniff", what
    assert reply.headers["referrer-policy"] == "strict-origin-when-cross-origin", what


def test_security_headers_on_every_kind_of_answer(site) -> None:
    uid = site.get("/api/search", params={"q": "Security Council"}).json()["hits"][0]["uid"]
    answers = {
        "page": site.get("/?ui=en"), "document": site.get(f"/documents/{uid}"),
        "json": site.get(f"/api/documents/{uid}"), "404 page": site.get("/nothing/here"),
        "404 json": site.get("/api/documents/nothing"), "static": site.get("/static/hemicycle.css"),
        "redirect": site.get("/symbol/S/RES/2334 (2016)", follow_redirects=False),
        "file": site.get(f"/documents/{uid}/files/en/txt"), "oai": site.get("/oai?verb=Identify"),
        "refused write": site.post("/api/documents"),
    }
    for what, reply in answers.items():
        _hardened(reply, what)


def test_api_docs_page_runs_no_inline_script(site) -> None:
    """Swagger UI is served from our own files (issue 18): the site's policy holds."""
    docs = site.get("/api/docs")
    assert docs.status_code == 200
    csp = _csp(docs)
    assert re.findall(r"<script>(.*?)</script>", docs.text, re.S) == []
    assert "'unsafe-inline'" not in csp["script-src"] and "cdn" not in csp["script-src"]
    assert docs.headers["x-frame-options"] == "DENY"


def test_head_is_answered_wherever_get_is(site) -> None:
    uid = site.get("/api/search", params={"q": "Security Council"}).json()["hits"][0]["uid"]
    samples = {"uid": uid, "language": "en", "fmt": "txt", "symbol": "S/RES/2334 (2016)"}
    checked = 0
    for name in ROUTE_MODULES:
        for route in importlib.import_module(name).router.routes:
            if not isinstance(route, APIRoute) or "GET" not in route.methods:
                continue
            path = re.sub(r"\{(\w+)(?::path)?\}", lambda m: samples.get(m.group(1), "x"),
                          route.path)
            get, head = site.get(path, follow_redirects=False), site.head(
                path, follow_redirects=False)
            assert head.status_code == get.status_code != 405, (path, get.status_code,
                                                               head.status_code)
            assert head.content == b""
            checked += 1
    assert checked > 50


def test_head_over_http_sends_no_body(live_server) -> None:
    with httpx.Client(base_url=live_server.base_url) as client:
        get, head = client.get("/?ui=en"), client.head("/?ui=en")
    assert head.status_code == get.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]


def test_robots_txt_points_at_the_sitemap(site) -> None:
    robots = site.get("/robots.txt")
    assert robots.status_code == 200
    assert robots.headers["content-type"].startswith("text/plain")
    lines = robots.text.splitlines()
    base = site.app.state.settings.base_url
    assert f"Sitemap: {base}/sitemap.xml" in lines
    assert "User-agent: *" in lines and "Disallow: /api/" in lines and "Disallow: /search" in lines
    assert site.head("/robots.txt").status_code == 200


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_secrets_are_for_the_owner_only(tmp_path) -> None:
    old = os.umask(0o022)
    try:
        data = tmp_path / "fresh"
        settings = load_settings(data)
        client = TestClient(create_app(settings))
        assert client.get("/?ui=en").status_code == 200  # the catalogue is created
    finally:
        os.umask(old)
    assert _mode(data) == 0o700
    assert _mode(data / "secret.key") == 0o600
    for path in data.glob("catalogue.sqlite3*"):
        assert _mode(path) == 0o600, path
    assert (data / "catalogue.sqlite3").is_file()
