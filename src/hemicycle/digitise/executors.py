"""Where page tasks run: a local process pool, or a Dask distributed cluster.

Both take the same picklable ``PageTask`` values and the same ``run_page``
function and yield results as pages finish, in whatever order; the batch runner
does not know which one it is talking to.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

from hemicycle.digitise.pages import PageTask, run_page


def _lost(task: PageTask, exc: BaseException) -> dict:
    return {"ok": False, "error": "ocr-failed",
            "message": f"{task.source} page {task.index + 1}: worker lost: "
                       f"{type(exc).__name__}: {exc}"}


class LocalPool:
    """``workers`` processes on this machine (one page each, one Tesseract thread each)."""

    def __init__(self, workers: int) -> None:
        self.workers = max(1, workers)

    def describe(self) -> str:
        return f"{self.workers} local worker{'s' if self.workers > 1 else ''}"

    def run(self, tasks: Iterable[PageTask]) -> Iterator[tuple[PageTask, dict]]:
        if self.workers == 1:  # no pool to start: the page runs here
            for task in tasks:
                yield task, run_page(task)
            return
        # not a plain fork (the parent holds database connections and a progress thread):
        # a fork server that has imported the page code once, so workers start warm
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["hemicycle.digitise.pages", "img2pdf", "pikepdf",
                                        "numpy", "PIL.Image"])
        with ProcessPoolExecutor(self.workers, mp_context=context) as pool:
            queue = iter(tasks)
            running: dict[Future, PageTask] = {}

            def top_up() -> None:
                # a short queue: an interrupted batch leaves few pages started for nothing
                while len(running) < self.workers * 2:
                    task = next(queue, None)
                    if task is None:
                        return
                    running[pool.submit(run_page, task)] = task

            top_up()
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    task = running.pop(future)
                    try:
                        yield task, future.result()
                    except Exception as exc:  # a crashed worker process
                        yield task, _lost(task, exc)
                top_up()


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
