"""A full disk: the write is refused with a clear message and the root stays valid.

A real small filesystem (a 2 MiB tmpfs) holds the storage root, so the kernel itself
says ENOSPC. Mounting needs root (CI runs as root); elsewhere the test is skipped.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from hemicycle.storage.objects import ObjectError, OcflRoot
from hemicycle.storage.validation import validate_path


@pytest.fixture
def small_disk(tmp_path: Path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_full_disk_refused_and_root_valid(small_disk, tmp_path):
    root = OcflRoot(small_disk / "ocfl")
    small = tmp_path / "small.bin"
    small.write_bytes(os.urandom(200_000))
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(3 * 1024 * 1024))
    root.store("doc1", {"en/a.bin": small})
    with pytest.raises(ObjectError, match="no space left on device") as exc:
        root.store("doc1", {"en/b.bin": big})
    assert "not changed" in str(exc.value)
    with pytest.raises(ObjectError, match="no space left on device"):
        root.store("doc2", {"en/b.bin": big})
    report = validate_path(root.path)
    assert report.valid and report.codes == set(), report.to_json()
    assert root.inventory("doc1").head == "v1" and root.inventory("doc2") is None
    assert not any((root.workspace / "stage").iterdir())  # the half-written copy is gone
    # space is usable again afterwards: the next small store works
    root.store("doc1", {"en/c.bin": small})
    inv = root.inventory("doc1")
    assert inv.head == "v2" and len(inv.manifest) == 1  # same bytes as a.bin: no copy
    assert validate_path(root.path).valid
