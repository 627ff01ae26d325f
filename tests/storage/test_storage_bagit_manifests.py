"""BagIt: every payload file must be listed in every payload manifest (RFC 8493 §3)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import bagit
import pytest
from typer.testing import CliRunner

from hemicycle.cli import app
from hemicycle.documents.bags import import_bag
from hemicycle.storage.bags import BagRefused
from hemicycle.storage.objects import OcflRoot


def _bag(tmp_path: Path, algorithms: list[str]) -> Path:
    folder = tmp_path / "bag"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "a.txt").write_text("first file")
    (folder / "docs" / "b.txt").write_text("second file")
    logging.getLogger("bagit").setLevel(logging.ERROR)
    bagit.make_bag(str(folder), checksums=algorithms)
    return folder


def _drop_from_manifest(bag: Path, manifest: str, name: str) -> None:
    """Remove ``name``'s line from ``manifest`` and rewrite the tag manifests to match,
    as a tool that forgot the file in one manifest would have written them."""
    path = bag / manifest
    lines = path.read_text().splitlines()
    path.write_text("".join(f"{line}\n" for line in lines if not line.endswith(name)))
    for tagmanifest in bag.glob("tagmanifest-*.txt"):
        algorithm = tagmanifest.stem.split("-", 1)[1]
        rows = []
        for line in tagmanifest.read_text().splitlines():
            _digest, tag_file = line.split(None, 1)
            data = (bag / tag_file).read_bytes()
            rows.append(f"{hashlib.new(algorithm, data).hexdigest()}  {tag_file}\n")
        tagmanifest.write_text("".join(rows))


def test_a_file_missing_from_one_of_two_manifests_is_refused(settings, tmp_path):
    bag = _bag(tmp_path, ["md5", "sha512"])
    _drop_from_manifest(bag, "manifest-md5.txt", "data/docs/b.txt")
    assert bagit.Bag(str(bag)).is_valid()  # bagit-python alone lets it through
    with pytest.raises(BagRefused, match=r"data/docs/b\.txt.*manifest-md5\.txt"):
        import_bag(settings, bag)
    root = OcflRoot(settings.storage_root)
    assert not root.exists() or not list(root.object_dirs())

    refused = CliRunner().invoke(app, ["bag", "import", str(bag)])
    assert refused.exit_code == 1
    assert "data/docs/b.txt" in refused.stderr and "manifest-md5.txt" in refused.stderr


def test_every_file_in_every_manifest_is_accepted(settings, tmp_path):
    bag = _bag(tmp_path, ["md5", "sha512"])
    result = import_bag(settings, bag, object_id="two-manifests")
    assert sorted(result.objects["two-manifests"]) == ["docs/a.txt", "docs/b.txt"]
