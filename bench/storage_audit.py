"""Fixity audit throughput against `sha512sum` over the same content files.

Builds a storage root of FILES x SIZE bytes (random data), then times `sha512sum` run the
way one would on this machine, one process per core (`xargs -P$(nproc) -n1 sha512sum`,
as many at once as the audit has hashing threads' worth of cores), and
`hemicycle.storage.fixity.audit` on the same files, best of REPEATS each, files warm in
the page cache for both. Prints MB/s for each and the ratio (ours / sha512sum; target
>= 0.9). The single-process `sha512sum` is printed too, for comparison with older runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hemicycle.storage.fixity import audit
from hemicycle.storage.objects import OcflRoot

FILES = int(os.environ.get("BENCH_FILES", 48))
SIZE = int(os.environ.get("BENCH_SIZE", 4 * 1024 * 1024))
REPEATS = 3


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-audit-"))
    try:
        src = work / "src"
        src.mkdir()
        root = OcflRoot(work / "ocfl", sync=False)
        for i in range(FILES):
            f = src / f"f{i}"
            f.write_bytes(os.urandom(SIZE))
            root.store(f"doc{i // 4}", {f"en/file{i}.bin": f})
            f.unlink()
        content = sorted(str(p) for p in (work / "ocfl").rglob("*.bin"))
        total = sum(os.path.getsize(p) for p in content)
        subprocess.run(["sha512sum", *content], check=True, capture_output=True)  # warm cache

        def sha512sum() -> None:
            subprocess.run(["sha512sum", *content], check=True, capture_output=True)

        listing = "\0".join(content).encode()

        def sha512sum_parallel() -> None:
            subprocess.run(["xargs", "-0", f"-P{os.cpu_count() or 1}", "-n1", "sha512sum"],
                           input=listing, check=True, capture_output=True)

        def ours() -> None:
            result = audit(root, resume=False)
            assert not result.problems and result.bytes == total

        rates = {}
        for name, fn in (("sha512sum, one process", sha512sum),
                         (f"xargs -P{os.cpu_count()} sha512sum", sha512sum_parallel),
                         ("audit", ours)):
            best = min(_timed(fn) for _ in range(REPEATS))
            rates[name] = total / best / 1e6
            print(f"{name:24s} {total / 1e6:8.1f} MB in {best:6.3f} s = "
                  f"{rates[name]:8.1f} MB/s")
        parallel = rates[f"xargs -P{os.cpu_count()} sha512sum"]
        print(f"cores: {os.cpu_count()}, files: {FILES} x {SIZE / 1e6:.1f} MB")
        print(f"ratio audit / parallel sha512sum: {rates['audit'] / parallel:.2f} "
              f"(target >= 0.9)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
