"""Member States on the Record: ``/states`` (every member state) and ``/states/{iso3}``
(membership, voting record with its history chart and closest and furthest voting
partners, General Debate statements, documents, data exports). The page's data comes
from ``hemicycle.knowledge.memberstates``; the charts are the proceedings' own.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from hemicycle.knowledge.memberstates import state_record, states
from hemicycle.languages import direction
from hemicycle.messages import Message
from hemicycle.proceedings.charts import session_bars
from hemicycle.web.i18n import translate
from hemicycle.web.routes.knowledge import db_for, record_view
from hemicycle.web.templating import render

router = APIRouter()


@router.get("/states", include_in_schema=False)
def states_page(request: Request):
    with db_for(request) as db:
        rows = states(db, request.state.lang)
    return render(request, "knowledge/states.html", {"rows": rows})


def _no_state(iso3: str) -> Message:
    return Message("kn.no_member_state", "no member state with ISO3 code {iso3}",
                   iso3=repr(iso3))


@router.get("/states/{iso3}", include_in_schema=False)
def state_page(request: Request, iso3: str):
    lang = request.state.lang
    with db_for(request) as db:
        record = state_record(request.app.state.settings, db, iso3, lang)
    if record is None or record["kind"] != "member":
        raise HTTPException(404, _no_state(iso3))
    labels = {k: translate(f"votes.vote.{k}", lang)
              for k in ("yes", "no", "abstain", "non_voting", "absent")}
    chart = session_bars(record["votes"]["per_session"], labels,
                         translate("votes.history", lang) + f" · {record['name']}",
                         translate("votes.session", lang), direction(lang) == "rtl")
    record_view(request, "state", lang, record["iso3"])
    return render(request, "knowledge/state.html", {"s": record, "chart": chart})


@router.get("/api/states/{iso3}", tags=["knowledge"])
def api_state(request: Request, iso3: str):
    """A Member State's record: membership, vote summary and per session, agreement in its
    latest General Assembly session, statements, documents, export links."""
    with db_for(request) as db:
        record = state_record(request.app.state.settings, db, iso3, request.state.lang)
    if record is None:
        raise HTTPException(404, _no_state(iso3))
    record["votes"]["per_session"] = [{"session": s, "votes": c}
                                      for s, c in record["votes"]["per_session"]]
    return record
