"""The OCFL writer behind store_files: versions, no-op re-stores, removal, bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ocfl.layout_0003_hash_and_id_n_tuple import Layout_0003_Hash_And_Id_N_Tuple
from ocfl.storage_root import StorageRoot
from ocfl.validator import Validator

from hemicycle.storage import StorageError, open_location, remove_files, store_files
from hemicycle.storage.objects import OcflRoot
from hemicycle.storage.premis import events_for
from hemicycle.storage.validation import validate_path


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _ocfl_py_clean(root: Path) -> None:
    """Every object valid for ocfl-py with no warnings, and the root too."""
    sr = StorageRoot(str(root))
    assert sr.validate(log_warnings=True), sr.errors
    assert sr.errors == [] and sr.log.codes == {}
    objects = list(OcflRoot(root).object_dirs())
    assert objects
    for obj in objects:
        v = Validator(log_warnings=True)
        assert v.validate_object(str(obj)), v.status_str()
        assert v.log.codes == {}, v.status_str()


def test_versions_noop_and_removal(settings, tmp_path):
    a = _write(tmp_path / "in" / "a.pdf", b"%PDF-1.4 first")
    b = _write(tmp_path / "in" / "b.txt", "Résolution 2334 — texte".encode())
    locs = store_files(settings, "doc1", {"en/a.pdf": a, "fr/b.txt": b}, agent="tester")
    assert locs == {"en/a.pdf": "ocfl:doc1/en/a.pdf", "fr/b.txt": "ocfl:doc1/fr/b.txt"}
    assert open_location(settings, locs["en/a.pdf"]).read_bytes() == b"%PDF-1.4 first"
    root = OcflRoot(settings.storage_root)
    assert root.inventory("doc1").head == "v1"

    store_files(settings, "doc1", {"en/a.pdf": a, "fr/b.txt": b})  # identical: no version
    assert root.inventory("doc1").head == "v1"

    a.write_bytes(b"%PDF-1.4 second")
    store_files(settings, "doc1", {"en/a.pdf": a})
    inv = root.inventory("doc1")
    assert inv.head == "v2"
    assert set(inv.state()) == {"en/a.pdf", "fr/b.txt"}  # other files carried over
    assert open_location(settings, locs["en/a.pdf"]).read_bytes() == b"%PDF-1.4 second"

    assert remove_files(settings, "doc1", ["fr/b.txt"]) is True
    assert root.inventory("doc1").head == "v3"
    assert "fr/b.txt" not in root.inventory("doc1").state()
    # deletion is a new version: the bytes are still in v1 until a purge
    assert open_location(settings, locs["fr/b.txt"]).read_bytes() == b.read_bytes()

    types = [e.event_type for e in events_for(settings, "doc1")]
    assert types.count("ingestion") == 2 and "deletion" in types
    assert "format identification" in types
    ident = [e for e in events_for(settings, "doc1") if e.event_type == "format identification"]
    assert {f["path"]: f["media_type"] for f in ident[0].files}["en/a.pdf"] == "application/pdf"
    _ocfl_py_clean(settings.storage_root)
    assert validate_path(settings.storage_root).valid
    assert validate_path(settings.storage_root).codes == set()


def test_layout_matches_ocfl_py(settings, tmp_path):
    src = _write(tmp_path / "x", b"x")
    store_files(settings, "0123abcd", {"x": src})
    layout = Layout_0003_Hash_And_Id_N_Tuple()
    expected = settings.storage_root / layout.identifier_to_path("urn:hemicycle:0123abcd")
    assert OcflRoot(settings.storage_root).object_dir("0123abcd") == expected
    assert (expected / "0=ocfl_object_1.1").is_file()


def test_zero_byte_and_unicode_names(settings, tmp_path):
    empty = _write(tmp_path / "empty", b"")
    decomposed = "ar/Cafe\u0301 \u0627\u0644\u0642\u0631\u0627\u0631.txt"
    locs = store_files(settings, "doc2", {"zero.txt": empty, decomposed: empty,
                                          "zh/决议.txt": _write(tmp_path / "z", "决议".encode())})
    state = OcflRoot(settings.storage_root).inventory("doc2").state()
    assert "ar/Caf\u00e9 \u0627\u0644\u0642\u0631\u0627\u0631.txt" in state  # stored as NFC
    assert open_location(settings, locs[decomposed]).read_bytes() == b""
    _ocfl_py_clean(settings.storage_root)


@pytest.mark.parametrize("logical, reason", [
    ("../etc/passwd", "'..'"),
    ("/etc/passwd", "absolute"),
    ("en/../../x", "'..'"),
    ("C:/Windows/x", "absolute"),
    ("a\\b", "backslash"),
    ("a//b", "empty"),
    ("bad\x00name", "control"),
    ("bad\nname", "control"),
    ("", "empty"),
])
def test_unsafe_logical_paths_refused(settings, tmp_path, logical, reason):
    src = _write(tmp_path / "f", b"data")
    with pytest.raises(StorageError, match=reason):
        store_files(settings, "doc3", {logical: src})
    assert not OcflRoot(settings.storage_root).object_dir("doc3").exists()


def test_collisions_symlinks_and_bad_ids_refused(settings, tmp_path):
    src = _write(tmp_path / "f", b"data")
    store_files(settings, "doc4", {"en/a.txt": src})
    with pytest.raises(StorageError, match="Unicode normalisation|case"):
        store_files(settings, "doc4", {"EN/A.txt": src})
    with pytest.raises(StorageError, match="normalisation"):
        store_files(settings, "doc4", {"Cafe\u0301": src, "Caf\u00e9": src})
    with pytest.raises(StorageError, match="both a file and a directory"):
        store_files(settings, "doc4", {"en": src})
    link = tmp_path / "link"
    os.symlink("/etc/passwd", link)
    with pytest.raises(StorageError, match="symbolic link"):
        store_files(settings, "doc4", {"en/b.txt": link})
    with pytest.raises(StorageError, match="not a regular file"):
        store_files(settings, "doc4", {"en/b.txt": tmp_path})
    with pytest.raises(StorageError, match="does not exist"):
        store_files(settings, "doc4", {"en/b.txt": tmp_path / "missing"})
    for bad in ("../x", "a/b", "", "x" * 300, "ünï"):
        with pytest.raises(StorageError, match="object id"):
            store_files(settings, bad, {"a": src})
    with pytest.raises(StorageError, match="not a storage location"):
        open_location(settings, "ocfl:nothing")
    with pytest.raises(StorageError, match="no stored file"):
        open_location(settings, "ocfl:doc4/en/none.txt")
    assert OcflRoot(settings.storage_root).inventory("doc4").head == "v1"
    _ocfl_py_clean(settings.storage_root)
