"""Where the index lives and how a new one replaces the old without a gap.

``settings.index_dir`` holds generations (``gen-<time>``) and a symbolic link
``current`` to the one in use. A rebuild fills a fresh generation and then swaps
the link with one atomic rename, so searches never see a half-built index.
Writers (incremental updates, the swap) take an exclusive file lock; rebuilds take
another, so that two never fill generations at once.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import tantivy

from hemicycle.config import Settings
from hemicycle.search.analysis import register_analyzers
from hemicycle.search.schema import SCHEMA_VERSION, build_schema

CURRENT = "current"
_opened: dict[str, tantivy.Index] = {}
_opened_lock = threading.Lock()
_empty: tantivy.Index | None = None
_commits: dict[str, tuple[int, int]] = {}  # index path -> its meta.json as last read
_usable: dict[str, int] = {}  # generation found usable -> its schema marker's mtime


def current_path(settings: Settings) -> Path | None:
    link = settings.index_dir / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    return settings.index_dir / target


def new_generation(settings: Settings) -> Path:
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    path = settings.index_dir / f"gen-{time.time_ns()}"
    path.mkdir()
    (path / "hemicycle-schema").write_text(str(SCHEMA_VERSION))
    return path


def create_index(path: Path) -> tantivy.Index:
    index = tantivy.Index(build_schema(), path=str(path), reuse=False)
    register_analyzers(index)
    return index


def open_index(path: Path) -> tantivy.Index:
    """An Index for ``path``, opened once per process (its reader follows commits)."""
    key = str(path)
    with _opened_lock:
        index = _opened.get(key)
        if index is None:
            index = tantivy.Index.open(key)
            register_analyzers(index)
            # a newer generation replaces the older ones of the same index directory
            for old in [k for k in _opened if Path(k).parent == path.parent]:
                del _opened[old]
            _opened[key] = index
        return index


def searchable_index(settings: Settings) -> tantivy.Index:
    """The current index, or an empty one in memory when none is built yet (searching
    never creates an index: building one is ``catch_up``'s, which builds it whole from
    the catalogue when there is none)."""
    return _searchable(current_path(settings))


def _searchable(path: Path | None) -> tantivy.Index:
    if _seen_usable(path):
        return open_index(path)
    global _empty
    with _opened_lock:
        if _empty is None:
            _empty = tantivy.Index(build_schema())
            register_analyzers(_empty)
        return _empty


def searcher(settings: Settings,
             ) -> tuple[tantivy.Searcher, tantivy.Schema, tuple[str, int, int]]:
    """A searcher of the current index, its schema and the generation it reads: the index
    directory and its last commit (meta.json, which Tantivy rewrites on each commit). A
    commit seen here first reloads the reader, so that results cached under a generation
    were computed on it (Tantivy's own reload follows a commit only after a delay)."""
    path = current_path(settings)
    index = _searchable(path)
    if index is _empty or path is None:
        return index.searcher(), index.schema, ("", 0, 0)
    try:
        meta = os.stat(path / "meta.json")
    except OSError:
        return index.searcher(), index.schema, (path.name, 0, 0)
    commit = (meta.st_mtime_ns, meta.st_size)
    key = str(path)
    if _commits.get(key) != commit:
        index.reload()
        with _opened_lock:
            _commits[key] = commit
    return index.searcher(), index.schema, (path.name, *commit)


def swap_current(settings: Settings, path: Path) -> None:
    """Point ``current`` at ``path`` in one rename, then drop all but the last two."""
    link = settings.index_dir / CURRENT
    tmp = settings.index_dir / f".current-{os.getpid()}-{time.time_ns()}"
    os.symlink(path.name, tmp)
    previous = current_path(settings)
    os.replace(tmp, link)
    keep = {path.name} | ({previous.name} if previous else set())
    for old in settings.index_dir.glob("gen-*"):
        if old.name not in keep and old.name < path.name:
            with _opened_lock:
                _opened.pop(str(old), None)
            shutil.rmtree(old, ignore_errors=True)


def is_usable(path: Path | None) -> bool:
    if path is None or not (path / "meta.json").is_file():
        return False
    marker = path / "hemicycle-schema"
    return marker.is_file() and marker.read_text().strip() == str(SCHEMA_VERSION)


def _seen_usable(path: Path | None) -> bool:
    """``is_usable``, read again only when the generation's schema marker changed (one
    stat per search instead of two file reads)."""
    if path is None:
        return False
    try:
        stamp = os.stat(path / "hemicycle-schema").st_mtime_ns
    except OSError:
        return False
    if _usable.get(str(path)) == stamp:
        return True
    usable = is_usable(path)
    if usable:
        _usable[str(path)] = stamp
    return usable


@contextmanager
def write_lock(settings: Settings) -> Iterator[None]:
    """One writer at a time across processes (Tantivy allows one per index)."""
    with _locked(settings, ".write.lock"):
        yield


@contextmanager
def rebuild_lock(settings: Settings) -> Iterator[None]:
    """One rebuild at a time across processes: a swap drops older generations, which
    must not be one that another rebuild is still filling."""
    with _locked(settings, ".rebuild.lock"):
        yield


@contextmanager
def _locked(settings: Settings, name: str) -> Iterator[None]:
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.index_dir / name, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
