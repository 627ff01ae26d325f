"""Proceedings figures: import all GA votes, a state's full history, a session's agreement
matrix; baseline: the same computation with DuckDB, in the same run, the CSV files loaded
into DuckDB tables once (timed apart) and every query then run on them, as one would use it
(re-reading the gzipped CSV for each query made it 8-19x slower than it need be).

    .venv/bin/python bench/proceedings_votes.py [--postgres] [--session 70]

Our side reads the catalogue (SQLite by default; --postgres also measures PostgreSQL with
the test server of scripts/test-postgres.sh); DuckDB reads corpus/proceedings/unvotes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from hemicycle.catalogue.db import dispose_all, session_scope  # noqa: E402
from hemicycle.config import load_settings  # noqa: E402
from hemicycle.proceedings import queries  # noqa: E402
from hemicycle.proceedings.importers.ga import GAFiles, import_ga  # noqa: E402

DATA = ROOT / "corpus" / "proceedings" / "unvotes"
ROLLS, VOTES, ISSUES = (DATA / "un_roll_calls.csv.gz", DATA / "un_votes.csv.gz",
                        DATA / "un_roll_call_issues.csv")
PG = "postgresql://hemicycle:hemicycle@127.0.0.1:54329/hemicycle"


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[18] if len(times) >= 20 else max(times)


def ours(settings, session_no: int) -> dict:
    t = time.perf_counter()
    result = import_ga(settings, GAFiles(ROLLS, VOTES, ISSUES))
    imported = time.perf_counter() - t
    with session_scope(settings.database_url) as db:
        states = [s["iso3"] for s in queries.all_states(db) if s["kind"] == "member"]
        ids = {iso: queries.state(db, iso).id for iso in states}
        times, rows = [], 0
        for _round in range(3):  # the first round reads cold pages, the others warm ones
            rows = 0
            for iso in states:
                t = time.perf_counter()
                rows += len(queries.state_history(db, ids[iso]))
                times.append(time.perf_counter() - t)
        matrix_times = []
        for _ in range(3):
            t = time.perf_counter()
            m = queries.agreement_matrix(db, session_no)
            matrix_times.append(time.perf_counter() - t)
    return {"import_s": imported, "votes": result.extra.get("votes"),
            "history_p95_ms": p95(times) * 1000, "history_rows": rows,
            "history_states": len(states), "matrix_s": min(matrix_times),
            "matrix_states": len(m["states"])}


def baseline(session_no: int, states_iso2: list[str]) -> dict:
    con = duckdb.connect()
    rolls, votes = str(ROLLS), str(VOTES)
    t = time.perf_counter()
    con.execute(f"CREATE TABLE v AS SELECT * FROM read_csv_auto('{votes}')")
    con.execute(f"CREATE TABLE r AS SELECT * FROM read_csv_auto('{rolls}')")
    loaded = time.perf_counter() - t
    history_sql = ("SELECT r.rcid, r.session, r.date, r.unres, r.short, v.vote FROM v "
                   "JOIN r USING (rcid) WHERE v.country_code = ? ORDER BY r.date, r.rcid")
    times, rows = [], 0
    for _round in range(3):  # as ours: three rounds, the first one on cold data
        rows = 0
        for code in states_iso2:
            t = time.perf_counter()
            rows += len(con.execute(history_sql, [code]).fetchall())
            times.append(time.perf_counter() - t)
    matrix_sql = (
        "WITH s AS (SELECT v.rcid, coalesce(v.country_code, v.country) AS c, v.vote FROM v "
        "JOIN r USING (rcid) WHERE r.session = ?) "
        "SELECT a.c, b.c, count(*), sum(CASE WHEN a.vote = b.vote THEN 1 ELSE 0 END) "
        "FROM s a JOIN s b ON a.rcid = b.rcid GROUP BY a.c, b.c")
    matrix_times = []
    for _ in range(3):
        t = time.perf_counter()
        pairs = con.execute(matrix_sql, [session_no]).fetchall()
        matrix_times.append(time.perf_counter() - t)
    return {"load_s": loaded, "history_p95_ms": p95(times) * 1000, "history_rows": rows,
            "matrix_s": min(matrix_times), "matrix_pairs": len(pairs)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--session", type=int, default=70)
    args = parser.parse_args()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        import os

        os.environ.pop("HEMICYCLE_DATABASE_URL", None)
        runs.append(("SQLite", ours(load_settings(Path(tmp) / "sqlite"), args.session)))
        if args.postgres:
            import psycopg

            subprocess.run(["bash", str(ROOT / "scripts" / "test-postgres.sh")], check=True)
            name = f"bench_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = PG.rsplit("/", 1)[0] + "/" + name
            os.environ["HEMICYCLE_DATABASE_URL"] = url
            try:
                runs.append(("PostgreSQL", ours(load_settings(Path(tmp) / "pg"), args.session)))
            finally:
                dispose_all()
                os.environ.pop("HEMICYCLE_DATABASE_URL", None)
                with psycopg.connect(PG, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        with session_scope(load_settings(Path(tmp) / "sqlite").database_url) as db:
            from sqlalchemy import select

            from hemicycle.proceedings.models import MemberState
            iso2 = [c for c in db.scalars(select(MemberState.iso2)) if c]
    base = baseline(args.session, iso2)
    print(f"baseline DuckDB, CSV loaded into tables once ({base['load_s']:.1f} s): history p95 "
          f"{base['history_p95_ms']:.1f} ms "
          f"({len(iso2)} states, {base['history_rows']} rows); agreement matrix of session "
          f"{args.session}: {base['matrix_s']:.3f} s ({base['matrix_pairs']} pairs)")
    for name, r in runs:
        print(f"{name}: import {r['votes']} votes {r['import_s']:.1f} s; history p95 "
              f"{r['history_p95_ms']:.1f} ms ({r['history_states']} states, "
              f"{r['history_rows']} rows); agreement matrix {r['matrix_s']:.3f} s "
              f"({r['matrix_states']} states)")
        print(f"  ratio baseline/ours: history "
              f"{base['history_p95_ms'] / r['history_p95_ms']:.1f}x, "
              f"matrix {base['matrix_s'] / r['matrix_s']:.1f}x")


if __name__ == "__main__":
    main()
