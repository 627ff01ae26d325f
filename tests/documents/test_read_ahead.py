"""Reading ahead in a second process: every item, in order, however far the reader runs
ahead of the writer; the reader's exception raised in the writer as it was; a reader that
dies is an error, not a hang; a writer killed outright takes its reader with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hemicycle.documents.read_ahead import CHUNK, DEPTH, ReadAheadError, read_ahead
from hemicycle.marc21.files import MarcFileError, read_marc


def numbers(count: int):
    for n in range(count):
        yield {"number": n, "text": f"record {n}"}


def test_every_item_comes_in_order_past_the_buffer():
    count = CHUNK * DEPTH * 3 + 7  # more than the channel holds: the reader must wait
    got = [item["number"] for item in read_ahead(numbers, count)]
    assert got == list(range(count))


def test_the_readers_exception_is_raised_here(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<collection><record><leader>", encoding="utf-8")
    with pytest.raises(MarcFileError, match="not well-formed XML"):
        list(read_ahead(read_marc, broken))


def dies_after(count: int):
    yield from numbers(count)
    os._exit(3)


def test_a_reader_that_dies_is_an_error_not_a_hang():
    got = []
    with pytest.raises(ReadAheadError, match="exit code 3"):
        for item in read_ahead(dies_after, 5):
            got.append(item)
    assert got == []  # the last chunk never left: what the reader held died with it


def endless():
    n = 0
    while True:
        yield n
        n += 1


def test_a_stopped_writer_stops_its_reader():
    items = read_ahead(endless)
    assert [next(items) for _ in range(3)] == [0, 1, 2]
    import multiprocessing

    [reader] = multiprocessing.active_children()
    items.close()
    assert not reader.is_alive()


WRITER = """
import multiprocessing, sys, time
from hemicycle.documents.read_ahead import CHUNK, read_ahead
def endless():
    n = 0
    while True:
        yield n
        n += 1
def finite():  # all read at once; its messages are bigger than a pipe holds
    for n in range(3 * CHUNK):
        yield f"{n} " + "x" * 2000
items = read_ahead(endless if sys.argv[1] == "endless" else finite)
next(items)
print(multiprocessing.active_children()[0].pid, flush=True)
time.sleep(600)
"""


@pytest.mark.parametrize("reading", ["endless", "finite"])
def test_a_writer_killed_outright_takes_its_reader_with_it(reading):
    """Killed while the reader still reads, or once it has read everything and waits for
    the writer to take its last messages (before, it stayed blocked on the pipe)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, reading],
                              stdout=subprocess.PIPE, text=True, env=env)
    reader = int(writer.stdout.readline())
    writer.send_signal(signal.SIGKILL)  # the writer alone, not its process group
    writer.wait()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _running(reader):
        time.sleep(0.1)
    assert not _running(reader), "the reader outlived its writer"


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
