"""Research guides: reading them (live blocks filled from the catalogue), their history
and diffs, and the editors' pages. The rules are in ``hemicycle.knowledge.guides``.

| URL | who | does |
|---|---|---|
| GET /guides | everyone | published guides, in the interface language first |
| GET /guides/{slug} | everyone | to the version in the interface language (or the original) |
| GET /guides/{slug}/{lang} | everyone | the guide (``?revision=N``: an earlier one) |
| GET /guides/{slug}/{lang}/history | everyone | its published versions |
| GET /guides/{slug}/{lang}/diff?from=N&to=M | everyone | what changed (no ``to``: the latest) |
| GET /knowledge/guides | editors | every page and where it stands |
| GET, POST /knowledge/guides/new | editors | start a guide or a translation |
| GET, POST /knowledge/guides/{slug}/{lang}/edit | editors | write, review, publish, delete |
| GET /api/guides, /api/guides/{slug}/{lang} | everyone | the same as JSON |
"""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from hemicycle.knowledge import guides
from hemicycle.knowledge.blocks import fill_block
from hemicycle.knowledge.findings import KnowledgeError, errors
from hemicycle.knowledge.links import LinkChecker, route_matcher
from hemicycle.languages import BY_CODE
from hemicycle.messages import Message, message_of
from hemicycle.proceedings.charts import tally_bar
from hemicycle.web.auth import check_csrf, require_role, signin_first
from hemicycle.web.i18n import translate
from hemicycle.web.routes.knowledge import (
    EDITOR,
    db_for,
    http_error,
    may,
    no_language,
    record_view,
    unknown_action,
)
from hemicycle.web.templating import render

router = APIRouter()


def checker(request: Request) -> LinkChecker:
    """Links are checked against this application's own routes and the catalogue."""
    return LinkChecker(request.app.state.settings, route_matcher(request.app.routes))


def _lang_or_404(lang: str) -> str:
    if lang not in BY_CODE:
        raise HTTPException(404, no_language(lang))
    return lang


def fill_segments(request: Request, db, segments: list[dict], lang: str) -> list[dict]:
    """Each live block filled now; votes get their chart in the page's language."""
    settings = request.app.state.settings
    out = []
    for segment in segments:
        if "block" not in segment:
            out.append(segment)
            continue
        data = fill_block(settings, db, segment["block"], lang)
        if data["kind"] == "votes" and not data.get("missing") and \
                data.get("outcome") == "recorded":
            labels = {k: translate(f"votes.vote.{k}", lang)
                      for k in ("yes", "no", "abstain", "non_voting", "absent")}
            data["chart"] = tally_bar(data["tallies"], labels,
                                      data.get("resolution") or data.get("source_ref") or "",
                                      rtl=BY_CODE[lang].direction == "rtl")
        out.append({"block": data})
    return out


# ---- readers ---------------------------------------------------------------------------

@router.get("/guides", include_in_schema=False)
def guides_page(request: Request):
    ui = request.state.lang
    with db_for(request) as db:
        pages = guides.list_pages(db)
    by_slug: dict[str, list] = {}
    for p in pages:
        by_slug.setdefault(p.slug, []).append(p)
    rows = []
    for slug, versions in by_slug.items():
        shown = next((p for p in versions if p.language == ui), None) or \
            next((p for p in versions if p.original), versions[0])
        rows.append({"slug": slug, "shown": shown, "languages": [p.language for p in versions]})
    rows.sort(key=lambda r: (r["shown"].language != ui, r["shown"].title.casefold()))
    return render(request, "knowledge/guides.html", {"rows": rows})


@router.get("/guides/{slug}", include_in_schema=False)
def guide_any_language(request: Request, slug: str):
    with db_for(request) as db:
        versions = guides.translations(db, slug)
    published = [lang for lang, v in versions.items() if v["published"]]
    if not published:
        raise HTTPException(404, Message("kn.no_guide", "no guide {slug}", slug=repr(slug)))
    ui = request.state.lang
    original = next((lang for lang in published if versions[lang]["original"]), published[0])
    target = ui if ui in published else original
    return RedirectResponse(f"/guides/{slug}/{target}", status_code=303)


@router.get("/guides/{slug}/{lang}", include_in_schema=False)
def guide_page(request: Request, slug: str, lang: str, revision: int | None = None):
    lang = _lang_or_404(lang)
    with db_for(request) as db:
        shown = guides.published_revision(db, slug, lang, revision)
        if shown is None:
            raise HTTPException(404, Message(
                "kn.no_published_revision", "no published {lang} version of guide {slug} "
                "with revision {number}", lang=lang, slug=repr(slug), number=revision)
                if revision else guides.no_version(slug, lang, published=True))
        page = guides.page_of(db, slug, lang)
        segments = fill_segments(request, db, shown.rendered, lang)
        versions = guides.translations(db, slug)
        context = {"slug": slug, "glang": lang, "revision": shown, "segments": segments,
                   "versions": versions, "latest": page.published_number,
                   "original": page.guide.original_language,
                   "can_edit": may(request, EDITOR)}
    if revision is None:
        record_view(request, "guide", lang, slug)
    return render(request, "knowledge/guide.html", context)


@router.get("/guides/{slug}/{lang}/history", include_in_schema=False)
def history_page(request: Request, slug: str, lang: str):
    lang = _lang_or_404(lang)
    with db_for(request) as db:
        page = guides.page_of(db, slug, lang)
        if page is None or (page.published_number is None and not may(request, EDITOR)):
            raise HTTPException(404, guides.no_version(slug, lang))
        rows = guides.history(db, slug, lang)
        title = page.title
    return render(request, "knowledge/guide_history.html",
                  {"slug": slug, "glang": lang, "rows": rows, "title": title})


@router.get("/guides/{slug}/{lang}/diff", include_in_schema=False)
def diff_page(request: Request, slug: str, lang: str, to: int | None = None):
    lang = _lang_or_404(lang)
    old_text = request.query_params.get("from", "")
    if not old_text.isdigit():
        raise HTTPException(400, Message("kn.diff_from",
                                         "from: give the number of a revision"))
    if to is None and not may(request, EDITOR):
        with db_for(request) as db:
            page = guides.page_of(db, slug, lang)
            to = page.published_number if page else None
        if to is None:
            raise HTTPException(404, guides.no_version(slug, lang))
    with db_for(request) as db:
        try:
            lines = guides.diff(db, slug, lang, int(old_text), to)
        except KnowledgeError as exc:
            raise http_error(exc) from None
    return render(request, "knowledge/guide_diff.html",
                  {"slug": slug, "glang": lang, "lines": lines, "old": int(old_text),
                   "new": to})


@router.get("/api/guides", tags=["knowledge"])
def api_guides(request: Request):
    """Every published guide page (slug, language, title, summary, revision)."""
    with db_for(request) as db:
        return {"guides": [{"slug": p.slug, "language": p.language, "title": p.title,
                            "summary": p.summary, "revision": p.published,
                            "original": p.original, "url": f"/guides/{p.slug}/{p.language}"}
                           for p in guides.list_pages(db)]}


@router.get("/api/guides/{slug}/{lang}", tags=["knowledge"])
def api_guide(request: Request, slug: str, lang: str):
    """A published guide: its Markdown, its revision and its live blocks' settings."""
    with db_for(request) as db:
        shown = guides.published_revision(db, slug, lang)
        if shown is None:
            raise HTTPException(404, guides.no_version(slug, lang, published=True))
        return {"slug": slug, "language": lang, "title": shown.title, "summary": shown.summary,
                "revision": shown.number, "markdown": shown.body,
                "published_at": shown.published_at.isoformat(),
                "blocks": [s["block"] for s in shown.rendered if "block" in s],
                "translations": guides.translations(db, slug)}


# ---- editors ---------------------------------------------------------------------------

@router.get("/knowledge/guides", include_in_schema=False)
def admin_list(request: Request):
    if (redirect := signin_first(request, EDITOR)) is not None:
        return redirect
    with db_for(request) as db:
        pages = guides.list_pages(db, published_only=False)
    return render(request, "knowledge/guides_admin.html", {"pages": pages})


@router.get("/knowledge/guides/new", include_in_schema=False)
def new_form(request: Request, slug: str = "", lang: str = ""):
    if (redirect := signin_first(request, EDITOR)) is not None:
        return redirect
    return render(request, "knowledge/guide_edit.html", _edit_context(
        slug=slug, glang=lang or request.state.lang, new=True))


def _edit_context(**values) -> dict:
    base = {"slug": "", "glang": "en", "title": "", "summary": "", "body": "", "state": None,
            "version": None, "findings": [], "error": None, "new": False, "segments": [],
            "versions": {}, "history": [], "published": None, "notice": None}
    return base | values


@router.post("/knowledge/guides/new", include_in_schema=False)
def new_submit(request: Request, slug: str = Form(""), lang: str = Form(""),
               title: str = Form(""), summary: str = Form(""), body: str = Form(""),
               csrf: str = Form("")):
    user = require_role(request, EDITOR)
    check_csrf(request, csrf)
    try:
        with db_for(request) as db:
            if guides.page_of(db, slug.strip(), lang) is not None:
                raise guides.GuideError("exists", Message(
                    "kn.guide_exists", "guide {slug} already has a {lang} version", slug=slug,
                    lang=lang))
            guides.save_page(db, slug, lang, title=title, summary=summary, body=body,
                             who=user.name)
    except KnowledgeError as exc:
        return render(request, "knowledge/guide_edit.html", _edit_context(
            slug=slug, glang=lang, title=title, summary=summary, body=body, new=True,
            error=message_of(exc)), status_code=400 if exc.code != "exists" else 409)
    return RedirectResponse(f"/knowledge/guides/{slug.strip()}/{lang}/edit?notice=saved",
                            status_code=303)


@router.get("/knowledge/guides/{slug}/{lang}/edit", include_in_schema=False)
def edit_form(request: Request, slug: str, lang: str, notice: str | None = None):
    if (redirect := signin_first(request, EDITOR)) is not None:
        return redirect
    lang = _lang_or_404(lang)
    return render(request, "knowledge/guide_edit.html",
                  _page_context(request, slug, lang, notice=notice))


def _page_context(request: Request, slug: str, lang: str, **extra) -> dict:
    with db_for(request) as db:
        page = guides.page_of(db, slug, lang)
        if page is None:
            raise HTTPException(404, guides.no_version(slug, lang))
        rendered = guides.check_body(db, page.body, checker(request))
        return _edit_context(
            slug=slug, glang=lang, title=page.title, summary=page.summary, body=page.body,
            state=page.state, version=page.version, findings=rendered.findings,
            segments=fill_segments(request, db, rendered.segments, lang),
            versions=guides.translations(db, slug), history=guides.history(db, slug, lang),
            published=page.published_number, original=page.guide.original_language) | extra


@router.post("/knowledge/guides/{slug}/{lang}/edit", include_in_schema=False)
def edit_submit(request: Request, slug: str, lang: str, action: str = Form(...),
                title: str = Form(""), summary: str = Form(""), body: str = Form(""),
                version: str = Form(""), note: str = Form(""), csrf: str = Form("")):
    user = require_role(request, EDITOR)
    check_csrf(request, csrf)
    lang = _lang_or_404(lang)
    check = checker(request)
    notice = action
    try:
        with db_for(request) as db:
            if guides.page_of(db, slug, lang) is None:  # new guides: /knowledge/guides/new
                raise HTTPException(404, guides.no_version(slug, lang))
            if action in ("save", "submit"):
                _page, findings = guides.save_page(
                    db, slug, lang, title=title, summary=summary, body=body, who=user.name,
                    version=int(version) if version.isdigit() else None, checker=check)
                if action == "submit" and errors(findings):
                    notice = "not-submitted"  # saved; the findings say what to fix
                elif action == "submit":
                    guides.submit(db, slug, lang, user.name, checker=check)
            elif action == "publish":
                guides.publish(db, slug, lang, user.name, note=note, checker=check)
            elif action == "return":
                guides.return_to_draft(db, slug, lang, user.name, reason=note)
            elif action == "original":
                guides.set_original(db, slug, lang, user.name)
            elif action == "delete":
                guides.delete_page(db, slug, lang, user.name)
            else:
                raise HTTPException(400, unknown_action(action))
    except KnowledgeError as exc:
        values = {"title": title, "summary": summary, "body": body} if action in (
            "save", "submit") else {}
        context = _page_context(request, slug, lang, error=message_of(exc)) if exc.code != \
            "not-found" else None
        if context is None:
            raise http_error(exc) from None
        context.update(values)
        return render(request, "knowledge/guide_edit.html", context,
                      status_code=409 if exc.code in ("stale", "bad-state", "has-errors",
                                                      "original-has-translations") else 400)
    if action == "delete":
        return RedirectResponse("/knowledge/guides?notice=deleted", status_code=303)
    return RedirectResponse(f"/knowledge/guides/{slug}/{lang}/edit?notice={notice}",
                            status_code=303)
