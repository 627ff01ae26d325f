"""Ingest of many small files into OCFL: files per second, with the fsync policy stated.

OBJECTS objects x PER_OBJECT files of 1-4 KB each. Baseline: copying the same
files into a plain directory tree with an fsync of every file (the least a
durable copy costs). Ours: ``OcflRoot.store`` (staged copy, sha512, inventory +
sidecar twice, atomic swap) under each fsync policy: ``fsync`` (default: every new file
and directory), ``syncfs`` (one filesystem flush per version), ``off``; and
``store_files`` (default policy, adds PREMIS events in SQLite).
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from hemicycle.config import load_settings
from hemicycle.storage import store_files
from hemicycle.storage.objects import OcflRoot

OBJECTS = int(os.environ.get("BENCH_OBJECTS", 150))
PER_OBJECT = int(os.environ.get("BENCH_PER_OBJECT", 10))


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-", dir=os.environ.get("BENCH_DIR")))
    rng = random.Random(1)
    try:
        src = work / "src"
        batches = []
        for o in range(OBJECTS):
            files = {}
            for k in range(PER_OBJECT):
                p = src / f"{o}" / f"{k}.txt"
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_bytes(rng.randbytes(rng.randint(1000, 4000)))
                files[f"en/{k}.txt"] = p
            batches.append(files)
        n = OBJECTS * PER_OBJECT

        def baseline() -> None:
            dest = work / "plain"
            for o, files in enumerate(batches):
                for logical, p in files.items():
                    t = dest / str(o) / logical
                    t.parent.mkdir(parents=True, exist_ok=True)
                    with open(p, "rb") as a, open(t, "wb") as b:
                        shutil.copyfileobj(a, b)
                        b.flush()
                        os.fsync(b.fileno())

        def ocfl(policy: str):
            def run() -> None:
                root = OcflRoot(work / f"ocfl-{policy}", policy=policy)
                for o, files in enumerate(batches):
                    root.store(f"doc{o}", files)
            return run

        def with_events() -> None:
            settings = load_settings(work / "data")
            for o, files in enumerate(batches):
                store_files(settings, f"doc{o}", files)

        rates = {}
        for name, fn in (("plain copy + fsync", baseline),
                         ("OCFL fsync on", ocfl("fsync")),
                         ("OCFL syncfs per version", ocfl("syncfs")),
                         ("OCFL fsync off", ocfl("off")),
                         ("store_files (fsync on, PREMIS in SQLite)", with_events)):
            start = time.perf_counter()
            fn()
            took = time.perf_counter() - start
            rates[name] = n / took
            print(f"{name:42s} {n} files in {took:6.2f} s = {rates[name]:8.0f} files/s")
        print(f"ratio OCFL (fsync on) / plain copy + fsync: "
              f"{rates['OCFL fsync on'] / rates['plain copy + fsync']:.2f}")
        print(f"ratio OCFL (syncfs) / plain copy + fsync: "
              f"{rates['OCFL syncfs per version'] / rates['plain copy + fsync']:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
