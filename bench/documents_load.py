"""Bulk loads, today's code against the document service's batches, in the same run.

Usage: .venv/bin/python bench/documents_load.py [--marc FILE] [--records N]
                                                 [--databases sqlite,postgresql]

Two loads, each on SQLite and on PostgreSQL, each run by the baseline and by ours:

* ingest: the bundled corpus (corpus/documents: cr-unsc, unpc, ungdc; 2,299 documents
  with their text files, which go into OCFL), ``ingest_folder`` for each folder;
* MARC import: the first N records (default 10,000) of a synthetic MARC file
  (bench/interop_marc_generate.py; built here if not given), ``import_marc``.

The baseline is the code of main when this work began (commit ``BASE``), checked out
with ``git worktree`` into a scratch directory and run with the same interpreter, the
same environment (``HEMICYCLE_FSYNC=syncfs``, its fastest durable policy, as
``make demo-data`` uses) and the same data: one transaction and one storage flush per
document, the search index updated at the end. Ours saves in batches (one transaction
and one filesystem flush per batch) and then catches the index up, so both timings
include the same work: catalogue, storage, PREMIS events and search index. Each load
starts from an empty data directory (and an empty PostgreSQL database). Prints
documents (records) per second for each, and the ratio ours / baseline; and, because a
shared machine slows both by whatever else runs, per second of the loader's own CPU time
(user + system, the PostgreSQL server's not counted).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = "2ed4f07"  # main when the document service work began
PG_ADMIN = os.environ.get("HEMICYCLE_TEST_PG",
                          "postgresql://hemicycle:hemicycle@127.0.0.1:54329/hemicycle")
FOLDERS = ["cr-unsc", "unpc", "ungdc"]

INGEST = """
import json, sys, time
from pathlib import Path
from hemicycle.config import load_settings
from hemicycle.ingest.run import ingest_folder
settings = load_settings(sys.argv[1])
from hemicycle.catalogue.db import get_engine
get_engine(settings.database_url)  # migrated before the clock starts
started = time.perf_counter()
count = 0
for folder in sys.argv[2:]:
    summary = ingest_folder(settings, Path(folder))
    count += summary.created
    assert not summary.errors, summary.errors[:3]
try:
    from hemicycle.search.index import catch_up  # ours: the index is the caller's to ask
except ImportError:
    catch_up = None  # the baseline updated it inside ingest_folder
if catch_up:
    catch_up(settings)
print(json.dumps({"count": count, "seconds": time.perf_counter() - started}))
"""

MARC = """
import json, sys, time
from pathlib import Path
from hemicycle.config import load_settings
from hemicycle.interop.marc_import import import_marc
settings = load_settings(sys.argv[1])
from hemicycle.catalogue.db import get_engine
get_engine(settings.database_url)
started = time.perf_counter()
report = import_marc(settings, Path(sys.argv[2]))
try:
    from hemicycle.search.index import catch_up
except ImportError:
    catch_up = None
if catch_up:
    catch_up(settings)
print(json.dumps({"count": report.created, "rejected": len(report.rejected),
                  "seconds": time.perf_counter() - started}))
"""


def baseline_tree(commit: str = BASE) -> Path:
    """A checkout of ``commit`` beside this one (made once, reused)."""
    target = Path(tempfile.gettempdir()) / f"hemicycle-base-{commit}"
    if not (target / "src" / "hemicycle").is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(target),
                        commit], check=True, capture_output=True)
    return target


def database(kind: str, work: Path) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{work / 'catalogue.sqlite3'}", lambda: None
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return PG_ADMIN.rsplit("/", 1)[0] + "/" + name, drop


def run(code: str, src: Path, kind: str, args: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        work = Path(tmp)
        url, drop = database(kind, work)
        env = {**os.environ, "PYTHONPATH": str(src), "HEMICYCLE_FSYNC": "syncfs",
               "HEMICYCLE_DATABASE_URL": url}
        env.pop("HEMICYCLE_INDEX_DIR", None)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        try:
            out = subprocess.run([sys.executable, "-c", code, str(work / "data"), *args],
                                 env=env, capture_output=True, text=True, check=False)
        finally:
            drop()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit(f"{src}: {out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def marc_subset(source: Path, count: int, target: Path) -> Path:
    from pymarc import MARCReader, MARCWriter

    with source.open("rb") as fh, target.open("wb") as out:
        writer = MARCWriter(out)
        for n, record in enumerate(MARCReader(fh, to_unicode=True, force_utf8=True)):
            if n >= count:
                break
            writer.write(record)
    return target


def corpus_copy(folder: Path, target: Path) -> Path:
    """The folder as both codes can read it: its manifest without the columns that came
    after the baseline (``text_source``), the same files (copied: links are refused)."""
    shutil.copytree(folder, target)
    manifest = target / "manifest.jsonl"
    if manifest.exists():
        rows = [json.loads(line) for line in manifest.read_text(encoding="utf-8").splitlines()
                if line.strip()]
        manifest.write_text("".join(json.dumps({k: v for k, v in row.items()
                                                if k != "text_source"}, ensure_ascii=False)
                                    + "\n" for row in rows), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--marc", type=Path, help="a synthetic MARC file to take records from")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--loads", default="ingest,marc")
    parser.add_argument("--base", default=BASE, help="the baseline's commit (default: main "
                        "before the document service work); an earlier state of this work "
                        "measures one step")
    args = parser.parse_args()
    base = baseline_tree(args.base) / "src"
    ours = ROOT / "src"
    with tempfile.TemporaryDirectory(prefix="bench-marc-") as tmp:
        folders = [str(corpus_copy(ROOT / "corpus" / "documents" / f, Path(tmp) / f))
                   for f in FOLDERS]
        source = args.marc
        if source is None:
            source = Path(tmp) / "synthetic.mrc"
            subprocess.run([sys.executable, str(ROOT / "bench" / "interop_marc_generate.py"),
                            str(source), str(args.records)], check=True,
                           env={**os.environ, "PYTHONPATH": str(ours)})
        subset = marc_subset(source, args.records, Path(tmp) / "subset.mrc")
        rows = []
        for kind in args.databases.split(","):
            for load in args.loads.split(","):
                code, extra, unit = ((INGEST, folders, "documents") if load == "ingest" else
                                     (MARC, [str(subset)], "records"))
                timings = {}
                for name, src in (("baseline", base), ("ours", ours)):
                    started = time.perf_counter()
                    result = run(code, src, kind, extra)
                    timings[name] = result
                    rate = result["count"] / result["seconds"]
                    print(f"{kind:10s} {load:6s} {name:8s} {result['count']:7,} {unit} in "
                          f"{result['seconds']:7.1f} s = {rate:7,.0f} {unit}/s; "
                          f"{result['count'] / result['cpu']:7,.0f} per CPU second "
                          f"(process wall {time.perf_counter() - started:.0f} s)", flush=True)
                ratio = ((timings["ours"]["count"] / timings["ours"]["seconds"])
                         / (timings["baseline"]["count"] / timings["baseline"]["seconds"]))
                assert timings["ours"]["count"] == timings["baseline"]["count"], timings
                rows.append((kind, load, timings, ratio))
                print(f"{kind:10s} {load:6s} ratio ours/baseline: {ratio:.1f}x", flush=True)
    print("\n| database | load | baseline /s | ours /s | ratio | baseline /CPU s | "
          "ours /CPU s |\n|---|---|---|---|---|---|---|")
    for kind, load, t, ratio in rows:
        b, o = t["baseline"], t["ours"]
        print(f"| {kind} | {load} | {b['count'] / b['seconds']:,.0f} | "
              f"{o['count'] / o['seconds']:,.0f} | {ratio:.1f}x | {b['count'] / b['cpu']:,.0f} | "
              f"{o['count'] / o['cpu']:,.0f} |")


if __name__ == "__main__":
    main()
