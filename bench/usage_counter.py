"""COUNTER usage processing at scale: our spool -> ``process`` -> IR, against plain SQL.

A synthetic year of readers (default 1,000,000 events over 12 months on 100,000
documents; ~10% robots and machines; double clicks; downloads; searches) is written as
spool files. Ours: ``process_spool`` into a fresh SQLite catalogue (robots out, double
clicks once, unique per reader-hour, daily counts), then the year's IR from the daily
counts. Baseline, same run: the raw events loaded into one SQLite table and the same IR
computed with plain SQL (a window function for double clicks, GROUP BY for the rest).
Both must give the same counts for every (item, month, metric); the ratio is printed.

    .venv/bin/python bench/usage_counter.py [--events N] [--items N] [--months N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import insert

from hemicycle.catalogue.db import get_engine
from hemicycle.catalogue.models import Document
from hemicycle.config import load_settings
from hemicycle.usage.period import Period
from hemicycle.usage.process import process_spool
from hemicycle.usage.reports import ReportRequest, build_report
from hemicycle.usage.robots import is_robot

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
]
ROBOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "python-requests/2.32.3", "curl/8.5.0", "Wget/1.21.4",
]
VIEWS = ["page", "api", "api/text/en", "api/text/fr"]
FILES = ["files/en/pdf", "files/fr/pdf", "files/ar/pdf", "files/es/pdf"]
TYPES = ["resolution", "meeting record", "report", None, "draft resolution", "decision"]


def generate(data_dir: Path, events: int, items: int, months: int, seed: int = 7) -> Period:
    """Spool files of a synthetic year; returns the period it covers."""
    rng = random.Random(seed)
    first = dt.date(2025, 12, 1)
    days = (dt.date(first.year + (first.month - 1 + months) // 12,
                    (first.month - 1 + months) % 12 + 1, 1) - first).days
    per_day = events // days
    folder = data_dir / "usage" / "spool"
    folder.mkdir(parents=True)
    uids = [f"{n:032x}" for n in range(items)]
    written = 0
    for d in range(days):
        day = first + dt.timedelta(d)
        start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()
        lines: list[tuple[float, str]] = []
        n_today = per_day if d < days - 1 else events - written
        while len(lines) < n_today:
            ts = start + rng.random() * 86390
            reader = f"{d:03d}r{rng.randrange(4000)}"
            robot = rng.random() < 0.10
            agent = rng.choice(ROBOTS) if robot else rng.choice(BROWSERS)
            # popularity: log-uniform ranks (a few documents much used, a long tail
            # reaching every document), ranks scattered over the uids
            item = uids[(int(items ** rng.random()) - 1) * 7919 % items]
            roll = rng.random()
            if roll < 0.15:
                kind, item_or_q, view = "s", f"q:{rng.randrange(20000):x}", "page"
            elif roll < 0.45:
                kind, item_or_q, view = "r", item, rng.choice(FILES)
            else:
                kind, item_or_q, view = "i", item, rng.choice(VIEWS)
            clicks = 2 if rng.random() < 0.08 else 1  # a double click, 1-29 s later
            for c in range(clicks):
                when = min(ts + c * rng.uniform(1, 29), start + 86399.9)
                lines.append((when, json.dumps(
                    {"ts": round(when, 3), "kind": kind, "item": item_or_q, "view": view,
                     "user": reader, "agent": agent}, separators=(",", ":"))))
        lines = lines[:n_today]
        lines.sort()
        half = len(lines) // 2  # two web workers, each with its own file
        for pid, part in ((1, lines[:half]), (2, lines[half:])):
            with (folder / f"{day.isoformat()}-{pid}.jsonl").open("w") as fh:
                fh.write("".join(text + "\n" for _, text in part))
        written += len(lines)
    last = first + dt.timedelta(days - 1)
    return Period(first, last)


def add_documents(url: str, items: int) -> None:
    engine = get_engine(url)
    rows = [{"uid": f"{n:032x}", "symbol": f"A/BENCH/{n}", "doc_type": TYPES[n % len(TYPES)],
             "status": "published", "extra": {}} for n in range(items)]
    with engine.begin() as conn:
        for i in range(0, len(rows), 20000):
            conn.execute(insert(Document), rows[i:i + 20000])


def ours(data_dir: Path, period: Period, items: int) -> tuple[dict, float, float, int]:
    settings = load_settings(data_dir)
    add_documents(settings.database_url, items)
    started = time.perf_counter()
    result = process_spool(settings)
    processed = time.perf_counter() - started
    if process_spool(settings).events:
        raise SystemExit("a second process run found events again: not idempotent")
    started = time.perf_counter()
    report = build_report(settings, ReportRequest("ir", period))
    reported = time.perf_counter() - started
    extra_day(settings, data_dir)
    counts = {}
    for item in report["Report_Items"][0]["Items"] if report["Report_Items"] else []:
        uid = item["Item_ID"]["Proprietary"].split(":", 1)[1]
        for metric, months in item["Attribute_Performance"][0]["Performance"].items():
            for month, n in months.items():
                counts[(uid, month, metric)] = n
    return counts, processed, reported, result.lines


def extra_day(settings, data_dir: Path) -> None:
    """A third web worker's file for the last day, as a nightly run would find it: the
    cost of keeping up (its events are counted on top: run after the report is taken)."""
    folder = data_dir / "usage" / "spool"
    last = sorted(folder.glob("*-1.jsonl"))[-1]
    (folder / last.name.replace("-1.jsonl", "-3.jsonl")).write_bytes(last.read_bytes())
    started = time.perf_counter()
    added = process_spool(settings).events
    print(f"ours: one more file of the last day, {added:,} events, processed in "
          f"{time.perf_counter() - started:.2f} s (day recounted, month summed again)")


BASELINE_IR = """
WITH human AS (
  SELECT e.* FROM raw e JOIN agents a ON a.agent = e.agent WHERE a.robot = 0 AND kind != 's'
 ), marked AS (
  -- a click less than 30 s before the same reader's next click on the same thing is
  -- part of that click: only the last of a run is kept
  SELECT item, kind, reader, strftime('%Y-%m', ts, 'unixepoch') AS month,
         CAST(ts / 3600 AS INTEGER) AS hour,
         LEAD(ts) OVER (PARTITION BY date(ts, 'unixepoch'), reader, kind, item, view
                        ORDER BY ts) - ts AS next_gap
  FROM human
), kept AS (
  SELECT * FROM marked WHERE next_gap IS NULL OR next_gap > 30
)
SELECT item, month, 'Total_Item_Investigations', COUNT(*) FROM kept GROUP BY item, month
UNION ALL
SELECT item, month, 'Total_Item_Requests', COUNT(*)
  FROM kept WHERE kind = 'r' GROUP BY item, month
UNION ALL
SELECT item, month, 'Unique_Item_Investigations', COUNT(DISTINCT reader || '/' || hour)
  FROM kept GROUP BY item, month
UNION ALL
SELECT item, month, 'Unique_Item_Requests', COUNT(DISTINCT reader || '/' || hour)
  FROM kept WHERE kind = 'r' GROUP BY item, month
"""


def baseline(data_dir: Path, work: Path) -> tuple[dict, float, float]:
    """Raw events into SQLite, the IR in plain SQL."""
    started = time.perf_counter()
    db = sqlite3.connect(work / "baseline.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE raw (ts REAL, kind TEXT, item TEXT, view TEXT, reader TEXT, "
               "agent TEXT)")
    agents: set[str] = set()
    for path in sorted((data_dir / "usage" / "spool").glob("*.jsonl")):
        rows = []
        with path.open() as fh:
            for line in fh:
                e = json.loads(line)
                agents.add(e["agent"])
                rows.append((e["ts"], e["kind"], e["item"], e["view"], e["user"], e["agent"]))
        db.executemany("INSERT INTO raw VALUES (?, ?, ?, ?, ?, ?)", rows)
    db.execute("CREATE TABLE agents (agent TEXT PRIMARY KEY, robot INTEGER)")
    db.executemany("INSERT INTO agents VALUES (?, ?)", [(a, int(is_robot(a))) for a in agents])
    db.commit()
    loaded = time.perf_counter()
    counts = {(item, month, metric): n for item, month, metric, n in db.execute(BASELINE_IR)
              if n}
    db.close()
    return counts, loaded - started, time.perf_counter() - loaded


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=12)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="usage-bench-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        started = time.perf_counter()
        period = generate(data_dir, args.events, args.items, args.months)
        size = sum(p.stat().st_size for p in (data_dir / "usage" / "spool").glob("*"))
        print(f"generated {args.events:,} events, {args.items:,} items, {period.begin} to "
              f"{period.end}: {size / 1e6:,.0f} MB of spool in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
        base_counts, load_s, query_s = baseline(data_dir, work)
        base_s = load_s + query_s
        print(f"baseline: load {load_s:.1f} s + SQL IR {query_s:.1f} s = {base_s:.1f} s",
              flush=True)
        our_counts, process_s, report_s, lines = ours(data_dir, period, args.items)
        print(f"ours: process {process_s:.1f} s ({lines / process_s:,.0f} events/s), "
              f"IR for the period {report_s:.1f} s", flush=True)
        totals = defaultdict(int)
        for (_, _, metric), n in our_counts.items():
            totals[metric] += n
        print("IR totals:", dict(sorted(totals.items())))
        same = base_counts == our_counts
        print(f"same counts for every (item, month, metric): {same} "
              f"({len(our_counts):,} cells)")
        ratio = base_s / (process_s + report_s)
        print(f"ratio baseline/ours, load or process + IR (>1: ours faster): {ratio:.2f}")
        print(f"ratio baseline/ours, IR alone (SQL over raw events vs our JSON from monthly sums): "
              f"{query_s / report_s:.2f}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
