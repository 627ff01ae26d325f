"""Audit finds every damaged file; repair restores each from the replica and records it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hemicycle.cli import app
from hemicycle.storage import open_location, store_files
from hemicycle.storage.objects import OcflRoot
from hemicycle.storage.operations import run_audit, run_repair, run_replicate
from hemicycle.storage.premis import events_for
from hemicycle.storage.validation import validate_path

N_OBJECTS = 24


def _populate(settings, tmp_path: Path, n: int = N_OBJECTS) -> dict[str, dict[str, bytes]]:
    rng = random.Random(7)
    stored: dict[str, dict[str, bytes]] = {}
    for i in range(n):
        files = {}
        for lang in ("ar", "en", "zh"):
            data = rng.randbytes(rng.randint(1, 5000))
            src = tmp_path / "src" / f"{i}-{lang}"
            src.parent.mkdir(parents=True, exist_ok=True)
            src.write_bytes(data)
            files[f"{lang}/doc.pdf"] = src
        store_files(settings, f"doc{i:03d}", files)
        stored[f"doc{i:03d}"] = {k: v.read_bytes() for k, v in files.items()}
    return stored


def _damage(root: OcflRoot, rng: random.Random) -> dict[tuple[str, str], str]:
    """Flip a bit, truncate or delete one file in each of many objects."""
    done = {}
    objects = sorted(root.object_dirs())
    for obj in rng.sample(objects, 15):
        files = sorted(p for p in obj.rglob("*") if p.is_file() and "content" in p.parts)
        target = rng.choice(files)
        how = rng.choice(["flip", "truncate", "delete"])
        if how == "flip":
            data = bytearray(target.read_bytes())
            pos = rng.randrange(len(data))
            data[pos] ^= 1 << rng.randrange(8)
            target.write_bytes(bytes(data))
        elif how == "truncate":
            target.write_bytes(target.read_bytes()[: len(target.read_bytes()) // 2])
        else:
            target.unlink()
        done[(obj, target.relative_to(obj).as_posix())] = how
    # and one inventory with a flipped byte, one missing sidecar
    inv = objects[0] / "inventory.json"
    inv.write_bytes(inv.read_bytes().replace(b'"v1"', b'"v2"', 1))
    (objects[1] / "v1" / "inventory.json.sha512").unlink()
    return done


def test_damage_found_and_repaired(settings, tmp_path):
    stored = _populate(settings, tmp_path)
    replicated = run_replicate(settings)
    assert len(replicated.copied) == N_OBJECTS and not replicated.refused
    assert validate_path(settings.replica_root).valid
    assert run_replicate(settings).current == N_OBJECTS  # already in step: nothing copied

    root = OcflRoot(settings.storage_root)
    damage = _damage(root, random.Random(11))
    result = run_audit(settings)
    found = {(p.path, p.kind) for p in result.problems}
    for (_obj, rel), how in damage.items():
        kind = "missing" if how == "delete" else "digest mismatch"
        assert (rel, kind) in found, (rel, how)
    assert ("inventory.json", "digest mismatch") in found
    assert ("v1/inventory.json.sha512", "missing") in found
    assert not validate_path(settings.storage_root).valid

    repaired = run_repair(settings)
    assert not repaired.unrepaired, repaired.unrepaired
    assert len(repaired.repaired) == len(result.problems)
    assert run_audit(settings).problems == []
    report = validate_path(settings.storage_root)
    assert report.valid and report.codes == set()
    for object_id, files in stored.items():
        for logical, data in files.items():
            assert open_location(settings, f"ocfl:{object_id}/{logical}").read_bytes() == data
    damaged_ids = {p.object_id for p in result.problems}
    for oid in damaged_ids:
        kinds = [(e.event_type, e.outcome) for e in events_for(settings, oid)]
        assert ("fixity check", "failure") in kinds and ("repair", "success") in kinds
        assert ("replication", "success") in kinds


def test_whole_object_restored_and_unrepairable_reported(settings, tmp_path):
    import shutil

    _populate(settings, tmp_path, n=3)
    run_replicate(settings)
    root = OcflRoot(settings.storage_root)
    lost = root.object_dir("doc001")
    shutil.rmtree(lost)
    result = run_repair(settings)
    assert result.restored_objects == ["doc001"]
    assert validate_path(settings.storage_root).valid
    # damage in both copies: reported, not "repaired"
    f = next(p for p in root.object_dir("doc002").rglob("*.pdf"))
    rel = f.relative_to(root.object_dir("doc002"))
    f.write_bytes(b"bad")
    (OcflRoot(settings.replica_root).object_dir("doc002") / rel).write_bytes(b"bad too")
    result = run_repair(settings)
    assert result.unrepaired and "damaged too" in result.unrepaired[0][1]
    out = CliRunner().invoke(app, ["repair"])
    assert out.exit_code == 1 and "not repaired" in out.stderr


def test_audit_resumes_and_samples(settings, tmp_path):
    _populate(settings, tmp_path, n=6)
    seen: list[str] = []

    class Stop(Exception):
        pass

    def progress(done, total):
        if done == 3:
            raise Stop

    with pytest.raises(Stop):
        run_audit(settings, progress=progress)
    resumed = run_audit(settings, progress=lambda d, t: seen.append(d))
    assert resumed.resumed and resumed.objects == 6 and seen == [4, 5, 6]
    fresh = run_audit(settings, sample=2, rate_mb_s=50)
    assert not fresh.resumed and fresh.objects == 2 and fresh.files == 6
    # repeated samples take the objects checked longest ago: three samples cover all six
    counts = {f"doc{i:03d}": 0 for i in range(6)}
    for _ in range(2):
        run_audit(settings, sample=2)
    for i in range(6):
        counts[f"doc{i:03d}"] = sum(e.event_type == "fixity check"
                                    for e in events_for(settings, f"doc{i:03d}"))
    assert set(counts.values()) == {2}, counts  # one full pass, then 3 samples of 2
    checks = [e for e in events_for(settings, "doc000") if e.event_type == "fixity check"]
    assert checks and all(e.outcome == "success" for e in checks)
    out = CliRunner().invoke(app, ["audit", "--sample", "0"])
    assert out.exit_code == 1 and "--sample" in out.stderr


def test_repair_never_rolls_back_unreplicated_versions(settings, tmp_path):
    src = tmp_path / "a"
    src.write_bytes(b"first")
    store_files(settings, "doc", {"en/a.txt": src})
    run_replicate(settings)
    src.write_bytes(b"second")
    store_files(settings, "doc", {"en/a.txt": src})  # v2, not replicated yet
    obj = OcflRoot(settings.storage_root).object_dir("doc")
    (obj / "inventory.json").write_text("{broken")
    result = run_repair(settings)
    assert not result.repaired and result.unrepaired
    assert "replicate" in result.unrepaired[0][1]
    assert (obj / "v2" / "content" / "en" / "a.txt").read_bytes() == b"second"


def test_empty_store_refused(settings):
    from hemicycle.storage import StorageError

    with pytest.raises(StorageError, match="no files"):
        store_files(settings, "nothing", {})


def test_symlinked_content_found_and_repaired(settings, tmp_path):
    import os

    src = tmp_path / "a"
    src.write_bytes(b"genuine")
    store_files(settings, "doc", {"en/a.txt": src})
    run_replicate(settings)
    content = OcflRoot(settings.storage_root).object_dir("doc") / "v1/content/en/a.txt"
    content.unlink()
    os.symlink(src, content)  # same bytes, but no longer inside the object
    problems = run_audit(settings).problems
    assert [(p.path, p.kind) for p in problems] == [("v1/content/en/a.txt", "symlink")]
    assert not run_repair(settings).unrepaired
    assert not content.is_symlink() and content.read_bytes() == b"genuine"
    assert run_audit(settings).problems == []
