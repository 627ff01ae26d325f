"""Fixity audits: re-read every stored byte and compare it with the inventories.

An audit walks all objects (or a random sample), checks each inventory against its
sidecar and each content file against its sha512, and reports every mismatch,
missing file and stray file. Files are hashed in large chunks on several threads
(hashlib releases the GIL), optionally held to a byte rate so an audit can run
beside production work. Progress is kept in the workspace after every object, so
an interrupted audit resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote

from hemicycle.storage import durable
from hemicycle.storage.inventory import HASH_CHUNK, InventoryError, read_inventory, sidecar_name
from hemicycle.storage.objects import OcflRoot
from hemicycle.storage.paths import object_id_from_ocfl

STATE_FILE = "audit-state.json"
TARGETS_FILE = "audit-plan.json"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one stored file."""

    object_id: str
    path: str  # relative to the object root
    kind: str  # missing | digest mismatch | symlink | inventory | unreadable | unexpected file
    detail: str


@dataclass
class AuditResult:
    objects: int = 0
    files: int = 0
    bytes: int = 0
    problems: list[Problem] = field(default_factory=list)
    resumed: bool = False
    complete: bool = False

    @property
    def damaged_objects(self) -> set[str]:
        return {p.object_id for p in self.problems}

    def to_json(self) -> dict:
        return {"objects": self.objects, "files": self.files, "bytes": self.bytes,
                "resumed": self.resumed, "complete": self.complete,
                "problems": [asdict(p) for p in self.problems]}


class RateLimit:
    """At most ``rate`` bytes per second across all threads (None: unlimited)."""

    def __init__(self, rate: float | None):
        self.rate = rate
        self.start = time.monotonic()
        self.total = 0
        self.lock = threading.Lock()

    def consume(self, n: int) -> None:
        if not self.rate:
            return
        with self.lock:
            self.total += n
            ahead = self.total / self.rate - (time.monotonic() - self.start)
        if ahead > 0:
            time.sleep(ahead)


def hash_file(path: Path, algorithm: str = "sha512", limit: RateLimit | None = None,
              chunk: int = HASH_CHUNK) -> tuple[str, int]:
    """(hex digest, size) of a file, read in large chunks into one reused buffer."""
    h = hashlib.new(algorithm)
    buf = bytearray(chunk)
    view = memoryview(buf)
    size = 0
    with open(path, "rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            h.update(view[:n])
            size += n
            if limit is not None:
                limit.consume(n)
    return h.hexdigest(), size


def _check_inventory(obj: Path, rel: str, object_id: str) -> tuple[list[Problem], object]:
    """Problems with ``rel``/inventory.json and its sidecar, and the inventory if readable."""
    where = f"{rel}/inventory.json" if rel else "inventory.json"
    folder = obj / rel if rel else obj
    try:
        inv = read_inventory(folder / "inventory.json")
    except FileNotFoundError:
        return [Problem(object_id, where, "missing", "inventory file is missing")], None
    except InventoryError as exc:
        return [Problem(object_id, where, "inventory", str(exc))], None
    side = folder / sidecar_name(inv.algorithm)
    if not side.exists():
        return [Problem(object_id, where + "." + inv.algorithm, "missing",
                        "inventory sidecar is missing")], inv
    digest = hashlib.new(inv.algorithm, (folder / "inventory.json").read_bytes()).hexdigest()
    recorded = side.read_text(errors="replace").split()
    if not recorded or recorded[0].lower() != digest:
        return [Problem(object_id, where, "digest mismatch",
                        "inventory does not match its sidecar digest")], inv
    return [], inv


def audit_object(obj: Path, limit: RateLimit | None = None,
                 pool: ThreadPoolExecutor | None = None) -> tuple[list[Problem], int, int]:
    """(problems, files checked, bytes read) for the object at ``obj``."""
    object_id = object_id_of_path(obj.name)  # until an inventory says
    problems, root_inv = _check_inventory(obj, "", object_id)
    root_ok = root_inv is not None and not problems
    versions = sorted((p.name for p in obj.iterdir() if p.is_dir() and p.name[:1] == "v"),
                      key=lambda v: int(v[1:]) if v[1:].isdigit() else 0)
    fallback = None
    for v in versions:
        found, vinv = _check_inventory(obj, v, object_id)
        problems.extend(found)
        if vinv is not None and not found:
            fallback = vinv
    inv = root_inv if root_ok else (fallback or root_inv)
    if inv is None:
        return problems, 0, 0
    object_id = object_id_from_ocfl(inv.id)
    problems = [Problem(object_id, p.path, p.kind, p.detail) for p in problems]
    expected = inv.digest_of_content_path()
    algorithm = inv.algorithm

    def check(item: tuple[str, str]) -> tuple[Problem | None, int]:
        rel, digest = item
        path = obj / rel
        if path.is_symlink():
            return Problem(object_id, rel, "symlink", "content file was replaced by a "
                           "symbolic link"), 0
        if not path.is_file():
            return Problem(object_id, rel, "missing", "content file is missing"), 0
        try:
            got, size = hash_file(path, algorithm, limit)
        except OSError as exc:
            return Problem(object_id, rel, "unreadable", str(exc)), 0
        if got != digest.lower():
            return Problem(object_id, rel, "digest mismatch",
                           f"{algorithm} is {got[:16]}..., inventory says {digest[:16]}..."), size
        return None, size

    items = sorted(expected.items())
    results = pool.map(check, items) if pool is not None else map(check, items)
    total = 0
    for problem, size in results:
        total += size
        if problem is not None:
            problems.append(problem)
    content_dir = inv.content_directory
    for v in versions:
        base = obj / v / content_dir
        if not base.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(base):
            for name in files:
                rel = Path(dirpath, name).relative_to(obj).as_posix()
                if rel not in expected:
                    problems.append(Problem(object_id, rel, "unexpected file",
                                            "file is not in the inventory manifest"))
    return problems, len(items), total


def _state_path(root: OcflRoot, name: str = STATE_FILE) -> Path:
    return root.workspace / name


def _save(root: OcflRoot, name: str, data: dict) -> None:
    root.workspace.mkdir(parents=True, exist_ok=True)
    durable.replace_file(_state_path(root, name), json.dumps(data).encode(), root.workspace,
                         sync=False)


def _load_run(root: OcflRoot) -> tuple[dict, list[str]] | None:
    try:
        state = json.loads(_state_path(root).read_text())
        plan = json.loads(_state_path(root, TARGETS_FILE).read_text())
    except (OSError, ValueError):
        return None
    if state.get("run") != plan.get("run"):
        return None
    return state, plan["targets"]


def audit(root: OcflRoot, *, sample: int | None = None, rate: float | None = None,
          resume: bool = True, workers: int | None = None,
          order: Callable[[list[str]], list[str]] | None = None,
          on_object: Callable[[str, list[Problem]], None] | None = None,
          progress: Callable[[int, int], None] | None = None) -> AuditResult:
    """Check all objects (or ``sample`` of them) of ``root``; ``rate`` in bytes/s.

    Several objects are hashed at once (``workers`` threads), and their results are
    taken in order, so the saved progress is always a prefix of the plan. ``order``
    ranks object paths for a sample (most in need of a check first; random when
    absent). ``on_object(object_id, problems)`` and ``progress(done, total)`` are
    called after each object.
    """
    result = AuditResult()
    loaded = _load_run(root) if resume else None
    if loaded is not None:
        state, targets = loaded
        result.resumed = True
    else:
        targets = [p.relative_to(root.path).as_posix() for p in root.object_dirs()]
        if sample is not None and sample < len(targets):
            if order is not None:
                targets = sorted(order(targets)[:sample])
            else:
                targets = sorted(random.sample(targets, sample))
        run = uuid.uuid4().hex
        _save(root, TARGETS_FILE, {"run": run, "targets": targets})
        state = {"run": run, "done": 0, "problems": [], "files": 0, "bytes": 0}
        _save(root, STATE_FILE, state)
    result.problems = [Problem(**p) for p in state["problems"]]
    limit = RateLimit(rate)
    threads = workers or min(8, os.cpu_count() or 2)

    def check(rel: str) -> tuple[str, list[Problem], int, int]:
        obj = root.path / rel
        if not obj.is_dir():
            return (object_id_of_path(rel), [Problem(object_id_of_path(rel), "", "missing",
                                                     "object directory is missing")], 0, 0)
        found, files, nbytes = audit_object(obj, limit)
        return (found[0].object_id if found else _object_id(obj)), found, files, nbytes

    with ThreadPoolExecutor(max_workers=threads) as pool:
        while state["done"] < len(targets):
            window = targets[state["done"]: state["done"] + threads * 4]
            for object_id, found, files, nbytes in pool.map(check, window):
                result.problems.extend(found)
                state["problems"].extend(asdict(p) for p in found)
                state["done"] += 1
                state["files"] += files
                state["bytes"] += nbytes
                _save(root, STATE_FILE, state)
                if on_object is not None:
                    on_object(object_id, found)
                if progress is not None:
                    progress(state["done"], len(targets))
    result.objects = len(targets)
    result.files = state["files"]
    result.bytes = state["bytes"]
    result.complete = True
    _state_path(root).unlink(missing_ok=True)
    _state_path(root, TARGETS_FILE).unlink(missing_ok=True)
    return result


def object_id_of_path(rel: str) -> str:
    """The object id that an object directory's name encodes (layout 0003)."""
    return object_id_from_ocfl(unquote(Path(rel).name))


def _object_id(obj: Path) -> str:
    try:
        return object_id_from_ocfl(read_inventory(obj / "inventory.json").id)
    except (OSError, InventoryError):
        return obj.name
