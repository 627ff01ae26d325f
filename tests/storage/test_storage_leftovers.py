"""Crash leftovers: objects no record refers to and staging directories, reported by
validate and audit, listed and removed by ``storage gc``; an ingest killed again and
again ends, after a rerun (which clears them first), exactly as an uninterrupted one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, File, new_uid
from hemicycle.cli import app
from hemicycle.documents import DocumentInput, FileInput, VersionInput, save_document
from hemicycle.storage import root_for, store_batch, store_files
from hemicycle.storage.leftovers import record_message, writing
from hemicycle.storage.models import StorageEvent
from hemicycle.storage.objects import StoreItem
from hemicycle.storage.validation import validate_path

HEMICYCLE = str(Path(sys.executable).with_name("hemicycle"))
N = 600  # documents: three batches of the ingest


def _env(settings) -> dict[str, str]:
    return {"HEMICYCLE_DATA": str(settings.data_dir),
            "HEMICYCLE_DATABASE_URL": settings.database_url}


def _events(settings, object_id: str) -> int:
    with session_scope(settings.database_url) as db:
        return db.scalar(select(func.count(StorageEvent.id))
                         .where(StorageEvent.object_id == object_id))


def test_leftovers_are_reported_listed_and_removed(catalogue_settings, tmp_path):
    s = catalogue_settings
    text = tmp_path / "a.txt"
    text.write_text("a stored text", encoding="utf-8")
    kept = save_document(s, DocumentInput(symbols=["A/74/1"], files=[
        FileInput("en", "txt", text)], versions={"en": VersionInput(title="Kept")})).uid
    store_files(s, "from-a-bag", {"x.txt": text}, message="imported from the bag b")
    # what a process killed between storing a batch and writing its records leaves
    orphan = new_uid()
    store_batch(s, [StoreItem(orphan, {"en/a.txt": text}, message=record_message("A/74/2"))])
    stage = root_for(s).workspace / "stage" / ("0" * 40)
    (stage / "obj").mkdir(parents=True)
    (stage / "obj" / "half.txt").write_text("half written")
    assert _events(s, orphan) > 0
    assert validate_path(s.storage_root).valid  # no OCFL error: validation alone is blind

    runner = CliRunner()
    env = _env(s)
    validated = runner.invoke(app, ["storage", "validate"], env=env)
    assert validated.exit_code == 1
    assert f"orphan object {orphan}" in validated.stderr and "'A/74/2'" in validated.stderr
    assert f"stage {'0' * 40}" in validated.stderr
    audited = runner.invoke(app, ["audit"], env=env)
    assert audited.exit_code == 1 and f"orphan object {orphan}" in audited.stderr

    dry = runner.invoke(app, ["storage", "gc"], env=env)
    assert dry.exit_code == 0, dry.output
    assert f"would remove orphan object {orphan}" in dry.stdout
    assert "dry run" in dry.stdout and "from-a-bag" not in dry.stdout and kept not in dry.stdout
    assert root_for(s).inventory(orphan) is not None and stage.is_dir()

    with writing(s):  # a write in flight: nothing can be told apart, nothing is touched
        busy = runner.invoke(app, ["storage", "gc", "--apply"], env=env)
    assert busy.exit_code == 1 and "in progress" in busy.stderr
    assert root_for(s).inventory(orphan) is not None

    applied = runner.invoke(app, ["storage", "gc", "--apply"], env=env)
    assert applied.exit_code == 0, applied.output
    assert "2 leftovers removed" in applied.stdout
    root = root_for(s)
    assert root.inventory(orphan) is None and not stage.exists()
    assert _events(s, orphan) == 0
    assert root.inventory(kept) is not None and root.inventory("from-a-bag") is not None
    assert _events(s, kept) > 0
    clean = runner.invoke(app, ["storage", "validate"], env=env)
    assert clean.exit_code == 0, clean.output
    assert "nothing left" in runner.invoke(app, ["storage", "gc"], env=env).stdout


def _object_ids(settings) -> list[str]:
    root = root_for(settings)
    return sorted(root.object_ids()) if root.exists() else []


def test_an_ingest_killed_again_and_again_ends_as_one_that_never_was(catalogue_settings,
                                                                      tmp_path):
    s = catalogue_settings
    folder = tmp_path / "in"
    folder.mkdir()
    rows = []
    for n in range(1, N + 1):
        for lang in ("en", "fr"):
            name = f"d{n}-{lang}.txt"
            (folder / name).write_text(f"document {n} in {lang} " * 40, encoding="utf-8")
            rows.append({"symbol": f"A/74/{n}", "language": lang, "file": name})
    (folder / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    env = {**os.environ, **_env(s)}

    def documents() -> int:
        try:
            with session_scope(s.database_url) as db:
                return db.scalar(select(func.count(Document.id))) or 0
        except Exception:  # the catalogue being created by the killed process
            return 0

    # killed at points read from its progress, not from the clock (a fast machine ends
    # a 600-document ingest in a few seconds): before any batch is written, right after
    # the first batch, right after the next one (the one after is being stored)
    def killed_when(ready) -> None:
        proc = subprocess.Popen([HEMICYCLE, "ingest", str(folder)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None and not ready():
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    started = time.monotonic()
    killed_when(lambda: time.monotonic() - started > 0.8)
    before = documents()
    killed_when(lambda: documents() > before)
    before = documents()
    killed_when(lambda: documents() > before)
    assert documents() < N, "the ingest finished before it could be killed"

    # the rerun clears what the killed runs left before it stores anything
    rerun = subprocess.run([HEMICYCLE, "ingest", str(folder)], env=env, capture_output=True,
                           text=True)
    assert rerun.returncode == 0, rerun.stderr
    validated = subprocess.run([HEMICYCLE, "storage", "validate"], env=env,
                               capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    with session_scope(s.database_url) as db:
        uids = sorted(db.scalars(select(Document.uid)))
        files = db.scalar(select(func.count(File.id)))
    assert len(uids) == N and files == 2 * N  # as an uninterrupted run: nothing twice
    assert _object_ids(s) == uids  # one object per document, none without one
    assert not any((root_for(s).workspace / "stage").glob("*"))
