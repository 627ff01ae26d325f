"""General Assembly roll calls 1946-2019 (Voeten's data as published by the unvotes package).

Files: roll calls (rcid, session, date, unres, ...), votes (rcid, country, country_code,
vote yes/no/abstain), optionally the issue tags and Voeten's raw file, whose codes 8
(absent) and 9 (not a member) the package dropped. The unvotes vote wins where both say
something; a disagreement is reported, not resolved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select

from hemicycle.proceedings.bulk import bulk_insert
from hemicycle.proceedings.codes import ABSENT, CAST, ISSUES, NOT_MEMBER, VOTES
from hemicycle.proceedings.importers.frame import (
    ImportFailed,
    Loaded,
    Progress,
    csv_rows,
    no_progress,
    run_import,
)
from hemicycle.proceedings.models import RecordIssue, Vote, VotingRecord
from hemicycle.proceedings.quality import QualityReport
from hemicycle.proceedings.refs import resolution_ref
from hemicycle.proceedings.states import StateIndex

SOURCE = "unvotes"
UNVOTES_VOTE = {"yes": 1, "abstain": 2, "no": 3}
STEP = 50_000


@dataclass
class GAFiles:
    roll_calls: Path
    votes: Path
    issues: Path | None = None
    voeten: Path | None = None

    def paths(self) -> list[Path]:
        return [p for p in (self.roll_calls, self.votes, self.issues, self.voeten) if p]


def _int(text: str) -> int:
    return int(float(text)) if "." in text else int(text)


def _flag(text: str) -> bool | None:
    text = text.strip()
    return None if text in ("", "NA") else bool(_int(text))


def _read_roll_calls(path: Path, report: QualityReport) -> dict[int, dict]:
    name = path.name
    records: dict[int, dict] = {}
    for line, row in csv_rows(path, ("rcid", "session", "date", "unres"), report,
                              ("importantvote", "amend", "para", "short", "descr",
                               "yes", "no", "abstain")):
        try:
            rcid = _int(row["rcid"])
            session = _int(row["session"]) if row["session"].strip() else None
            day = dt.date.fromisoformat(row["date"]) if row["date"].strip() else None
            stated = {k: (_int(row[k]) if row.get(k, "").strip() else None)
                      for k in ("yes", "no", "abstain")}
            important = bool(_flag(row.get("importantvote", "")))
            amend, para = _flag(row.get("amend", "")), _flag(row.get("para", ""))
        except ValueError as exc:
            report.add("broken_row", name, line, f"cannot read the roll call: {exc}")
            continue
        if rcid in records:
            report.add("duplicate_record", name, line,
                       f"roll call {rcid} is listed again (first on line "
                       f"{records[rcid]['line']}); the first is kept", "rcid", rcid)
            continue
        ref = row["unres"].strip()
        symbol, key = resolution_ref(ref)
        if symbol is None and ref.upper().startswith(("A/", "S/")):
            report.add("invalid_symbol", name, line, f"{ref!r} is not a valid symbol; kept as "
                       "printed, without a document link", "unres", ref)
        records[rcid] = {
            "line": line, "session_no": session, "date": day, "source_ref": ref or None,
            "resolution_symbol": symbol, "resolution_key": key, "important": important,
            "amendment": amend, "paragraph": para,
            "title": (row.get("short") or "").strip() or None,
            "description": (row.get("descr") or "").strip() or None,
            "stated_yes": stated["yes"], "stated_no": stated["no"],
            "stated_abstain": stated["abstain"],
        }
    return records


def _read_votes(path: Path, report: QualityReport, records: dict[int, dict],
                states: StateIndex, progress: Progress) -> dict[tuple[int, int], int]:
    name = path.name
    votes: dict[tuple[int, int], int] = {}
    lines: dict[tuple[int, int], int] = {}
    find = states.find
    n = 0
    for line, row in csv_rows(path, ("rcid", "country", "country_code", "vote"), report):
        n += 1
        if n % STEP == 0:
            progress("reading votes", STEP, None)
        try:
            rcid = int(row["rcid"])
        except ValueError:
            report.add("broken_row", name, line, "rcid is not a number", "rcid", row["rcid"])
            continue
        record = records.get(rcid)
        if record is None:
            report.add_grouped("unknown_record", name, line,
                               f"vote for roll call {rcid}, which the roll-call file lacks",
                               "rcid", rcid)
            continue
        code = row["country_code"].strip()
        state = find("iso2", code) if code else find("name", row["country"])
        if state is None:
            report.add_grouped("unknown_country", name, line,
                               f"no member state has code {code!r} / name {row['country']!r}",
                               "country_code", code or row["country"])
            continue
        value = UNVOTES_VOTE.get(row["vote"].strip().lower())
        if value is None:
            report.add("invalid_vote", name, line, f"vote {row['vote']!r} is not yes, no or "
                       "abstain", "vote", row["vote"])
            continue
        key = (rcid, state.id)
        if key in votes:
            report.add("duplicate_vote", name, line,
                       f"{state.iso3} already voted on roll call {rcid} (line {lines[key]}); "
                       "the first vote is kept", "country_code", code or row["country"])
            continue
        if state.member_on(record["date"]) is False:
            report.add("non_member_vote", name, line,
                       f"{state.iso3} voted on {record['date']} but was a member "
                       f"from {state.admitted}" + (f" to {state.ended}" if state.ended else ""),
                       "country_code", code or row["country"])
        votes[key] = value
        lines[key] = line
    progress("reading votes", n % STEP, None)
    return votes


def _read_voeten(path: Path, report: QualityReport, records: dict[int, dict],
                 states: StateIndex, votes: dict[tuple[int, int], int],
                 progress: Progress) -> int:
    """Add the absent and non-member codes; report where the two sources disagree."""
    name = path.name
    added = 0
    seen: set[tuple[int, int]] = set()
    n = 0
    for line, row in csv_rows(path, ("rcid", "vote", "ccode"), report, ("member",)):
        n += 1
        if n % STEP == 0:
            progress("reading Voeten's codes", STEP, None)
        try:
            rcid, value, cow = _int(row["rcid"]), _int(row["vote"]), row["ccode"].strip()
        except ValueError as exc:
            report.add("broken_row", name, line, f"cannot read the row: {exc}")
            continue
        if rcid not in records:
            report.add_grouped("unknown_record", name, line,
                               f"code for roll call {rcid}, which the roll-call file lacks",
                               "rcid", rcid)
            continue
        state = states.find("cow", cow)
        if state is None:
            report.add_grouped("unknown_country", name, line,
                               f"no member state has COW code {cow!r}", "ccode", cow)
            continue
        if value not in VOTES or value == 7:
            report.add("invalid_vote", name, line, f"vote code {value} is not 1, 2, 3, 8 or 9",
                       "vote", value)
            continue
        key = (rcid, state.id)
        if key in seen:
            report.add("duplicate_vote", name, line,
                       f"{state.iso3} has a second code on roll call {rcid}", "ccode", cow)
            continue
        seen.add(key)
        ours = votes.get(key)
        if value in (ABSENT, NOT_MEMBER):
            if ours is None:
                votes[key] = value
                added += 1
            elif value == NOT_MEMBER:
                report.add("non_member_vote", name, line,
                           f"Voeten codes {state.iso3} as not a member on roll call {rcid}, "
                           f"the votes file records {VOTES[ours][0]}", "vote", value)
            else:
                report.add("source_conflict", name, line,
                           f"Voeten codes {state.iso3} absent on roll call {rcid}, the votes "
                           f"file records {VOTES[ours][0]}", "vote", value)
        elif value in CAST and ours != value:
            report.add("source_conflict", name, line,
                       f"Voeten records {VOTES[value][0]} for {state.iso3} on roll call {rcid}, "
                       f"the votes file {VOTES[ours][0] if ours else 'nothing'}", "vote", value)
    progress("reading Voeten's codes", n % STEP, None)
    return added


def _read_issues(path: Path, report: QualityReport, records: dict[int, dict]) -> set:
    name = path.name
    tags: set[tuple[int, str]] = set()
    for line, row in csv_rows(path, ("rcid", "short_name"), report):
        try:
            rcid = _int(row["rcid"])
        except ValueError:
            report.add("broken_row", name, line, "rcid is not a number", "rcid", row["rcid"])
            continue
        issue = row["short_name"].strip()
        if rcid not in records:
            report.add("unknown_record", name, line,
                       f"issue {issue!r} for roll call {rcid}, which the roll-call file lacks",
                       "rcid", rcid)
        elif issue not in ISSUES:
            report.add("broken_row", name, line, f"unknown issue code {issue!r}",
                       "short_name", issue)
        elif (rcid, issue) in tags:
            report.add("duplicate_record", name, line,
                       f"issue {issue!r} is tagged twice on roll call {rcid}", "short_name", issue)
        else:
            tags.add((rcid, issue))
    return tags


def load_ga(files: GAFiles):
    def load(conn: Connection, report: QualityReport, progress: Progress) -> Loaded:
        states = StateIndex(conn)
        records = _read_roll_calls(files.roll_calls, report)
        votes = _read_votes(files.votes, report, records, states, progress)
        added = (_read_voeten(files.voeten, report, records, states, votes, progress)
                 if files.voeten else 0)
        tags = _read_issues(files.issues, report, records) if files.issues else set()
        tallies: dict[int, list[int]] = {rcid: [0] * 10 for rcid in records}
        for (rcid, _state), value in votes.items():
            tallies[rcid][value] += 1
        rows = []
        # in date order, so that record ids run in date order (state histories read them so)
        for rcid, rec in sorted(records.items(),
                                key=lambda kv: (kv[1]["date"] or dt.date.max, kv[0])):
            t = tallies[rcid]
            for stated, counted, label in ((rec["stated_yes"], t[1], "yes"),
                                           (rec["stated_no"], t[3], "no"),
                                           (rec["stated_abstain"], t[2], "abstain")):
                if stated is not None and stated != counted:
                    report.add("tally_mismatch", files.roll_calls.name, rec["line"],
                               f"roll call {rcid}: the file states {stated} {label}, the "
                               f"votes count {counted}", label, stated)
            rows.append({
                "source": SOURCE, "source_id": str(rcid), "body": "GA",
                "session_no": rec["session_no"], "date": rec["date"],
                "resolution_symbol": rec["resolution_symbol"],
                "resolution_key": rec["resolution_key"], "source_ref": rec["source_ref"],
                "title": rec["title"], "description": rec["description"],
                "outcome": "recorded", "important": rec["important"],
                "amendment": rec["amendment"], "paragraph": rec["paragraph"],
                "yes": t[1], "abstain": t[2], "no": t[3], "non_voting": t[7],
                "absent": t[8], "stated_yes": rec["stated_yes"], "stated_no": rec["stated_no"],
                "stated_abstain": rec["stated_abstain"],
            })
        _replace_source(conn)
        if rows:
            conn.execute(insert(VotingRecord), rows)
        ids = dict(conn.execute(select(VotingRecord.source_id, VotingRecord.id)
                                .where(VotingRecord.source == SOURCE)).all())
        record_id = {int(k): v for k, v in ids.items()}
        total = len(votes)
        progress("writing votes", 0, total)

        def vote_rows():
            done = 0
            for (rcid, state_id), value in votes.items():
                yield (record_id[rcid], state_id, value)
                done += 1
                if done % STEP == 0:
                    progress("writing votes", STEP, total)
            progress("writing votes", done % STEP, total)

        bulk_insert(conn, "votes", ("record_id", "state_id", "vote"), vote_rows())
        if tags:
            bulk_insert(conn, "voting_record_issues", ("record_id", "issue"),
                        [(record_id[rcid], issue) for rcid, issue in sorted(tags)])
        return Loaded(rows=len(records), loaded=len(rows),
                      extra={"votes": total, "added_from_voeten": added, "issues": len(tags)})
    return load


def _replace_source(conn: Connection) -> None:
    old = select(VotingRecord.id).where(VotingRecord.source == SOURCE).scalar_subquery()
    conn.execute(delete(Vote).where(Vote.record_id.in_(old)))
    conn.execute(delete(RecordIssue).where(RecordIssue.record_id.in_(old)))
    conn.execute(delete(VotingRecord).where(VotingRecord.source == SOURCE))


def import_ga(settings, files: GAFiles, progress: Progress = no_progress, force: bool = False):
    """Import the General Assembly roll calls; a rerun on the same files changes nothing."""
    if not files.roll_calls or not files.votes:
        raise ImportFailed("the roll-call file and the votes file are both required")
    return run_import(settings, "ga", files.paths(), load_ga(files), progress, force)
