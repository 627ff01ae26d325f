"""Research guides: writing, review, publication, history, translations.

Each language version of a guide (a page) has a working copy. Saving it makes it a draft;
an editor sends it to review; publishing turns the reviewed copy into a new numbered
revision, which is what readers see. Every revision is kept, so the history and a diff
between any two versions are always there. A page with an error finding (unsafe HTML, a
broken live block, a symbol not in the library) cannot go to review nor be published.

Every change is logged (``audit.record_change``) in the caller's transaction.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hemicycle.catalogue.models import utcnow
from hemicycle.knowledge.audit import record_change
from hemicycle.knowledge.findings import Finding, KnowledgeError, errors
from hemicycle.knowledge.markup import Rendered, render_markdown
from hemicycle.knowledge.models import Guide, GuidePage, GuideRevision
from hemicycle.languages import CODES, UnknownLanguage, normalise_language
from hemicycle.messages import Message

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}$")
STATES = ("draft", "review", "published")
MAX_BODY = 200_000
MAX_TITLE = 300


class GuideError(KnowledgeError):
    """A request the guide's state does not allow."""


def no_version(slug: str, lang: str, published: bool = False) -> Message:
    """The refusal for a guide that has no (published) version in ``lang``."""
    if published:
        return Message("kn.no_published_version", "no published {lang} version of guide "
                       "{slug}", lang=lang, slug=repr(slug))
    return Message("kn.no_version", "no {lang} version of guide {slug}", lang=lang,
                   slug=repr(slug))


def check_slug(slug: str) -> str:
    slug = (slug or "").strip()
    if not SLUG.match(slug):
        raise GuideError("invalid-field", Message(
            "kn.bad_slug", "slug {slug}: use 1 to 48 lower-case letters, digits and hyphens, "
            "starting with a letter or digit", slug=repr(slug)))
    return slug


def check_language(lang: str) -> str:
    try:
        return normalise_language(lang or "")
    except UnknownLanguage:
        raise GuideError("invalid-field", Message(
            "language_field", "language: unknown language {value}: expected one of "
            "{allowed}", value=repr(lang or ""), allowed=", ".join(CODES))) from None


def guide_by_slug(db: Session, slug: str) -> Guide | None:
    return db.scalar(select(Guide).where(Guide.slug == slug)
                     .options(selectinload(Guide.pages)))


def page_of(db: Session, slug: str, lang: str) -> GuidePage | None:
    return db.scalar(select(GuidePage).join(Guide).where(Guide.slug == slug,
                                                         GuidePage.language == lang))


def _page_or_error(db: Session, slug: str, lang: str) -> GuidePage:
    page = page_of(db, slug, lang)
    if page is None:
        raise GuideError("not-found", no_version(slug, lang))
    return page


Checker = Callable[[Session, Rendered], list[Finding]]


def check_body(db: Session, body: str, checker: Checker | None = None) -> Rendered:
    """Render ``body`` and add the findings of ``checker`` (links and symbols)."""
    rendered = render_markdown(body)
    if checker is not None:
        rendered.findings.extend(checker(db, rendered))
    return rendered


def _check_fields(title: str, body: str) -> tuple[str, str]:
    title = " ".join((title or "").split())
    if not title or len(title) > MAX_TITLE:
        raise GuideError("invalid-field", Message(
            "kn.title_length", "title: expected 1 to {limit} characters", limit=MAX_TITLE))
    if len(body or "") > MAX_BODY:
        raise GuideError("invalid-field", Message(
            "kn.body_length", "body: at most {limit} characters", limit=f"{MAX_BODY:,}"))
    return title, normalise_body(body)


def normalise_body(body: str | None) -> str:
    """Line ends as LF, no trailing blank lines, one final newline (as files hold it)."""
    body = (body or "").replace("\r\n", "\n").rstrip()
    return body + "\n" if body else ""


def save_page(db: Session, slug: str, lang: str, *, title: str, summary: str, body: str,
              who: str, version: int | None = None, checker: Checker | None = None
              ) -> tuple[GuidePage, list[Finding]]:
    """Save the working copy of one language version (creating the guide when new: its
    first language is the original). Saving changed text makes the page a draft again.
    ``version`` (from the form) refuses a save over someone else's newer one."""
    slug, lang = check_slug(slug), check_language(lang)
    title, body = _check_fields(title, body)
    summary = " ".join((summary or "").split())[:1000]
    guide = guide_by_slug(db, slug)
    if guide is None:
        guide = Guide(slug=slug, original_language=lang, created_by=who)
        db.add(guide)
        db.flush()
        record_change(db, who, "guide", slug, "created", original=lang)
    page = next((p for p in guide.pages if p.language == lang), None)
    if page is None:
        page = GuidePage(guide=guide, language=lang, title=title, summary=summary, body=body,
                         state="draft", updated_by=who, version=1)
        db.add(page)
        action = "page-created"
    else:
        if version is not None and version != page.version:
            raise GuideError("stale", Message(
                "kn.guide_stale", "guide {slug} ({lang}) was saved by {user} meanwhile: "
                "reload it and make your change again", slug=slug, lang=lang,
                user=page.updated_by))
        if (page.title, page.summary, page.body) == (title, summary, body):
            return page, check_body(db, body, checker).findings
        page.title, page.summary, page.body = title, summary, body
        page.state = "draft"
        page.version += 1
        action = "saved"
    page.updated_by, page.updated_at = who, utcnow()
    db.flush()
    record_change(db, who, "guide", f"{slug}/{lang}", action, version=page.version)
    return page, check_body(db, body, checker).findings


def submit(db: Session, slug: str, lang: str, who: str,
           checker: Checker | None = None) -> GuidePage:
    """Send a draft to review (refused while it has error findings)."""
    page = _page_or_error(db, slug, lang)
    if page.state != "draft":
        raise GuideError("bad-state", Message(
            "kn.guide_not_draft", "guide {slug} ({lang}) is {state}, not a draft", slug=slug,
            lang=lang, state=page.state))
    _refuse_errors(db, page, checker)
    page.state = "review"
    page.updated_by, page.updated_at = who, utcnow()
    record_change(db, who, "guide", f"{slug}/{lang}", "submitted", version=page.version)
    return page


def return_to_draft(db: Session, slug: str, lang: str, who: str, reason: str = "") -> GuidePage:
    page = _page_or_error(db, slug, lang)
    if page.state != "review":
        raise GuideError("bad-state", Message(
            "kn.guide_not_in_review", "guide {slug} ({lang}) is {state}, not in review",
            slug=slug, lang=lang, state=page.state))
    page.state = "draft"
    page.updated_by, page.updated_at = who, utcnow()
    record_change(db, who, "guide", f"{slug}/{lang}", "returned", reason=reason[:500] or None)
    return page


def _refuse_errors(db: Session, page: GuidePage, checker: Checker | None) -> Rendered:
    rendered = check_body(db, page.body, checker)
    bad = errors(rendered.findings)
    if bad:
        raise GuideError("has-errors", Message(
            "kn.guide_has_errors", "guide {slug} ({lang}) has {count} problem(s) to fix "
            "first: {first}", slug=page.guide.slug, lang=page.language, count=len(bad),
            first=str(bad[0])), bad)
    return rendered


def publish(db: Session, slug: str, lang: str, who: str, *, note: str = "",
            checker: Checker | None = None, from_draft: bool = False) -> GuideRevision:
    """Publish the reviewed working copy as the next revision. ``from_draft`` (imports of
    files that a library reviewed in its own way) publishes a draft directly."""
    page = _page_or_error(db, slug, lang)
    allowed = ("review", "draft") if from_draft else ("review",)
    if page.state not in allowed:
        raise GuideError("bad-state", Message(
            "kn.guide_publish_state", "guide {slug} ({lang}) is {state}; only a page in "
            "review can be published", slug=slug, lang=lang, state=page.state))
    rendered = _refuse_errors(db, page, checker)
    number = (db.scalar(select(func.max(GuideRevision.number))
                        .where(GuideRevision.page_id == page.id)) or 0) + 1
    submitted = None
    if page.state == "review":
        submitted = page.updated_by
    revision = GuideRevision(page=page, number=number, title=page.title, summary=page.summary,
                             body=page.body, rendered=rendered.segments, text=rendered.text,
                             note=" ".join(note.split())[:500], submitted_by=submitted,
                             published_by=who)
    db.add(revision)
    page.state = "published"
    page.published_number = number
    page.updated_by, page.updated_at = who, utcnow()
    db.flush()
    record_change(db, who, "guide", f"{slug}/{lang}", "published", revision=number)
    return revision


def delete_page(db: Session, slug: str, lang: str, who: str) -> None:
    """Delete one language version with its history. The original cannot go while
    translations of it exist: make another language the original first."""
    page = _page_or_error(db, slug, lang)
    guide = page.guide
    others = [p.language for p in guide.pages if p.language != lang]
    if guide.original_language == lang and others:
        raise GuideError("original-has-translations", Message(
            "kn.original_has_translations", "guide {slug}: {lang} is the original of the "
            "{others} version(s); make one of them the original first, or delete them",
            slug=slug, lang=lang, others=", ".join(others)))
    revisions = len(page.revisions)
    guide.pages.remove(page)  # delete-orphan: the page and its revisions go
    db.flush()
    record_change(db, who, "guide", f"{slug}/{lang}", "deleted", revisions=revisions)
    if not others:
        db.delete(guide)
        record_change(db, who, "guide", slug, "guide-deleted")


def set_original(db: Session, slug: str, lang: str, who: str) -> None:
    page = _page_or_error(db, slug, lang)
    previous = page.guide.original_language
    page.guide.original_language = lang
    record_change(db, who, "guide", slug, "original-changed", before=previous, after=lang)


# ---- reading ---------------------------------------------------------------------------

@dataclass
class PageSummary:
    slug: str
    language: str
    title: str
    summary: str
    state: str
    published: int | None
    original: bool
    updated_at: str
    updated_by: str


def list_pages(db: Session, *, published_only: bool = True) -> list[PageSummary]:
    """Every page (readers: only published ones, with their published title)."""
    rows = db.execute(select(Guide.slug, Guide.original_language, GuidePage)
                      .join(GuidePage, GuidePage.guide_id == Guide.id)
                      .order_by(Guide.slug, GuidePage.language)).all()
    out = []
    live = _live_titles(db) if published_only else {}
    for slug, original, page in rows:
        if published_only and page.published_number is None:
            continue
        title, summary = live.get(page.id, (page.title, page.summary))
        out.append(PageSummary(slug, page.language, title, summary, page.state,
                               page.published_number, original == page.language,
                               page.updated_at.isoformat(sep=" ", timespec="minutes"),
                               page.updated_by))
    return out


def _live_titles(db: Session) -> dict[int, tuple[str, str]]:
    return {pid: (title, summary) for pid, title, summary in db.execute(
        select(GuideRevision.page_id, GuideRevision.title, GuideRevision.summary)
        .join(GuidePage, GuidePage.id == GuideRevision.page_id)
        .where(GuideRevision.number == GuidePage.published_number))}


def published_revision(db: Session, slug: str, lang: str,
                       number: int | None = None) -> GuideRevision | None:
    """The revision readers see (or revision ``number`` of the page's history)."""
    page = page_of(db, slug, lang)
    if page is None or page.published_number is None:
        return None
    wanted = number or page.published_number
    return db.scalar(select(GuideRevision).where(GuideRevision.page_id == page.id,
                                                 GuideRevision.number == wanted))


def translations(db: Session, slug: str) -> dict[str, dict]:
    """Language -> {title, published, original} for every version of a guide."""
    guide = guide_by_slug(db, slug)
    if guide is None:
        return {}
    live = _live_titles(db)
    order = {c: i for i, c in enumerate(CODES)}
    return {p.language: {"title": live.get(p.id, (p.title,))[0],
                         "published": p.published_number is not None,
                         "original": p.language == guide.original_language, "state": p.state}
            for p in sorted(guide.pages, key=lambda p: order.get(p.language, 9))}


def history(db: Session, slug: str, lang: str) -> list[dict]:
    page = page_of(db, slug, lang)
    if page is None:
        return []
    return [{"number": r.number, "title": r.title, "note": r.note,
             "published_by": r.published_by, "submitted_by": r.submitted_by,
             "published_at": r.published_at.isoformat(sep=" ", timespec="minutes")}
            for r in reversed(page.revisions)]


def diff(db: Session, slug: str, lang: str, old: int, new: int | None) -> list[tuple[str, str]]:
    """Lines of a unified diff from revision ``old`` to ``new`` (None: the working copy),
    each as (kind, text) with kind one of ``add``, ``del``, ``hunk``, ``same``."""
    page = _page_or_error(db, slug, lang)
    by_number = {r.number: r for r in page.revisions}
    if old not in by_number or (new is not None and new not in by_number):
        missing = old if old not in by_number else new
        raise GuideError("not-found", Message(
            "kn.no_revision", "guide {slug} ({lang}) has no revision {number}", slug=slug,
            lang=lang, number=missing))
    before = by_number[old]
    after = by_number[new] if new is not None else page

    def lines(item) -> list[str]:
        return [f"# {item.title}", "", *([item.summary, ""] if item.summary else []),
                *item.body.splitlines()]

    out = []
    for line in list(difflib.unified_diff(lines(before), lines(after), lineterm="", n=3))[2:]:
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        out.append((kind, line[1:] if kind != "hunk" else line))
    return out
