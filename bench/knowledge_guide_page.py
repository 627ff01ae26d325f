"""A research guide with five live blocks, served on the demo corpus: p50 / p95 per page.

Ours: a guide whose five live blocks (a saved search, documents by symbol, the statements of
an agenda item, a thesaurus concept with its documents, a vote chart) are filled from the
catalogue at every view. Baseline, in the same run: the same guide with the same lists
pasted in as static Markdown links, as a hosted guide product keeps them (what the live
blocks replace). Both are served by the real application in process (routing, middleware,
templates), one request at a time, after a warm-up, interleaved.

The demo's catalogue and search index are copied first (the SQLite backup API), so the demo
itself is not written to.

    .venv/bin/python bench/knowledge_guide_page.py --data var --requests 300
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from hemicycle.catalogue.db import session_scope
from hemicycle.config import load_settings
from hemicycle.knowledge import guides
from hemicycle.knowledge.blocks import fill_block
from hemicycle.knowledge.markup import render_markdown
from hemicycle.web.app import create_app

LIVE = """Five lists that the library keeps current.

```live search
q: climate change
limit: 5
```

```live documents
- S/RES/242 (1967)
- S/RES/338 (1973)
- S/RES/827 (1993)
- S/RES/1445 (2002)
- S/PRST/2015/11
```

```live agenda
title: General debate
session: 75
limit: 10
```

```live concept
PEACEKEEPING OPERATIONS
```

```live votes
A/RES/74/7
```
"""


def _link(item: dict) -> str:
    title = f" {item['title']}" if item.get("title") else ""
    return f"- [{item['symbol']}](/documents/{item['uid']}){title}"


def static_twin(settings, db) -> str:
    """The same lists, filled once and pasted as plain Markdown."""
    lines = ["Five lists, pasted by hand.", ""]
    for block in render_markdown(LIVE).blocks:
        data = fill_block(settings, db, block, "en")
        items = (data.get("items") or data.get("documents") or
                 (data.get("words") or {}).get("items") or [])
        lines += [_link(i) for i in items if i.get("uid")]
        lines += [f"- [{s['state_name'] or s['organisation']}](/speeches/{s['id']})"
                  for s in data.get("speeches", [])]
        if block["kind"] == "votes" and not data.get("missing"):
            t = data["tallies"]
            lines.append(f"- [{data['resolution']}](/votes/records/{data['id']}): "
                         f"{t['yes']} yes, {t['no']} no, {t['abstain']} abstentions")
        lines.append("")
    return "\n".join(lines)


def copy_demo(data: Path, into: Path) -> None:
    into.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(data / "catalogue.sqlite3")
    target = sqlite3.connect(into / "catalogue.sqlite3")
    source.backup(target)
    source.close()
    target.close()
    shutil.copytree(data / "index", into / "index", symlinks=True)
    (into / "secret.key").write_text("bench-secret-key-not-for-anything-else")


def timed(client: TestClient, url: str) -> tuple[float, float]:
    """Wall-clock and CPU seconds (all threads of this process) of one request: on a
    machine shared with other work the CPU time is the steadier figure."""
    t0, c0 = time.perf_counter(), time.process_time()
    reply = client.get(url)
    took, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert reply.status_code == 200, (url, reply.status_code)
    return took, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("var"), help="the demo's data dir")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        copy_demo(args.data, Path(tmp))
        settings = load_settings(tmp)
        with session_scope(settings.database_url) as db:
            for slug, body in (("bench-live", LIVE), ("bench-static", static_twin(settings, db))):
                guides.save_page(db, slug, "en", title="Five lists", summary="", body=body,
                                 who="bench")
                guides.publish(db, slug, "en", "bench", from_draft=True)
        client = TestClient(create_app(settings), headers={"User-Agent": "bench"})
        urls = {"baseline (static links)": "/guides/bench-static/en",
                "ours (five live blocks)": "/guides/bench-live/en"}
        page = client.get(urls["ours (five live blocks)"]).text
        assert page.count("data-live=") == 5, "the five blocks are not all on the page"
        for _ in range(20):
            for url in urls.values():
                timed(client, url)
        took: dict[str, list[float]] = {name: [] for name in urls}
        cpu: dict[str, list[float]] = {name: [] for name in urls}
        for _ in range(args.requests):
            for name, url in urls.items():
                wall, used = timed(client, url)
                took[name].append(wall * 1000)
                cpu[name].append(used * 1000)
        block_times = time_blocks(settings, max(20, args.requests // 5))
    print(f"{args.requests} requests each, one at a time, in process (TestClient)")
    print("| page | p50 ms | p95 ms | max ms | CPU p50 ms | CPU p95 ms |")
    print("|---|---|---|---|---|---|")
    p95 = {}
    for name, ms in took.items():
        ms.sort()
        used = sorted(cpu[name])
        p95[name] = ms[int(len(ms) * 0.95) - 1]
        print(f"| {name} | {statistics.median(ms):.1f} | {p95[name]:.1f} | {ms[-1]:.1f} | "
              f"{statistics.median(used):.1f} | {used[int(len(used) * 0.95) - 1]:.1f} |")
    base, ours = p95.values()
    print(f"ratio p95 ours/baseline: {ours / base:.2f}; target p95 < 100 ms: "
          f"{'met' if ours < 100 else 'NOT met'}")
    print()
    print("where the blocks' time goes (each block filled alone, median of the rounds)")
    print("| block | wall ms | CPU ms |")
    print("|---|---|---|")
    for kind, (wall, used) in block_times.items():
        print(f"| {kind} | {statistics.median(wall):.1f} | {statistics.median(used):.1f} |")


def time_blocks(settings, rounds: int) -> dict[str, tuple[list[float], list[float]]]:
    """Each live block filled on its own (a session each, as the page does), ``rounds``
    times: which of the five costs what."""
    blocks = render_markdown(LIVE).blocks
    times: dict[str, tuple[list[float], list[float]]] = {b["kind"]: ([], []) for b in blocks}
    for _ in range(rounds):
        for block in blocks:
            t0, c0 = time.perf_counter(), time.process_time()
            with session_scope(settings.database_url) as db:
                fill_block(settings, db, block, "en")
            times[block["kind"]][0].append((time.perf_counter() - t0) * 1000)
            times[block["kind"]][1].append((time.process_time() - c0) * 1000)
    return times


if __name__ == "__main__":
    main()
