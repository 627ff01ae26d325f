"""Page weight and time to first byte of the reader's pages, before and after issue 18,
served from the same data in the same run.

    .venv/bin/python bench/ui_pages.py --data var --before /tmp/ui-before/src [--repeat 10]

``--data`` is a data directory made by ``make demo-data``; ``--before`` is the ``src``
folder of the code to compare with (``git archive`` of main at the start of the work).
Both versions serve the same catalogue and index under ``hemicycle serve`` on their own
loopback port; each page is fetched twice to warm up, then ``--repeat`` times in turn
(before, after, before, ...). Weight is the HTML plus the stylesheets and scripts it
loads from the site itself (each counted once); time to first byte is the median from
sending the request to the first byte of the body.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
HEMICYCLE = str(Path(sys.executable).with_name("hemicycle"))
PAGES = {
    "home": "/?ui=fr",
    "results": "/search?q=climate+change&ui=fr",
    "record": "/documents/{uid}?ui=fr",
    "state history (France)": "/votes/states/FRA?ui=fr",
    "ITP GA 70": "/proceedings/index/GA/70?ui=fr",
    "ITP GA 70 Word export": "/proceedings/index/GA/70.docx?ui=fr",
}
_ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="(/[^"]+)"')


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(src: Path, data: Path) -> tuple[subprocess.Popen, str]:
    port = _port()
    env = {**os.environ, "PYTHONPATH": str(src), "HEMICYCLE_DATA": str(data),
           "HEMICYCLE_BASE_URL": f"http://127.0.0.1:{port}"}
    proc = subprocess.Popen([HEMICYCLE, "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/", timeout=5)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"the server for {src} did not start")


def first_byte(client: httpx.Client, url: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    with client.stream("GET", url) as response:
        chunks = response.iter_bytes()
        first = next(chunks, b"")
        elapsed = time.perf_counter() - start
        body = first + b"".join(chunks)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed, body


def weight(client: httpx.Client, base: str, html: bytes) -> int:
    total = len(html)
    for path in sorted(set(_ASSET.findall(html.decode("utf-8", "replace")))):
        response = client.get(base + path.replace("&amp;", "&"))
        if response.status_code == 200:
            total += len(response.content)
    return total


def a_record_uid(data: Path) -> str:
    import sqlite3

    db = sqlite3.connect(data / "catalogue.sqlite3")
    row = db.execute("select uid from documents where doc_type = 'resolution' "
                     "and status = 'published' order by id limit 1").fetchone()
    return row[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "var")
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    data = args.data.resolve()
    uid = a_record_uid(data)
    servers = {"before": serve(args.before.resolve(), data), "after": serve(ROOT / "src", data)}
    try:
        with httpx.Client(timeout=120) as client:
            print(f"{'page':26} {'weight before':>14} {'after':>10} {'ratio':>6}   "
                  f"{'TTFB before':>11} {'after':>8} {'ratio':>6}")
            for name, path in PAGES.items():
                url = path.format(uid=uid)
                times: dict[str, list[float]] = {"before": [], "after": []}
                bodies: dict[str, bytes] = {}
                for _proc, base in servers.values():
                    for _ in range(2):
                        first_byte(client, base + url)
                for _ in range(args.repeat):
                    for which, (_proc, base) in servers.items():
                        elapsed, body = first_byte(client, base + url)
                        times[which].append(elapsed)
                        bodies[which] = body
                sizes = {}
                for which, (_proc, base) in servers.items():
                    docx = ".docx" in url
                    sizes[which] = (len(bodies[which]) if docx
                                    else weight(client, base, bodies[which]))
                ttfb = {which: statistics.median(values) * 1000 for which, values in times.items()}
                kb = {which: size / 1024 for which, size in sizes.items()}
                print(f"{name:26} {kb['before']:11.0f} KB {kb['after']:7.0f} KB "
                      f"{sizes['after'] / sizes['before']:6.2f}   {ttfb['before']:8.0f} ms "
                      f"{ttfb['after']:5.0f} ms {ttfb['after'] / ttfb['before']:6.2f}")
    finally:
        for proc, _base in servers.values():
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
