"""Reading votes and speeches: what pages, the API, the CLI and other areas ask for.

Everything returns plain data (dicts, lists) so the web layer and the CLI only format.
Agreement between two states is the share of roll calls on which both cast a vote
(yes, no or abstain) and cast the same one.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from sqlalchemy import String, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from hemicycle.catalogue.models import Document, DocumentSymbol
from hemicycle.proceedings.codes import CAST, VOTES
from hemicycle.proceedings.models import (
    Meeting,
    MemberState,
    RecordIssue,
    Speech,
    StateName,
    Vote,
    VotingRecord,
)
from hemicycle.proceedings.refs import key_of, resolution_ref
from hemicycle.proceedings.states import name_sort_key, state_name, state_names


@contextmanager
def _no_gc_pause() -> Iterator[None]:
    """Build a large result without the cyclic collector interrupting it.

    A state's history is thousands of fresh dicts and rows; they form no cycles, but
    allocating them sets off collections of the whole heap, which cost more than the query
    (p95 about 200 ms instead of 30 ms on the full GA data). Reference counting still frees
    everything; the collector simply runs after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def state(session: Session, iso3: str) -> MemberState | None:
    return session.scalar(select(MemberState).where(MemberState.iso3 == iso3.strip().upper()))


def _named_on(name: StateName) -> dt.date | None:
    """A day on which a dated name was the state's name (None: an undated name)."""
    if name.valid_from:
        return name.valid_from
    if name.valid_to:
        return name.valid_to - dt.timedelta(days=1)
    return None


def state_summary(session: Session, ms: MemberState, lang: str = "en") -> dict:
    """A state's authority record, its names in ``lang`` (today's, and each of its dated
    names as it was printed)."""
    names = sorted(ms.names, key=lambda n: n.valid_from or dt.date.min)
    return {
        "iso3": ms.iso3, "iso2": ms.iso2, "kind": ms.kind, "name": state_name(ms.iso3, lang),
        "names_now": state_names(ms.iso3),
        "admitted": ms.admitted.isoformat() if ms.admitted else None,
        "admitted_source": ms.admitted_source,
        "ended": ms.ended.isoformat() if ms.ended else None, "note": ms.note,
        "names": [{"name": state_name(ms.iso3, lang, _named_on(n)) if _named_on(n)
                   else state_name(ms.iso3, lang),
                   "from": n.valid_from.isoformat() if n.valid_from else None,
                   "to": n.valid_to.isoformat() if n.valid_to else None} for n in names],
    }


def all_states(session: Session, lang: str = "en") -> list[dict]:
    """Every authority with its name today in ``lang`` (and in all six), in ``lang``'s
    alphabetical order."""
    rows = session.execute(select(MemberState.iso3, MemberState.kind)).all()
    key = name_sort_key(lang)
    return sorted(({"iso3": iso3, "kind": kind, "name": state_name(iso3, lang),
                    "names": state_names(iso3)} for iso3, kind in rows),
                  key=lambda s: key(s["name"]))


def _document_uid(session: Session, key: str | None) -> str | None:
    if not key:
        return None
    return session.scalar(select(Document.uid).join(DocumentSymbol)
                          .where(DocumentSymbol.key == key, Document.status == "published"))


def record_summary(rec: VotingRecord) -> dict:
    return {
        "id": rec.id, "body": rec.body, "session": rec.session_no,
        "date": rec.date.isoformat() if rec.date else None,
        "resolution": rec.resolution_symbol, "draft": rec.draft_symbol,
        "source_ref": rec.source_ref, "title": rec.title, "description": rec.description,
        "agenda_item": rec.agenda_item, "outcome": rec.outcome, "important": rec.important,
        "meeting": rec.meeting.symbol if rec.meeting else None,
        "tallies": {"yes": rec.yes, "no": rec.no, "abstain": rec.abstain,
                    "non_voting": rec.non_voting, "absent": rec.absent},
        "stated_tallies": ({"yes": rec.stated_yes, "no": rec.stated_no,
                            "abstain": rec.stated_abstain}
                           if rec.stated_yes is not None or rec.stated_no is not None
                           or rec.stated_abstain is not None else None),
        "record_url": rec.record_url, "voting_url": rec.voting_url,
        "source": rec.source, "source_id": rec.source_id,
    }


def record_detail(session: Session, rec: VotingRecord, lang: str = "en") -> dict:
    """A voting record with its per-state votes (name of the day in ``lang``, in ``lang``'s
    alphabetical order) and issue tags."""
    rows = session.execute(
        select(MemberState.iso3, Vote.vote)
        .join(Vote, Vote.state_id == MemberState.id).where(Vote.record_id == rec.id)
    ).all()
    key = name_sort_key(lang)
    votes = sorted(({"state": iso3, "name": state_name(iso3, lang, rec.date),
                     "vote": VOTES[v][0], "code": VOTES[v][1]} for iso3, v in rows),
                   key=lambda v: key(v["name"]))
    out = record_summary(rec)
    out["issues"] = sorted(session.scalars(select(RecordIssue.issue)
                                           .where(RecordIssue.record_id == rec.id)))
    out["votes"] = votes
    out["document_uid"] = _document_uid(session, rec.resolution_key)
    return out


def _on_a_part():
    """1 for a roll call on a paragraph or an amendment (the data flag them), else 0."""
    return case((or_(VotingRecord.paragraph.is_(True), VotingRecord.amendment.is_(True)), 1),
                else_=0)


def voting_record_for_symbol(session: Session, symbol: str) -> VotingRecord | None:
    """The voting record of a resolution (any variant of its symbol), or None.

    Several roll calls can name one resolution: separate votes on paragraphs or
    amendments, taken the same day as the vote on the whole. The vote on the resolution
    as a whole is its record; among several of those, the latest. Only when every roll
    call was on a part is the latest of those returned.
    """
    key = resolution_ref(symbol)[1] or key_of(symbol)
    if key is None:
        return None
    return session.scalar(
        select(VotingRecord).where(VotingRecord.resolution_key == key)
        .order_by(_on_a_part(), VotingRecord.date.desc().nulls_last(),
                  VotingRecord.id.desc()).limit(1))


def records_for_symbol(session: Session, symbol: str) -> list[VotingRecord]:
    """Every roll call on the resolution: the vote on the whole first, then its parts."""
    key = resolution_ref(symbol)[1] or key_of(symbol)
    if key is None:
        return []
    return list(session.scalars(select(VotingRecord).where(VotingRecord.resolution_key == key)
                                .order_by(_on_a_part(), VotingRecord.date, VotingRecord.id)))


def list_records(session: Session, *, body: str | None = None, session_no: int | None = None,
                 issue: str | None = None, q: str | None = None, page: int = 1,
                 per_page: int = 50) -> tuple[int, list[dict]]:
    query = select(VotingRecord)
    if body:
        query = query.where(VotingRecord.body == body)
    if session_no is not None:
        query = query.where(VotingRecord.session_no == session_no)
    if issue:
        query = query.where(VotingRecord.id.in_(
            select(RecordIssue.record_id).where(RecordIssue.issue == issue)))
    if q:
        key = resolution_ref(q)[1] or key_of(q)
        like = f"%{q.strip()}%"
        found = [VotingRecord.title.ilike(like), VotingRecord.description.ilike(like),
                 VotingRecord.source_ref.ilike(like)]
        if key is not None:  # "== None" would match every record without a symbol
            found.append(VotingRecord.resolution_key == key)
        query = query.where(or_(*found))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(VotingRecord.date, VotingRecord.id)
                           .offset((page - 1) * per_page).limit(per_page))
    return total, [record_summary(r) for r in rows]


def sessions(session: Session, body: str = "GA") -> list[tuple[int, int]]:
    return [tuple(r) for r in session.execute(
        select(VotingRecord.session_no, func.count()).where(
            VotingRecord.body == body, VotingRecord.session_no.is_not(None))
        .group_by(VotingRecord.session_no).order_by(VotingRecord.session_no))]


def state_history(session: Session, state_id: int, *, session_no: int | None = None,
                  issue: str | None = None, vote: str | None = None,
                  outcome: str | None = None, include_not_member: bool = False) -> list[dict]:
    """Every vote of one state, oldest first, filtered by session, issue, outcome or vote.

    Importers insert records in date order, so record id order is date order and the
    covering index (state_id, record_id, vote) delivers the rows already sorted.
    """
    query = (select(VotingRecord.id, VotingRecord.session_no,
                    cast(VotingRecord.date, String), VotingRecord.resolution_symbol,
                    VotingRecord.source_ref, VotingRecord.title, Vote.vote)
             .join(Vote, Vote.record_id == VotingRecord.id)
             .where(Vote.state_id == state_id))
    if session_no is not None:
        query = query.where(VotingRecord.session_no == session_no)
    if issue:
        query = query.where(VotingRecord.id.in_(
            select(RecordIssue.record_id).where(RecordIssue.issue == issue)))
    if outcome:
        query = query.where(VotingRecord.outcome == outcome)
    if vote:
        code = next((c for c, (name, _l) in VOTES.items() if name == vote), None)
        query = query.where(Vote.vote == (code if code is not None else -1))
    elif not include_not_member:
        query = query.where(Vote.vote != 9)
    with _no_gc_pause():
        # through the Core connection: the ORM layer adds nothing here but time per row
        rows = session.connection().execute(query.order_by(Vote.record_id)).all()
        return [{"record": rid, "session": s, "date": d, "resolution": sym,
                 "source_ref": ref, "title": title, "vote": VOTES[v][0], "code": VOTES[v][1]}
                for rid, s, d, sym, ref, title, v in rows]


def agreement_over_time(session: Session, a: int, b: int) -> list[dict]:
    """Per session: roll calls where both cast a vote, how many identical, and the share."""
    va, vb = Vote.__table__.alias("va"), Vote.__table__.alias("vb")
    rows = session.execute(
        select(VotingRecord.session_no, func.count(),
               func.sum(case((va.c.vote == vb.c.vote, 1), else_=0)))
        .select_from(va.join(vb, and_(va.c.record_id == vb.c.record_id,
                                      vb.c.state_id == b, vb.c.vote.in_(CAST)))
                     .join(VotingRecord, VotingRecord.id == va.c.record_id))
        .where(va.c.state_id == a, va.c.vote.in_(CAST))
        .group_by(VotingRecord.session_no).order_by(VotingRecord.session_no)
    ).all()
    return [{"session": s, "both_voted": n, "same": int(same or 0),
             "agreement": round((same or 0) / n, 4) if n else None} for s, n, same in rows]


def agreement_with_all(session: Session, state_id: int, session_no: int,
                       body: str = "GA") -> list[dict]:
    """One state's agreement with every other state over one session's roll calls (the
    state's row of ``agreement_matrix``, in one indexed query instead of the whole grid)."""
    va, vb = Vote.__table__.alias("va"), Vote.__table__.alias("vb")
    records = select(VotingRecord.id).where(VotingRecord.body == body,
                                            VotingRecord.session_no == session_no)
    rows = session.execute(
        select(vb.c.state_id, func.count(), func.sum(case((va.c.vote == vb.c.vote, 1), else_=0)))
        .select_from(va.join(vb, and_(vb.c.record_id == va.c.record_id, vb.c.vote.in_(CAST),
                                      vb.c.state_id != state_id)))
        .where(va.c.state_id == state_id, va.c.vote.in_(CAST), va.c.record_id.in_(records))
        .group_by(vb.c.state_id)).all()
    return [{"state_id": other, "both_voted": n, "same": int(same or 0),
             "agreement": round((same or 0) / n, 4)} for other, n, same in rows if n]


def session_matrix(session: Session, session_no: int, body: str = "GA",
                   lang: str = "en") -> dict:
    """The vote matrix of a session: records as columns, states as rows (name of the day
    in ``lang``, in its alphabetical order)."""
    records = session.execute(
        select(VotingRecord.id, VotingRecord.date, VotingRecord.resolution_symbol,
               VotingRecord.source_ref, VotingRecord.title)
        .where(VotingRecord.body == body, VotingRecord.session_no == session_no)
        .order_by(VotingRecord.date, VotingRecord.id)).all()
    ids = [r[0] for r in records]
    position = {rid: i for i, rid in enumerate(ids)}
    grid: dict[int, list[str]] = {}
    if ids:
        for rid, sid, v in session.execute(
            select(Vote.record_id, Vote.state_id, Vote.vote)
            .join(VotingRecord, VotingRecord.id == Vote.record_id)
            .where(VotingRecord.body == body, VotingRecord.session_no == session_no)
        ):
            row = grid.setdefault(sid, [""] * len(ids))
            row[position[rid]] = VOTES[v][1] if v != 9 else ""
    iso = dict(session.execute(select(MemberState.id, MemberState.iso3)).all())
    day = records[-1][1] if records else None
    key = name_sort_key(lang)
    states = sorted(
        ({"state": iso[sid], "name": state_name(iso[sid], lang, day), "votes": row}
         for sid, row in grid.items() if any(row)),
        key=lambda s: key(s["name"]))
    return {"session": session_no, "body": body,
            "records": [{"id": r[0], "date": r[1].isoformat() if r[1] else None,
                         "resolution": r[2], "source_ref": r[3], "title": r[4]}
                        for r in records],
            "states": states}


def agreement_matrix(session: Session, session_no: int, body: str = "GA") -> dict:
    """Agreement of every pair of states over one session's roll calls (numpy, one pass)."""
    rows = session.execute(
        select(Vote.record_id, Vote.state_id, Vote.vote)
        .join(VotingRecord, VotingRecord.id == Vote.record_id)
        .where(VotingRecord.body == body, VotingRecord.session_no == session_no,
               Vote.vote.in_(CAST))).all()
    if not rows:
        return {"session": session_no, "states": [], "agreement": [], "both_voted": []}
    arr = np.asarray(rows, dtype=np.int64)
    rec_ids, rec_pos = np.unique(arr[:, 0], return_inverse=True)
    st_ids, st_pos = np.unique(arr[:, 1], return_inverse=True)
    grid = np.zeros((len(st_ids), len(rec_ids)), dtype=np.int8)
    grid[st_pos, rec_pos] = arr[:, 2]
    cast = (grid > 0).astype(np.float32)
    both = cast @ cast.T
    same = np.zeros_like(both)
    for code in CAST:
        m = (grid == code).astype(np.float32)
        same += m @ m.T
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(both > 0, same / both, np.nan)
    iso = dict(session.execute(select(MemberState.id, MemberState.iso3)).all())
    return {"session": session_no, "states": [iso[int(s)] for s in st_ids],
            "agreement": [[None if np.isnan(x) else round(float(x), 4) for x in row]
                          for row in share],
            "both_voted": both.astype(int).tolist()}


# --- speeches ---------------------------------------------------------------------------

def speech_day(sp: Speech) -> dt.date | None:
    """The day whose name of the speaker's state applies: the speech's, else its year's
    end (General Debate speeches are dated by year)."""
    return sp.date or (dt.date(sp.year, 12, 31) if sp.year else None)


def speech_summary(sp: Speech, with_text: bool = False, lang: str = "en") -> dict:
    """A speech; ``state_name`` is its state's name of the day in ``lang`` (None for an
    organisation without a state authority: ``organisation`` is the name as printed)."""
    out = {
        "id": sp.id, "body": sp.body, "session": sp.session_no, "year": sp.year,
        "date": sp.date.isoformat() if sp.date else None,
        "state": sp.state.iso3 if sp.state else None,
        "state_name": state_name(sp.state.iso3, lang, speech_day(sp)) if sp.state else None,
        "organisation": sp.organisation,
        "speaker": sp.speaker, "title": sp.speaker_title, "agenda_item": sp.agenda_item,
        "language": sp.language, "meeting": sp.meeting.symbol if sp.meeting else None,
        "url": sp.url, "has_text": sp.text is not None, "source_id": sp.source_id,
    }
    if with_text:
        out["text"] = sp.text
    return out


def _speech_document_key(source: str | None, source_id: str | None,
                         session_no: int | None) -> str | None:
    if source != "ungdc" or session_no is None or not source_id:
        return None
    return f"UNGDC/{session_no}/{source_id.split('_', 1)[0]}".upper()


def speech_document_uid(session: Session, sp: Speech) -> str | None:
    """The catalogue document holding this speech's text, if the library has one.

    General Debate statements are catalogued without a UN symbol, under the local
    identifier ``UNGDC/<session>/<ISO3>`` (corpus/documents/ungdc); that identifier is the
    join, and through the document the speech is in the main search.
    """
    key = _speech_document_key(sp.source, sp.source_id, sp.session_no)
    if key is None:
        return None
    return session.scalar(select(Document.uid).join(DocumentSymbol).where(
        DocumentSymbol.key == key, Document.status == "published"))


def speech_document_uids(session: Session, speech_ids: list[int]) -> dict[int, str]:
    """``speech_document_uid`` for many speeches at once: speech id -> document uid, for
    those whose text the library has."""
    keys = {sid: _speech_document_key(source, source_id, session_no)
            for sid, source, source_id, session_no in session.execute(
                select(Speech.id, Speech.source, Speech.source_id, Speech.session_no)
                .where(Speech.id.in_(speech_ids)))} if speech_ids else {}
    wanted = {k for k in keys.values() if k}
    if not wanted:
        return {}
    found = dict(session.execute(
        select(DocumentSymbol.key, Document.uid).join(Document)
        .where(DocumentSymbol.key.in_(wanted), Document.status == "published")).all())
    return {sid: found[k] for sid, k in keys.items() if k in found}


def search_speeches(session: Session, *, q: str | None = None, state: str | None = None,
                    speaker: str | None = None, session_no: int | None = None,
                    page: int = 1, per_page: int = 50,
                    lang: str = "en") -> tuple[int, list[dict]]:
    """Speeches filtered by state, speaker, session and words of the text (all must occur)."""
    query = select(Speech)
    if state:
        query = query.join(MemberState, MemberState.id == Speech.state_id).where(
            MemberState.iso3 == state.strip().upper())
    if speaker:
        query = query.where(Speech.speaker.ilike(f"%{speaker.strip()}%"))
    if session_no is not None:
        query = query.where(Speech.session_no == session_no)
    for word in (q or "").split()[:8]:
        query = query.where(Speech.text.ilike(f"%{word}%"))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Speech.session_no, Speech.organisation, Speech.id)
                           .offset((page - 1) * per_page).limit(per_page))
    return total, [speech_summary(s, lang=lang) for s in rows]


def snippet(text: str | None, q: str | None, width: int = 160) -> str | None:
    """A plain-text excerpt around the first query word (the template escapes it)."""
    if not text:
        return None
    words = (q or "").split()
    at = -1
    low = text.casefold()
    for w in words:
        at = low.find(w.casefold())
        if at >= 0:
            break
    start = max(0, at - width // 2) if at >= 0 else 0
    piece = text[start:start + width].replace("\n", " ")
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")


def speeches_for_meeting(session: Session, symbol: str) -> list[Speech]:
    """Speeches made at the meeting whose record carries ``symbol`` (e.g. ``S/PV.7439``)."""
    key = key_of(symbol)
    if key is None:
        return []
    return list(session.scalars(
        select(Speech).join(Meeting, Meeting.id == Speech.meeting_id)
        .where(Meeting.symbol_key == key).order_by(Speech.id)))
