"""Votes and speeches: pages and the JSON API (``/votes``, ``/speeches``, ``/api/votes``,
``/api/speeches``). Handlers only translate requests into hemicycle.proceedings calls."""

from __future__ import annotations

import itertools

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, StreamingResponse

from hemicycle.catalogue.db import session_scope
from hemicycle.messages import Message
from hemicycle.proceedings import exports, queries
from hemicycle.proceedings.charts import agreement_line, session_bars, tally_bar
from hemicycle.proceedings.codes import ISSUES, OUTCOMES, VOTES
from hemicycle.proceedings.models import Speech, VotingRecord
from hemicycle.proceedings.quality import report_json
from hemicycle.web.templating import render

router = APIRouter()
PER_PAGE = 50
HISTORY_PER_PAGE = 100
VOTE_NAMES = tuple(name for name, _letter in VOTES.values())


def _db(request: Request):
    return session_scope(request.app.state.settings.database_url)


def _check_page(page: int) -> None:
    if page < 1 or page > 100_000:
        raise HTTPException(400, Message("page_range",
                                         "page must be between 1 and 100000, not {page}",
                                         page=page))


def _check_filters(issue: str | None = None, vote: str | None = None,
                   body: str | None = None, outcome: str | None = None) -> None:
    if outcome and outcome not in OUTCOMES:
        raise HTTPException(400, Message("unknown_outcome",
                                         "unknown outcome '{value}': expected one of {allowed}",
                                         value=outcome, allowed=", ".join(OUTCOMES)))
    if issue and issue not in ISSUES:
        raise HTTPException(400, Message("unknown_issue",
                                         "unknown issue '{value}': expected one of {allowed}",
                                         value=issue, allowed=", ".join(ISSUES)))
    if vote and vote not in VOTE_NAMES:
        raise HTTPException(400, Message("unknown_vote",
                                         "unknown vote '{value}': expected one of {allowed}",
                                         value=vote, allowed=", ".join(VOTE_NAMES)))
    if body and not (body.isascii() and body.isalpha() and body.isupper() and len(body) <= 20):
        raise HTTPException(400, Message(
            "invalid_body", "invalid body '{value}': expected a body code such as GA or SC",
            value=body))


def _state_or_404(db, iso3: str):
    found = queries.state(db, iso3)
    if found is None:
        raise HTTPException(404, Message("no_state", "no member state with ISO3 code '{iso3}'",
                                         iso3=iso3))
    return found


def _record_or_404(db, record_id: int) -> VotingRecord:
    rec = db.get(VotingRecord, record_id)
    if rec is None:
        raise HTTPException(404, Message("no_record", "no voting record {id}", id=record_id))
    return rec


def _api_lang(lang: str | None) -> str:
    """``?lang=``: the language of the state names an API answer gives (default English)."""
    from hemicycle.languages import CODES, UnknownLanguage, normalise_language

    if not lang:
        return "en"
    try:
        return normalise_language(lang)
    except UnknownLanguage:
        raise HTTPException(400, Message("unknown_language",
                                         "lang: unknown language '{value}': expected one of "
                                         "{allowed}", value=lang,
                                         allowed=", ".join(CODES))) from None


def _tally_labels(request: Request) -> dict[str, str]:
    from hemicycle.web.i18n import translate

    return {k: translate(f"votes.vote.{k}", request.state.lang)
            for k in ("yes", "no", "abstain", "non_voting", "absent")}


def _rtl(request: Request) -> bool:
    from hemicycle.languages import direction

    return direction(request.state.lang) == "rtl"


# ---- pages -----------------------------------------------------------------------------

@router.get("/votes", include_in_schema=False)
def votes_home(request: Request):
    with _db(request) as db:
        ga = queries.sessions(db, "GA")
        sc = queries.sessions(db, "SC")
        states = queries.all_states(db, request.state.lang)
    return render(request, "proceedings/index.html",
                  {"ga_sessions": ga, "sc_sessions": sc, "states": states, "issues": ISSUES})


@router.get("/votes/records", include_in_schema=False)
def records_page(request: Request, body: str | None = None, session: int | None = None,
                 issue: str | None = None, q: str | None = Query(None, max_length=300),
                 page: int = 1):
    _check_page(page)
    _check_filters(issue=issue, body=body)
    with _db(request) as db:
        total, rows = queries.list_records(db, body=body, session_no=session, issue=issue,
                                           q=q, page=page, per_page=PER_PAGE)
    return render(request, "proceedings/records.html",
                  {"total": total, "rows": rows, "page": page, "per_page": PER_PAGE,
                   "body": body, "session": session, "issue": issue, "q": q or "",
                   "issues": ISSUES})


@router.get("/votes/records/{record_id}", include_in_schema=False)
def record_page(request: Request, record_id: int):
    with _db(request) as db:
        detail = queries.record_detail(db, _record_or_404(db, record_id), request.state.lang)
    chart = None
    if detail["outcome"] == "recorded":
        chart = tally_bar(detail["tallies"], _tally_labels(request),
                          detail["resolution"] or detail["source_ref"] or "", _rtl(request))
    return render(request, "proceedings/record.html", {"r": detail, "chart": chart})


@router.get("/votes/resolution/{symbol:path}", include_in_schema=False)
def resolution_page(request: Request, symbol: str):
    with _db(request) as db:
        rec = queries.voting_record_for_symbol(db, symbol)
        if rec is None:
            raise HTTPException(404, Message("no_record_for", "no voting record for '{symbol}'",
                                             symbol=symbol))
        return RedirectResponse(f"/votes/records/{rec.id}", status_code=303)


@router.get("/votes/states/{iso3}", include_in_schema=False)
def state_page(request: Request, iso3: str, session: int | None = None,
               issue: str | None = None, vote: str | None = None,
               outcome: str | None = None, page: int = 1,
               per_page: int = Query(HISTORY_PER_PAGE, ge=10, le=1000)):
    """Summary first (counts, the chart per session and its table), then the votes a
    page at a time: France alone has over 6,000."""
    _check_page(page)
    _check_filters(issue=issue, vote=vote, outcome=outcome)
    with _db(request) as db:
        found = _state_or_404(db, iso3)
        info = queries.state_summary(db, found, request.state.lang)
        history = queries.state_history(db, found.id, session_no=session, issue=issue,
                                        vote=vote, outcome=outcome)
        sessions = queries.sessions(db, "GA")
    from hemicycle.web.i18n import translate

    counts: dict[str, int] = {}
    per_session: dict[int, dict[str, int]] = {}
    for h in history:
        counts[h["vote"]] = counts.get(h["vote"], 0) + 1
        if h["session"] is not None:
            bucket = per_session.setdefault(h["session"], {})
            bucket[h["vote"]] = bucket.get(h["vote"], 0) + 1
    lang = request.state.lang
    chart = session_bars(sorted(per_session.items()), _tally_labels(request),
                         translate("votes.history", lang) + f" · {info['name']}",
                         translate("votes.session", lang), _rtl(request))
    start = (page - 1) * per_page
    return render(request, "proceedings/state.html",
                  {"s": info, "rows": history[start:start + per_page],
                   "total": len(history), "page": page, "per_page": per_page,
                   "per_session": sorted(per_session.items()),
                   "counts": counts, "session": session,
                   "issue": issue, "vote": vote, "issues": ISSUES, "sessions": sessions,
                   "vote_names": VOTE_NAMES, "outcome": outcome, "outcomes": OUTCOMES,
                   "chart": chart})


@router.get("/votes/agreement", include_in_schema=False)
def agreement_page(request: Request, a: str | None = None, b: str | None = None):
    from hemicycle.web.i18n import translate

    rows, sa, sb, chart = [], None, None, None
    with _db(request) as db:
        lang = request.state.lang
        states = queries.all_states(db, lang)
        if a and b:
            sa, sb = _state_or_404(db, a), _state_or_404(db, b)
            rows = queries.agreement_over_time(db, sa.id, sb.id)
            sa, sb = queries.state_summary(db, sa, lang), queries.state_summary(db, sb, lang)
    if rows:
        lang = request.state.lang
        chart = agreement_line([(r["session"], r["agreement"]) for r in rows],
                               translate("votes.agreement.chart", lang, a=sa["name"],
                                         b=sb["name"]),
                               translate("votes.session", lang), _rtl(request))
    return render(request, "proceedings/agreement.html",
                  {"states": states, "a": sa, "b": sb, "rows": rows, "chart": chart,
                   "qa": a or "", "qb": b or ""})


@router.get("/votes/sessions/{session}", include_in_schema=False)
def session_page(request: Request, session: int, body: str = "GA"):
    _check_filters(body=body)
    with _db(request) as db:
        matrix = queries.session_matrix(db, session, body, request.state.lang)
    if not matrix["records"]:
        raise HTTPException(404, Message("no_roll_calls", "no roll calls in session {session}",
                                         session=session))
    return render(request, "proceedings/session.html", {"m": matrix})


@router.get("/votes/quality", include_in_schema=False)
def quality_page(request: Request, importer: str | None = None):
    with _db(request) as db:
        reports = report_json(db, importer)
    return render(request, "proceedings/quality.html", {"reports": reports})


@router.get("/speeches", include_in_schema=False)
def speeches_page(request: Request, q: str | None = Query(None, max_length=300),
                  state: str | None = None, speaker: str | None = None,
                  session: int | None = None, meeting: str | None = None, page: int = 1):
    _check_page(page)
    lang = request.state.lang
    with _db(request) as db:
        if meeting:
            found = queries.speeches_for_meeting(db, meeting)
            total, rows = len(found), [queries.speech_summary(s, lang=lang) for s in found]
        else:
            total, rows = queries.search_speeches(db, q=q, state=state, speaker=speaker,
                                                  session_no=session, page=page,
                                                  per_page=PER_PAGE, lang=lang)
            if q:
                texts = dict(db.query(Speech.id, Speech.text)
                             .filter(Speech.id.in_([r["id"] for r in rows])).all())
                for r in rows:
                    r["snippet"] = queries.snippet(texts.get(r["id"]), q)
        states = queries.all_states(db, lang)
    return render(request, "proceedings/speeches.html",
                  {"total": total, "rows": rows, "q": q or "", "state": state or "",
                   "speaker": speaker or "", "session": session, "meeting": meeting or "",
                   "page": page, "per_page": PER_PAGE, "states": states})


@router.get("/speeches/{speech_id}", include_in_schema=False)
def speech_page(request: Request, speech_id: int):
    with _db(request) as db:
        sp = db.get(Speech, speech_id)
        if sp is None:
            raise HTTPException(404, Message("no_speech", "no speech {id}", id=speech_id))
        detail = queries.speech_summary(sp, with_text=True, lang=request.state.lang)
        detail["document_uid"] = queries.speech_document_uid(db, sp)
    return render(request, "proceedings/speech.html", {"sp": detail})


# ---- API -------------------------------------------------------------------------------

@router.get("/api/votes/records", tags=["votes"])
def api_records(request: Request, body: str | None = None, session: int | None = None,
                issue: str | None = None, q: str | None = Query(None, max_length=300),
                page: int = 1, per_page: int = Query(PER_PAGE, ge=1, le=500)):
    """Voting records, filtered by body, session, issue tag or words/symbol."""
    _check_page(page)
    _check_filters(issue=issue, body=body)
    with _db(request) as db:
        total, rows = queries.list_records(db, body=body, session_no=session, issue=issue,
                                           q=q, page=page, per_page=per_page)
    return {"total": total, "page": page, "per_page": per_page, "records": rows}


@router.get("/api/votes/records/{record_id}", tags=["votes"])
def api_record(request: Request, record_id: int, lang: str | None = None):
    """One voting record: tallies, outcome and every state's vote (name of the day, in
    ``lang``: ar, zh, en, fr, ru or es; default en)."""
    with _db(request) as db:
        return queries.record_detail(db, _record_or_404(db, record_id), _api_lang(lang))


@router.get("/api/votes/resolution/{symbol:path}", tags=["votes"])
def api_resolution(request: Request, symbol: str, lang: str | None = None):
    """The voting record of a resolution (the vote on it as a whole), by any variant of
    its symbol; state names in ``lang``."""
    with _db(request) as db:
        rec = queries.voting_record_for_symbol(db, symbol)
        if rec is None:
            raise HTTPException(404, Message("no_record_for", "no voting record for '{symbol}'",
                                             symbol=symbol))
        return queries.record_detail(db, rec, _api_lang(lang))


@router.get("/api/votes/states", tags=["votes"])
def api_states(request: Request, lang: str | None = None):
    """Every member-state (and observer) authority with its current name in ``lang``
    (default en) and in all six languages (``names``), in ``lang``'s alphabetical order."""
    with _db(request) as db:
        return {"states": queries.all_states(db, _api_lang(lang))}


@router.get("/api/votes/states/{iso3}", tags=["votes"])
def api_state(request: Request, iso3: str, session: int | None = None,
              issue: str | None = None, vote: str | None = None,
              outcome: str | None = None, lang: str | None = None):
    """A state's authority record (names in ``lang``) and its voting history (filters:
    session, issue, outcome, vote cast)."""
    _check_filters(issue=issue, vote=vote, outcome=outcome)
    with _db(request) as db:
        found = _state_or_404(db, iso3)
        return {"state": queries.state_summary(db, found, _api_lang(lang)),
                "votes": queries.state_history(db, found.id, session_no=session,
                                               issue=issue, vote=vote, outcome=outcome)}


@router.get("/api/votes/agreement", tags=["votes"])
def api_agreement(request: Request, a: str, b: str):
    """Share of identical votes of two states, per session."""
    with _db(request) as db:
        sa, sb = _state_or_404(db, a), _state_or_404(db, b)
        return {"a": sa.iso3, "b": sb.iso3,
                "sessions": queries.agreement_over_time(db, sa.id, sb.id)}


@router.get("/api/votes/sessions/{session}/matrix", tags=["votes"])
def api_session_matrix(request: Request, session: int, body: str = "GA",
                       lang: str | None = None):
    """Every state's vote on every roll call of a session (state names in ``lang``)."""
    _check_filters(body=body)
    with _db(request) as db:
        return queries.session_matrix(db, session, body, _api_lang(lang))


@router.get("/api/votes/sessions/{session}/agreement", tags=["votes"])
def api_session_agreement(request: Request, session: int, body: str = "GA"):
    """The agreement matrix of all states over one session."""
    _check_filters(body=body)
    with _db(request) as db:
        return queries.agreement_matrix(db, session, body)


def _stream(request: Request, rows, fmt: str, fields, name: str):
    if fmt not in ("csv", "json"):
        raise HTTPException(400, Message("unknown_format",
                                         "unknown format '{fmt}': expected csv or json", fmt=fmt))
    db_cm = _db(request)
    db = db_cm.__enter__()
    try:  # the query runs now: an error is an error answer, not a cut-off download
        it = iter(rows(db))
        first = list(itertools.islice(it, 1))
    except BaseException as exc:
        db_cm.__exit__(type(exc), exc, exc.__traceback__)
        raise

    def body():
        try:
            all_rows = itertools.chain(first, it)
            yield from (exports.as_csv(all_rows, fields) if fmt == "csv"
                        else exports.as_json(all_rows))
        finally:
            db_cm.__exit__(None, None, None)

    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return StreamingResponse(body(), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@router.get("/api/votes/export", tags=["votes"])
def api_votes_export(request: Request, format: str = "csv", body: str | None = None,
                     session: int | None = None, state: str | None = None):
    """Votes in the DHL voting dataset shape, as CSV or JSON (streamed)."""
    _check_filters(body=body)
    return _stream(request, lambda db: exports.vote_rows(db, body=body, session_no=session,
                                                         state=state),
                   format, exports.VOTE_FIELDS, "votes")


@router.get("/api/votes/quality", tags=["votes"])
def api_quality(request: Request, importer: str | None = None):
    """The data-quality reports of the latest imports, with codes and row numbers."""
    with _db(request) as db:
        return {"reports": report_json(db, importer)}


@router.get("/api/speeches", tags=["speeches"])
def api_speeches(request: Request, q: str | None = Query(None, max_length=300),
                 state: str | None = None, speaker: str | None = None,
                 session: int | None = None, meeting: str | None = None, page: int = 1,
                 per_page: int = Query(PER_PAGE, ge=1, le=500), lang: str | None = None):
    """Speeches by state, speaker, session, meeting record or words of the text (the
    state's name of the day in ``lang``)."""
    _check_page(page)
    lang = _api_lang(lang)
    with _db(request) as db:
        if meeting:
            found = queries.speeches_for_meeting(db, meeting)
            return {"total": len(found), "page": 1, "per_page": len(found),
                    "speeches": [queries.speech_summary(s, lang=lang) for s in found]}
        total, rows = queries.search_speeches(db, q=q, state=state, speaker=speaker,
                                              session_no=session, page=page,
                                              per_page=per_page, lang=lang)
    return {"total": total, "page": page, "per_page": per_page, "speeches": rows}


@router.get("/api/speeches/export", tags=["speeches"])
def api_speeches_export(request: Request, format: str = "csv", session: int | None = None,
                        state: str | None = None):
    """Speeches as CSV or JSON (streamed), text included."""
    return _stream(request, lambda db: exports.speech_rows(db, session_no=session, state=state),
                   format, exports.SPEECH_FIELDS, "speeches")


@router.get("/api/speeches/{speech_id}", tags=["speeches"])
def api_speech(request: Request, speech_id: int, lang: str | None = None):
    """One speech with its text."""
    lang = _api_lang(lang)
    with _db(request) as db:
        sp = db.get(Speech, speech_id)
        if sp is None:
            raise HTTPException(404, Message("no_speech", "no speech {id}", id=speech_id))
        return {**queries.speech_summary(sp, with_text=True, lang=lang),
                "document_uid": queries.speech_document_uid(db, sp)}
