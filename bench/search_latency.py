"""Search latency and throughput: Hemicycle's Tantivy index against SQLite FTS5 over the
same records, both at their best, with 1, 2, 4, 8 and 32 clients at once.

Both are built once over the synthetic corpus of ``search_generate.py`` in ``--workdir``
(default /work/bench-data/search-N, kept and reused: ``--build-only`` builds and stops) and
answer the same queries: term, phrase (two adjacent words of real text, quoted) and faceted
(term + body=SC), drawn from real ar/en/fr/ru/es sentences (FTS5's tokenizer cannot cut
Chinese). Each engine answers in a fresh process (its peak memory is that of a server
answering them), gets the same warm-up queries first, then, for each number of clients,
all the queries of all kinds shuffled and shared by that many threads.

* Ours: the whole ``hemicycle.search.query.search`` call of a result page (six languages,
  top 20 with snippets in the language of the match, the total, exact up to 10,000 and
  estimated beyond) and then its six facet counts (``take_facets(wait=True)``): "first
  page" is when the page can go out, "complete" includes the facets. The facet cache is
  emptied before each number of clients, so that every query is counted afresh.
* FTS5 (``porter unicode61 remove_diacritics 2``, one column per language): one statement
  with one MATCH computes the top 20 by bm25, the exact total and the four facet counts
  (body, year, session, type: ``GROUP BY`` over the materialised matches, the body facet
  without the body filter, as ours); a second statement takes the snippets of those 20
  rows (``snippet()`` needs the MATCH; it is asked for those rowids only). The body filter
  is written ``+d.body`` so that SQLite drives the query from the MATCH and not from the
  index on ``docs(body)`` (which made it run MATCH row by row: seconds a query).

    .venv/bin/python bench/search_latency.py [--docs N] [--queries Q] [--clients 1,2,4,8,32]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hemicycle.config import Settings  # noqa: E402
from hemicycle.search.schema import sample_bucket  # noqa: E402
from search_generate import LANGS, records, sources  # noqa: E402

KINDS = ("term", "phrase", "faceted")
QUERY_LANGS = ("ar", "en", "fr", "ru", "es")
FACETS = ("body", "year", "session", "type")


def bench_settings(workdir: Path) -> Settings:
    data = workdir / "data"
    data.mkdir(parents=True, exist_ok=True)
    return Settings(data_dir=data, database_url=f"sqlite:///{data / 'unused.sqlite3'}",
                    secret_key="bench")


def bucket_order(n: int) -> list[int]:
    """Document ids 1..n in the order a rebuild writes them (sample buckets first)."""
    return sorted(range(1, n + 1), key=lambda i: (sample_bucket(i), i))


def build(workdir: Path, n: int) -> dict:
    """Both indexes over the same ``n`` records, in one pass of the generator."""
    from hemicycle.search import location
    from hemicycle.search.preparation import to_index_document

    settings = bench_settings(workdir)
    path = location.new_generation(settings)
    index = location.create_index(path)
    writer = index.writer(300_000_000, 0)
    db = sqlite3.connect(workdir / "fts5.sqlite3")
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
    for i, record in enumerate(records(n, ids=bucket_order(n)), start=1):
        t1 = time.perf_counter()
        gen += t1 - t
        writer.add_document(to_index_document(record))
        t2 = time.perf_counter()
        ours += t2 - t1
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
            if i % 50_000 == 0 or i == n:
                print(f"  {i:,} documents", file=sys.stderr, flush=True)
        t = time.perf_counter()
        fts += t - t2
    t1 = time.perf_counter()
    writer.commit()
    writer.wait_merging_threads()
    location.swap_current(settings, path)
    t2 = time.perf_counter()
    db.execute("CREATE INDEX docs_body ON docs(body)")
    db.execute("INSERT INTO fts(fts) VALUES ('optimize')")
    db.commit()
    db.close()
    t3 = time.perf_counter()
    return {"generate_s": gen, "ours_build_s": ours + (t2 - t1), "fts5_build_s": fts + (t3 - t2),
            "ours_bytes": sum(f.stat().st_size for f in path.rglob("*") if f.is_file()),
            "fts5_bytes": (workdir / "fts5.sqlite3").stat().st_size}


def sample_queries(count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` (kind, words) of each kind, from real sentences of five languages."""
    rng = random.Random(seed)
    _symbols, pools, _unpc = sources()
    out: dict[str, list[str]] = {kind: [] for kind in KINDS}
    word = re.compile(r"^[^\W\d_]{4,}$")
    while min(len(v) for v in out.values()) < count:
        pool = pools[rng.choice(QUERY_LANGS)]
        at = rng.randrange(len(pool.tokens) - 2)
        words = [re.sub(r"^\W+|\W+$", "", str(pool.vocab[t])) for t in pool.tokens[at:at + 2]]
        kind = rng.choice(KINDS)
        if len(out[kind]) >= count or not all(word.match(w) for w in words):
            continue
        out[kind].append(" ".join(words) if kind == "phrase" else words[0])
    return [(kind, q) for kind in KINDS for q in out[kind]]


class Ours:
    def __init__(self, workdir: Path) -> None:
        from hemicycle.search import counts
        from hemicycle.search.query import search

        self.settings, self.search, self.counts = bench_settings(workdir), search, counts

    def ask(self, kind: str, words: str) -> tuple[float, float, int]:
        text = f'"{words}"' if kind == "phrase" else words
        filters = {"body": ["SC"]} if kind == "faceted" else None
        t = time.perf_counter()
        results = self.search(self.settings, text, filters=filters)
        first = time.perf_counter() - t
        results.take_facets(wait=True)
        return first, time.perf_counter() - t, results.total

    def forget(self) -> None:
        self.counts.CACHE.clear()


class Fts5:
    def __init__(self, workdir: Path) -> None:
        self.path = workdir / "fts5.sqlite3"
        self.local = threading.local()

    def db(self) -> sqlite3.Connection:
        if getattr(self.local, "db", None) is None:
            self.local.db = sqlite3.connect(self.path, check_same_thread=False)
        return self.local.db

    def ask(self, kind: str, words: str) -> tuple[float, float, int]:
        db = self.db()
        match = '"' + words.replace('"', "") + '"'
        body = "SC" if kind == "faceted" else None
        t = time.perf_counter()
        facets = " ".join(
            f"UNION ALL SELECT * FROM (SELECT '{f}', {f}, count(*), NULL FROM "
            f"{'everything' if f == 'body' else 'kept'} GROUP BY {f} ORDER BY 3 DESC LIMIT 30)"
            for f in FACETS)
        rows = db.execute(
            "WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(fts) AS score FROM fts "
            "WHERE fts MATCH :q), "
            "everything AS MATERIALIZED (SELECT d.id, d.symbol, d.body, d.year, d.session, "
            "d.type, m.score FROM m JOIN docs d ON d.id = m.id), "
            "kept AS MATERIALIZED (SELECT * FROM everything WHERE :body IS NULL "
            "OR +body = :body) "
            "SELECT * FROM (SELECT 'hit', id, symbol, score FROM kept ORDER BY score LIMIT 20) "
            f"UNION ALL SELECT 'total', count(*), NULL, NULL FROM kept {facets}",
            {"q": match, "body": body}).fetchall()
        ids = [r[1] for r in rows if r[0] == "hit"]
        total = next(r[1] for r in rows if r[0] == "total")
        if ids:
            db.execute("SELECT rowid, snippet(fts, -1, '<mark>', '</mark>', '…', 24) FROM fts "
                       f"WHERE fts MATCH ? AND rowid IN ({','.join('?' * len(ids))})",
                       (match, *ids)).fetchall()
        elapsed = time.perf_counter() - t
        return elapsed, elapsed, total

    def forget(self) -> None:
        pass


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run_engine(engine: str, workdir: Path, queries: list[tuple[str, str]],
               warmup: list[tuple[str, str]], levels: list[int]) -> dict:
    answer = Ours(workdir) if engine == "ours" else Fts5(workdir)
    for kind, words in warmup:
        answer.ask(kind, words)
    out = {"levels": {}}
    for clients in levels:
        answer.forget()
        work = list(queries)
        random.Random(11).shuffle(work)
        started, cpu = time.perf_counter(), time.process_time()
        with ThreadPoolExecutor(clients) as pool:
            done = list(pool.map(lambda item: (item[0], *answer.ask(*item)), work))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        out["levels"][str(clients)] = {
            "first": {k: [d[1] for d in done if d[0] == k] for k in KINDS},
            "complete": {k: [d[2] for d in done if d[0] == k] for k in KINDS},
            "totals": {k: [d[3] for d in done if d[0] == k] for k in KINDS},
            "qps": len(work) / wall, "cpu_per_query": cpu / len(work),
        }
        print(f"  {engine}: {clients} clients, {len(work) / wall:.0f} queries/s",
              file=sys.stderr, flush=True)
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ms(value: float) -> str:
    return f"{value * 1000:,.1f}"


def report(args, built: dict, results: dict) -> None:
    print(f"{args.docs:,} documents; {args.queries} queries of each kind and {args.warmup} "
          f"warm-up queries for both; generate {built['generate_s']:.0f} s, build ours "
          f"{built['ours_build_s']:.0f} s ({built['ours_bytes'] / 2**20:,.0f} MiB), FTS5 "
          f"{built['fts5_build_s']:.0f} s ({built['fts5_bytes'] / 2**20:,.0f} MiB)")
    for level in args.clients:
        ours, fts = results["ours"]["levels"][str(level)], results["fts5"]["levels"][str(level)]
        print(f"\n{level} client(s): ours {ours['qps']:.0f} queries/s "
              f"({ours['cpu_per_query'] * 1000:.1f} ms CPU a query), FTS5 {fts['qps']:.0f} "
              f"queries/s; ratio ours/FTS5 {ours['qps'] / fts['qps']:.1f}x")
        print(f"{'kind':8} {'ours first page':>17} {'ours complete':>15} {'FTS5':>17} "
              f"{'p50 ratio':>9}  matches ours/FTS5")
        for kind in KINDS:
            first, complete, base = (ours["first"][kind], ours["complete"][kind],
                                     fts["complete"][kind])
            print(f"{kind:8} {ms(percentile(first, 50)):>7} / {ms(percentile(first, 99)):>7} "
                  f"{ms(percentile(complete, 50)):>6} / {ms(percentile(complete, 99)):>6} "
                  f"{ms(percentile(base, 50)):>7} / {ms(percentile(base, 99)):>7} "
                  f"{percentile(base, 50) / percentile(complete, 50):8.1f}x  "
                  f"{sum(ours['totals'][kind]):,}/{sum(fts['totals'][kind]):,}")
    print("\n(latencies p50 / p99 in ms; the ratio is FTS5's p50 over ours complete)")
    for name, label in (("ours", "ours"), ("fts5", "FTS5")):
        print(f"peak memory (RSS) of the answering process, {label}: "
              f"{results[name]['peak_rss_mb']:,.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200, help="per kind")
    parser.add_argument("--warmup", type=int, default=30, help="queries, before timing")
    parser.add_argument("--clients", default="1,2,4,8,32",
                        type=lambda v: [int(x) for x in v.split(",")])
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where both indexes are kept (default /work/bench-data/search-N)")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--engine", choices=("ours", "fts5"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    workdir = args.workdir or Path(f"/work/bench-data/search-{args.docs}")
    queries = sample_queries(args.queries, seed=7)
    warmup = sample_queries(max(1, args.warmup // 3), seed=8)
    if args.engine:  # one engine, in its own process
        print(json.dumps(run_engine(args.engine, workdir, queries, warmup, args.clients)))
        return

    from hemicycle.search import location

    built_file = workdir / "build.json"
    current = location.is_usable(location.current_path(bench_settings(workdir)))
    if not (built_file.is_file() and current):
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        print(f"building both over {args.docs:,} synthetic documents in {workdir} ...",
              file=sys.stderr)
        built_file.write_text(json.dumps(build(workdir, args.docs)))
    built = json.loads(built_file.read_text())
    if args.build_only:
        print(json.dumps(built))
        return
    results = {}
    for engine in ("ours", "fts5"):
        out = subprocess.run(
            [sys.executable, __file__, "--engine", engine, "--docs", str(args.docs),
             "--workdir", str(workdir), "--queries", str(args.queries),
             "--warmup", str(args.warmup), "--clients", ",".join(map(str, args.clients))],
            check=True, stdout=subprocess.PIPE, text=True)
        results[engine] = json.loads(out.stdout)
    report(args, built, results)


if __name__ == "__main__":
    main()
