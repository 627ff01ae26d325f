"""BagIt: the LoC conformance suite on import, and a round trip of our own export."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import bagit
import pytest
from typer.testing import CliRunner

from hemicycle.cli import app
from hemicycle.documents.bags import export_bag, import_bag
from hemicycle.storage import store_files
from hemicycle.storage.bags import BagRefused
from hemicycle.storage.objects import OcflRoot
from hemicycle.storage.validation import validate_path

SUITE = Path(__file__).resolve().parents[1] / "data" / "storage" / "bagit-conformance-suite"


def _bags(*groups: str) -> list[str]:
    out = []
    for version in sorted(SUITE.glob("v*")):
        for group in groups:
            for bag in sorted((version / group).glob("*")):
                if bag.is_dir():
                    out.append(bag.relative_to(SUITE).as_posix())
    return out


COMPLETE_VALID = [b for b in _bags("valid") if not b.endswith("holey-bag")]


def _root_ok(settings) -> None:
    if OcflRoot(settings.storage_root).exists():
        report = validate_path(settings.storage_root)
        assert report.valid and report.codes == set(), report.to_json()


@pytest.mark.parametrize("name", COMPLETE_VALID)
def test_valid_bags_import(settings, name):
    bag = bagit.Bag(str(SUITE / name))
    result = import_bag(settings, SUITE / name)
    [(object_id, locations)] = result.objects.items()
    assert len(locations) == len(list(bag.payload_files()))
    root = OcflRoot(settings.storage_root)
    for rel in bag.payload_files():
        logical = rel[len("data/"):]
        stored = root.resolve(object_id, logical).read_bytes()
        assert stored == (SUITE / name / rel).read_bytes()
    again = import_bag(settings, SUITE / name)  # idempotent: no second version
    assert again.objects == result.objects and root.inventory(object_id).head == "v1"
    _root_ok(settings)


@pytest.mark.parametrize("name", _bags("invalid", "linux-only", "windows-only"))
def test_invalid_bags_refused_with_reason(settings, name):
    with pytest.raises(BagRefused) as exc:
        import_bag(settings, SUITE / name)
    assert len(str(exc.value)) > 10
    assert not OcflRoot(settings.storage_root).exists() or not list(
        OcflRoot(settings.storage_root).object_dirs())


@pytest.mark.parametrize("name", [b for b in _bags("valid") if b.endswith("holey-bag")])
def test_holey_bag_is_refused_as_incomplete(settings, name):
    with pytest.raises(BagRefused, match="fetch.txt"):
        import_bag(settings, SUITE / name)


@pytest.mark.parametrize("name", _bags("warning"))
def test_warning_bags_import_or_refuse_cleanly(settings, name):
    try:
        import_bag(settings, SUITE / name)
    except BagRefused as exc:
        assert str(exc)
    _root_ok(settings)


def test_refusal_reasons(settings):
    cases = {
        "v0.97/invalid/corrupt-data-file": "Payload-Oxum",
        "v0.97/invalid/bom-in-bagit.txt": "byte-order mark",
        "v0.97/invalid/out-of-scope-file-paths-using-dot-notation": "unsafe",
        "v0.97/linux-only/out-of-scope-file-paths-using-absolute-path": "unsafe",
        "v1.0/invalid/bagit-with-invalid-whitespace": "bagit.txt",
        "v1.0/invalid/notAllManifestsListAllFiles": "not in the manifest",
    }
    for name, reason in cases.items():
        with pytest.raises(BagRefused, match=reason):
            import_bag(settings, SUITE / name)


def test_symlink_and_odd_names_in_bags(settings, tmp_path):
    bag_dir = tmp_path / "linked"
    shutil.copytree(SUITE / "v1.0/valid/basicBag", bag_dir)
    os.symlink("/etc/passwd", bag_dir / "data" / "passwd")
    with pytest.raises(BagRefused, match="symbolic link"):
        import_bag(settings, bag_dir)
    odd = tmp_path / "odd"
    (odd / "ctl").mkdir(parents=True)
    (odd / "ctl" / "a\x01b.txt").write_bytes(b"x")
    bagit.make_bag(str(odd), checksums=["sha512"])
    with pytest.raises(BagRefused, match="control"):
        import_bag(settings, odd)
    _root_ok(settings)


def test_export_import_round_trip(settings, tmp_path):
    files = {}
    for i, name in enumerate(["en/S_RES_2334.pdf", "ar/قرار.txt", "zero.txt"]):
        src = tmp_path / f"src{i}"
        src.write_bytes(b"" if name == "zero.txt" else f"content {i}".encode())
        files[name] = src
    store_files(settings, "docA", files)
    store_files(settings, "docB", {"fr/x.txt": files["en/S_RES_2334.pdf"]})
    bag = export_bag(settings, ["docA", "docB"], tmp_path / "out")
    loaded = bagit.Bag(str(bag))
    assert loaded.is_valid() and "sha512" in loaded.algorithms
    assert (bag / "data" / "docA" / "ar" / "قرار.txt").read_bytes() == b"content 1"
    assert (bag / "hemicycle" / "docA" / "premis.xml").is_file()
    with pytest.raises(BagRefused, match="already exists"):
        export_bag(settings, ["docA"], bag)
    with pytest.raises(BagRefused, match="no stored object"):
        export_bag(settings, ["nothing"], tmp_path / "none")
    assert not (tmp_path / "none").exists()

    from hemicycle.config import load_settings

    other = load_settings(tmp_path / "elsewhere")
    result = import_bag(other, bag)
    assert set(result.objects) == {"docA", "docB"}
    root = OcflRoot(other.storage_root)
    assert root.inventory("docA").state() == OcflRoot(settings.storage_root).inventory(
        "docA").state()
    _root_ok(other)


def test_bag_cli(settings, tmp_path):
    src = tmp_path / "f.txt"
    src.write_text("x")
    store_files(settings, "docC", {"en/f.txt": src})
    runner = CliRunner()
    out = runner.invoke(app, ["bag", "export", str(tmp_path / "b"), "--document", "docC"])
    assert out.exit_code == 0, out.output
    refused = runner.invoke(app, ["bag", "import",
                                  str(SUITE / "v0.97/invalid/corrupt-data-file")])
    assert refused.exit_code == 1 and "refused" in refused.stderr
    ok = runner.invoke(app, ["bag", "import", str(SUITE / "v1.0/valid/basicBag"),
                             "--object", "basic"])
    assert ok.exit_code == 0 and "basic:" in ok.stdout


def test_documents_round_trip_through_a_bag(settings, tmp_path):
    from sqlalchemy import select

    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.models import Document
    from hemicycle.config import load_settings
    from hemicycle.documents import DocumentInput, FileInput, VersionInput, save_document

    pdf = tmp_path / "res.pdf"
    pdf.write_bytes(b"%PDF-1.4 resolution 2334")
    uid = save_document(settings, DocumentInput(
        symbols=["S/RES/2334 (2016)"], versions={"en": VersionInput(title="Resolution 2334")},
        files=[FileInput("en", "pdf", pdf)])).uid
    out = CliRunner().invoke(app, ["bag", "export", str(tmp_path / "bag"), "--body", "SC",
                                   "--year", "2016"])
    assert out.exit_code == 0 and "bag of 1 objects" in out.stdout, out.output
    bag = tmp_path / "bag"
    assert (bag / "hemicycle" / uid / "document.json").is_file()
    empty = CliRunner().invoke(app, ["bag", "export", str(tmp_path / "none"), "--year", "1900"])
    assert empty.exit_code == 1 and "nothing to export" in empty.stderr

    other = load_settings(tmp_path / "other")
    result = import_bag(other, bag)
    new_uid = result.documents[uid]
    with session_scope(other.database_url) as db:
        doc = db.scalar(select(Document).where(Document.uid == new_uid))
        assert doc.symbol == "S/RES/2334 (2016)" and doc.version("en").title == "Resolution 2334"
        [f] = doc.files
        location = f.location
    from hemicycle.storage import open_location

    assert open_location(other, location).read_bytes() == b"%PDF-1.4 resolution 2334"

    # a record whose file path tries to leave the bag is refused, and so is the bag
    record = bag / "hemicycle" / uid / "document.json"
    record.write_text(record.read_text().replace('"path": "en/', '"path": "../../en/'))
    with pytest.raises(BagRefused):
        import_bag(load_settings(tmp_path / "third"), bag)  # tag manifest no longer matches
    bagit.Bag(str(bag)).save()  # re-sign the tampered record: now our own check refuses it
    with pytest.raises(BagRefused, match="refused"):
        import_bag(load_settings(tmp_path / "fourth"), bag)
