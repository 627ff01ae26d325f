"""The local pool: a worker killed under a page (the OCR library crashing, the kernel's
OOM killer) costs that page at most, never the batch."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from digitise_helpers import page_image, save_png, unpc
from lxml import etree

from hemicycle.digitise.executors import LocalPool
from hemicycle.digitise.pages import PageTask, process_page


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _workers() -> list[int]:
    """The pool's worker processes: children of this process's fork server."""
    workers = []
    for child in _children(os.getpid()):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"forkserver" in cmdline:
            workers += _children(child)
    return workers


def _kill_workers(times: int, stop: threading.Event) -> list[int]:
    """SIGKILL the next ``times`` workers that start, each as soon as it appears."""
    killed: list[int] = []

    def watch() -> None:
        while len(killed) < times and not stop.is_set():
            for pid in _workers():
                if pid not in killed:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        continue
                    killed.append(pid)
                    break
            time.sleep(0.01)

    threading.Thread(target=watch, daemon=True).start()
    return killed


def _tasks(tmp_path: Path, count: int) -> list[PageTask]:
    tasks = []
    for i in range(count):
        image, _ = page_image(unpc("en", i * 2, 2), seed=i)
        path = save_png(image, tmp_path / f"p{i}.png")
        tasks.append(PageTask(source=str(path), format="png", index=0,
                              out_dir=str(tmp_path / f"out{i}"), languages=("en",)))
    return tasks


def test_a_page_whose_worker_is_killed_once_is_run_again(tmp_path):
    tasks = _tasks(tmp_path, 3)
    stop = threading.Event()
    killed = _kill_workers(1, stop)
    results = dict(LocalPool(1).run(tasks))
    stop.set()
    assert len(killed) == 1
    assert set(results) == set(tasks)
    assert all(r["ok"] for r in results.values()), results


def test_a_page_that_brings_its_worker_down_twice_fails_alone_with_the_reason(tmp_path):
    tasks = _tasks(tmp_path, 3)
    stop = threading.Event()
    killed = _kill_workers(2, stop)
    results = list(LocalPool(1).run(tasks))
    stop.set()
    assert len(killed) == 2
    assert sorted(t.out_dir for t, _ in results) == sorted(t.out_dir for t in tasks)
    failed = [(t, r) for t, r in results if not r["ok"]]
    assert len(failed) == 1, results
    task, result = failed[0]
    assert result["error"] == "ocr-failed"
    assert "worker lost" in result["message"] and task.source in result["message"]
    assert not (Path(task.out_dir) / "page-0001.json").exists()


def test_hocr_is_a_whole_xhtml_document_naming_the_engine(tmp_path):
    [task] = _tasks(tmp_path, 1)
    process_page(task)
    root = etree.parse(str(Path(task.out_dir) / "page-0001.hocr")).getroot()
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    system = root.xpath("//h:meta[@name='ocr-system']/@content", namespaces=ns)
    assert system and system[0].startswith("tesseract 5")
    assert root.xpath("//h:div[@class='ocr_page']", namespaces=ns)
    assert len(root.xpath("//h:span[@class='ocrx_word']", namespaces=ns)) > 5


def test_pages_read_in_threads_of_one_process_each_get_their_own_engine(tmp_path):
    # a Dask worker with several threads runs page tasks side by side in one process
    from concurrent.futures import ThreadPoolExecutor

    from hemicycle.digitise.engines import get_engine
    from hemicycle.digitise.pages import run_page

    tasks = _tasks(tmp_path, 4)
    both = threading.Barrier(2)

    def engine_of_this_thread(_) -> int:
        both.wait(timeout=30)  # the two threads at once: two threads, two engines
        return id(get_engine())

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(run_page, tasks))
        engines = set(pool.map(engine_of_this_thread, range(2)))
    assert all(r["ok"] and r["words"] > 5 for r in results), results
    assert len(engines) == 2 and get_engine() is get_engine()
