"""Reading a bulk load's input in a second process while this one writes.

A bulk load spends about half its time reading and preparing records (parsing MARC,
mapping fields, describing) and half writing them; on a machine with two cores the two
halves can run side by side. ``read_ahead(make, *args)`` runs the iterator
``make(*args)`` in a child process and yields its items here, in order, a few hundred
records ahead of the writer. The items must pickle.

Ctrl-C is the writer's to take (``documents.interrupts``): the reader ignores it and is
stopped when the writer leaves the loop. If the writer dies (even by SIGKILL) the reader
notices within a second and exits, also once it has read everything and only waits for
the writer to take it; if the reader dies, the writer gets a ReadAheadError
instead of hanging. An exception raised by ``make`` is raised here, as it was.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

CHUNK = 200  # items per message
DEPTH = 16  # messages buffered between the two processes
_WAIT = 1.0  # seconds between checks that the other side is still there


class ReadAheadError(RuntimeError):
    """The reading process stopped without saying why (killed, out of memory)."""


def read_ahead(make: Callable[..., Iterator[Any]], *args: Any) -> Iterator[Any]:
    """The items of ``make(*args)``, produced in a child process."""
    context = multiprocessing.get_context("fork")
    channel = context.Queue(DEPTH)
    reader = context.Process(target=_produce, args=(channel, make, args), daemon=True,
                             name="hemicycle-read-ahead")
    reader.start()
    try:
        while True:
            try:
                message = channel.get(timeout=_WAIT)
            except queue.Empty:
                if not reader.is_alive():
                    raise ReadAheadError(
                        f"the reading process stopped (exit code {reader.exitcode})") from None
                continue
            kind, payload = pickle.loads(message)
            if kind == "items":
                yield from payload
            elif kind == "error":
                raise _rebuilt(*payload)
            else:
                return
    finally:
        if reader.is_alive():
            reader.terminate()
        reader.join()
        channel.close()
        channel.join_thread()


def _produce(channel, make: Callable[..., Iterator[Any]], args: tuple) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the writer decides when to stop
    parent = os.getppid()
    chunk: list = []
    try:
        for item in make(*args):
            chunk.append(item)
            if len(chunk) >= CHUNK:
                _send(channel, ("items", chunk), parent)
                chunk = []
        _send(channel, ("items", chunk), parent)
        _send(channel, ("end", None), parent)
    except Exception as exc:  # noqa: BLE001 - handed to the writer, raised there
        _send(channel, ("error", _described(exc)), parent)
    _wait_until_taken(channel, parent)


def _wait_until_taken(channel, parent: int) -> None:
    """Return once the writer has taken every message. A process that ends flushes its
    queue's buffer into the pipe first; with the writer killed meanwhile nobody reads
    the pipe, and the reader would wait there for ever (the queue counts the messages
    put and not yet taken: ``qsize``)."""
    while channel.qsize():
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.05)


def _send(channel, message: tuple, parent: int) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    while True:
        try:
            channel.put(data, timeout=_WAIT)
            return
        except queue.Full:
            if os.getppid() != parent:  # the writer is gone: nobody will read this
                os._exit(0)


def _described(exc: Exception) -> tuple[str, str, tuple]:
    """The exception as its class's name and its arguments, not as a pickled object: a
    pickled exception may carry what cannot travel (a chained lxml error, a traceback
    that a library taught pickle to keep) or name a class the writer holds apart."""
    args = exc.args
    try:
        pickle.dumps(args)
    except Exception:  # noqa: BLE001 - arguments that cannot travel are told as text
        args = (str(exc),)
    return type(exc).__module__, type(exc).__qualname__, args


def _rebuilt(module: str, name: str, args: tuple) -> Exception:
    """The reader's exception, of its own class where this process can make one."""
    import importlib

    try:
        cls = importlib.import_module(module)
        for part in name.split("."):
            cls = getattr(cls, part)
        if isinstance(cls, type) and issubclass(cls, Exception):
            return cls(*args)
    except Exception:  # noqa: BLE001 - a class that cannot be made here is told as text
        pass
    return ReadAheadError(f"{name}: {', '.join(map(str, args))}")
