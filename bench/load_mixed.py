"""Mixed traffic against a real ``hemicycle serve`` on 127.0.0.1: readers, and one bot.

The demo corpus (``make demo-data``: ./var) is copied once per server so that each starts
from the same files and cold caches; each server is one worker (``hemicycle serve``'s
default). Three servers answer the same requests:

* baseline: the code before issue 15 (``--baseline-ref``, by default the commit this work
  started from), exported with ``git archive``;
* ours without rate limits (``search_per_minute = 0``, ``costly_per_minute = 0``);
* ours as configured by default (60 searches and 10 costly requests a minute per client).

Phases, each ``--seconds`` long after a warm-up:

* throughput with 8 and 32 closed-loop clients (each sends its next request as soon as
  the last is answered): the mix is document pages 40 %, search pages 30 %, IIIF tiles
  20 % (512-pixel tiles of the scanned PDFs' pages), OAI-PMH 10 % (ListRecords and
  GetRecord); requests/s, p50/p99 per kind, errors, server peak memory (VmHWM);
* readers: 8 clients that each ask for a page every ``1/--reader-rate`` seconds (a person
  reading), alone and then with one bot that sends search requests as fast as it is
  answered (pages of results of the same queries as readers'), and ignores Retry-After.

The servers run side by side and take turns, phase by phase, ``--rounds`` times (the
machine may be shared: turns spread its load over all of them); the figures pool the
rounds.

Every client has its own loopback address (127.0.0.10+, the bot 127.0.0.2), so per-client
limits see them as different clients (127.0.0.1 itself is exempt by default).

    .venv/bin/python bench/load_mixed.py [--data var] [--seconds 20] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BASELINE_REF = "2ed4f077104cb0fc382dbb98b23dc820bb03a0ce"  # main when issue 15 began
MIX = (("document", 40), ("search", 30), ("iiif", 20), ("oai", 10))
WORDS = ("security council", "climate change", "Palestine", "sanctions", "women", "nuclear",
         "human rights", "development", "refugees", "peacekeeping", "terrorism", "Africa",
         "children", "budget", "Syria", "Afghanistan", "paix", "desarrollo sostenible",
         "безопасность", "السلام", "安全理事会", "Haiti", "Sudan", "Cyprus", "Iraq")
UNLIMITED = "search_per_minute = 0\ncostly_per_minute = 0\n"


@dataclass
class Targets:
    documents: list[str]
    searches: list[str]
    tiles: list[str]
    oai: list[str]

    def pick(self, kind: str, rng: random.Random) -> str:
        return rng.choice(getattr(self, {"document": "documents", "search": "searches",
                                         "iiif": "tiles", "oai": "oai"}[kind]))


@dataclass
class Record:
    samples: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)

    def add(self, kind: str, status: int, seconds: float) -> None:
        self.samples.setdefault(kind, []).append(seconds)
        counts = self.statuses.setdefault(kind, {})
        counts[status] = counts.get(status, 0) + 1


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(record: Record, seconds: float) -> dict:
    out = {"kinds": {}}
    total = errors = limited = 0
    for kind, values in sorted(record.samples.items()):
        statuses = record.statuses[kind]
        bad = sum(n for s, n in statuses.items() if s >= 500 or s == 0)
        refused = statuses.get(429, 0)
        out["kinds"][kind] = {"requests": len(values), "p50_ms": _percentile(values, .5) * 1e3,
                              "p99_ms": _percentile(values, .99) * 1e3, "errors": bad,
                              "429": refused}
        total += len(values)
        errors += bad
        limited += refused
    every = [v for values in record.samples.values() for v in values]
    out.update(requests=total, rps=total / seconds, errors=errors, limited=limited,
               p50_ms=_percentile(every, .5) * 1e3, p99_ms=_percentile(every, .99) * 1e3)
    return out


# ---- servers --------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def baseline_source(ref: str, workdir: Path) -> Path:
    target = workdir / "baseline-src"
    if not target.exists():
        target.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "src"


def data_copy(source: Path, target: Path, src: Path, toml: str) -> Path:
    """A fresh copy of the data for one server. Migrations the server's code does not
    know (the demo data may have been opened by newer code) are forgotten in the copy:
    their tables and columns stay, unused by that code."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, symlinks=True)
    (target / "hemicycle.toml").write_text(f"[hemicycle]\n{toml}", encoding="utf-8")
    known = {p.stem for p in (src / "hemicycle" / "catalogue" / "migrations" /
                              "versions").glob("*.py")}
    db = sqlite3.connect(target / "catalogue.sqlite3")
    with db:
        for (revision,) in db.execute("SELECT version_num FROM alembic_version").fetchall():
            if revision not in known:
                db.execute("DELETE FROM alembic_version WHERE version_num = ?", (revision,))
    db.close()
    return target


class Server:
    def __init__(self, src: Path, data: Path, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(src), "HEMICYCLE_DATA": str(data)}
        env.pop("HEMICYCLE_DATABASE_URL", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from hemicycle.cli import main; main()", "serve",
             "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, cwd=data, stdout=log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(self.url + "/", timeout=5)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"the server did not start: see {log}") from None
                time.sleep(0.3)

    def peak_memory_mb(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---- what to ask --------------------------------------------------------------------

def find_targets(data: Path, url: str, seed: int = 7) -> Targets:
    """Published documents from the catalogue; IIIF tiles and OAI identifiers from the
    server itself (the same data for every server)."""
    rng = random.Random(seed)
    db = sqlite3.connect(f"file:{data / 'catalogue.sqlite3'}?mode=ro", uri=True)
    uids = [r[0] for r in db.execute(
        "SELECT uid FROM documents WHERE status = 'published' ORDER BY uid")]
    scanned = [r[0] for r in db.execute(
        "SELECT DISTINCT d.uid FROM documents d JOIN files f ON f.document_id = d.id "
        "WHERE d.status = 'published' AND f.format = 'pdf' ORDER BY d.uid")]
    db.close()
    documents = [f"/documents/{u}" for u in rng.sample(uids, min(400, len(uids)))]
    searches = [f"/search?q={w}" + (f"&page={p}" if p > 1 else "")
                for w in WORDS for p in (1, 2)]
    tiles = []
    with httpx.Client(base_url=url, timeout=120) as client:
        for uid in rng.sample(scanned, min(12, len(scanned))):
            manifest = client.get(f"/iiif/3/{uid}/manifest.json")
            if manifest.status_code != 200:
                continue
            for canvas in manifest.json()["items"][:3]:
                service = canvas["items"][0]["items"][0]["body"]["service"][0]["id"]
                path = service.split("/iiif/3/", 1)[1]
                width, height = canvas["width"], canvas["height"]
                for x in range(0, min(width, 1536), 512):
                    for y in range(0, min(height, 1536), 512):
                        w, h = min(512, width - x), min(512, height - y)
                        tiles.append(f"/iiif/3/{path}/{x},{y},{w},{h}/{w},/0/default.jpg")
        listing = client.get("/oai", params={"verb": "ListIdentifiers",
                                             "metadataPrefix": "oai_dc"}).text
    identifiers = re.findall(r"<identifier>([^<]+)</identifier>", listing)[:100]
    oai = ["/oai?verb=ListRecords&metadataPrefix=oai_dc"] * 10 + [
        f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={i}" for i in identifiers]
    return Targets(documents, searches, tiles, oai)


# ---- clients ------------------------------------------------------------------------

def _client(url: str, address: str) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=address)
    return httpx.AsyncClient(base_url=url, transport=transport, timeout=120,
                             follow_redirects=False)


async def _get(client: httpx.AsyncClient, path: str) -> tuple[int, float]:
    began = time.perf_counter()
    try:
        reply = await client.get(path)
        await reply.aread()
        status = reply.status_code
    except httpx.HTTPError:
        status = 0
    return status, time.perf_counter() - began


async def reader(url: str, number: int, targets: Targets, until: float, record: Record,
                 pause: float = 0.0) -> None:
    """One reader: the mix of kinds; ``pause`` is the time between two requests (0:
    closed loop)."""
    rng = random.Random(1000 + number)
    kinds = [k for k, w in MIX for _ in range(w)]
    async with _client(url, f"127.0.0.{10 + number}") as client:
        while time.monotonic() < until:
            kind = rng.choice(kinds)
            began = time.monotonic()
            status, seconds = await _get(client, targets.pick(kind, rng))
            record.add(kind, status, seconds)
            if pause:
                await asyncio.sleep(max(0.0, pause - (time.monotonic() - began)))


async def bot(url: str, until: float, record: Record) -> None:
    """A crawler walking through search results (a new page each time: no cache helps,
    and each page costs what a reader's does), deaf to Retry-After."""
    rng = random.Random(99)
    async with _client(url, "127.0.0.2") as client:
        while time.monotonic() < until:
            path = f"/search?q={rng.choice(WORDS)}&page={rng.randrange(1, 30)}"
            status, seconds = await _get(client, path)
            record.add("bot search", status, seconds)


async def _phase(url: str, targets: Targets, seconds: float, clients: int, pause: float,
                 with_bot: bool) -> tuple[Record, Record]:
    readers, crawler = Record(), Record()
    until = time.monotonic() + seconds
    tasks = [reader(url, i, targets, until, readers, pause) for i in range(clients)]
    if with_bot:
        tasks.append(bot(url, until, crawler))
    await asyncio.gather(*tasks)
    return readers, crawler


def phase(url: str, targets: Targets, seconds: float, clients: int, pause: float = 0.0,
          with_bot: bool = False) -> tuple[Record, Record]:
    return asyncio.run(_phase(url, targets, seconds, clients, pause, with_bot))


# ---- the run ------------------------------------------------------------------------

def _merge(into: Record, more: Record) -> None:
    for kind, values in more.samples.items():
        into.samples.setdefault(kind, []).extend(values)
    for kind, counts in more.statuses.items():
        mine = into.statuses.setdefault(kind, {})
        for status, n in counts.items():
            mine[status] = mine.get(status, 0) + n


def run(servers: dict[str, Server], targets: Targets, args) -> dict:
    """Every phase ``--rounds`` times, the servers taking turns within each round (on a
    shared machine the load drifts; turns spread the drift over all of them)."""
    throughput = [name for name in servers if name != "ours"]
    records: dict[tuple[str, str], tuple[Record, Record]] = {}
    pause = 1.0 / args.reader_rate
    for round_ in range(1, args.rounds + 1):
        steps = [(f"{n} clients", n, 0.0, False, throughput) for n in args.clients]
        steps += [("readers", 8, pause, False, list(servers)),
                  ("readers + bot", 8, pause, True, list(servers))]
        for label, clients, wait, with_bot, names in steps:
            for name in names:
                readers, crawler = phase(servers[name].url, targets, args.seconds, clients,
                                         wait, with_bot)
                mine = records.setdefault((name, label), (Record(), Record()))
                _merge(mine[0], readers)
                _merge(mine[1], crawler)
                got = summary(readers, args.seconds)
                print(f"round {round_}, {name}, {label}: {got['rps']:.1f} req/s, "
                      f"p99 {got['p99_ms']:.0f} ms", flush=True)
    results: dict = {name: {} for name in servers}
    seconds = args.seconds * args.rounds
    for (name, label), (readers, crawler) in records.items():
        results[name][label] = summary(readers, seconds)
        if crawler.samples:
            results[name][label]["bot"] = summary(crawler, seconds)
    for name, server in servers.items():
        results[name]["peak_memory_mb"] = server.peak_memory_mb()
    return results


def report(results: dict, args) -> None:
    print(f"\n## bench/load_mixed.py ({args.rounds} x {args.seconds:g} s per phase, one "
          "server worker)\n")
    print("| server | clients | req/s | all p50/p99 ms | " + " | ".join(
        f"{k} p50/p99 ms" for k, _ in MIX) + " | errors | peak MB |")
    print("|---|---|---|---|" + "---|" * len(MIX) + "---|---|")
    for name, result in results.items():
        for label, data in result.items():
            if not isinstance(data, dict) or "kinds" not in data:
                continue
            cells = []
            for kind, _ in MIX:
                k = data["kinds"].get(kind)
                cells.append(f"{k['p50_ms']:.0f} / {k['p99_ms']:.0f}" if k else "-")
            print(f"| {name} | {label} | {data['rps']:.1f} | {data['p50_ms']:.0f} / "
                  f"{data['p99_ms']:.0f} | " + " | ".join(cells) +
                  f" | {data['errors']} | {result['peak_memory_mb']:.0f} |")
            if "bot" in data:
                b = data["bot"]
                print(f"| {name} | the bot (search) | {b['rps']:.1f} | {b['p50_ms']:.0f} / "
                      f"{b['p99_ms']:.0f} | 429: {b['limited']} |" + " |" * (len(MIX) - 1)
                      + f" {b['errors']} | |")
    base, ours = results.get("baseline"), results.get("ours, no rate limit")
    if base and ours:
        for n in args.clients:
            ratio = ours[f"{n} clients"]["rps"] / base[f"{n} clients"]["rps"]
            print(f"\nthroughput ours/baseline at {n} clients: {ratio:.2f}")
    for name, result in results.items():
        print(f"{name}: readers' p99 alone {result['readers']['p99_ms']:.0f} ms, "
              f"with the bot {result['readers + bot']['p99_ms']:.0f} ms")
    if base and "ours" in results:
        ratio = results["ours"]["readers + bot"]["p99_ms"] / base["readers + bot"]["p99_ms"]
        print(f"readers' p99 with the bot, ours (rate limit) / baseline: {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "var")
    parser.add_argument("--baseline-ref", default=BASELINE_REF)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--reader-rate", type=float, default=1.0,
                        help="requests a second per reader in the reader phases")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not (args.data / "catalogue.sqlite3").is_file():
        sys.exit(f"{args.data}: no catalogue; run `make demo-data` first")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="load-mixed-"))
    workdir.mkdir(parents=True, exist_ok=True)
    ours_src = ROOT / "src"
    plan = [("baseline", baseline_source(args.baseline_ref, workdir), ""),
            ("ours, no rate limit", ours_src, UNLIMITED), ("ours", ours_src, "")]
    servers: dict[str, Server] = {}
    try:
        for number, (name, src, toml) in enumerate(plan):
            data = data_copy(args.data, workdir / f"data-{number}", src, toml)
            servers[name] = Server(src, data, workdir / f"server-{number}.log")
        targets = find_targets(args.data, servers["ours"].url)
        for server in servers.values():  # pages rendered once, caches warm
            phase(server.url, targets, args.warmup, 8)
        results = run(servers, targets, args)
    finally:
        for server in servers.values():
            server.stop()
    report(results, args)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))
    print(f"\nmedian load average during the run: {statistics.median(os.getloadavg()):.1f} "
          f"(now); workdir {workdir}")


if __name__ == "__main__":
    main()
