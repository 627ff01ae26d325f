"""Index to Proceedings: time compiling the index of full GA sessions from the bundled
corpus, against two baselines computed in the same run on the same catalogue.

    .venv/bin/python bench/proceedings_itp.py [--sessions 37,70,75] [--repeat 5]

The catalogue is made as ``make demo-data`` makes it (all GA roll calls with Voeten's
absent/non-member codes and the issue tags, the SC tables, every General Debate speaker
with the session-75 texts) in a temporary data directory (SQLite).

Baselines, each producing the resolutions list with tallies, the voting chart (state x
resolution, name of the day) and the speeches by state:
* plain SQL: the same three lists from three hand-written queries (no sections, no
  subjects, no quality checks) -- the least any index costs;
* naive ORM: the chart filled state by state, one ORM query per (state, record) cell, as
  a first version of such a report would.
The figures check that all three give the same chart before any time is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import select, text  # noqa: E402

from hemicycle.catalogue.db import session_scope  # noqa: E402
from hemicycle.config import load_settings  # noqa: E402
from hemicycle.proceedings import itp  # noqa: E402
from hemicycle.proceedings.codes import VOTES  # noqa: E402
from hemicycle.proceedings.importers.ga import GAFiles, import_ga  # noqa: E402
from hemicycle.proceedings.importers.gdc import GDCFiles, import_gdc  # noqa: E402
from hemicycle.proceedings.importers.sc import SCFiles, import_sc  # noqa: E402
from hemicycle.proceedings.models import MemberState, Vote, VotingRecord  # noqa: E402
from hemicycle.symbols import symbol_sort_key  # noqa: E402

UNVOTES = ROOT / "corpus" / "proceedings" / "unvotes"
CRUNSC = ROOT / "corpus" / "proceedings" / "cr-unsc"
UNGDC = ROOT / "corpus" / "proceedings" / "ungdc"
TEXTS = ROOT / "corpus" / "documents" / "ungdc" / "files"


def make_catalogue(data: Path):
    import shutil

    settings = load_settings(data)
    texts = data.parent / "texts75"
    texts.mkdir(exist_ok=True)
    for path in TEXTS.glob("*_75_2020.txt"):
        shutil.copy(path, texts / path.name)
    start = time.perf_counter()
    import_ga(settings, GAFiles(UNVOTES / "un_roll_calls.csv.gz", UNVOTES / "un_votes.csv.gz",
                                UNVOTES / "un_roll_call_issues.csv",
                                UNVOTES / "voeten_UNVotesPublished_2016.csv.gz"))
    import_sc(settings, SCFiles(CRUNSC / "UNSC_Record-Table_2722.csv",
                                CRUNSC / "UNSC_Record_Voting_2722.csv",
                                CRUNSC / "resolution_years.csv"))
    import_gdc(settings, GDCFiles(UNGDC / "Speakers_by_session.xlsx", texts))
    print(f"catalogue made in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return settings


def _name_on(names, day):
    for name, start, end in names:
        if day is not None and (start is None or start <= day) and (end is None or day < end):
            return name
    return names[-1][0] if names else None


def plain_sql(db, session: int) -> dict:
    """The resolutions, chart and speeches by state from three plain queries."""
    conn = db.connection()
    records = conn.execute(text(
        "SELECT id, resolution_key, resolution_symbol, date, yes, no, abstain "
        "FROM voting_records WHERE body = 'GA' AND session_no = :s ORDER BY date, id"),
        {"s": session}).all()
    final = {}
    for r in records:
        if r.resolution_key:
            final[r.resolution_key] = r
    ordered = sorted(final.values(), key=lambda r: symbol_sort_key(r.resolution_symbol))
    cols = {r.id: i for i, r in enumerate(ordered)}
    grid = defaultdict(lambda: [None] * len(cols))
    for rid, sid, vote in conn.execute(text(
            "SELECT v.record_id, v.state_id, v.vote FROM votes v JOIN voting_records r "
            "ON r.id = v.record_id WHERE r.body = 'GA' AND r.session_no = :s"), {"s": session}):
        if rid in cols:
            grid[sid][cols[rid]] = VOTES[vote][0]
    names = defaultdict(list)
    for sid, name, start, end in conn.execute(text(
            "SELECT state_id, name, valid_from, valid_to FROM member_state_names "
            "ORDER BY state_id, valid_from")):
        names[sid].append((name, _d(start), _d(end)))
    day = max((_d(r.date) for r in final.values() if r.date), default=None)
    chart = {sid: (_name_on(names[sid], day), cells) for sid, cells in grid.items()
             if any(c not in (None, "not_member") for c in cells)}
    speeches = defaultdict(list)
    for sid, org, speaker in conn.execute(text(
            "SELECT state_id, organisation, speaker FROM speeches WHERE body = 'GA' "
            "AND session_no = :s ORDER BY id"), {"s": session}):
        speeches[sid or org].append(speaker)
    return {"resolutions": len(final), "chart": chart, "speeches": speeches}


def _d(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def naive_orm(db, session: int) -> dict:
    """The chart cell by cell: for each state, for each resolution, one ORM query."""
    records = db.scalars(select(VotingRecord).where(
        VotingRecord.body == "GA", VotingRecord.session_no == session)
        .order_by(VotingRecord.date, VotingRecord.id)).all()
    final = {}
    for r in records:
        if r.resolution_key:
            final[r.resolution_key] = r
    columns = sorted(final.values(), key=lambda r: symbol_sort_key(r.resolution_symbol))
    day = max((r.date for r in columns if r.date), default=None)
    chart = {}
    for state in db.scalars(select(MemberState)).all():
        cells = []
        for rec in columns:
            vote = db.scalar(select(Vote.vote).where(Vote.record_id == rec.id,
                                                     Vote.state_id == state.id))
            cells.append(VOTES[vote][0] if vote is not None else None)
        if any(c not in (None, "not_member") for c in cells):
            names = [(n.name, n.valid_from, n.valid_to) for n in state.names]
            chart[state.id] = (_name_on(names, day), cells)
    return {"resolutions": len(columns), "chart": chart}


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="37,70,75")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--naive-repeat", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        settings = make_catalogue(data)
        print("median of runs; ratio = baseline time / ITP time (above 1: the ITP is faster)")
        print("session | ITP (ms) | plain SQL (ms) | ratio | naive ORM chart (ms) | ratio | "
              "resolutions x states, speeches")
        for session in (int(s) for s in args.sessions.split(",")):
            with session_scope(settings.database_url) as db:
                ours_t, ix = timed(partial(itp.build_index, db, "GA", session, "en"),
                                   args.repeat)
                base_t, base = timed(partial(plain_sql, db, session), args.repeat)
                chart = ix["sections"]["voting_chart"]
                ours_chart = {r["state"]: (r["name"], r["cells"]) for r in chart["rows"]}
                iso3 = dict(db.execute(select(MemberState.id, MemberState.iso3)).all())
                assert ours_chart == {iso3[s]: v for s, v in base["chart"].items()}, session
                speeches = ix["sections"]["speeches"]["total"]
                assert speeches == sum(len(v) for v in base["speeches"].values())
                naive = "-"
                if chart["rows"]:
                    naive_t, slow = timed(partial(naive_orm, db, session),
                                          args.naive_repeat)
                    assert {iso3[s]: v for s, v in slow["chart"].items()} == ours_chart
                    naive = f"{naive_t * 1000:.0f} | {naive_t / ours_t:.1f}x"
                else:
                    naive = "- | -"
            print(f"GA {session} | {ours_t * 1000:.1f} | {base_t * 1000:.1f} | "
                  f"{base_t / ours_t:.2f}x | {naive} | {len(chart['columns'])} x "
                  f"{len(chart['rows'])}, {speeches}")


if __name__ == "__main__":
    main()
