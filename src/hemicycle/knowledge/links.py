"""The link checker: symbols, concepts, votes and URLs in guides and answers that do not
(or no longer) resolve.

Internal links (``/documents/...``, ``/symbol/...``, ``/guides/...``, or this site's own
base URL) are checked against the catalogue where they name a record, and against the
application's routes otherwise (the caller passes the routes: the core does not import
the web layer). External URLs are fetched only when asked (``external=True``), with a
timeout; otherwise each is reported as "not checked".
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hemicycle.catalogue.models import Document
from hemicycle.catalogue.queries import find_document
from hemicycle.config import Settings
from hemicycle.knowledge.findings import Finding
from hemicycle.knowledge.markup import Rendered, url_scheme
from hemicycle.symbols import SymbolError, parse_symbol

EXTERNAL_TIMEOUT_S = 5.0


PathExists = Callable[[str], bool]


def route_matcher(routes: Iterable) -> PathExists:
    """Whether a GET of a path would reach one of ``routes`` (an ASGI application's own
    route list, asked through its ``matches``: the core needs no web framework for it)."""
    routes = list(routes)

    def exists(path: str) -> bool:
        scope = {"type": "http", "path": path, "method": "GET", "root_path": "",
                 "query_string": b"", "headers": []}
        return any(route.matches(scope)[0].name != "NONE" for route in routes)

    return exists


@dataclass
class LinkChecker:
    """Checks what a rendered text points at. Call it as ``checker(db, rendered)``."""

    settings: Settings
    routes: PathExists | None = None
    external: bool = False
    timeout: float = EXTERNAL_TIMEOUT_S
    # guides about to be published with the text checked (an import of several at once):
    # "slug" and "slug/lang" names that links may point at
    coming: set[str] = field(default_factory=set)
    _seen_external: dict[str, str | None] = field(default_factory=dict)

    def __call__(self, db: Session, rendered: Rendered) -> list[Finding]:
        findings: list[Finding] = []
        for block in rendered.blocks:
            findings.extend(self.block(db, block))
        for url, line in rendered.links:
            problem = self.link(db, url)
            if problem is not None:
                findings.append(Finding(problem[0], problem[1], f"line {line}"))
        return findings

    # -- live blocks --

    def block(self, db: Session, block: dict) -> list[Finding]:
        where = f"line {block['line']}"
        kind = block["kind"]
        if kind == "documents":
            return [Finding(*problem, where) for s in block["symbols"]
                    if (problem := symbol_problem(db, s)) is not None]
        if kind == "votes":
            from hemicycle.proceedings.queries import voting_record_for_symbol

            if voting_record_for_symbol(db, block["resolution"]) is None:
                return [Finding("unknown-vote", f"no voting record for {block['resolution']}",
                                where)]
        if kind == "concept":
            from hemicycle.thesaurus import resolve_subject

            if resolve_subject(db, block["concept"], block["vocab"]) is None:
                return [Finding("unknown-concept", f"{block['concept']!r} is not a concept of "
                                f"the {block['vocab']} thesaurus", where)]
        if kind == "agenda":
            from hemicycle.knowledge.blocks import fill_block

            data = fill_block(self.settings, db, block, "en")
            if not data["documents"] and not data["speeches"]:
                return [Finding("unknown-agenda", "no documents nor statements under this "
                                "agenda item", where)]
        return []

    # -- links --

    def link(self, db: Session, url: str) -> tuple[str, str] | None:
        scheme = url_scheme(url)
        if scheme == "mailto" or url.startswith("#"):
            return None
        if scheme in ("http", "https"):
            base = urlsplit(self.settings.base_url)
            parts = urlsplit(url)
            if parts.netloc != base.netloc:
                return self.external_link(url)
            url = parts.path or "/"
        elif scheme is not None:
            return None  # unsafe schemes are the sanitiser's findings
        path = unquote(urlsplit(url).path)
        if not path.startswith("/"):
            return None  # relative to the page: guides do not use them
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["guides"] and "/".join(parts[1:3]) in self.coming:
            return None
        return internal_problem(db, path, self.routes)

    def external_link(self, url: str) -> tuple[str, str] | None:
        if not self.external:
            return ("external-unchecked", f"{url} (not checked)")
        if url not in self._seen_external:
            self._seen_external[url] = fetch_problem(url, self.timeout)
        problem = self._seen_external[url]
        return ("external-link", f"{url}: {problem}") if problem else None


def symbol_problem(db: Session, text: str) -> tuple[str, str] | None:
    """Why ``text`` does not lead to a published document, or None when it does."""
    doc = find_document(db, text)
    if doc is not None and doc.status == "published":
        return None
    try:
        parse_symbol(text)
    except SymbolError as exc:
        if doc is None:
            return ("bad-symbol", f"{text!r} is neither a symbol nor a catalogued identifier "
                                  f"({exc})")
    return ("unknown-symbol", f"{text} is not in the library")


def _published_uid(db: Session, uid: str) -> bool:
    return db.scalar(select(Document.id).where(Document.uid == uid,
                                               Document.status == "published")) is not None


def internal_problem(db: Session, path: str,
                     routes: PathExists | None) -> tuple[str, str] | None:
    """Why an internal path leads nowhere, or None. Records are looked up; other paths
    must match one of ``routes`` (not checked when no routes are given)."""
    from hemicycle.knowledge import faq, guides
    from hemicycle.proceedings.models import MemberState, VotingRecord

    parts = [p for p in path.split("/") if p]
    head = parts[0] if parts else ""
    missing = ("broken-link", f"{path}: nothing there")
    if head == "symbol" and len(parts) > 1:
        problem = symbol_problem(db, "/".join(parts[1:]))
        return problem and ("broken-link", f"{path}: {problem[1]}")
    if head == "documents" and len(parts) == 2:
        return None if _published_uid(db, parts[1]) else missing
    if head == "guides" and len(parts) in (2, 3):
        guide = guides.guide_by_slug(db, parts[1])
        ok = guide is not None and any(
            p.published_number is not None and (len(parts) == 2 or p.language == parts[2])
            for p in guide.pages)
        return None if ok else missing
    if head == "faq" and len(parts) == 2:
        return None if faq.entry_by_slug(db, parts[1]) is not None else missing
    if (head == "states" and len(parts) == 2) or (parts[:2] == ["votes", "states"]
                                                  and len(parts) == 3):
        iso3 = parts[-1].upper()
        found = db.scalar(select(MemberState.id).where(MemberState.iso3 == iso3))
        return None if found is not None else missing
    if path.startswith("/votes/records/") and len(parts) == 3:
        ok = parts[2].isdigit() and db.get(VotingRecord, int(parts[2])) is not None
        return None if ok else missing
    if routes is None or routes(path):
        return None
    return missing


def fetch_problem(url: str, timeout: float) -> str | None:
    """What went wrong fetching ``url`` (HEAD, then GET if HEAD is refused), or None."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method,
                                         headers={"User-Agent": "Hemicycle link checker"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                if response.status < 400:
                    return None
                problem = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            problem = f"HTTP {exc.code}"
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue
        except (urllib.error.URLError, OSError, ValueError) as exc:
            return f"did not answer ({getattr(exc, 'reason', exc)})"
        return problem
    return problem


@dataclass
class CheckedText:
    kind: str  # guide | faq
    name: str  # slug/lang, and "(published N)" or "(working copy)"
    findings: list[Finding]


def check_everything(settings: Settings, checker: LinkChecker,
                     advance=None) -> list[CheckedText]:
    """Every guide page (its published revision, and its working copy when it differs) and
    every FAQ answer; also translations whose original language version is gone."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.knowledge import faq, guides
    from hemicycle.knowledge.markup import render_markdown
    from hemicycle.knowledge.models import Guide, GuidePage

    out: list[CheckedText] = []
    with session_scope(settings.database_url) as db:
        pages = db.execute(select(Guide.slug, Guide.original_language, GuidePage)
                           .join(GuidePage, GuidePage.guide_id == Guide.id)
                           .order_by(Guide.slug, GuidePage.language)).all()
        languages: dict[str, set[str]] = {}
        for slug, _original, page in pages:
            languages.setdefault(slug, set()).add(page.language)
        for slug, original, page in pages:
            name = f"{slug}/{page.language}"
            published = guides.published_revision(db, slug, page.language)
            texts = []
            if published is not None:
                texts.append((f"{name} (published {published.number})", published.body))
            if published is None or published.body != page.body:
                texts.append((f"{name} (working copy)", page.body))
            for label, body in texts:
                rendered = render_markdown(body)
                found = [f for f in rendered.findings] + checker(db, rendered)
                if original not in languages[slug]:
                    found.append(Finding("original-missing", f"the original ({original}) of "
                                         f"{slug} is gone"))
                out.append(CheckedText("guide", label, found))
            if advance:
                advance(1)
        for entry in faq.all_entries(db):
            for text in entry.texts:
                out.append(CheckedText("faq", f"{entry.slug}/{text.language} ({text.state})",
                                       faq.check_answer(db, text.answer, checker)))
            if advance:
                advance(1)
    return out


def count_items(settings: Settings) -> int:
    from hemicycle.catalogue.db import session_scope
    from hemicycle.knowledge.models import FaqEntry, GuidePage

    with session_scope(settings.database_url) as db:
        return (db.scalar(select(func.count(GuidePage.id))) or 0) + \
            (db.scalar(select(func.count(FaqEntry.id))) or 0)
