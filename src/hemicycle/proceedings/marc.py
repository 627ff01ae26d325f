"""The DHL MARC21 mapping of analytical records: voting records and speeches.

| element | MARC (voting record) |
|---|---|
| resolution | 791 $a symbol, $b body, $c session |
| meeting record | 952 $a symbol |
| title, date | 245 00 $a; 269 $a vote date (ISO 8601) |
| draft | 993 2_ $a draft symbol |
| agenda item | 991 $c |
| each state | 967 $c ISO3, $d Y/N/A (X absent; no $d: present, not voting), $e name of the day |
| tallies | 996 $b yes, $c no, $d abstain, $e non-voting, $f total states listed |
| outcome | 591 $a RECORDED / ADOPTED WITHOUT VOTE / NON-RECORDED |

| element | MARC (speech) |
|---|---|
| speaker | 700 1_ $a name, $g title |
| state or organisation | 710 2_ $a name of the day, $9 ISO3 (local) |
| meeting | 791 $a meeting record symbol, $b body, $c session |
| agenda item, date, language | 991 $c; 992 $a; 041 $a |

Tables belong to ``hemicycle.proceedings``; this module only reads them. Reading a
record back (``voting_fields``/``speech_fields``) gives plain values that tests
compare with the tables, and checks that 996 agrees with the 967 fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from pymarc import Field, Record
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hemicycle.marc21.records import TO_MARC_LANGUAGE, MappingError, datafield, subfield
from hemicycle.proceedings import codes
from hemicycle.proceedings.models import MemberState, Speech, StateName, Vote, VotingRecord

VOTE_LETTERS = {codes.YES: "Y", codes.NO: "N", codes.ABSTAIN: "A", codes.ABSENT: "X"}
LETTER_VOTES = {v: k for k, v in VOTE_LETTERS.items()}
OUTCOME_NOTES = {"recorded": "RECORDED", "without_vote": "ADOPTED WITHOUT VOTE",
                 "non_recorded": "NON-RECORDED"}
NOTE_OUTCOMES = {v: k for k, v in OUTCOME_NOTES.items()} | {"VOTING BY MAIL": "recorded"}


def _names(db: Session) -> dict[int, list[tuple[str, dt.date | None, dt.date | None]]]:
    out: dict[int, list] = {}
    for state_id, name, start, end in db.execute(
            select(StateName.state_id, StateName.name, StateName.valid_from, StateName.valid_to)
            .order_by(StateName.state_id, StateName.valid_from)):
        out.setdefault(state_id, []).append((name, start, end))
    return out


def _name_on(names: list, day: dt.date | None, fallback: str) -> str:
    for name, start, end in names:
        if day is not None and (start is None or start <= day) and (end is None or day < end):
            return name
    return names[-1][0] if names else fallback


def _record(kind: str, ident: str) -> Record:
    record = Record(force_utf8=True)
    leader = list(str(record.leader))
    leader[5], leader[6], leader[7] = "n", "a", "m"
    record.leader = "".join(leader)
    record.add_field(Field(tag="001", data=ident))
    record.add_field(datafield("089", "  ", [("b", kind)]))
    return record


def _add(record: Record, *fields: Field | None) -> None:
    for f in fields:
        if f is not None:
            record.add_field(f)


def voting_record_to_record(db: Session, vr: VotingRecord, names=None) -> Record:
    """The DHL vote record of ``vr`` (one 967 per state that was a member)."""
    names = names if names is not None else _names(db)
    record = _record("voting record", f"vote:{vr.source}:{vr.source_id}")
    _add(record,
         datafield("245", "00", [("a", vr.title or vr.resolution_symbol)]),
         datafield("269", "  ", [("a", vr.date.isoformat() if vr.date else None)]),
         datafield("591", "  ", [("a", OUTCOME_NOTES.get(vr.outcome))]),
         datafield("791", "  ", [("a", vr.resolution_symbol), ("b", vr.body),
                                  ("c", vr.session_no)]),
         datafield("952", "  ", [("a", vr.meeting.symbol if vr.meeting else None)]))
    states = dict(db.execute(select(MemberState.id, MemberState.iso3)).all())
    votes = db.execute(select(Vote.state_id, Vote.vote).where(Vote.record_id == vr.id)).all()
    listed = sorted(((states[s], s, v) for s, v in votes if v != codes.NOT_MEMBER))
    for iso3, state_id, vote in listed:
        _add(record, datafield("967", "  ", [
            ("c", iso3), ("d", VOTE_LETTERS.get(vote)),
            ("e", _name_on(names.get(state_id, []), vr.date, iso3))]))
    if listed:
        _add(record, datafield("996", "  ", [
            ("b", vr.yes), ("c", vr.no), ("d", vr.abstain), ("e", vr.non_voting),
            ("f", len(listed))]))
    _add(record, datafield("991", "  ", [("c", vr.agenda_item)]),
         datafield("993", "2 ", [("a", vr.draft_symbol)]))
    return record


def _int(field: Field, code: str) -> int:
    value = subfield(field, code)
    try:
        return int(value) if value is not None else 0
    except ValueError:
        raise MappingError(f"{field.tag} ${code}: {value!r} is not a number") from None


def voting_fields(record: Record) -> dict[str, Any]:
    """The values of a vote record; MappingError when 996 disagrees with the 967s."""
    f791 = record.get("791")
    if f791 is None or not subfield(f791, "a"):
        raise MappingError("791 $a (resolution symbol) is missing")
    votes: dict[str, int] = {}
    for f in record.get_fields("967"):
        iso3 = subfield(f, "c")
        if not iso3:
            raise MappingError("967 without $c (ISO3 code)")
        letter = subfield(f, "d")
        if letter is not None and letter not in LETTER_VOTES:
            raise MappingError(f"967 $d: {letter!r} is not Y, N, A or X ({iso3})")
        votes[iso3] = LETTER_VOTES[letter] if letter else codes.NON_VOTING
    counted = {name: sum(1 for v in votes.values() if v == code) for name, code in
               (("yes", codes.YES), ("no", codes.NO), ("abstain", codes.ABSTAIN),
                ("non_voting", codes.NON_VOTING))}
    f996 = record.get("996")
    if f996 is not None:
        stated = {"yes": _int(f996, "b"), "no": _int(f996, "c"), "abstain": _int(f996, "d"),
                  "non_voting": _int(f996, "e")}
        if stated != counted:
            raise MappingError(f"996 tallies {stated} disagree with the 967 votes {counted}")
    note = record.get("591")
    outcome = NOTE_OUTCOMES.get((subfield(note, "a") or "").upper()) if note else None
    date = record.get("269")
    f952 = record.get("952")
    f993 = record.get("993")
    f991 = record.get("991")
    return {
        "resolution_symbol": subfield(f791, "a"), "body": subfield(f791, "b"),
        "session_no": int(subfield(f791, "c")) if subfield(f791, "c") else None,
        "date": dt.date.fromisoformat(subfield(date, "a"))
        if date and subfield(date, "a") else None,
        "title": subfield(record.get("245"), "a") if record.get("245") else None,
        "meeting_symbol": subfield(f952, "a") if f952 else None,
        "draft_symbol": subfield(f993, "a") if f993 else None,
        "agenda_item": subfield(f991, "c") if f991 else None,
        "outcome": outcome or "unknown", "votes": votes, **counted,
    }


def speech_to_record(db: Session, sp: Speech, names=None) -> Record:
    names = names if names is not None else _names(db)
    record = _record("speech", f"speech:{sp.source}:{sp.source_id}")
    state_name = (_name_on(names.get(sp.state_id, []), sp.date, sp.state.iso3)
                  if sp.state is not None else sp.organisation)
    _add(record,
         datafield("041", "  ", [("a", TO_MARC_LANGUAGE.get(sp.language or ""))]),
         datafield("700", "1 ", [("a", sp.speaker), ("g", sp.speaker_title)]),
         datafield("710", "2 ", [("a", state_name),
                                  ("9", sp.state.iso3 if sp.state is not None else None)]),
         datafield("791", "  ", [("a", sp.meeting.symbol if sp.meeting else None),
                                  ("b", sp.body), ("c", sp.session_no)]),
         datafield("991", "  ", [("c", sp.agenda_item)]),
         datafield("992", "  ", [("a", sp.date.isoformat() if sp.date else None)]))
    return record


def speech_fields(record: Record) -> dict[str, Any]:
    f700, f710, f791 = record.get("700"), record.get("710"), record.get("791")
    if f700 is None and f710 is None:
        raise MappingError("a speech needs 700 (speaker) or 710 (state or organisation)")
    date = record.get("992")
    f991 = record.get("991")
    return {
        "speaker": subfield(f700, "a") if f700 else None,
        "speaker_title": subfield(f700, "g") if f700 else None,
        "state": subfield(f710, "9") if f710 else None,
        "name": subfield(f710, "a") if f710 else None,
        "meeting_symbol": subfield(f791, "a") if f791 else None,
        "body": subfield(f791, "b") if f791 else None,
        "session_no": int(subfield(f791, "c")) if f791 and subfield(f791, "c") else None,
        "agenda_item": subfield(f991, "c") if f991 else None,
        "date": dt.date.fromisoformat(subfield(date, "a"))
        if date and subfield(date, "a") else None,
    }


def _scope(model, query: str):
    """'*', 'GA' or 'GA:74' (body and session) as WHERE conditions."""
    text = query.strip()
    if text in ("", "*"):
        return []
    body, _, session = text.partition(":")
    conds = [model.body == body.upper()]
    if session:
        if not session.isdigit():
            raise MappingError(f"{query!r}: the session must be a number (e.g. GA:74)")
        conds.append(model.session_no == int(session))
    return conds


def proceedings_records(settings, kind: str, query: str = "*") -> Iterator[Record]:
    """MARC records of voting records (kind 'votes') or speeches, in id order."""
    from hemicycle.catalogue.db import session_scope

    model = VotingRecord if kind == "votes" else Speech
    build = voting_record_to_record if kind == "votes" else speech_to_record
    conds = _scope(model, query)
    after = 0
    while True:
        with session_scope(settings.database_url) as db:
            names = _names(db)
            options = [selectinload(model.meeting)] + (
                [selectinload(Speech.state)] if model is Speech else [])
            batch = db.scalars(select(model).where(model.id > after, *conds).options(*options)
                               .order_by(model.id).limit(500)).all()
            records = [build(db, item, names) for item in batch]
        yield from records
        if len(batch) < 500:
            return
        after = batch[-1].id
