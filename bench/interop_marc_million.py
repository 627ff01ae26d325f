"""A million-record MARC load, interrupted and resumed, on SQLite or PostgreSQL.

Usage: .venv/bin/python bench/interop_marc_million.py FILE.mrc
           [--database sqlite|postgresql] [--interrupt-at 0.4] [--kill]
           [--baseline-records 5000]

FILE is made by bench/interop_marc_generate.py (1,000,000 records by default). The load
is the command a librarian runs, ``hemicycle import marc FILE``, in a scratch data
directory (SQLite there, or a new database on the test PostgreSQL server): once
the checkpoint says the given share of the records is in, the command is interrupted
(SIGINT, as Ctrl-C does; or SIGKILL with ``--kill``), then run again, and it resumes
after its last committed batch. Prints each run's time and rate, the records loaded,
the documents in the catalogue at the end (which must equal the records), and the time
the search index took to take them in.

Baseline in the same run: today's code (main when this work began, as in
bench/documents_load.py), which saves one record per transaction, imports the first
``--baseline-records`` records into a scratch catalogue of the same kind; its rate gives
the time it would need for the whole file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from documents_load import MARC, baseline_tree, database, marc_subset, run  # noqa: E402

HEMICYCLE = str(Path(sys.executable).with_name("hemicycle"))


def checkpoint_number(url: str) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT position FROM load_checkpoints")).first()
    except Exception:  # not migrated yet
        return 0
    finally:
        engine.dispose()
    if row is None:
        return 0
    position = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    return int(position["number"])


def documents(url: str) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM documents")).scalar()
    engine.dispose()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--interrupt-at", type=float, default=0.4)
    parser.add_argument("--kill", action="store_true", help="SIGKILL instead of SIGINT")
    parser.add_argument("--baseline-records", type=int, default=5000)
    args = parser.parse_args()
    from hemicycle.marc21.files import count_records

    total = count_records(args.file)
    kind = args.database
    with tempfile.TemporaryDirectory(prefix="bench-million-") as tmp:
        work = Path(tmp)
        if args.baseline_records:
            subset = marc_subset(args.file, args.baseline_records, work / "subset.mrc")
            base = run(MARC, baseline_tree() / "src", kind, [str(subset)])
            base_rate = base["count"] / base["seconds"]
            print(f"baseline (today's code), first {base['count']:,} records on {kind}: "
                  f"{base['seconds']:.1f} s = {base_rate:,.0f} records/s; the whole file "
                  f"would take {total / base_rate / 3600:.1f} h", flush=True)
        url, drop = database(kind, work / "data")
        try:
            load(args, url, work, total, kind)
        finally:
            drop()


def children_cpu() -> float:
    """CPU seconds used by the finished child processes (a shared machine slows the wall
    clock by whatever else runs; the loader's own CPU time does not change with it)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load(args, url: str, work: Path, total: int, kind: str) -> None:
    """Run the import, interrupt it, run it again; print what each run did."""
    env = {**os.environ, "HEMICYCLE_DATA": str(work / "data"),
           "HEMICYCLE_DATABASE_URL": url, "COLUMNS": "120"}
    env.pop("HEMICYCLE_INDEX_DIR", None)
    command = [HEMICYCLE, "import", "marc", str(args.file)]
    cpu_before = children_cpu()
    started = time.perf_counter()
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    target = int(total * args.interrupt_at)
    while first.poll() is None and checkpoint_number(url) < target:
        time.sleep(1)
    how = signal.SIGKILL if args.kill else signal.SIGINT
    os.killpg(first.pid, how)
    _out, err = first.communicate()
    stopped = time.perf_counter()
    loaded = checkpoint_number(url)
    print(f"run 1: {how.name} after {stopped - started:.0f} s, exit {first.returncode}; "
          f"{loaded:,} records committed ({loaded / (stopped - started):,.0f} records/s "
          f"including start-up)", flush=True)
    print("  " + "\n  ".join(line for line in err.splitlines()[-4:] if line.strip()))
    second = subprocess.run(command, env=env, capture_output=True, text=True)
    ended = time.perf_counter()
    summary = [line for line in second.stderr.splitlines() if "records read" in line]
    print(f"run 2: exit {second.returncode} after {ended - stopped:.0f} s", flush=True)
    print("  " + "\n  ".join(line for line in second.stderr.splitlines()
                             if "resumed" in line or "records read" in line))
    index = re.search(r"in ([\d.]+) s$", summary[-1]) if summary else None
    count = documents(url)
    print(f"{kind}: {count:,} documents from {total:,} records in {ended - started:.0f} s "
          f"in all ({total / (ended - started):,.0f} records/s, interrupted once, start-ups "
          f"and the search index included; the index alone "
          f"{index.group(1) if index else '?'} s)")
    cpu = children_cpu() - cpu_before
    print(f"  the loader's own CPU time (user + system, both runs, the database server's not "
          f"counted): {cpu:.0f} s = {total / cpu:,.0f} records per CPU second")
    if count != total:
        raise SystemExit(f"{total - count} records missing")


if __name__ == "__main__":
    main()
