"""A background loop that keeps this node's index following the change log.

Each web process runs one, so that changes made by other processes and other nodes
become searchable within about ``INTERVAL_S``; the request that made a change catches
up itself, so its writer sees it at once. Processes sharing an index directory take
turns through the index's write lock.
"""

from __future__ import annotations

import logging
import threading

from hemicycle.config import Settings
from hemicycle.search.index import catch_up

INTERVAL_S = 0.2
log = logging.getLogger(__name__)


class Follower:
    """``start()`` it with the process, ``stop()`` it at shutdown."""

    def __init__(self, settings: Settings, interval: float = INTERVAL_S):
        self.settings = settings
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-follower", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        failing = False
        while not self._stop.is_set():
            try:
                catch_up(self.settings)
                failing = False
            except Exception:  # the catalogue away for a moment: say so once, try again
                if not failing:
                    log.exception("the search index could not catch up; retrying")
                failing = True
            self._stop.wait(self.interval)
