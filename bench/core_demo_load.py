"""Demo load: documents/s of `hemicycle ingest` over the bundled corpus.

Baseline in the same run: the same rows inserted with plain sqlite3 executemany
(no validation, no files stored, no index) — the floor of what any loader costs.
Usage: .venv/bin/python bench/core_demo_load.py
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ["cr-unsc", "unpc", "ungdc"]


def baseline(tmp: Path) -> tuple[int, float]:
    db = sqlite3.connect(tmp / "baseline.sqlite3")
    db.execute("create table docs (symbol text, language text, title text, text text)")
    started = time.perf_counter()
    rows = []
    for folder in FOLDERS:
        base = ROOT / "corpus" / "documents" / folder
        for line in (base / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            text = (base / row["file"]).read_text(encoding="utf-8")
            rows.append((row.get("symbol") or row.get("identifier"), row["language"],
                         row.get("title"), text))
    db.executemany("insert into docs values (?, ?, ?, ?)", rows)
    db.commit()
    return len({r[0] for r in rows}), time.perf_counter() - started


def ours(tmp: Path) -> tuple[int, float]:
    env = {**os.environ, "HEMICYCLE_DATA": str(tmp / "data")}
    hemicycle = str(Path(sys.executable).with_name("hemicycle"))
    started = time.perf_counter()
    subprocess.run([hemicycle, "migrate"], env=env, check=True, capture_output=True)
    for folder in FOLDERS:
        subprocess.run([hemicycle, "ingest", str(ROOT / "corpus" / "documents" / folder)],
                       env=env, check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    import sqlite3 as s

    count = s.connect(tmp / "data" / "catalogue.sqlite3").execute(
        "select count(*) from documents").fetchone()[0]
    return count, elapsed


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        n_base, t_base = baseline(Path(tmp))
        n_ours, t_ours = ours(Path(tmp))
    print(f"baseline sqlite3 executemany: {n_base} documents in {t_base:.2f}s "
          f"({n_base / t_base:.0f} docs/s)")
    print(f"hemicycle ingest (catalogue + storage + index): {n_ours} documents in {t_ours:.2f}s "
          f"({n_ours / t_ours:.0f} docs/s)")
    print(f"ratio ours/baseline throughput: {(n_ours / t_ours) / (n_base / t_base):.3f}")
