"""The Content-Security-Policy allows no inline script: no template and no page may hold
a <script> without src (JSON-LD data blocks aside), an on* event attribute or a
javascript: URL, or the browser silently drops it. Every template file is read, and every
page reachable from the home page is crawled and parsed, anonymous and signed in."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient
from security_helpers import BOSS, sign_in

from hemicycle.proceedings.importers.ga import GAFiles, import_ga
from hemicycle.thesaurus.store import load_vocabulary
from hemicycle.web.app import create_app

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "hemicycle" / "web" / "templates"
CORPUS = Path(__file__).resolve().parents[2] / "corpus"
DATA_BLOCKS = {"application/ld+json", "application/json"}  # never executed
SKIP = re.compile(r"^/(static|iiif|api|oai|sitemap|feeds)|/files/|\.(docx|mrc|xml|ttl|json|nt)$"
                  r"|/download\.|/premis")


class _Violations(HTMLParser):
    """Inline script, event handler attributes and javascript: URLs in one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.links: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if value and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script" and not values.get("src"):
            kind = (values.get("type") or "").lower()
            if kind not in DATA_BLOCKS:
                self.found.append("<script> without src")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)


def _check(html: str) -> _Violations:
    parser = _Violations()
    parser.feed(html)
    return parser


def test_no_template_has_inline_script() -> None:
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        # Jinja expressions could build anything: read the literal markup around them
        literal = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", "X", text, flags=re.S)
        for problem in _check(literal).found:
            problems.append(f"{path.relative_to(TEMPLATES)}: {problem}")
        if re.search(r"""\son[a-z]+\s*=""", literal):
            problems.append(f"{path.relative_to(TEMPLATES)}: on*= attribute")
    assert problems == []


@pytest.fixture
def full_site(settings, tmp_path):
    from security_helpers import publish_one

    publish_one(settings, tmp_path)
    load_vocabulary(settings, "unbis", [CORPUS / "thesaurus" / "unbis-domain13" /
                                        "unbis-domain13.ttl"])
    unvotes = CORPUS / "proceedings" / "unvotes"
    import_ga(settings, GAFiles(unvotes / "sample_session70_roll_calls.csv",
                                unvotes / "sample_session70_votes.csv"))
    from hemicycle.accounts import add_user

    add_user(settings.database_url, *BOSS, "admin")
    return settings


def _crawl(client: TestClient, limit: int = 120) -> dict[str, list[str]]:
    """Every same-site HTML page reachable from the home page: its violations."""
    seen: dict[str, list[str]] = {}
    queue = deque(["/?ui=en", "/signin", "/thesaurus/sparql", "/nothing-here", "/review",
                   "/usage", "/thesaurus/unbis/az?lang=en", "/thesaurus/unbis/search?q=wat",
                   "/proceedings/index", "/votes/records", "/speeches", "/search?q=council"])
    kinds: dict[str, int] = {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        reply = client.get(url, follow_redirects=True)
        if "text/html" not in reply.headers.get("content-type", ""):
            seen[url] = []
            continue
        parsed = _check(reply.text)
        seen[url] = parsed.found
        for href in parsed.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc not in ("", "testserver") or SKIP.search(parts.path):
                continue
            # a few pages of each kind (the path without its last part) are enough
            path = parts.path if parts.path.count("/") < 2 else parts.path.rsplit("/", 1)[0]
            kind = path + ("?" if parts.query else "")
            if kinds.get(kind, 0) >= 2:
                continue
            kinds[kind] = kinds.get(kind, 0) + 1
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return seen


def test_no_page_has_inline_script(full_site) -> None:
    anonymous = TestClient(create_app(full_site))
    staff = TestClient(create_app(full_site))
    sign_in(staff, *BOSS)
    for client in (anonymous, staff):
        pages = _crawl(client)
        assert len(pages) > 25, sorted(pages)
        bad = {url: found for url, found in pages.items() if found}
        assert bad == {}
    assert any(u.startswith("/documents/") for u in pages)
    for kind in ("/thesaurus/unbis/az", "/votes/records/", "/search?"):
        assert any(u.startswith(kind) for u in pages), (kind, sorted(pages))
