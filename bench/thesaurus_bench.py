"""Thesaurus figures: load time and peak memory (UNBIS-size and a synthesised 100,000-concept
six-language vocabulary), then autocomplete and A-Z page latency on the large one, against
the same lookups as rdflib SPARQL queries over the same graph, in the same run; and the
latency of a simple lookup through the SPARQL endpoint (``sparql.run_query``, long-lived
worker pool) against a fresh worker process per query (how it ran before), same run.

    .venv/bin/python bench/thesaurus_bench.py [--size 100000] [--queries 200] [--baseline 10]
    .venv/bin/python bench/thesaurus_bench.py --part sparql [--sparql-queries 200]

Loads run in child processes (wall and CPU seconds, peak RSS from wait4). Our lookups go
through the real web app (FastAPI TestClient, so routing, SQL and JSON/HTML rendering are
counted); the baseline runs the equivalent SPARQL on an rdflib Graph of the same file.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
CORPUS = ROOT / "corpus" / "thesaurus"
UNBIS = [CORPUS / "unbis-domain13" / "unbis-domain13.ttl",
         CORPUS / "unbis-domain13" / "tcode_to_metadata_un_org.tsv",
         CORPUS / "unbis-labels" / "unbis_concepts_uri_6lang_joined.tsv",
         CORPUS / "unbis-labels" / "unbis_domains_microthesauri_2016.tsv"]
HEMICYCLE = str(Path(sys.executable).with_name("hemicycle"))
LANGS = ("ar", "zh", "en", "fr", "ru", "es")


def run_measured(argv: list[str]) -> tuple[float, float, float]:
    """(wall s, cpu s, peak RSS MiB) of a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def timed(fn, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


SPARQL_LOOKUP = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE {{ <{uri}> skos:prefLabel ?label FILTER(lang(?label) = "{lang}") }}"""


def sparql_fresh_process(settings, query: str, time_limit: float = 10.0) -> tuple[str, bytes]:
    """The endpoint as it was before the pool: the worker module started for one query."""
    import json

    from hemicycle.thesaurus.sparql import check_query, store_path

    request = json.dumps({"store": str(store_path(settings)), "query": check_query(query),
                          "accept": "", "max": 10_000})
    done = subprocess.run([sys.executable, "-m", "hemicycle.thesaurus.sparql_worker"],
                          input=request.encode(), capture_output=True, timeout=time_limit)
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode("utf-8", "replace"))
    head, _, body = done.stdout.partition(b"\n")
    return json.loads(head)["media_type"], body


def sparql_part(data: Path, queries: int, baseline: int) -> None:
    """Simple lookups through run_query (pool) and a fresh process per query, interleaved."""
    import json

    from hemicycle.config import load_settings
    from hemicycle.thesaurus.sparql import pool_info, run_query

    settings = load_settings(data)
    start = time.perf_counter()
    listing = run_query(settings, "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                        "SELECT ?c WHERE { ?c a skos:Concept } ORDER BY ?c LIMIT 500")
    first_ms = (time.perf_counter() - start) * 1000
    uris = [b["c"]["value"] for b in json.loads(listing.body)["results"]["bindings"]]
    rng = random.Random(11)
    lookups = [SPARQL_LOOKUP.format(uri=rng.choice(uris), lang=LANGS[i % 6])
               for i in range(queries)]
    sparql_fresh_process(settings, lookups[0])  # page cache warm for both
    ours, base = [], []
    for number, query in enumerate(lookups):
        begin = time.perf_counter()
        pooled = run_query(settings, query)
        ours.append((time.perf_counter() - begin) * 1000)
        if number < baseline:
            begin = time.perf_counter()
            media, body = sparql_fresh_process(settings, query)
            base.append((time.perf_counter() - begin) * 1000)
            assert (media, body) == (pooled.media_type, pooled.body), query
    info = pool_info()
    print(f"SPARQL lookup (prefLabel of one concept in one language, {len(uris)} concepts x 6 "
          f"languages): first query {first_ms:.0f} ms (store build + worker start); pool "
          f"p50 {pct(ours, .5):.1f} ms, p95 {pct(ours, .95):.1f} ms ({len(ours)} queries, "
          f"{info['workers']} worker(s)); fresh process per query p50 {pct(base, .5):.0f} ms, "
          f"p95 {pct(base, .95):.0f} ms ({len(base)} queries, same answers); "
          f"ratio of medians {statistics.median(base) / statistics.median(ours):.0f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--baseline", type=int, default=10, help="rdflib queries per kind")
    parser.add_argument("--part", choices=("all", "sparql"), default="all",
                        help="sparql: load the UNBIS corpus and time the SPARQL endpoint only")
    parser.add_argument("--sparql-queries", type=int, default=200)
    parser.add_argument("--sparql-baseline", type=int, default=50,
                        help="queries in a fresh process each (the old way)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="thesaurus-bench-"))
    if args.part == "sparql":
        data = work / "data-unbis"
        run_measured([HEMICYCLE, "--data", str(data), "thesaurus", "load", *map(str, UNBIS),
                      "--vocab", "unbis"])
        sparql_part(data, args.sparql_queries, args.sparql_baseline)
        return
    from thesaurus_synth import generate

    synth = work / f"synth{args.size}.nt"
    generate(args.size, synth)
    print(f"synthesised {args.size:,} concepts: {synth.stat().st_size / 2**20:.0f} MiB N-Triples")

    for name, files in (("UNBIS corpus (7,041 concepts)", UNBIS),
                        (f"synthetic ({args.size:,} concepts)", [synth])):
        data = work / ("data-" + ("unbis" if files is UNBIS else "synth"))
        ours = run_measured([HEMICYCLE, "--data", str(data), "thesaurus", "load",
                             *map(str, files), "--vocab", "unbis" if files is UNBIS else "synth"])
        print(f"load {name}: ours {ours[0]:.1f} s wall / {ours[1]:.1f} s CPU / "
              f"{ours[2]:.0f} MiB peak RSS (child process: start, migrate, parse, validate, "
              "store in SQLite, one transaction)")

    sparql_part(work / "data-unbis", args.sparql_queries, args.sparql_baseline)

    # lookups on the large vocabulary
    os.environ["HEMICYCLE_DATA"] = str(work / "data-synth")
    import rdflib
    from fastapi.testclient import TestClient

    from hemicycle.config import load_settings
    from hemicycle.thesaurus.keys import letters
    from hemicycle.web.app import create_app

    client = TestClient(create_app(load_settings()))
    rng = random.Random(7)
    words: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for line in synth.open(encoding="utf-8"):
        if "#prefLabel>" in line and rng.random() < 0.05:
            found = re.search(r'"(.*)"@([a-z]+) \.$', line.strip())
            if found and found.group(2) in words:
                words[found.group(2)].append(found.group(1).replace('\\"', '"'))
    prefixes = []
    for i in range(args.queries):
        lang = LANGS[i % 6]
        word = rng.choice(words[lang])
        prefixes.append((lang, word[: rng.choice((1, 2) if lang == "zh" else (2, 3, 4))]))
    pages = [(lang, rng.choice(letters(lang)[:-1]), rng.choice((1, 1, 2, 3)))
             for lang in (LANGS * args.queries)[: args.queries]]

    def autocomplete(item):
        r = client.get("/api/thesaurus/synth/autocomplete",
                       params={"q": item[1], "lang": item[0], "limit": 10})
        assert r.status_code == 200

    def az_page(item):
        r = client.get("/thesaurus/synth/az",
                       params={"lang": item[0], "letter": item[1], "page": item[2]})
        assert r.status_code == 200

    autocomplete(prefixes[0])
    az_page(pages[0])
    ours_ac = timed(autocomplete, prefixes)
    ours_az = timed(az_page, pages)

    import resource

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    cpu = time.process_time()
    graph = rdflib.Graph()
    graph.parse(synth)
    parse_s, parse_cpu = time.perf_counter() - start, time.process_time() - cpu
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ac_query = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?c ?l WHERE {{ ?c skos:prefLabel|skos:altLabel ?l .
  FILTER(lang(?l) = "{lang}" && STRSTARTS(LCASE(STR(?l)), LCASE("{prefix}"))) }}
ORDER BY STRLEN(?l) LIMIT 10"""
    az_query = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?c ?l WHERE {{ ?c skos:prefLabel|skos:altLabel ?l .
  FILTER(lang(?l) = "{lang}" && STRSTARTS(UCASE(STR(?l)), "{letter}")) }}
ORDER BY ?l LIMIT 100 OFFSET {offset}"""
    base_ac = timed(lambda it: list(graph.query(ac_query.format(lang=it[0], prefix=it[1]))),
                    prefixes[: args.baseline])
    base_az = timed(lambda it: list(graph.query(az_query.format(
        lang=it[0], letter=it[1], offset=(it[2] - 1) * 100))), pages[: args.baseline])

    print(f"baseline load: rdflib Graph.parse of the synthetic file ({len(graph):,} triples): "
          f"{parse_s:.1f} s wall / {parse_cpu:.1f} s CPU, peak RSS {rss_before:.0f} -> "
          f"{rss_after:.0f} MiB (parse only: no validation, no indexes)")
    for name, ours, base in (("autocomplete", ours_ac, base_ac), ("A-Z page", ours_az, base_az)):
        print(f"{name}: ours p50 {pct(ours, .5):.1f} ms, p95 {pct(ours, .95):.1f} ms "
              f"({len(ours)} requests); rdflib SPARQL p50 {pct(base, .5):.0f} ms, "
              f"p95 {pct(base, .95):.0f} ms ({len(base)} queries); "
              f"ratio of medians {statistics.median(base) / statistics.median(ours):.0f}x")


if __name__ == "__main__":
    main()
