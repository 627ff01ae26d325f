"""The FAQ: questions asked in the reader's own words, answers, "was this helpful?", and
the editors' pages. The rules are in ``hemicycle.knowledge.faq`` and ``.retrieval``.

| URL | who | does |
|---|---|---|
| GET /faq | everyone | topics and questions; ``?q=`` finds answers (shown in full) |
| GET /faq/{slug} | everyone | one answer, in the interface language |
| POST /faq/{slug}/helpful | everyone | a yes/no vote (kept: the day and the vote only) |
| GET /api/faq/search?q=&lang= | everyone | the matching answers as JSON |
| GET /knowledge/faq | editors | every entry and language |
| GET, POST /knowledge/faq/{slug}/{lang}/edit | editors | write, publish, delete |
"""

from __future__ import annotations

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from hemicycle.knowledge import faq, retrieval
from hemicycle.knowledge.findings import KnowledgeError
from hemicycle.knowledge.formguard import FormRefused
from hemicycle.languages import BY_CODE, CODES
from hemicycle.messages import Message, message_of
from hemicycle.web.auth import check_csrf, require_role, signin_first
from hemicycle.web.routes.guides import checker
from hemicycle.web.routes.knowledge import (
    EDITOR,
    client_address,
    db_for,
    http_error,
    limiter,
    no_language,
    record_view,
    status_of,
)
from hemicycle.web.templating import render

router = APIRouter()
MAX_QUERY = 300
SHOWN = 5
# votes are anonymous: a per-address limit (in memory, salted) keeps a script from
# voting an answer down a thousand times
VOTES_PER_HOUR = 30


def _lang(request: Request, lang: str | None) -> str:
    if lang in BY_CODE:
        return lang
    return request.state.lang


def _topics(db, lang: str) -> list[dict]:
    return [{"slug": t.slug, "label": faq.topic_label(t, lang)} for t in faq.topics(db)]


def _matches(db, q: str, lang: str) -> list[dict]:
    found = retrieval.search_faq(db, q, lang, limit=SHOWN)
    faq.record_search(db, q, lang, retrieval.answered(found))
    # only answers that match the question well enough: a stray shared word is no answer
    return [{"slug": m.passage.slug, "question": m.passage.title, "html": m.passage.html,
             "coverage": m.coverage, "url": m.url} for m in found
            if m.coverage >= retrieval.ANSWERED_COVERAGE]


@router.get("/faq", include_in_schema=False)
def faq_page(request: Request, q: str = Query("", max_length=MAX_QUERY),
             topic: str | None = None, lang: str | None = None):
    lang = _lang(request, lang)
    with db_for(request) as db:
        topics = _topics(db, lang)
        matches = _matches(db, q, lang) if q.strip() else None
        rows = faq.questions(db, lang, topic=topic) if matches is None else []
    return render(request, "knowledge/faq.html", {
        "q": q, "flang": lang, "topics": topics, "topic": topic, "matches": matches,
        "rows": rows})


@router.get("/faq/{slug}", include_in_schema=False)
def answer_page(request: Request, slug: str, thanks: str | None = None):
    lang = request.state.lang
    with db_for(request) as db:
        shown = faq.answer(db, slug, lang)
        if shown is None:
            entry = faq.entry_by_slug(db, slug)
            others = [t.language for t in entry.texts if t.state == "published"] \
                if entry else []
            if not others:
                raise HTTPException(404, Message("kn.no_answer", "no answer {slug}",
                                                 slug=repr(slug)))
            # not in the reader's language: say so and offer the languages it exists in
            return render(request, "knowledge/faq_missing.html",
                          {"slug": slug, "languages": [c for c in CODES if c in others]},
                          status_code=404)
        topics = {t["slug"]: t["label"] for t in _topics(db, lang)}
    record_view(request, "faq", lang, slug)
    return render(request, "knowledge/faq_answer.html",
                  {"a": shown, "topics": topics, "thanks": thanks})


@router.post("/faq/{slug}/helpful", include_in_schema=False)
def helpful(request: Request, slug: str, vote: str = Form(...), lang: str = Form("")):
    if vote not in ("yes", "no"):
        raise HTTPException(400, Message("kn.bad_vote", "vote: expected yes or no"))
    lang = _lang(request, lang)
    try:
        limiter(request, "votes", limit=VOTES_PER_HOUR, window=3600).check(
            client_address(request))
        with db_for(request) as db:
            faq.record_feedback(db, slug, lang, vote == "yes")
    except FormRefused as exc:
        raise HTTPException(status_of(exc), message_of(exc)) from None
    except KnowledgeError as exc:
        raise http_error(exc) from None
    return RedirectResponse(f"/faq/{slug}?ui={lang}&thanks=1#helpful", status_code=303)


@router.get("/api/faq/search", tags=["knowledge"])
def api_search(request: Request, q: str = Query(..., min_length=1, max_length=MAX_QUERY),
               lang: str | None = None):
    """Answers to a question in the reader's own words (stems and thesaurus synonyms of
    ``lang``, default the interface language); ``coverage`` is the share of the question
    an answer matches."""
    if lang and lang not in BY_CODE:
        raise HTTPException(400, Message("kn.lang_expected", "lang: expected one of {allowed}",
                                         allowed=", ".join(CODES)))
    lang = _lang(request, lang)
    with db_for(request) as db:
        return {"query": q, "lang": lang, "answers": _matches(db, q, lang)}


# ---- editors ---------------------------------------------------------------------------

@router.get("/knowledge/faq", include_in_schema=False)
def admin_list(request: Request):
    if (redirect := signin_first(request, EDITOR)) is not None:
        return redirect
    with db_for(request) as db:
        entries = [{"slug": e.slug, "topics": e.topics,
                    "texts": {t.language: {"question": t.question, "state": t.state}
                              for t in e.texts}} for e in faq.all_entries(db)]
        topics = _topics(db, request.state.lang)
    return render(request, "knowledge/faq_admin.html", {"entries": entries, "topics": topics})


def _edit_context(request: Request, slug: str, lang: str, **values) -> dict:
    with db_for(request) as db:
        entry = faq.entry_by_slug(db, slug)
        text = next((t for t in entry.texts if t.language == lang), None) if entry else None
        base = {"slug": slug, "flang": lang, "new": text is None,
                "question": text.question if text else "",
                "answer": text.answer if text else "", "state": text.state if text else None,
                "version": text.version if text else None,
                "entry_topics": entry.topics if entry else [],
                "related": ", ".join(entry.related) if entry else "",
                "languages": [t.language for t in entry.texts] if entry else [],
                "topics": _topics(db, request.state.lang), "findings": [], "error": None,
                "html": text.html if text else ""}
        if text is not None:
            base["findings"] = faq.check_answer(db, text.answer, checker(request))
    return base | values


@router.get("/knowledge/faq/new", include_in_schema=False)
def new_form(request: Request):
    if (redirect := signin_first(request, EDITOR)) is not None:
        return redirect
    return render(request, "knowledge/faq_edit.html",
                  _edit_context(request, "", request.state.lang, new=True))


@router.get("/knowledge/faq/{slug}/{lang}/edit", include_in_schema=False)
def edit_form(request: Request, slug: str, lang: str, notice: str | None = None):
    if (redirect := signin_first(request, EDITOR)) is not None:
        return redirect
    if lang not in BY_CODE:
        raise HTTPException(404, no_language(lang))
    return render(request, "knowledge/faq_edit.html",
                  _edit_context(request, slug, lang, notice=notice))


@router.post("/knowledge/faq/edit", include_in_schema=False)
def edit_submit(request: Request, slug: str = Form(""), lang: str = Form(""),
                action: str = Form("save"), question: str = Form(""), answer: str = Form(""),
                topics: list[str] = Form([]), related: str = Form(""),
                version: str = Form(""), csrf: str = Form("")):
    user = require_role(request, EDITOR)
    check_csrf(request, csrf)
    slug = slug.strip()
    try:
        with db_for(request) as db:
            if action == "delete":
                faq.delete_entry(db, slug, user.name)
                return RedirectResponse("/knowledge/faq", status_code=303)
            related_slugs = [r.strip() for r in related.replace(",", " ").split() if r.strip()]
            for other in related_slugs:
                if other != slug and faq.entry_by_slug(db, other) is None:
                    raise faq.FaqError("invalid-field", Message(
                        "kn.no_related", "related: no entry {slug}", slug=repr(other)))
            faq.save_text(db, slug, lang, question=question, answer=answer, who=user.name,
                          publish=action == "publish", topic_slugs=topics,
                          related=related_slugs,
                          version=int(version) if version.isdigit() else None,
                          checker=checker(request))
    except KnowledgeError as exc:
        context = _edit_context(request, slug, lang if lang in BY_CODE else "en",
                                question=question, answer=answer, related=related,
                                entry_topics=topics, error=message_of(exc))
        if exc.findings:
            context["findings"] = exc.findings
        return render(request, "knowledge/faq_edit.html", context,
                      status_code=status_of(exc))
    notice = action
    return RedirectResponse(f"/knowledge/faq/{slug}/{lang}/edit?notice={notice}",
                            status_code=303)
