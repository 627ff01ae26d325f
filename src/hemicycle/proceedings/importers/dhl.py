"""Votes and speeches in the shape of our own exports (the DHL voting dataset shape).

What ``hemicycle votes export`` and ``hemicycle speeches export`` write, these read back:
a round trip keeps every vote. It is also the way in for analytical records made
elsewhere, with meeting-record symbols (``S/PV.7439``), drafts and agenda items, which
the published research datasets lack. Records of this source are keyed by the resolution
symbol; importing a file replaces the records and speeches that file names, no others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select

from hemicycle.proceedings.bulk import bulk_insert
from hemicycle.proceedings.codes import ABSTAIN, NO, NON_VOTING, YES
from hemicycle.proceedings.importers.frame import (
    Loaded,
    Progress,
    csv_rows,
    no_progress,
    run_import,
)
from hemicycle.proceedings.models import Meeting, Speech, Vote, VotingRecord
from hemicycle.proceedings.quality import QualityReport
from hemicycle.proceedings.refs import key_of, resolution_ref
from hemicycle.proceedings.states import StateIndex
from hemicycle.symbols import SymbolError, parse_symbol

SOURCE = "dhl"
LETTERS = {"Y": YES, "N": NO, "A": ABSTAIN, "X": NON_VOTING}


@dataclass
class _Meetings:
    """Meeting rows by symbol key, created on first mention."""

    conn: Connection
    ids: dict[str, int] = field(default_factory=dict)

    def id_for(self, symbol: str | None, body: str, session: int | None,
               day: dt.date | None) -> int | None:
        if not symbol:
            return None
        try:
            parsed = parse_symbol(symbol)
        except SymbolError:
            return None
        if parsed.key in self.ids:
            return self.ids[parsed.key]
        found = self.conn.execute(select(Meeting.id).where(Meeting.symbol_key == parsed.key)
                                  ).scalar()
        if found is None:
            number = parsed.canonical.rsplit("PV.", 1)[-1] if "PV." in parsed.canonical else None
            found = self.conn.execute(insert(Meeting).values(
                body=body, session=str(session) if session is not None else parsed.session,
                number=number, date=day, symbol=parsed.canonical, symbol_key=parsed.key,
            )).inserted_primary_key[0]
        self.ids[parsed.key] = found
        return found


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text.strip()) if text and text.strip() else None


def _int(text: str) -> int | None:
    return int(text) if text and text.strip() else None


def _body(row: dict[str, str], symbol: str | None) -> str:
    if row.get("body", "").strip():
        return row["body"].strip()
    if symbol:
        try:
            return parse_symbol(symbol).body or "GA"
        except SymbolError:
            pass
    return "GA"


def load_votes(path: Path):
    def load(conn: Connection, report: QualityReport, progress: Progress) -> Loaded:
        name = path.name
        states = StateIndex(conn)
        meetings = _Meetings(conn)
        records: dict[str, dict] = {}
        votes: dict[tuple[str, int], int] = {}
        lines: dict[tuple[str, int], int] = {}
        read = 0
        for line, row in csv_rows(path, ("state", "vote", "resolution", "date"), report,
                                  ("draft", "meeting", "agenda_item", "title", "session",
                                   "body", "source_ref")):
            read += 1
            printed = row["resolution"].strip()
            symbol, key = resolution_ref(printed)
            if key is None:
                report.add_grouped("invalid_symbol", name, line,
                                   f"{printed!r} is not a resolution symbol; row left out",
                                   "resolution", printed)
                continue
            try:
                day, session = _date(row["date"]), _int(row.get("session", ""))
            except ValueError as exc:
                report.add("broken_row", name, line, f"cannot read date or session: {exc}")
                continue
            rec = records.get(key)
            if rec is None:
                body = _body(row, symbol)
                if session is None:
                    derived = parse_symbol(symbol).session or ""
                    session = int(derived) if derived.isdigit() else None
                rec = records[key] = {
                    "line": line, "body": body, "session_no": session, "date": day,
                    "resolution_symbol": symbol, "resolution_key": key,
                    "draft_symbol": (row.get("draft") or "").strip() or None,
                    "meeting": (row.get("meeting") or "").strip() or None,
                    "agenda_item": (row.get("agenda_item") or "").strip() or None,
                    "title": (row.get("title") or "").strip() or None,
                    "source_ref": (row.get("source_ref") or "").strip() or printed,
                }
            state = states.find("iso3", row["state"])
            if state is None:
                report.add("unknown_country", name, line,
                           f"no member state has ISO3 code {row['state']!r}", "state",
                           row["state"])
                continue
            letter = row["vote"].strip().upper()
            if letter not in LETTERS:
                report.add("invalid_vote", name, line, f"vote {row['vote']!r} is not Y, N, A "
                           "or X", "vote", row["vote"])
                continue
            if (key, state.id) in votes:
                report.add("duplicate_vote", name, line,
                           f"{state.iso3} already voted on {symbol} (line "
                           f"{lines[(key, state.id)]}); the first vote is kept", "state",
                           state.iso3)
                continue
            if state.member_on(rec["date"]) is False:
                report.add("non_member_vote", name, line,
                           f"{state.iso3} voted on {rec['date']} but was a member from "
                           f"{state.admitted}" + (f" to {state.ended}" if state.ended else ""),
                           "state", state.iso3)
            votes[(key, state.id)] = LETTERS[letter]
            lines[(key, state.id)] = line
        tallies: dict[str, list[int]] = {key: [0] * 10 for key in records}
        for (key, _sid), value in votes.items():
            tallies[key][value] += 1
        old = select(VotingRecord.id).where(VotingRecord.source == SOURCE,
                                            VotingRecord.source_id.in_(list(records)))
        conn.execute(delete(Vote).where(Vote.record_id.in_(old.scalar_subquery())))
        conn.execute(delete(VotingRecord).where(VotingRecord.source == SOURCE,
                                                VotingRecord.source_id.in_(list(records))))
        ordered = sorted(records.items(), key=lambda kv: (kv[1]["date"] or dt.date.max,
                                                          kv[1]["line"]))
        rows = []
        for key, rec in ordered:
            t = tallies[key]
            rows.append({
                "source": SOURCE, "source_id": key, "body": rec["body"],
                "session_no": rec["session_no"], "date": rec["date"],
                "resolution_symbol": rec["resolution_symbol"], "resolution_key": key,
                "draft_symbol": rec["draft_symbol"], "source_ref": rec["source_ref"],
                "meeting_id": meetings.id_for(rec["meeting"], rec["body"], rec["session_no"],
                                              rec["date"]),
                "agenda_item": rec["agenda_item"], "title": rec["title"],
                "outcome": "recorded", "important": False,
                "yes": t[YES], "no": t[NO], "abstain": t[ABSTAIN],
                "non_voting": t[NON_VOTING], "absent": 0,
            })
        if rows:
            conn.execute(insert(VotingRecord), rows)
        ids = dict(conn.execute(select(VotingRecord.source_id, VotingRecord.id).where(
            VotingRecord.source == SOURCE, VotingRecord.source_id.in_(list(records)))).all())
        progress("votes", len(votes), len(votes))
        bulk_insert(conn, "votes", ("record_id", "state_id", "vote"),
                    [(ids[key], sid, v) for (key, sid), v in votes.items()])
        return Loaded(rows=read, loaded=len(rows), extra={"votes": len(votes)})
    return load


def load_speeches(path: Path):
    def load(conn: Connection, report: QualityReport, progress: Progress) -> Loaded:
        name = path.name
        states = StateIndex(conn)
        meetings = _Meetings(conn)
        speeches: dict[str, tuple] = {}
        lines: dict[str, int] = {}
        read = 0
        for line, row in csv_rows(path, ("state", "organisation", "speaker", "meeting"), report,
                                  ("title", "body", "session", "year", "date", "agenda_item",
                                   "language", "url", "text")):
            read += 1
            try:
                session, year = _int(row.get("session", "")), _int(row.get("year", ""))
                day = _date(row.get("date", ""))
            except ValueError as exc:
                report.add("broken_row", name, line, f"cannot read session, year or date: {exc}")
                continue
            code = row["state"].strip()
            state = states.find("iso3", code) if code else None
            if code and state is None:
                report.add("unknown_country", name, line,
                           f"no member state or observer has code {code!r}", "state", code)
            meeting = row["meeting"].strip()
            if meeting and key_of(meeting) is None:
                report.add("invalid_symbol", name, line, f"{meeting!r} is not a meeting symbol",
                           "meeting", meeting)
                meeting = ""
            body = (row.get("body") or "").strip() or _body({}, meeting or None)
            who = (code, row["organisation"].strip(), row["speaker"].strip(),
                   key_of(meeting) if meeting else "", str(session), str(day),
                   (row.get("agenda_item") or "").strip())
            source_id = hashlib.sha256("\x1f".join(who).encode()).hexdigest()[:40]
            if source_id in speeches:
                report.add("duplicate_record", name, line,
                           f"the same speaker, state and meeting as line {lines[source_id]}; "
                           "the first is kept")
                continue
            lines[source_id] = line
            language = (row.get("language") or "").strip() or None
            speeches[source_id] = (
                SOURCE, source_id, body, session, year, day,
                meetings.id_for(meeting or None, body, session, day),
                state.id if state else None, row["organisation"].strip() or None,
                row["speaker"].strip() or None, (row.get("title") or "").strip() or None,
                (row.get("agenda_item") or "").strip() or None, language,
                (row.get("text") or "") or None, (row.get("url") or "").strip() or None)
        conn.execute(delete(Speech).where(Speech.source == SOURCE,
                                          Speech.source_id.in_(list(speeches))))
        progress("speeches", len(speeches), len(speeches))
        bulk_insert(conn, "speeches", (
            "source", "source_id", "body", "session_no", "year", "date", "meeting_id",
            "state_id", "organisation", "speaker", "speaker_title", "agenda_item", "language",
            "text", "url"), list(speeches.values()))
        return Loaded(rows=read, loaded=len(speeches))
    return load


def import_votes_csv(settings, path: Path, progress: Progress = no_progress,
                     force: bool = False):
    """Import votes in the DHL dataset shape (our export format); reruns are no-ops."""
    return run_import(settings, "dhl-votes", [path], load_votes(path), progress, force)


def import_speeches_csv(settings, path: Path, progress: Progress = no_progress,
                        force: bool = False):
    """Import speeches in the shape of our speech export; reruns are no-ops."""
    return run_import(settings, "dhl-speeches", [path], load_speeches(path), progress, force)

