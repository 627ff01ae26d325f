"""Saving MARC voting records and speeches into the proceedings tables, one transaction
per record: the reverse of ``hemicycle.proceedings.marc``.

A record is identified by its 001 (``vote:<source>:<id>`` / ``speech:<source>:<id>``,
as exported; any other 001 becomes source ``marc``). The same record again changes
nothing; a different one under the same 001 is a conflict unless ``replace``. States are
found by ISO3 code (967 $c, 710 $9) in the member-state authorities, which give the name of
the day on export (the printed 967 $e / 710 $a is not stored). Meetings are found or created
by meeting-record symbol.
"""

from __future__ import annotations

from pymarc import Record
from sqlalchemy import select
from sqlalchemy.orm import Session

from hemicycle.catalogue.db import get_engine, session_scope
from hemicycle.config import Settings
from hemicycle.marc21.records import FROM_MARC_LANGUAGE, MappingError, subfield
from hemicycle.proceedings import codes
from hemicycle.proceedings.marc import (
    speech_fields,
    speech_to_record,
    voting_fields,
    voting_record_to_record,
)
from hemicycle.proceedings.models import Meeting, MemberState, Speech, Vote, VotingRecord
from hemicycle.proceedings.refs import key_of, resolution_ref
from hemicycle.proceedings.states import ensure_states

KINDS = {"voting record": "votes", "speech": "speeches"}


def record_kind(record: Record) -> str:
    """'documents', 'votes' or 'speeches', from 089 $b."""
    for field in record.get_fields("089"):
        kind = KINDS.get((subfield(field, "b") or "").lower())
        if kind:
            return kind
    return "documents"


def _identity(record: Record, prefix: str) -> tuple[str, str]:
    control = record.get("001")
    ident = control.data.strip() if control is not None and control.data else ""
    if not ident:
        raise MappingError("001 (record identifier) is missing")
    parts = ident.split(":", 2)
    source, source_id = (parts[1], parts[2]) if len(parts) == 3 and parts[0] == prefix else (
        "marc", ident)
    if len(source) > 20 or len(source_id) > (40 if prefix == "vote" else 200):
        raise MappingError(f"001 {ident!r} is too long for a record identifier")
    return source, source_id


def _meeting(db: Session, symbol: str | None, body: str | None, session: int | None,
             day) -> Meeting | None:
    if not symbol:
        return None
    key = key_of(symbol)
    if key is None:
        raise MappingError(f"{symbol!r} is not a meeting record symbol")
    meeting = db.scalar(select(Meeting).where(Meeting.symbol_key == key))
    if meeting is None:
        number = symbol.rsplit("PV.", 1)[-1] if "PV." in symbol else None
        meeting = Meeting(body=body or "", session=str(session) if session is not None else None,
                          number=number, date=day, symbol=symbol, symbol_key=key)
        db.add(meeting)
        db.flush()
    return meeting


def _states(db: Session) -> dict[str, int]:
    return dict(db.execute(select(MemberState.iso3, MemberState.id)).all())


def ensure_authorities(settings: Settings) -> None:
    with get_engine(settings.database_url).begin() as conn:
        ensure_states(conn)


def save_voting_record(settings: Settings, record: Record, replace: bool = False) -> str:
    """'created', 'updated' or 'unchanged'; MappingError names what is wrong."""
    fields = voting_fields(record)
    source, source_id = _identity(record, "vote")
    if not fields["body"]:
        raise MappingError("791 $b (body) is missing")
    with session_scope(settings.database_url) as db:
        states = _states(db)
        unknown = sorted(set(fields["votes"]) - set(states))
        if unknown:
            raise MappingError(f"967 $c: no member-state authority for {', '.join(unknown)}")
        existing = db.scalar(select(VotingRecord).where(VotingRecord.source == source,
                                                        VotingRecord.source_id == source_id))
        outcome = "created"
        if existing is not None:
            if voting_fields(voting_record_to_record(db, existing)) == fields:
                return "unchanged"
            if not replace:
                raise MappingError(f"voting record {source}:{source_id} exists with other "
                                   f"values (use --replace)")
            db.delete(existing)
            db.flush()
            outcome = "updated"
        symbol, key = resolution_ref(fields["resolution_symbol"])
        votes = fields["votes"]
        vr = VotingRecord(
            source=source, source_id=source_id, body=fields["body"],
            session_no=fields["session_no"], date=fields["date"],
            resolution_symbol=symbol or fields["resolution_symbol"], resolution_key=key,
            draft_symbol=fields["draft_symbol"], source_ref=fields["resolution_symbol"],
            meeting=_meeting(db, fields["meeting_symbol"], fields["body"], fields["session_no"],
                             fields["date"]),
            agenda_item=fields["agenda_item"], title=fields["title"], outcome=fields["outcome"],
            yes=fields["yes"], no=fields["no"], abstain=fields["abstain"],
            non_voting=fields["non_voting"],
            absent=sum(1 for v in votes.values() if v == codes.ABSENT))
        db.add(vr)
        db.flush()
        db.add_all([Vote(record_id=vr.id, state_id=states[iso3], vote=vote)
                    for iso3, vote in votes.items()])
    return outcome


def save_speech(settings: Settings, record: Record, replace: bool = False) -> str:
    fields = speech_fields(record)
    source, source_id = _identity(record, "speech")
    if not fields["body"]:
        raise MappingError("791 $b (body) is missing")
    f041 = record.get("041")
    language = FROM_MARC_LANGUAGE.get((subfield(f041, "a") or "").lower()) if f041 else None
    with session_scope(settings.database_url) as db:
        states = _states(db)
        if fields["state"] and fields["state"] not in states:
            raise MappingError(f"710 $9: no member-state authority for {fields['state']}")
        existing = db.scalar(select(Speech).where(Speech.source == source,
                                                  Speech.source_id == source_id))
        outcome = "created"
        if existing is not None:
            current = speech_fields(speech_to_record(db, existing))
            if current == fields and existing.language == language:
                return "unchanged"
            if not replace:
                raise MappingError(f"speech {source}:{source_id} exists with other values "
                                   f"(use --replace)")
            db.delete(existing)
            db.flush()
            outcome = "updated"
        db.add(Speech(
            source=source, source_id=source_id, body=fields["body"],
            session_no=fields["session_no"], date=fields["date"],
            year=fields["date"].year if fields["date"] else None,
            meeting=_meeting(db, fields["meeting_symbol"], fields["body"], fields["session_no"],
                             fields["date"]),
            state_id=states.get(fields["state"]) if fields["state"] else None,
            organisation=None if fields["state"] else fields["name"],
            speaker=fields["speaker"], speaker_title=fields["speaker_title"],
            agenda_item=fields["agenda_item"], language=language))
    return outcome
