"""CPU cost of ``hemicycle.describe`` before and after its pattern rework, in the same run.

Usage: .venv/bin/python bench/describe_speed.py [--base COMMIT] [--repeat N]

``describe`` runs on every language version of every document that ingest, MARC import
and digitise save, so its CPU is part of each load's. Both sides describe the same texts
(the 730 six-language documents of the bundled UNPC test set, read once, without symbol or
manifest: what a text's own words give, the costliest case) in their own process, with the
same interpreter; the baseline is ``--base`` checked out with ``git worktree`` into a
scratch directory. Each prints the best of ``--repeat`` runs of process time (user +
system, so another job on the machine slows it less than the wall clock) and the ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = "fcbf0d7"  # main before the rework (0425494)
LANGS = ("ar", "zh", "en", "fr", "ru", "es")

RUN = """
import json, sys, time
from pathlib import Path
from hemicycle.describe.record import Given, describe
files = sorted(Path(sys.argv[1]).rglob("*.txt"))
texts = [f.read_text(encoding="utf-8") for f in files]
langs = sys.argv[3].split(",")
groups = [dict(zip(langs, texts[i:i + 6])) for i in range(0, len(texts) - 5, 6)]
best = None
for _ in range(int(sys.argv[2])):
    started = time.process_time()
    for group in groups:
        describe(Given("bench"), group)
    spent = time.process_time() - started
    best = spent if best is None else min(best, spent)
print(json.dumps({"documents": len(groups), "cpu_seconds": best}))
"""


def baseline_tree(commit: str) -> Path:
    """A checkout of ``commit`` beside this one (made once, reused)."""
    target = Path(tempfile.gettempdir()) / f"hemicycle-base-{commit}"
    if not (target / "src" / "hemicycle").is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(target),
                        commit], check=True, capture_output=True)
    return target


def measure(src: Path, repeat: int) -> dict:
    done = subprocess.run([sys.executable, "-c", RUN, str(ROOT / "corpus/documents/unpc"),
                           str(repeat), ",".join(LANGS)],
                          env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default=BASE)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = measure(baseline_tree(args.base) / "src", args.repeat)
    ours = measure(ROOT / "src", args.repeat)
    print(f"{base['documents']} documents x 6 languages, best of {args.repeat}")
    print(f"baseline ({args.base}): {base['cpu_seconds']:.2f} CPU-s "
          f"({base['documents'] / base['cpu_seconds']:.0f} documents/CPU-s)")
    print(f"ours: {ours['cpu_seconds']:.2f} CPU-s "
          f"({ours['documents'] / ours['cpu_seconds']:.0f} documents/CPU-s)")
    print(f"ratio (baseline CPU / ours): {base['cpu_seconds'] / ours['cpu_seconds']:.2f}x")


if __name__ == "__main__":
    main()
