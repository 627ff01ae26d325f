"""What an interrupted write leaves in storage, found (``storage validate``, ``audit``)
and cleared (``hemicycle storage gc``).

The document service stores a batch's files before it writes their records, so that a
crash leaves bytes without a record, never a record without its bytes. A process killed
between the two (``kill -9``, a power cut) leaves OCFL objects that no document refers to,
with their PREMIS events; a writer killed while staging leaves its directory in the
workspace's ``stage``. Neither is an OCFL error, so validation alone cannot see them.

A writer holds the writers' lock (shared) from storing a batch's bytes until its records
are committed (``writing``); the search for leftovers holds it exclusively, so a write in
flight is never taken for a leftover. Only objects the document service wrote
(``record_message``) are candidates: an object imported from a bag as bytes alone has no
record by design and is left alone. A stage directory whose object lock is held belongs
to a live writer and is left alone too.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.config import Settings
from hemicycle.storage import root_for
from hemicycle.storage.inventory import InventoryError, read_inventory
from hemicycle.storage.models import StorageEvent
from hemicycle.storage.objects import OcflRoot
from hemicycle.storage.paths import object_id_from_ocfl

RECORD_MESSAGE = "ingest "  # how the document service begins its versions' messages
WRITERS_LOCK = "writers"


def record_message(symbol: str) -> str:
    """The message of a version the document service writes for a record's files."""
    return f"{RECORD_MESSAGE}{symbol}"


class WritesInProgress(RuntimeError):
    """A writer holds the writers' lock: leftovers cannot be told from its work now."""


@dataclass(frozen=True)
class Leftover:
    kind: str  # "orphan object" | "stage"
    name: str  # the object id, or the stage directory's name
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.name}: {self.detail}"


def _lock_path(root: OcflRoot, name: str) -> Path:
    locks = root.workspace / "locks"
    locks.mkdir(parents=True, exist_ok=True)
    return locks / f"{name}.lock"


@contextmanager
def _flock(path: Path, mode: int) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, mode)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextmanager
def writing(settings: Settings) -> Iterator[None]:
    """Held by a writer from storing bytes until their records are committed."""
    with _flock(_lock_path(root_for(settings), WRITERS_LOCK), fcntl.LOCK_SH):
        yield


@contextmanager
def no_writes(settings: Settings) -> Iterator[None]:
    """No write can start or be in flight while this is held; WritesInProgress at once
    if one is."""
    try:
        with _flock(_lock_path(root_for(settings), WRITERS_LOCK),
                    fcntl.LOCK_EX | fcntl.LOCK_NB):
            yield
    except BlockingIOError:
        raise WritesInProgress("a write is in progress (an ingest, an import, an upload, "
                               "digitisation): run this again when it has finished") from None


def find_leftovers(settings: Settings) -> list[Leftover]:
    """Orphan objects and stage leftovers of the configured root (call under
    ``no_writes``)."""
    root = root_for(settings)
    if not root.exists():
        return []
    with session_scope(settings.database_url) as db:
        catalogued = set(db.scalars(select(Document.uid)))
    found = []
    for obj in root.object_dirs():
        try:
            inv = read_inventory(obj / "inventory.json")
        except (OSError, InventoryError):
            continue  # damage is validation's and audit's to report
        object_id = object_id_from_ocfl(inv.id)
        if object_id in catalogued:
            continue
        first = inv.data["versions"].get("v1", {}).get("message", "")
        if first.startswith(RECORD_MESSAGE):
            found.append(Leftover("orphan object", object_id,
                                  f"stored for {first[len(RECORD_MESSAGE):]!r} on "
                                  f"{inv.data['versions']['v1'].get('created', '?')}, and no "
                                  "record refers to it (its write was interrupted)"))
    stage = root.workspace / "stage"
    for entry in sorted(stage.iterdir()) if stage.is_dir() else []:
        if _held(root, entry.name):
            continue
        found.append(Leftover("stage", entry.name, "a staging directory left by an "
                              f"interrupted writer ({root.workspace.name}/stage)"))
    return found


def _held(root: OcflRoot, name: str) -> bool:
    try:
        with _flock(_lock_path(root, name), fcntl.LOCK_EX | fcntl.LOCK_NB):
            return False
    except BlockingIOError:
        return True


def clear_leftovers(settings: Settings, leftovers: list[Leftover]) -> None:
    """Remove what ``find_leftovers`` found (under the same ``no_writes``): orphan objects
    from the root and the replica, with their PREMIS events (the catalogue never had
    them); stage directories, after finishing a swap a crash cut in half."""
    from hemicycle.storage.operations import replica_root
    from hemicycle.storage.replica import purge_everywhere

    root = root_for(settings)
    roots = [root, replica_root(settings)]
    orphans = [x.name for x in leftovers if x.kind == "orphan object"]
    for object_id in orphans:
        purge_everywhere(roots, object_id)
    if orphans:
        with session_scope(settings.database_url) as db:
            db.execute(delete(StorageEvent).where(StorageEvent.object_id.in_(orphans)))
    for x in leftovers:
        if x.kind == "stage":
            _clear_stage(root, root.workspace / "stage" / x.name)


def _clear_stage(root: OcflRoot, stage: Path) -> None:
    """A stage whose swap was cut in half holds the old object: put it back (the root's
    own recovery, which needs the object's identifier), else remove the directory."""
    for inventory in sorted(stage.glob("*/inventory.json")) + sorted(
            stage.glob("*/**/inventory.json")):
        try:
            identifier = read_inventory(inventory).id
        except (OSError, InventoryError):
            continue
        root.recover(identifier)
        break
    shutil.rmtree(stage, ignore_errors=True)
