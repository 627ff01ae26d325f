"""Exports in the shape of the DHL voting dataset, and the same for speeches.

Votes: one row per state and record: state code (ISO3), vote letter (Y, N, A, X for
non-voting or absent), resolution, draft, meeting, date, agenda item, title; states that
were not members are left out. After the DHL columns, the state's name of the day in
each of the six languages (name_ar ... name_es). Rows stream, so a million votes never
sit in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from hemicycle.languages import CODES
from hemicycle.proceedings.codes import NOT_MEMBER, VOTES
from hemicycle.proceedings.models import Meeting, MemberState, Speech, Vote, VotingRecord
from hemicycle.proceedings.queries import speech_day
from hemicycle.proceedings.states import state_name, state_names

# the state's name of the day in each of the six languages, after the DHL columns
NAME_FIELDS = tuple(f"name_{code}" for code in CODES)
VOTE_FIELDS = ("state", "vote", "resolution", "draft", "meeting", "date", "agenda_item",
               "title", "session", "body", "source_ref", *NAME_FIELDS)
SPEECH_FIELDS = ("state", "organisation", "speaker", "title", "body", "session", "year",
                 "meeting", "date", "agenda_item", "language", "url", "text", *NAME_FIELDS)


def _namer():
    """name_xx columns for (state, day): the six names of each name a state bore are
    worked out once per export (a million votes, a few hundred names)."""
    known: dict[tuple[str, str], dict[str, str]] = {}
    nameless = dict.fromkeys(NAME_FIELDS)

    def names(iso3: str | None, day: dt.date | None) -> dict[str, str | None]:
        if not iso3:
            return nameless
        key = (iso3, state_name(iso3, "en", day))
        found = known.get(key)
        if found is None:
            found = known[key] = {f"name_{code}": name
                                  for code, name in state_names(iso3, day).items()}
        return found

    return names


def vote_rows(session: Session, *, body: str | None = None, session_no: int | None = None,
              state: str | None = None) -> Iterator[dict]:
    query = (select(MemberState.iso3, Vote.vote, VotingRecord.resolution_symbol,
                    VotingRecord.draft_symbol, Meeting.symbol, VotingRecord.date,
                    VotingRecord.agenda_item, VotingRecord.title, VotingRecord.session_no,
                    VotingRecord.body, VotingRecord.source_ref)
             .select_from(Vote).join(VotingRecord, VotingRecord.id == Vote.record_id)
             .join(MemberState, MemberState.id == Vote.state_id)
             .outerjoin(Meeting, Meeting.id == VotingRecord.meeting_id)
             .where(Vote.vote != NOT_MEMBER))
    if body:
        query = query.where(VotingRecord.body == body)
    if session_no is not None:
        query = query.where(VotingRecord.session_no == session_no)
    if state:
        query = query.where(MemberState.iso3 == state.upper())
    query = query.order_by(VotingRecord.date, VotingRecord.id, MemberState.iso3)
    names = _namer()
    for row in session.execute(query.execution_options(yield_per=5000)):
        iso3, v, res, draft, meeting, day, agenda, title, sess, b, ref = row
        yield {"state": iso3, "vote": VOTES[v][1], "resolution": res, "draft": draft,
               "meeting": meeting, "date": day.isoformat() if day else None,
               "agenda_item": agenda, "title": title, "session": sess, "body": b,
               "source_ref": ref, **names(iso3, day)}


def speech_rows(session: Session, *, session_no: int | None = None,
                state: str | None = None, with_text: bool = True) -> Iterator[dict]:
    query = (select(Speech, MemberState.iso3, Meeting.symbol)
             .outerjoin(MemberState, MemberState.id == Speech.state_id)
             .outerjoin(Meeting, Meeting.id == Speech.meeting_id))
    if session_no is not None:
        query = query.where(Speech.session_no == session_no)
    if state:
        query = query.where(MemberState.iso3 == state.upper())
    names = _namer()
    for sp, iso3, meeting in session.execute(query.order_by(Speech.session_no, Speech.id)
                                             .execution_options(yield_per=500)):
        yield {"state": iso3, "organisation": sp.organisation, "speaker": sp.speaker,
               "title": sp.speaker_title, "body": sp.body, "session": sp.session_no,
               "year": sp.year, "meeting": meeting,
               "date": sp.date.isoformat() if sp.date else None,
               "agenda_item": sp.agenda_item, "language": sp.language, "url": sp.url,
               "text": sp.text if with_text else None, **names(iso3, speech_day(sp))}


def as_csv(rows: Iterator[dict], fields: tuple[str, ...]) -> Iterator[str]:
    """CSV text in pieces (header first), for streaming responses and files alike."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for n, row in enumerate(rows, start=1):
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        if n % 2000 == 0:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def as_json(rows: Iterator[dict]) -> Iterator[str]:
    """A JSON array in pieces, one object per row."""
    parts = ["["]
    for n, row in enumerate(rows):
        parts.append(("," if n else "") + "\n" + json.dumps(row, ensure_ascii=False))
        if len(parts) >= 2000:
            yield "".join(parts)
            parts = []
    parts.append("\n]\n")
    yield "".join(parts)
