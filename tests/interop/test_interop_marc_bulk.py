"""A MARC import in batches (SQLite and PostgreSQL): interrupted, it resumes after the last
batch it committed, and the catalogue ends as an uninterrupted import leaves it; killed
outright, the same; broken records are still reported one by one with their number."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pymarc import Field, Indicators, MARCWriter, Record, Subfield
from sqlalchemy import func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Change, Document
from hemicycle.documents.models import LoadCheckpoint
from hemicycle.interop.marc_import import import_marc
from hemicycle.marc21.files import count_records
from hemicycle.search.index import catch_up
from hemicycle.search.query import search

HEMICYCLE = str(Path(sys.executable).with_name("hemicycle"))


def record(n: int, broken: bool = False) -> Record:
    r = Record(force_utf8=True)
    r.add_field(Field(tag="191", indicators=Indicators(" ", " "), subfields=[
        Subfield("a", f"A/{70 + n % 5}/{n}")]))
    r.add_field(Field(tag="245", indicators=Indicators("0", "0"), subfields=[
        Subfield("a", f"Report number {n} on zanzibarite")]))
    r.add_field(Field(tag="269", indicators=Indicators(" ", " "), subfields=[
        Subfield("a", "13 May 2019" if broken else f"20{10 + n % 10}-0{1 + n % 9}-1{n % 10}")]))
    r.add_field(Field(tag="650", indicators=Indicators(" ", "7"), subfields=[
        Subfield("a", "PEACEKEEPING"), Subfield("0", "http://metadata.un.org/thesaurus/1005155"),
        Subfield("2", "unbist")]))
    return r


def marc_file(path: Path, count: int, broken: tuple[int, ...] = ()) -> Path:
    with path.open("wb") as fh:
        writer = MARCWriter(fh)
        for n in range(1, count + 1):
            writer.write(record(n, broken=n in broken))
    return path


def documents(settings) -> int:
    with session_scope(settings.database_url) as db:
        return db.scalar(select(func.count(Document.id)))


def checkpoint(settings) -> dict | None:
    with session_scope(settings.database_url) as db:
        row = db.scalar(select(LoadCheckpoint))
        return dict(row.position) if row else None


@pytest.mark.parametrize("ahead", [False, True], ids=["one-process", "read-ahead"])
def test_an_interrupted_import_resumes_after_its_last_batch(catalogue_settings, tmp_path,
                                                            ahead):
    """The same whether the records are read here or in a second process."""
    s = catalogue_settings
    path = marc_file(tmp_path / "records.mrc", 45, broken=(7, 33))
    assert count_records(path) == 45

    def interrupt_at_28(number: int) -> None:
        if number == 28:
            raise KeyboardInterrupt

    # batches of ten documents: records 1-11 (7 is broken), 12-21, then 22-28 in flight
    first = import_marc(s, path, batch=10, progress=interrupt_at_28, ahead=ahead)
    assert first.interrupted
    assert first.created == 20 and [p.number for p in first.rejected] == [7]
    # the batches that committed are there; the one in flight is not, not even in part
    assert documents(s) == 20 and checkpoint(s)["number"] == 21
    assert len(set(_changes(s))) == 20

    second = import_marc(s, path, batch=10, ahead=ahead)
    assert not second.interrupted and second.resumed_after == 21
    assert second.created == 23 and [p.number for p in second.rejected] == [33]
    assert "269 $a" in second.rejected[0].reason
    assert documents(s) == 43 and checkpoint(s) is None  # a finished import forgets it
    catch_up(s)
    assert search(s, "zanzibarite").total == 43

    third = import_marc(s, path, batch=10, ahead=ahead)  # finished: all unchanged
    assert third.resumed_after == 0 and (third.created, third.unchanged) == (0, 43)


def test_the_index_catch_up_after_a_resumed_import_reads_only_the_new_documents(
        catalogue_settings, tmp_path, monkeypatch):
    """The first run's documents are indexed when it stops; after the resumed run the
    catch-up follows the change log from the index's watermark, however many more
    documents the second run brought than the index held (here 23 on top of 20)."""
    from hemicycle.search import index, location

    s = catalogue_settings
    path = marc_file(tmp_path / "records.mrc", 45, broken=(7, 33))

    def interrupt_at_28(number: int) -> None:
        if number == 28:
            raise KeyboardInterrupt

    assert import_marc(s, path, batch=10, progress=interrupt_at_28).interrupted
    assert catch_up(s) == 20  # no index yet: built whole, the 20 committed documents
    generation = location.current_path(s)
    monkeypatch.setattr(index, "REBUILD_BEYOND", 5)  # a million-record load, scaled down
    assert import_marc(s, path, batch=10).resumed_after == 21
    assert catch_up(s) == 23  # the new ones only, into the same generation
    assert location.current_path(s) == generation
    assert search(s, "zanzibarite").total == 43


def _changes(settings) -> list[int]:
    with session_scope(settings.database_url) as db:
        return list(db.scalars(select(Change.document_id)))


def _wait_for_checkpoint(settings, proc, beyond: int = 0) -> dict:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the import ended before it could be interrupted"
        try:
            found = checkpoint(settings)
        except Exception:  # the schema may not be there yet
            found = None
        if found and found["number"] > beyond:
            return found
        time.sleep(0.02)
    raise AssertionError("no checkpoint was written")


@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL"])
def test_the_command_interrupted_or_killed_resumes(catalogue_settings, tmp_path, how):
    s = catalogue_settings
    path = marc_file(tmp_path / "many.mrc", 6000)
    env = {**os.environ, "HEMICYCLE_DATA": str(s.data_dir)}
    command = [HEMICYCLE, "import", "marc", str(path)]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    _wait_for_checkpoint(s, proc)
    os.killpg(proc.pid, getattr(signal, how))
    _out, err = proc.communicate(timeout=120)
    if how == "SIGINT":
        assert proc.returncode == 130 and "rerun the same command to resume" in err, err
    else:
        assert proc.returncode == -signal.SIGKILL
    stopped = checkpoint(s)["number"]
    assert stopped % 1000 == 0 and 0 < stopped < 6000
    assert documents(s) == stopped  # every committed batch whole, nothing of the next
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"resumed after record {stopped:,}" in rerun.stderr
    assert f"{6000 - stopped} created" in rerun.stderr
    assert documents(s) == 6000 and checkpoint(s) is None
    assert search(s, '"Report number 5999"').total == 1  # the command caught the index up
