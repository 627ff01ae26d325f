"""What one result page costs in CPU: another tree's ``src`` (main's, ``git archive main src
| tar -x -C DIR``) against this one's, on the same index, with the same queries.

``--check``: each tree answers the same queries (the bench's term, phrase and faceted
queries in five languages, Chinese words, prefixes, symbols, a page 2, date order, a
language restriction, an interface language, everything) in its own process, and every
answer (hits, scores, snippets, highlights, totals, facets) is compared as JSON, byte for
byte.

Otherwise: for 1, 2, 4 clients, each tree in its own process runs the bench's queries
(``--all``: all those compared) once to warm up (its facet counts then cached, as a page
seen again or whose facets were counted before) and once timed, shared by that many
threads; the processes alternate, ``--rounds`` times. Printed: queries/s, CPU a query
(the whole process), p50 / p99. ``--fresh`` empties the facet cache before the timed
pass (the counts are then paid). ``--stages``: the CPU of each step of a page (top 20,
the query, each hit's language, stored documents, snippets), one client.

    .venv/bin/python bench/search_page_cost.py --workdir W --before DIR [--check|--stages]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent
HERE = BENCH.parent / "src"


def queries(count: int, every: bool = True) -> list[dict]:
    """The search calls compared (``every``), or the bench's term, phrase and faceted
    queries alone: keyword arguments of ``search``."""
    sys.path.insert(0, str(BENCH))
    from search_generate import sources
    from search_latency import sample_queries

    calls = []
    for kind, words in sample_queries(count, seed=7):
        text = f'"{words}"' if kind == "phrase" else words
        calls.append({"q": text, "filters": {"body": ["SC"]} if kind == "faceted" else None})
    if not every:
        return calls
    rng = random.Random(5)
    symbols, pools, _ = sources()
    zh = pools["zh"]
    han = re.compile(r"^[\u4e00-\u9fff]+$")
    while len(calls) < 3 * count + count // 2:
        at = rng.randrange(len(zh.tokens) - 4)
        text = "".join(str(zh.vocab[t]) for t in zh.tokens[at:at + rng.choice((1, 2, 3, 4))])
        if han.match(text):
            calls.append({"q": text})
    terms = [c["q"] for c in calls[:count]]
    for i, text in enumerate(terms[:count // 2]):
        variant = i % 6
        if variant == 0:
            calls.append({"q": text, "page": 2})
        elif variant == 1:
            calls.append({"q": text, "sort": "date"})
        elif variant == 2:
            calls.append({"q": text, "ui_lang": "fr"})
        elif variant == 3 and len(text) > 4:
            calls.append({"q": text[:4] + "*"})
        elif variant == 4:
            calls.append({"q": f"{text} OR {terms[-1 - i]}", "per_page": 50})
        else:
            calls.append({"q": f"{text} {terms[-1 - i]}", "filters": {"type": ["resolution"]}})
    for lang in ("ar", "en", "fr", "ru", "es"):
        calls.append({"q": terms[len(calls) % count], "lang": lang})
    calls += [{"q": symbols[0]}, {"q": f"symbol:{symbols[1]}"}, {"q": ""},
              {"q": "", "filters": {"year": ["2015"]}}]
    return calls


def answer(results) -> str:
    results.take_facets(wait=True)
    data = {f.name: getattr(results, f.name) for f in dataclasses.fields(results)
            if f.name not in ("counting", "expansion")}
    data["hits"] = [dataclasses.asdict(hit) for hit in results.hits]
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def engine(args) -> None:
    """One tree's side, in its own process (its ``src`` first on PYTHONPATH)."""
    sys.path.insert(0, str(BENCH))
    from hemicycle.search import counts
    from hemicycle.search.query import search
    from search_latency import bench_settings, percentile

    settings = bench_settings(args.workdir)
    calls = queries(args.queries, args.check or args.all)
    if args.check:
        print(json.dumps([answer(search(settings, **call)) for call in calls]))
        return
    if args.stages:
        print(json.dumps(stages(settings, search, calls)))
        return
    out = {}
    for clients in args.clients:
        counts.CACHE.clear()

        def ask(call: dict) -> float:
            t = time.perf_counter()
            search(settings, **call).take_facets(wait=True)
            return time.perf_counter() - t

        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(ask, calls))  # warm-up: the same queries, facets counted
            if args.fresh:
                counts.CACHE.clear()
            work = list(calls)
            random.Random(clients).shuffle(work)
            started, cpu = time.perf_counter(), time.process_time()
            took = list(pool.map(ask, work))
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        out[clients] = {"qps": len(work) / wall, "cpu_ms": cpu / len(work) * 1000,
                        "p50": percentile(took, 50) * 1000, "p99": percentile(took, 99) * 1000}
    print(json.dumps(out))


STAGES = {"_prepare": "preparing the query", "_language_scores": "each hit's language",
          "_payload": "reading the stored documents", "snippet_plain": "snippets"}


class _TimedSearcher:
    """A searcher whose searches called from ``_top_hits`` (the top k) and document reads
    are timed."""

    def __init__(self, inner, spent: dict) -> None:
        self.inner, self.spent = inner, spent

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    def timed(self, name: str, function, *args, **kwargs):
        t = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            self.spent[name] = self.spent.get(name, 0.0) + time.thread_time() - t

    def search(self, *args, **kwargs):
        if sys._getframe(1).f_code.co_name != "_top_hits":
            return self.inner.search(*args, **kwargs)
        return self.timed("top k", self.inner.search, *args, **kwargs)

    def doc(self, *args):
        return self.timed(STAGES["_payload"], self.inner.doc, *args)


def stages(settings, search, calls: list[dict]) -> dict:
    """CPU of the page's steps (this thread), facets cached: best of three passes."""
    from hemicycle.search import location, query

    spent: dict[str, float] = {}

    def timed(name: str, function):
        def wrapper(*args, **kwargs):
            t = time.thread_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.thread_time() - t
        return wrapper

    for name in STAGES:
        setattr(query, name, timed(STAGES[name], getattr(query, name)))
    reader = location.searcher

    def timed_reader(settings):
        searcher, *rest = reader(settings)
        return (_TimedSearcher(searcher, spent), *rest)

    location.searcher = timed_reader
    for call in calls:
        search(settings, **call).take_facets(wait=True)
    best: dict[str, float] = {}
    for _ in range(3):
        spent.clear()
        t = time.thread_time()
        for call in calls:
            search(settings, **call).take_facets(wait=True)
        spent["whole page"] = time.thread_time() - t
        if not best or spent["whole page"] < best["whole page"]:
            best = {k: v / len(calls) * 1000 for k, v in spent.items()}
    best["the rest"] = best["whole page"] - sum(v for k, v in best.items() if k != "whole page")
    return best


def run_side(args, src: Path, extra: list[str]) -> object:
    env = dict(os.environ, PYTHONPATH=str(src))
    command = [sys.executable, __file__, "--engine", "--workdir", str(args.workdir),
               "--queries", str(args.queries), *(["--all"] if args.all else []),
               "--clients", ",".join(map(str, args.clients)), *extra]
    done = subprocess.run(command, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout)


def check(args) -> None:
    before = run_side(args, args.before, ["--check"])
    ours = run_side(args, HERE, ["--check"])
    calls = queries(args.queries)
    same = sum(a == b for a, b in zip(before, ours, strict=True))
    for call, a, b in zip(calls, before, ours, strict=True):
        if a != b:
            print(f"DIFFERENT: {call}\n  before {a[:300]}\n  now    {b[:300]}")
    hits = sum(len(json.loads(a)["hits"]) for a in ours)
    print(f"{same} of {len(calls)} answers byte-identical ({hits} hits)")
    if same != len(calls):
        sys.exit(1)


def breakdown(args) -> None:
    before = run_side(args, args.before, ["--stages"])
    ours = run_side(args, HERE, ["--stages"])
    print(f"CPU ms a query (this thread, one client, facets cached), "
          f"{len(queries(args.queries, args.all))} queries, best of 3 passes")
    print(f"{'step':32} {'before':>8} {'now':>8}")
    for name in ["whole page", "top k", *STAGES.values(), "the rest"]:
        print(f"{name:32} {before.get(name, 0):8.2f} {ours.get(name, 0):8.2f}")


def timing(args) -> None:
    extra = ["--fresh"] if args.fresh else []
    rows: dict[str, list[dict]] = {"before": [], "now": []}
    for _ in range(args.rounds):
        rows["before"].append(run_side(args, args.before, extra))
        rows["now"].append(run_side(args, HERE, extra))
    print(f"{len(queries(args.queries, args.all))} queries a pass; facets "
          f"{'counted in the timed pass' if args.fresh else 'cached'}; rounds {args.rounds}")
    print("clients | before: q/s, CPU ms a query, p50 / p99 ms | now: same | CPU before/now")
    for clients in map(str, args.clients):
        cells = []
        for side in ("before", "now"):
            runs = [r[clients] for r in rows[side]]
            cells.append(", ".join(
                f"{r['qps']:.0f} q/s {r['cpu_ms']:.2f} ms {r['p50']:.1f}/{r['p99']:.1f}"
                for r in runs))
        best = {side: min(r[clients]["cpu_ms"] for r in rows[side]) for side in rows}
        print(f"{clients} | {cells[0]} | {cells[1]} | {best['before'] / best['now']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, required=True,
                        help="a search_latency.py work directory (its index)")
    parser.add_argument("--before", type=Path, help="the other tree (holding src/)")
    parser.add_argument("--queries", type=int, default=40, help="bench queries of each kind")
    parser.add_argument("--clients", default="1,2,4",
                        type=lambda v: [int(x) for x in v.split(",")])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--stages", action="store_true", help="CPU of each step of a page")
    parser.add_argument("--all", action="store_true",
                        help="time all the compared queries, not only the bench's three kinds")
    parser.add_argument("--engine", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        engine(args)
        return
    if args.before is None:
        parser.error("--before DIR is needed")
    args.before = args.before / "src"
    (check if args.check else breakdown if args.stages else timing)(args)


if __name__ == "__main__":
    main()
