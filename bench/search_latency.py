"""Search latency: Hemicycle's Tantivy index against SQLite FTS5 over the same records.

Builds both over the synthetic corpus of ``search_generate.py`` (default 100,000
documents; ``--docs 1000000`` for the full size where time allows), then runs the same
sampled queries against each in a fresh process (so that its peak memory is the memory
a server answering them needs): term, phrase and faceted (term + body filter). Ours is
the whole ``hemicycle.search.query.search`` call a page makes: all six languages, top 20,
total, six facet counts and snippets. FTS5 does top 20 by bm25 with snippets, the total
and four facet counts (body, year, session, type) with ``GROUP BY``; its tokenizer is
``porter unicode61 remove_diacritics 2`` (no Arabic/Russian/French stemming, Chinese
runs as whole tokens), so queries are drawn from ar, en, fr, ru and es text only.

    .venv/bin/python bench/search_latency.py [--docs N] [--queries Q] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hemicycle.config import Settings  # noqa: E402
from search_generate import LANGS, parallel_lines, records  # noqa: E402

KINDS = ("term", "phrase", "faceted")
QUERY_LANGS = ("ar", "en", "fr", "ru", "es")


def bench_settings(workdir: Path) -> Settings:
    data = workdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    return Settings(data_dir=data, database_url=f"sqlite:///{data / 'unused.sqlite3'}",
                    secret_key="bench")


def build(workdir: Path, n: int, baseline: bool = True) -> dict:
    from hemicycle.search import location
    from hemicycle.search.index import to_index_document

    settings = bench_settings(workdir)
    path = location.new_generation(settings)
    index = location.create_index(path)
    writer = index.writer(300_000_000, 0)
    db = sqlite3.connect(workdir / "fts5.sqlite3" if baseline else ":memory:")
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, symbol TEXT, body TEXT, year INT, "
               "session TEXT, type TEXT, date TEXT)")
    cols = ", ".join(f"title_{lang}, text_{lang}" for lang in LANGS)
    db.execute(f"CREATE VIRTUAL TABLE fts USING fts5({cols}, "
               "tokenize='porter unicode61 remove_diacritics 2')")
    ours = fts = gen = 0.0
    batch_docs, batch_fts = [], []
    t = time.perf_counter()
    for i, record in enumerate(records(n), start=1):
        t1 = time.perf_counter()
        gen += t1 - t
        writer.add_document(to_index_document(record))
        t2 = time.perf_counter()
        ours += t2 - t1
        if not baseline:
            if i % 50_000 == 0:
                print(f"  {i:,} documents", file=sys.stderr, flush=True)
            t = time.perf_counter()
            continue
        batch_docs.append((record.id, record.symbol, record.body, record.year,
                           record.session_label(), record.doc_type, record.date.isoformat()))
        row = [record.id]
        for lang in LANGS:
            row += [record.titles.get(lang), record.texts.get(lang)]
        batch_fts.append(row)
        if len(batch_docs) == 5000 or i == n:
            db.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?)", batch_docs)
            db.executemany(f"INSERT INTO fts(rowid, {cols}) VALUES ({','.join('?' * 13)})",
                           batch_fts)
            batch_docs, batch_fts = [], []
            print(f"  {i:,} documents", file=sys.stderr, flush=True)
        t = time.perf_counter()
        fts += t - t2
    t1 = time.perf_counter()
    writer.commit()
    writer.wait_merging_threads()
    location.swap_current(settings, path)
    t2 = time.perf_counter()
    if baseline:
        db.execute("CREATE INDEX docs_body ON docs(body)")
        db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        db.commit()
    db.close()
    t3 = time.perf_counter()
    return {"generate_s": gen, "ours_build_s": ours + (t2 - t1), "fts5_build_s": fts + (t3 - t2),
            "ours_bytes": sum(f.stat().st_size for f in path.rglob("*") if f.is_file()),
            "fts5_bytes": (workdir / "fts5.sqlite3").stat().st_size if baseline else 0}


def index_is_current(workdir: Path) -> bool:
    from hemicycle.search import location

    return location.is_usable(location.current_path(bench_settings(workdir)))


def sample_queries(count: int, seed: int = 7) -> dict[str, list[str]]:
    rng = random.Random(seed)
    lines = parallel_lines()
    out: dict[str, list[str]] = {kind: [] for kind in KINDS}
    while min(len(v) for v in out.values()) < count:
        lang = rng.choice(QUERY_LANGS)
        words = re.findall(r"[^\W\d_]{4,}", rng.choice(lines[lang]))
        if len(words) < 3:
            continue
        kind = KINDS[sum(len(v) for v in out.values()) % 3]
        if len(out[kind]) >= count:
            continue
        if kind == "phrase":
            start = rng.randrange(len(words) - 1)
            out[kind].append(" ".join(words[start:start + 2]))
        else:
            out[kind].append(rng.choice(words))
    return out


def rss_mb() -> float:
    """Resident memory now."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it does not carry
    over the RSS of the parent that built the index before starting this process)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_ours(workdir: Path, queries: dict[str, list[str]]) -> dict:
    from hemicycle.search.query import search

    settings = bench_settings(workdir)
    start_rss = rss_mb()
    search(settings, "warm up")
    timings: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    totals = {}
    for kind, qs in queries.items():
        times, cpu_times = [], []
        total = []
        for q in qs:
            text = f'"{q}"' if kind == "phrase" else q
            filters = {"body": ["SC"]} if kind == "faceted" else None
            t, c = time.perf_counter(), time.process_time()
            result = search(settings, text, filters=filters)
            times.append(time.perf_counter() - t)
            cpu_times.append(time.process_time() - c)
            total.append(result.total)
        timings[kind] = times
        cpu[kind] = cpu_times
        totals[kind] = total
    return {"timings": timings, "cpu": cpu, "totals": totals, "start_rss_mb": start_rss,
            "maxrss_mb": peak_rss_mb()}


def run_concurrent(workdir: Path, queries: dict[str, list[str]], clients: int) -> dict:
    """Ours under load: ``clients`` threads answer all the queries of all kinds between
    them, as a server's worker threads would; latency per query and queries per second."""
    from concurrent.futures import ThreadPoolExecutor

    from hemicycle.search.query import search

    settings = bench_settings(workdir)
    search(settings, "warm up")
    work = [(kind, f'"{q}"' if kind == "phrase" else q,
             {"body": ["SC"]} if kind == "faceted" else None)
            for kind, qs in queries.items() for q in qs]
    random.Random(11).shuffle(work)

    def one(item):
        kind, text, filters = item
        t = time.perf_counter()
        search(settings, text, filters=filters)
        return kind, time.perf_counter() - t

    started, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(clients) as pool:
        done = list(pool.map(one, work))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    timings = {kind: [t for k, t in done if k == kind] for kind in KINDS}
    return {"timings": timings, "qps": len(work) / wall, "cpu_per_query": cpu / len(work)}


def run_fts5(workdir: Path, queries: dict[str, list[str]]) -> dict:
    start_rss = rss_mb()
    db = sqlite3.connect(workdir / "fts5.sqlite3")
    timings: dict[str, list[float]] = {}
    totals = {}
    for kind, qs in queries.items():
        times = []
        total = []
        for q in qs:
            match = '"' + q.replace('"', "") + '"'
            where = "fts MATCH ?" + (" AND d.body = 'SC'" if kind == "faceted" else "")
            t = time.perf_counter()
            db.execute(
                "SELECT d.id, d.symbol, snippet(fts, -1, '<mark>', '</mark>', '…', 24) "
                f"FROM fts JOIN docs d ON d.id = fts.rowid WHERE {where} "
                "ORDER BY bm25(fts) LIMIT 20", (match,)).fetchall()
            count = db.execute(f"SELECT count(*) FROM fts JOIN docs d ON d.id = fts.rowid "
                               f"WHERE {where}", (match,)).fetchone()[0]
            for facet in ("body", "year", "session", "type"):
                db.execute(f"SELECT d.{facet}, count(*) FROM fts JOIN docs d ON d.id = fts.rowid "
                           f"WHERE {where} GROUP BY d.{facet} ORDER BY 2 DESC LIMIT 30",
                           (match,)).fetchall()
            times.append(time.perf_counter() - t)
            total.append(count)
        timings[kind] = times
        totals[kind] = total
    return {"timings": timings, "totals": totals, "start_rss_mb": start_rss,
            "maxrss_mb": peak_rss_mb()}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def report_ours_only(args, ours: dict) -> None:
    print(f"{args.docs:,} documents, ours only (no baseline in this run)")
    for kind in KINDS:
        o, c = ours["timings"][kind], ours["cpu"][kind]
        print(f"{kind:8} p50 {percentile(o, 50) * 1000:.1f}ms p99 {percentile(o, 99) * 1000:.1f}ms"
              f"  (CPU p50 {percentile(c, 50) * 1000:.1f}ms p99 {percentile(c, 99) * 1000:.1f}ms)"
              f"  matches {sum(ours['totals'][kind]):,}")
    print(f"peak memory (RSS) of the answering process: {ours['maxrss_mb']:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200, help="per kind")
    parser.add_argument("--baseline-queries", type=int, default=None,
                        help="FTS5 runs only the first N queries of each kind (at 1M documents "
                             "a faceted FTS5 query takes seconds)")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/hemicycle-search-bench"))
    parser.add_argument("--phase", choices=("all", "ours", "fts5"), default="all")
    parser.add_argument("--clients", type=int, default=0,
                        help="with --phase ours: N threads answering the queries at once "
                             "(a loaded server), latency and queries per second")
    parser.add_argument("--reuse", action="store_true", help="keep an index of the same size")
    parser.add_argument("--no-baseline", action="store_true",
                        help="ours only, to see how it scales (no FTS5: not a comparison)")
    args = parser.parse_args()
    queries = sample_queries(args.queries)
    if args.phase == "ours" and args.clients:
        result = run_concurrent(args.workdir, queries, args.clients)
        for kind in KINDS:
            t = result["timings"][kind]
            print(f"{kind:8} p50 {percentile(t, 50) * 1000:.1f}ms p99 "
                  f"{percentile(t, 99) * 1000:.1f}ms", file=sys.stderr)
        print(f"{args.clients} clients: {result['qps']:.0f} queries/s, "
              f"{result['cpu_per_query'] * 1000:.1f} ms CPU a query", file=sys.stderr)
        print(json.dumps(result))
        return
    if args.phase != "all":
        result = (run_ours if args.phase == "ours" else run_fts5)(args.workdir, queries)
        print(json.dumps(result))
        return

    marker = args.workdir / "size"
    if not (args.reuse and marker.is_file() and marker.read_text() == str(args.docs)):
        shutil.rmtree(args.workdir, ignore_errors=True)
        args.workdir.mkdir(parents=True)
        print(f"building both over {args.docs:,} synthetic documents ...", file=sys.stderr)
        built = build(args.workdir, args.docs, baseline=not args.no_baseline)
        marker.write_text(str(args.docs))
        (args.workdir / "build.json").write_text(json.dumps(built))
    elif not index_is_current(args.workdir):
        # the index schema changed since: rebuild ours over the same records (same
        # generator, same seed), keep the FTS5 database and its build figures
        print(f"rebuilding ours over {args.docs:,} synthetic documents ...", file=sys.stderr)
        built = json.loads((args.workdir / "build.json").read_text())
        ours = build(args.workdir, args.docs, baseline=False)
        built.update(generate_s=ours["generate_s"], ours_build_s=ours["ours_build_s"],
                     ours_bytes=ours["ours_bytes"])
        (args.workdir / "build.json").write_text(json.dumps(built))
    built = json.loads((args.workdir / "build.json").read_text())
    results = {}
    phases = ("ours",) if args.no_baseline else ("ours", "fts5")
    if args.no_baseline:
        results["fts5"] = None
    for phase in phases:
        count = args.queries if phase == "ours" else (args.baseline_queries or args.queries)
        out = subprocess.run([sys.executable, __file__, "--phase", phase, "--workdir",
                              str(args.workdir), "--queries", str(count)],
                             check=True, capture_output=True, text=True)
        results[phase] = json.loads(out.stdout)
    print(f"{args.docs:,} documents; {args.queries} queries per kind "
          f"(FTS5: the first {args.baseline_queries or args.queries}); "
          f"generate {built['generate_s']:.0f} s, build ours {built['ours_build_s']:.0f} s "
          f"({built['ours_bytes'] / 2**20:,.0f} MiB), FTS5 {built['fts5_build_s']:.0f} s "
          f"({built['fts5_bytes'] / 2**20:,.0f} MiB)")
    if args.no_baseline:
        report_ours_only(args, results["ours"])
        return
    print(f"{'kind':8} {'ours p50':>9} {'ours p99':>9} {'FTS5 p50':>9} {'FTS5 p99':>9} "
          f"{'p50 ratio':>9}  matches ours/FTS5")
    for kind in KINDS:
        o, f = results["ours"]["timings"][kind], results["fts5"]["timings"][kind]
        o50, o99, f50, f99 = (percentile(o, 50), percentile(o, 99), percentile(f, 50),
                              percentile(f, 99))
        print(f"{kind:8} {o50 * 1000:8.1f}ms {o99 * 1000:8.1f}ms {f50 * 1000:8.1f}ms "
              f"{f99 * 1000:8.1f}ms {f50 / o50:8.1f}x  "
              f"{sum(results['ours']['totals'][kind][:len(f)]):,}/"
              f"{sum(results['fts5']['totals'][kind]):,} (the same {len(f)} queries)")
        oc = results["ours"]["cpu"][kind]
        print(f"{'':8} mean ours {statistics.mean(o) * 1000:.1f}ms, FTS5 "
              f"{statistics.mean(f) * 1000:.1f}ms; ours CPU time p50 "
              f"{percentile(oc, 50) * 1000:.1f}ms p99 {percentile(oc, 99) * 1000:.1f}ms "
              f"(all threads: facets are counted beside the top-hit search)")
    for name, label in (("ours", "ours"), ("fts5", "FTS5")):
        r = results[name]
        print(f"peak memory (RSS) of the answering process, {label}: {r['maxrss_mb']:,.0f} MiB "
              f"({r['start_rss_mb']:,.0f} MiB before the first query: Python, modules, "
              f"sample queries)")


if __name__ == "__main__":
    main()
