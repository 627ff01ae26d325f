"""Filesystems without renameat2(RENAME_EXCHANGE): the two-rename swap and its recovery.

Such a filesystem is not on this machine, so the kernel call is switched off; the
writer then falls back to two renames, and a crash between them (reproduced here by
doing only the first) is undone by the next writer of that object.
"""

from __future__ import annotations

import os

from hemicycle.config import load_settings
from hemicycle.storage import durable, layout, root_for
from hemicycle.storage.objects import OcflRoot, _key
from hemicycle.storage.paths import ocfl_id
from hemicycle.storage.validation import validate_path


def test_two_rename_fallback_and_recovery(tmp_path, monkeypatch):
    monkeypatch.setattr(durable, "_renameat2", None)
    root = OcflRoot(tmp_path / "ocfl")
    a = tmp_path / "a"
    a.write_bytes(b"one")
    root.store("doc", {"x.txt": a})
    a.write_bytes(b"two")
    assert root.store("doc", {"x.txt": a}).version == "v2"
    assert validate_path(root.path).valid

    # a writer died between "object -> stage/old" and "staged -> object"
    target = root.path / layout.object_path(ocfl_id("doc"))
    stage = root.workspace / "stage" / _key(ocfl_id("doc"))
    stage.mkdir(parents=True)
    top = target.parent.parent.parent  # the object is alone under its first tuple directory
    (stage / "top").write_text(top.relative_to(root.path).as_posix())
    os.rename(top, stage / "old")
    report = validate_path(root.path)
    assert report.valid  # the object is absent, the root is not broken
    a.write_bytes(b"three")
    assert root.store("doc", {"x.txt": a}).version == "v3"  # recovered v2, then wrote v3
    inv = root.inventory("doc")
    assert sorted(inv.data["versions"]) == ["v1", "v2", "v3"]
    assert root.resolve("doc", "x.txt").read_bytes() == b"three"
    report = validate_path(root.path)
    assert report.valid and report.codes == set()
    assert not stage.exists()


def test_fsync_policies(tmp_path, monkeypatch):
    import pytest

    from hemicycle.storage.objects import ObjectError

    a = tmp_path / "a"
    a.write_bytes(b"one")
    for policy in ("fsync", "syncfs", "off"):
        root = OcflRoot(tmp_path / policy, policy=policy)
        root.store("doc", {"x.txt": a})
        root.store("doc", {"y.txt": a})
        root.purge("doc")
        root.store("doc", {"x.txt": a})
        report = validate_path(root.path)
        assert report.valid and report.codes == set() and report.objects == 1
    monkeypatch.setenv("HEMICYCLE_FSYNC", "sometimes")
    with pytest.raises(ObjectError, match="fsync policy 'sometimes'"):
        root_for(load_settings(tmp_path / "data"))
    monkeypatch.setenv("HEMICYCLE_FSYNC", "syncfs")
    assert root_for(load_settings(tmp_path / "data")).policy == "syncfs"
