"""Kill -9 an ingest at random moments: the root stays valid and a rerun finishes cleanly."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from ocfl.storage_root import StorageRoot
from ocfl.validator import Validator

from hemicycle.config import load_settings
from hemicycle.storage import store_files
from hemicycle.storage.objects import OcflRoot
from hemicycle.storage.validation import validate_path

TRIALS = 10
UPDATED = 8  # objects that exist before the ingest and get a new version
CREATED = 8  # objects the ingest creates

INGEST = """
import sys
from pathlib import Path
from hemicycle.config import load_settings
from hemicycle.storage import store_files
settings = load_settings(sys.argv[1])
src = Path(sys.argv[2])
print("ready", flush=True)
for i in range(int(sys.argv[3])):
    files = {f"{lang}/doc.pdf": src / f"final-{i}-{lang}" for lang in ("ar", "en", "fr")}
    store_files(settings, f"doc{i:03d}", files, message="final")
print("done", flush=True)
"""


def _sources(src: Path) -> None:
    rng = random.Random(3)
    src.mkdir(parents=True, exist_ok=True)
    for i in range(UPDATED + CREATED):
        for lang in ("ar", "en", "fr"):
            (src / f"first-{i}-{lang}").write_bytes(rng.randbytes(2000))
            (src / f"final-{i}-{lang}").write_bytes(rng.randbytes(rng.randint(0, 20000)))


def _prepare(data: Path, src: Path):
    settings = load_settings(data)
    for i in range(UPDATED):
        store_files(settings, f"doc{i:03d}",
                    {f"{lang}/doc.pdf": src / f"first-{i}-{lang}" for lang in ("ar", "en", "fr")})
    return settings


def _ingest(data: Path, src: Path, policy: str = "fsync") -> subprocess.Popen:
    env = dict(os.environ, HEMICYCLE_DATA=str(data), HEMICYCLE_FSYNC=policy)
    return subprocess.Popen([sys.executable, "-c", INGEST, str(data), str(src),
                             str(UPDATED + CREATED)], stdout=subprocess.PIPE, text=True, env=env)


def _assert_clean(root: Path) -> None:
    report = validate_path(root)
    assert report.valid and report.codes == set(), report.to_json()
    sr = StorageRoot(str(root))
    assert sr.validate(log_warnings=True) and sr.errors == [], sr.errors
    for obj in OcflRoot(root).object_dirs():
        v = Validator(log_warnings=True)
        assert v.validate_object(str(obj)) and not v.log.codes, v.status_str()


def test_kill_minus_nine_at_random_moments(tmp_path, monkeypatch):
    # one catalogue for all trials (its migrations run once); each trial has its own root
    monkeypatch.setenv("HEMICYCLE_DATABASE_URL", f"sqlite:///{tmp_path / 'catalogue.sqlite3'}")
    src = tmp_path / "src"
    _sources(src)
    # one uninterrupted run tells how long an ingest takes on this machine
    data = tmp_path / "timing"
    _prepare(data, src)
    proc = _ingest(data, src)
    assert proc.stdout.readline().strip() == "ready"
    start = time.monotonic()
    assert proc.stdout.readline().strip() == "done"
    duration = time.monotonic() - start
    proc.wait()
    rng = random.Random()
    interrupted = 0
    for trial in range(TRIALS):
        data = tmp_path / f"trial{trial}"
        settings = _prepare(data, src)
        proc = _ingest(data, src, ("fsync", "syncfs")[trial % 2])  # both durable policies
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _assert_clean(settings.storage_root)
        root = OcflRoot(settings.storage_root)
        heads = [(root.inventory(f"doc{i:03d}") or None) for i in range(UPDATED + CREATED)]
        if any(inv is None or inv.data["versions"][inv.head]["message"] != "final"
               for inv in heads):
            interrupted += 1
        # the rerun completes the ingest; nothing is stored twice
        for i in range(UPDATED + CREATED):
            store_files(settings, f"doc{i:03d}", {f"{lang}/doc.pdf": src / f"final-{i}-{lang}"
                                                  for lang in ("ar", "en", "fr")})
        for i in range(UPDATED + CREATED):
            inv = root.inventory(f"doc{i:03d}")
            assert inv.head == ("v2" if i < UPDATED else "v1"), (trial, i, inv.head)
            for lang in ("ar", "en", "fr"):
                path = root.resolve(f"doc{i:03d}", f"{lang}/doc.pdf")
                assert path.read_bytes() == (src / f"final-{i}-{lang}").read_bytes()
        _assert_clean(settings.storage_root)
        assert not any((root.workspace / "stage").iterdir())
    assert interrupted >= TRIALS // 2, f"only {interrupted} kills landed during the ingest"
    print(f"{interrupted}/{TRIALS} kills interrupted the ingest")
