"""A read-only SPARQL endpoint over every loaded vocabulary, without a server to run.

The catalogue's SKOS is written once per set of vocabulary versions into an on-disk
pyoxigraph store under the data dir. Queries run in child processes that open the store
read-only, so a query that runs too long is killed (time limit) and one that tries to
update cannot (and is refused before it runs). Results are capped.

The child processes are long-lived (a small pool per server process, started lazily) so
a query does not pay for starting Python and pyoxigraph. They have no network
(``offline.py``): no query can make the server fetch a URL. Federated queries (SERVICE)
are refused, unless every endpoint they call is in the administrator's allow-list; those
alone run in a second pool whose workers keep the network (``sparql_network.py``).

Each worker serves one query at a time over its pipes; one that overruns the time limit
or dies is replaced. Frames both ways: ``sparql_worker.HEADER`` (header length, body
length), a JSON header, the body.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from select import POLLERR, POLLHUP, POLLIN, poll

import pyoxigraph as ox
from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.config import Settings
from hemicycle.messages import Message, message_of
from hemicycle.thesaurus.export import ox_triples, vocab_triples
from hemicycle.thesaurus.models import Vocabulary
from hemicycle.thesaurus.sparql_network import FederationRefused, federated_endpoints
from hemicycle.thesaurus.sparql_worker import ACK, HEADER

TIME_LIMIT_S = 10.0
MAX_RESULTS = 10_000
MAX_QUERY_CHARS = 20_000
POOL_SIZE = 2  # worker processes per server process
START_LIMIT_S = 60.0  # for a fresh worker to import pyoxigraph and say it is ready
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b\s*(DATA|WHERE|"
                     r"GRAPH|SILENT|DEFAULT|NAMED|ALL|<|\{)", re.IGNORECASE)
_build_lock = threading.Lock()
log = logging.getLogger(__name__)


class SparqlError(ValueError):
    """A query refused or failed; ``status`` is the HTTP status that fits. Our own
    refusals are Messages (the page shows them translated); the store's own parse
    errors stay as it words them."""

    def __init__(self, message: str, status: int = 400) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


READ_ONLY = Message("sparql.read_only", "this endpoint is read-only: SPARQL updates are refused")


@dataclass
class SparqlResult:
    media_type: str
    body: bytes
    truncated: bool


def _signature(settings: Settings) -> tuple[str, list[Vocabulary]]:
    with session_scope(settings.database_url) as db:
        vocabs = list(db.scalars(select(Vocabulary).order_by(Vocabulary.name)))
    sig = hashlib.sha256(";".join(f"{v.name}:{v.version}" for v in vocabs).encode())
    return sig.hexdigest()[:16], vocabs


def store_path(settings: Settings) -> Path:
    """The store for the current versions, built if missing (atomically, once)."""
    sig, vocabs = _signature(settings)
    root = settings.data_dir / "thesaurus" / "sparql"
    path = root / sig
    if (path / "READY").is_file():
        return path
    with _build_lock:
        if (path / "READY").is_file():
            return path
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / f"{sig}.{os.getpid()}.building"
        shutil.rmtree(tmp, ignore_errors=True)
        store = ox.Store(str(tmp))
        with session_scope(settings.database_url) as db:
            for vocab in vocabs:
                vocab = db.get(Vocabulary, vocab.id)
                store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object)
                                  for t in ox_triples(vocab_triples(db, vocab)))
        store.flush()
        del store
        (tmp / "READY").write_text(sig)
        try:
            os.replace(tmp, path)
        except OSError:  # another process won the race
            shutil.rmtree(tmp, ignore_errors=True)
        for old in root.iterdir():
            if old.name != sig and not old.name.endswith(".building"):
                shutil.rmtree(old, ignore_errors=True)
    return path


def check_query(query: str) -> str:
    query = (query or "").strip()
    if not query:
        raise SparqlError(Message("sparql.empty", "empty query: send a SPARQL SELECT, ASK, "
                                  "CONSTRUCT or DESCRIBE"))
    if len(query) > MAX_QUERY_CHARS:
        raise SparqlError(Message("sparql.too_long", "query of {size} characters (at most "
                                  "{limit})", size=f"{len(query):,}",
                                  limit=f"{MAX_QUERY_CHARS:,}"))
    if _UPDATE.search(re.sub(r'"[^"\n]*"|\'[^\'\n]*\'|<[^>\s]*>|#[^\n]*', " ", query)):
        raise SparqlError(READ_ONLY, 403)
    return query


class _WorkerGone(Exception):
    """The worker died or closed its pipe before answering."""


class _NeverReceived(_WorkerGone):
    """... and before it acknowledged the request (it died idle or at start-up)."""


class _Worker:
    """One long-lived ``sparql_worker --serve`` process and its pipes."""

    def __init__(self, network: bool = False) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hemicycle.thesaurus.sparql_worker", "--serve",
             str(os.getpid()), *(["--network"] if network else [])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        self.network = network
        self.ready = False
        self.running = False  # a query acknowledged and not answered yet

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _read(self, size: int, deadline: float) -> bytes:
        """``size`` bytes from the worker's stdout; TimeoutError past ``deadline``."""
        fd = self.proc.stdout.fileno()
        poller = poll()
        poller.register(fd, POLLIN | POLLHUP | POLLERR)
        data = bytearray()
        while len(data) < size:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            if not poller.poll(max(1, int(left * 1000))):
                continue
            chunk = os.read(fd, min(size - len(data), 1 << 20))
            if not chunk:
                raise _WorkerGone
            data += chunk
        return bytes(data)

    def _frame(self, deadline: float) -> tuple[dict, bytes]:
        head_len, body_len = HEADER.unpack(self._read(HEADER.size, deadline))
        header = json.loads(self._read(head_len, deadline))
        return header, self._read(body_len, deadline) if body_len else b""

    def wait_ready(self) -> None:
        if not self.ready:
            try:
                header, _ = self._frame(time.monotonic() + START_LIMIT_S)
            except _WorkerGone:
                raise _NeverReceived from None
            self.ready = header.get("ready") == self.pid
            if not self.ready:
                raise _NeverReceived
            if not self.network and not header.get("offline"):
                _warn_not_offline()

    def ask(self, request: dict, time_limit: float) -> tuple[dict, bytes]:
        head = json.dumps(request).encode()
        data = memoryview(HEADER.pack(len(head), 0) + head)
        try:
            while data:
                data = data[os.write(self.proc.stdin.fileno(), data):]
        except (BrokenPipeError, ValueError):
            raise _NeverReceived from None
        deadline = time.monotonic() + time_limit
        try:
            if self._read(len(ACK), deadline) != ACK:
                raise _WorkerGone
        except _WorkerGone:
            raise _NeverReceived from None
        self.running = True
        answer = self._frame(deadline)
        self.running = False
        return answer

    def stop(self, kill: bool = False) -> None:
        """End the process: EOF on stdin (it exits), or SIGKILL; always reaped."""
        try:
            if kill:
                self.proc.kill()
            else:
                self.proc.stdin.close()
            self.proc.wait(timeout=None if kill else 5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass


_warned: list[bool] = []


def _warn_not_offline() -> None:
    if not _warned:
        _warned.append(True)
        log.warning("SPARQL workers run with network access: this kernel or CPU does not "
                    "let them drop it (seccomp); SERVICE queries are still refused")


class _Pool:
    """Up to ``size`` workers; idle ones are reused last-in first-out (warmest first)."""

    def __init__(self, size: int, network: bool = False) -> None:
        self.size = size
        self.network = network
        self.idle: list[_Worker] = []
        self.busy: set[_Worker] = set()
        self.count = 0  # idle + busy (and starting)
        self.cond = threading.Condition()
        self.sent = 0

    def acquire(self, wait_s: float) -> _Worker:
        deadline = time.monotonic() + wait_s
        with self.cond:
            while not self.idle and self.count >= self.size:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SparqlError(Message(
                        "sparql.busy", "all {size} SPARQL workers stayed busy for {seconds} s: "
                        "try again later", size=self.size, seconds=f"{wait_s:g}"), 503)
                self.cond.wait(left)
            worker = self.idle.pop() if self.idle else None
            if worker is None:
                self.count += 1
        if worker is None or not worker.alive():
            if worker is not None:
                worker.stop(kill=True)  # died while idle: a fresh one takes its place
            try:
                worker = _Worker(self.network)
            except OSError as exc:
                with self.cond:
                    self.count -= 1
                    self.cond.notify()
                raise SparqlError(Message("sparql.no_worker",
                                          "could not start a SPARQL worker: {reason}",
                                          reason=str(exc)), 503) from None
        with self.cond:
            self.busy.add(worker)
        return worker

    def release(self, worker: _Worker) -> None:
        with self.cond:
            self.busy.discard(worker)
            self.idle.append(worker)
            self.cond.notify()

    def discard(self, worker: _Worker, kill: bool) -> None:
        """Stop a worker that overran or died; its place is free for a fresh one."""
        worker.stop(kill=kill)
        with self.cond:
            self.busy.discard(worker)
            self.count -= 1
            self.cond.notify()

    def close(self) -> None:
        with self.cond:
            idle, self.idle = self.idle, []
            self.count -= len(idle)
        for worker in idle:
            worker.stop()


_pools: dict[bool, _Pool] = {}  # network or not -> pool
_pool_pid = 0
_pool_lock = threading.Lock()


def _the_pool(network: bool = False) -> _Pool:
    """This process's pool (a forked child gets its own, never its parent's pipes)."""
    global _pool_pid
    with _pool_lock:
        if _pool_pid != os.getpid():
            _pools.clear()
            _pool_pid = os.getpid()
        if network not in _pools:
            _pools[network] = _Pool(POOL_SIZE, network)
        return _pools[network]


def shutdown_workers() -> None:
    """Stop the idle workers of this process (run at exit; the next query starts anew)."""
    with _pool_lock:
        pools = list(_pools.values()) if _pool_pid == os.getpid() else []
    for pool in pools:
        pool.close()


atexit.register(shutdown_workers)


def pool_info() -> dict:
    """Introspection for tests and the bench: idle worker pids, workers, requests sent."""
    pool = _the_pool()
    with pool.cond:
        return {"idle_pids": [w.pid for w in pool.idle], "workers": pool.count,
                "running_pids": [w.pid for w in pool.busy if w.running],
                "sent": pool.sent, "size": pool.size}


def _ask_pool(request: dict, time_limit: float, network: bool = False) -> tuple[dict, bytes]:
    """Send one request to a free worker. One that died before it received the request
    (idle or starting) is replaced and the request sent once more; one that dies while
    running it is replaced and the query answered with an error."""
    pool = _the_pool(network)
    for attempt in (1, 2):
        worker = pool.acquire(time_limit)
        try:
            worker.wait_ready()
            with pool.cond:
                pool.sent += 1
            header, body = worker.ask(request, time_limit)
        except TimeoutError:
            pool.discard(worker, kill=True)
            if not worker.ready:
                raise SparqlError(Message("sparql.slow_start",
                                          "the SPARQL worker did not start in time"),
                                  503) from None
            raise SparqlError(Message("sparql.time_limit",
                                      "query stopped after the time limit of {seconds} s",
                                      seconds=f"{time_limit:g}"), 503) from None
        except _NeverReceived:
            pool.discard(worker, kill=True)
            if attempt == 1:
                continue
            raise SparqlError(Message("sparql.unreachable", "could not reach a SPARQL worker "
                                      "(it stopped twice before receiving the query); try "
                                      "again"), 503) from None
        except (_WorkerGone, OSError, ValueError):
            pool.discard(worker, kill=True)
            code = worker.proc.returncode
            raise SparqlError(Message("sparql.worker_stopped", "the SPARQL worker stopped "
                                      "while running this query (exit status {status}); try "
                                      "again", status=code), 500) from None
        except BaseException:  # interrupted mid-query: the worker's state is unknown
            pool.discard(worker, kill=True)
            raise
        pool.release(worker)
        return header, body
    raise AssertionError("unreachable")


def store_error(header: dict) -> Message:
    """The store's refusal: its own words (the parser's position and detail) inside a
    sentence the page translates."""
    reason = " ".join(str(header.get("reason") or "").split())[:500]
    if header.get("kind") == "syntax":
        return Message("sparql.syntax", "SPARQL syntax error: {reason}", reason=reason)
    if reason:
        return Message("sparql.failed", "query failed: {reason}", reason=reason)
    return Message("sparql.failed_quietly", "query failed")


def run_query(settings: Settings, query: str, accept: str = "",
              time_limit: float = TIME_LIMIT_S, max_results: int = MAX_RESULTS) -> SparqlResult:
    query = check_query(query)
    try:
        network = bool(federated_endpoints(query, settings.sparql_service_allow))
    except FederationRefused as exc:
        raise SparqlError(message_of(exc), 403) from None
    path = store_path(settings)
    ready = (path / "READY").stat()
    request = {"store": str(path), "stamp": f"{ready.st_ino}:{ready.st_mtime_ns}",
               "query": query, "accept": accept, "max": max_results,
               "time_limit": time_limit}
    header, body = _ask_pool(request, time_limit, network)
    if "error" in header:
        raise SparqlError(store_error(header), int(header.get("status", 400)))
    return SparqlResult(header["media_type"], body, header["truncated"])
