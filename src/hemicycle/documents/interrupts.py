"""Stopping a bulk load where it is safe: Ctrl-C asks, the load stops after the record in
hand.

Python raises KeyboardInterrupt wherever the main thread happens to be, even inside a
finaliser, where it is printed and dropped, or inside a library that turns it into its
own error. A bulk load therefore takes SIGINT itself while it runs: the first one sets a
flag the load checks between records (it then stops as if interrupted, keeping every
batch it committed); a second one interrupts at once, as usual.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def stop_requests() -> Iterator[Callable[[], bool]]:
    """A function telling whether Ctrl-C was pressed since the block began. Outside the
    main thread (where signals cannot be taken) it always says no."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    asked = threading.Event()

    def on_sigint(signum, frame) -> None:
        if asked.is_set():
            raise KeyboardInterrupt
        asked.set()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield asked.is_set
    finally:
        signal.signal(signal.SIGINT, previous)
