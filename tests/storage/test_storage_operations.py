"""Events on both catalogues, concurrent writers, purge with a reason, lost events restored."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import delete
from typer.testing import CliRunner

from hemicycle.catalogue.db import session_scope
from hemicycle.cli import app
from hemicycle.storage import StorageError, open_location, store_files
from hemicycle.storage.models import StorageEvent
from hemicycle.storage.objects import OcflRoot
from hemicycle.storage.operations import run_replicate
from hemicycle.storage.premis import events_for, record_event
from hemicycle.storage.validation import validate_path


def _src(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_events_on_sqlite_and_postgresql(catalogue_settings, tmp_path):
    s = catalogue_settings
    store_files(s, "docpg", {"en/a.txt": _src(tmp_path, "a", b"alpha")}, agent="cataloguer1")
    record_event(s, "docpg", "migration", "PDF to PDF/A-2b", agent="hemicycle.digitise",
                 files=[{"path": "en/a.txt"}])
    events = events_for(s, "docpg")
    assert [e.event_type for e in events] == ["ingestion", "format identification", "migration"]
    assert events[0].agent == "cataloguer1" and events[0].version == "v1"
    assert events[0].files[0]["sha512"] and events[0].files[0]["size"] == 5
    import pytest

    with pytest.raises(ValueError, match="unknown PREMIS event type"):
        record_event(s, "docpg", "teleportation")


def test_concurrent_writers_to_one_object(settings, tmp_path):
    sources = [_src(tmp_path, f"s{i}", f"version {i}".encode()) for i in range(6)]
    errors = []

    def write(i: int) -> None:
        try:
            store_files(settings, "busy", {f"f{i}.txt": sources[i], "shared.txt": sources[0]})
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    inv = OcflRoot(settings.storage_root).inventory("busy")
    assert set(inv.state()) == {f"f{i}.txt" for i in range(6)} | {"shared.txt"}
    assert inv.head == "v6"  # each writer's change is one version, none lost
    report = validate_path(settings.storage_root)
    assert report.valid and report.codes == set()


def test_purge_needs_reason_and_removes_everywhere(settings, tmp_path):
    locs = store_files(settings, "secret", {"en/a.txt": _src(tmp_path, "a", b"classified")})
    store_files(settings, "keep", {"en/a.txt": _src(tmp_path, "b", b"public")})
    run_replicate(settings)
    runner = CliRunner()
    no_reason = runner.invoke(app, ["storage", "purge", "secret", "--reason", " ", "--yes"])
    assert no_reason.exit_code == 1 and "reason" in no_reason.stderr
    assert open_location(settings, locs["en/a.txt"]).read_bytes() == b"classified"
    ok = runner.invoke(app, ["storage", "purge", "secret", "--reason",
                             "court order 2026/17", "--agent", "admin1", "--yes"])
    assert ok.exit_code == 0, ok.output
    for root in (settings.storage_root, settings.replica_root):
        assert OcflRoot(root).inventory("secret") is None
        report = validate_path(root)
        assert report.valid and report.codes == set()
    try:
        open_location(settings, locs["en/a.txt"])
        raise AssertionError("purged bytes are still readable")
    except StorageError as exc:
        assert "secret" in str(exc)
    deletion = [e for e in events_for(settings, "secret") if e.event_type == "deletion"][-1]
    assert deletion.agent == "admin1" and "court order 2026/17" in deletion.outcome_detail
    again = runner.invoke(app, ["storage", "purge", "secret", "--reason", "x", "--yes"])
    assert again.exit_code == 1 and "no stored object" in again.stderr
    assert OcflRoot(settings.storage_root).inventory("keep").head == "v1"


def test_lost_ingestion_event_is_recorded_on_rerun(settings, tmp_path):
    src = {"en/a.txt": _src(tmp_path, "a", b"alpha")}
    store_files(settings, "crashy", src)
    # what a crash between the bytes and the catalogue leaves: bytes, no events
    with session_scope(settings.database_url) as db:
        db.execute(delete(StorageEvent).where(StorageEvent.object_id == "crashy"))
    store_files(settings, "crashy", src)
    events = events_for(settings, "crashy")
    assert [e.event_type for e in events] == ["ingestion", "format identification"]
    assert OcflRoot(settings.storage_root).inventory("crashy").head == "v1"
    store_files(settings, "crashy", src)  # and only once
    assert len(events_for(settings, "crashy")) == 2


def test_purge_leaves_no_empty_directories(settings, tmp_path):
    from hemicycle.storage import layout

    # two objects whose paths share their first tuple directory
    first = layout.object_path("urn:hemicycle:p0").split("/")[0]
    twin = next(f"p{i}" for i in range(1, 100000)
                if layout.object_path(f"urn:hemicycle:p{i}").split("/")[0] == first)
    src = _src(tmp_path, "a", b"x")
    store_files(settings, "p0", {"a": src})
    store_files(settings, twin, {"a": src})
    root = OcflRoot(settings.storage_root)
    root.purge("p0")
    assert root.inventory(twin) is not None and (settings.storage_root / first).is_dir()
    assert validate_path(settings.storage_root).valid
    root.purge(twin)
    assert not (settings.storage_root / first).exists()
    report = validate_path(settings.storage_root)
    assert report.valid and report.objects == 0


def test_events_wait_in_a_journal_while_the_catalogue_is_down(settings, tmp_path):
    from dataclasses import replace

    down = replace(settings, database_url="postgresql://nobody:x@127.0.0.1:1/none")
    src = {"en/a.txt": _src(tmp_path, "a", b"alpha")}
    store_files(down, "offline", src)  # bytes kept
    store_files(down, "offline", src)  # a no-op store does not need the catalogue either
    journal = settings.data_dir / "premis-pending.jsonl"
    assert journal.is_file() and len(journal.read_text().splitlines()) == 2
    record_event(settings, "offline", "fixity check", "first event once it is back")
    assert not journal.exists()
    assert [e.event_type for e in events_for(settings, "offline")] == [
        "ingestion", "format identification", "fixity check"]


def test_a_batch_records_the_same_events_as_one_store_at_a_time(catalogue_settings, tmp_path):
    """store_batch identifies each file as it copies it (no second read): the events it
    records say what store_files, which reads the stored files again, says; one INSERT."""
    from hemicycle.storage import store_batch
    from hemicycle.storage.objects import StoreItem

    s = catalogue_settings
    files = {"en/a.pdf": _src(tmp_path, "a.pdf", b"%PDF-1.7\n" + b"x" * 5000),
             "fr/b.txt": _src(tmp_path, "b.txt", "déjà vu".encode()),
             "es/c.bin": _src(tmp_path, "c.bin", b"\x00\xff" * 3000)}
    store_files(s, "one", files)
    [locations] = store_batch(s, [StoreItem("batched", files)])
    assert set(locations) == set(files)
    one, batched = events_for(s, "one"), events_for(s, "batched")
    assert [e.event_type for e in batched] == ["ingestion", "format identification"]
    for e1, e2 in zip(one, batched, strict=True):
        assert (e1.event_type, e1.detail, e1.files) == (e2.event_type, e2.detail, e2.files)
    sizes = {f["path"]: (f["size"], f["media_type"]) for f in batched[0].files}
    assert sizes == {"en/a.pdf": (5009, "application/pdf"), "fr/b.txt": (9, "text/plain"),
                     "es/c.bin": (6000, "application/octet-stream")}
