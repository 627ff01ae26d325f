"""Where page tasks run: a local process pool, or a Dask distributed cluster.

Both take the same picklable ``PageTask`` values and the same ``run_page``
function and yield results as pages finish, in whatever order; the batch runner
does not know which one it is talking to.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from hemicycle.digitise.pages import PageTask, run_page


def _lost(task: PageTask, exc: BaseException) -> dict:
    return {"ok": False, "error": "ocr-failed",
            "message": f"{task.source} page {task.index + 1}: worker lost: "
                       f"{type(exc).__name__}: {exc}"}


class LocalPool:
    """``workers`` processes on this machine (one page each, one Tesseract thread each).

    Pages never run in the calling process, one worker or many: the OCR library runs
    inside the worker, so a page that crashes it takes down only that worker. The
    pool is then started afresh; the pages that were in flight are tried once more,
    and a page that brings a worker down twice is failed with that reason.
    """

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)

    def describe(self) -> str:
        return f"{self.workers} local worker{'s' if self.workers > 1 else ''}"

    def _pool(self) -> ProcessPoolExecutor:
        # not a plain fork (the parent holds database connections and a progress thread):
        # a fork server that has imported the page code once, so workers start warm
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["hemicycle.digitise.pages", "img2pdf", "pikepdf",
                                        "numpy", "PIL.Image"])
        return ProcessPoolExecutor(self.workers, mp_context=context)

    def run(self, tasks: Iterable[PageTask]) -> Iterator[tuple[PageTask, dict]]:
        queue = iter(tasks)
        suspects: list[PageTask] = []  # in flight when a worker died: rerun one by one
        lost_once: set[PageTask] = set()
        pool = self._pool()
        running: dict[Future, PageTask] = {}

        def top_up() -> None:
            if suspects:  # alone, so that a second crash names its page
                if not running:
                    task = suspects.pop(0)
                    running[pool.submit(run_page, task)] = task
                return
            # a short queue: an interrupted batch leaves few pages started for nothing
            while len(running) < self.workers * 2:
                task = next(queue, None)
                if task is None:
                    return
                running[pool.submit(run_page, task)] = task

        try:
            top_up()
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                broken: BrokenProcessPool | None = None
                for future in done:
                    task = running.pop(future)
                    try:
                        yield task, future.result()
                    except BrokenProcessPool as exc:
                        broken = exc
                        running[future] = task  # settled with the others below
                    except Exception as exc:
                        yield task, _lost(task, exc)
                if broken is not None:  # a worker died under one of the pages in flight
                    for task in running.values():
                        if task in lost_once:
                            yield task, _lost(task, broken)
                        else:
                            lost_once.add(task)
                            suspects.append(task)
                    running.clear()
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = self._pool()
                top_up()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


class DaskCluster:
    """The same tasks on a Dask distributed scheduler at ``address``."""

    def __init__(self, address: str, timeout: str = "20s") -> None:
        self.address = address
        self.timeout = timeout

    def describe(self) -> str:
        return f"Dask cluster at {self.address}"

    def run(self, tasks: Iterable[PageTask]) -> Iterator[tuple[PageTask, dict]]:
        from distributed import Client, as_completed

        with Client(self.address, timeout=self.timeout) as client:
            # a bounded window of submitted pages: the scheduler always has work queued,
            # and a batch of millions of pages is never held in memory at once
            window = max(64, 4 * len(client.scheduler_info().get("workers", {})))
            queue = iter(tasks)
            running = as_completed()
            futures = {}

            def submit_next() -> bool:
                task = next(queue, None)
                if task is None:
                    return False
                future = client.submit(run_page, task, pure=False)
                futures[future] = task
                running.add(future)
                return True

            for _ in range(window):
                if not submit_next():
                    break
            for future in running:
                task = futures.pop(future)
                try:
                    yield task, future.result()
                except Exception as exc:  # KilledWorker and friends
                    yield task, _lost(task, exc)
                submit_next()
