"""Replica lag: from a commit to the catalogue until a second web node finds it.

Usage: .venv/bin/python bench/search_replica_lag.py [--changes 100] [--database URL]

A catalogue with the Security Council resolutions of the bundled corpus (902 documents,
SQLite in a scratch directory, or the PostgreSQL database given), and two ``hemicycle
serve`` processes on the first two free ports from 8171 on, each with its own index
directory (one index replica per node). Then, CHANGES times: one document is uploaded
through node A (the API, as a cataloguer would), and the clock runs until node B's
``/api/search`` finds the word only that document holds (polled every 10 ms); node A's
answer, caught up in the upload request itself, is checked at once. Prints p50, p95 and
the worst lag on node B.

Baseline in the same run: today's code has no replica that follows changes; a second node
sees a change only when its index is rebuilt (``hemicycle reindex``), so its lag is at
least the time a rebuild of the same catalogue takes, measured here on node B's data.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from hemicycle.search.follower import INTERVAL_S

ROOT = Path(__file__).resolve().parents[1]
HEMICYCLE = str(Path(sys.executable).with_name("hemicycle"))
USER = ("bench", "a long password for the bench")


def free_ports(count: int, first: int = 8171) -> list[int]:
    """Ports of our own (8100 + n, as the team's rule asks) that nobody listens on."""
    found = []
    for port in range(first, first + 100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise SystemExit("no free port from 8171 on")


def start(env: dict, port: int, index_dir: Path) -> subprocess.Popen:
    proc = subprocess.Popen([HEMICYCLE, "serve", "--port", str(port)],
                            env={**env, "HEMICYCLE_INDEX_DIR": str(index_dir)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            raise SystemExit(proc.stderr.read())
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/search?q=resolution",
                         timeout=5).json()["total"] > 0 and proc.poll() is None:
                return proc  # started (ours answers, not another's), its replica built
        except (httpx.TransportError, ValueError, KeyError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"node on port {port} did not come up")
        time.sleep(0.2)


def found(port: int, word: str) -> bool:
    answer = httpx.get(f"http://127.0.0.1:{port}/api/search", params={"q": word}, timeout=30)
    return answer.json()["total"] > 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--database", help="a PostgreSQL URL (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-lag-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "HEMICYCLE_DATA": str(work / "data")}
        if args.database:
            env["HEMICYCLE_DATABASE_URL"] = args.database
        subprocess.run([HEMICYCLE, "ingest", str(ROOT / "corpus" / "documents" / "cr-unsc")],
                       env=env, check=True, capture_output=True)
        subprocess.run([HEMICYCLE, "user", "add", USER[0], "--role", "cataloguer"], check=True,
                       env={**env, "HEMICYCLE_PASSWORD": USER[1]}, capture_output=True)
        ports = free_ports(2)
        nodes = [start(env, port, work / f"index-{port}") for port in ports]
        lags: list[float] = []
        try:
            for n in range(args.changes):
                word = f"lagmarker{n:05d}x"
                path = work / f"change-{n}.txt"
                path.write_text(f"A statement that mentions {word} once.", encoding="utf-8")
                with path.open("rb") as fh:
                    answer = httpx.post(f"http://127.0.0.1:{ports[0]}/api/documents",
                                        auth=USER, timeout=60,
                                        data={"symbol": f"A/79/{9000 + n}", "language": "en"},
                                        files={"file": (path.name, fh, "text/plain")})
                committed = time.perf_counter()  # the upload's response: committed by then
                assert answer.status_code == 201, answer.text
                assert found(ports[0], word), "node A does not see its own write"
                while not found(ports[1], word):
                    if time.perf_counter() - committed > 120:
                        raise SystemExit(f"node B never saw change {n}")
                    time.sleep(0.01)
                lags.append(time.perf_counter() - committed)
                time.sleep(0.2)
        finally:
            for node in nodes:
                node.terminate()
                node.wait(timeout=30)
        started = time.perf_counter()
        subprocess.run([HEMICYCLE, "reindex"], check=True, capture_output=True,
                       env={**env, "HEMICYCLE_INDEX_DIR": str(work / f"index-{ports[1]}")})
        rebuild = time.perf_counter() - started
    lags.sort()
    p95 = lags[max(0, int(round(0.95 * len(lags))) - 1)]
    print(f"{len(lags)} changes through node A; lag until node B finds them: "
          f"p50 {statistics.median(lags) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {lags[-1] * 1000:.0f} ms (its follower polls every {INTERVAL_S} s)")
    print(f"baseline (today's code: node B sees a change only after a rebuild): "
          f"`hemicycle reindex` of the same catalogue took {rebuild * 1000:.0f} ms")
    print(f"ratio baseline / ours at p95: {rebuild / p95:.1f}x")


if __name__ == "__main__":
    main()
