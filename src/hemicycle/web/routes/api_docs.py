"""``/api/docs``: the interactive API documentation (Swagger UI).

Its page has one inline script and loads Swagger UI from its CDN, which the site's
Content-Security-Policy forbids; this page alone carries a policy that allows that CDN
and that one script, by its hash (not inline script in general).
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html

router = APIRouter(include_in_schema=False)
CDN = "https://cdn.jsdelivr.net"
FAVICON_HOST = "https://fastapi.tiangolo.com"


def _policy(html: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in re.findall(r"<script>(.*?)</script>", html, re.S))
    return "; ".join((
        "default-src 'self'", f"script-src 'self' {CDN} {hashes}",
        f"style-src 'self' {CDN} 'unsafe-inline'", f"img-src 'self' data: {FAVICON_HOST} {CDN}",
        "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'",
    ))


@router.get("/api/docs")
def api_docs(request: Request):
    app = request.app
    page = get_swagger_ui_html(openapi_url=app.openapi_url, title=f"{app.title} - Swagger UI")
    page.headers["Content-Security-Policy"] = _policy(page.body.decode())
    return page
