"""An OCFL 1.1 storage root that Hemicycle writes: one object per document.

Each change is built in the root's workspace (a sibling directory on the same
filesystem, outside the OCFL tree) and then swapped into place in one atomic step,
so a crash at any moment leaves either the old object or the new one, never a mix.
Existing versions are hard-linked into the new copy, never copied, so a version
costs only its new bytes.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import shutil
import stat
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hemicycle.storage import durable, formats, layout
from hemicycle.storage.inventory import (
    CONTENT_DIR,
    DIGEST,
    OBJECT_DECLARATION,
    OBJECT_DECLARATION_TEXT,
    Inventory,
    InventoryError,
    add_version,
    file_digest,
    new_inventory,
    read_inventory,
    sidecar_bytes,
    sidecar_name,
)
from hemicycle.storage.paths import (
    PathRefused,
    check_no_collisions,
    normalise_logical_path,
    object_id_from_ocfl,
    ocfl_id,
)


class ObjectError(RuntimeError):
    """A storage operation that was refused or failed; nothing in the root changed."""


@dataclass(frozen=True)
class Commit:
    """What one store or removal did to an object."""

    object_id: str
    inventory: Inventory
    changed: bool
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    # digest -> (size, media type, format name) of the content this commit copied in, as
    # learnt while copying (PREMIS records them without reading the files again)
    copied: dict[str, tuple[int, str, str]] | None = None

    @property
    def version(self) -> str:
        return self.inventory.head


def _key(identifier: str) -> str:
    return hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:40]


def _regular_file(path: Path, logical: str) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise ObjectError(f"{logical}: source file {path} does not exist") from None
    if stat.S_ISLNK(st.st_mode):
        raise ObjectError(f"{logical}: source {path} is a symbolic link; refusing to follow it")
    if not stat.S_ISREG(st.st_mode):
        raise ObjectError(f"{logical}: source {path} is not a regular file")


def _copy_and_hash(source: Path, target: Path, sync: bool) -> tuple[str, int, bytes]:
    """Copy with plain file descriptors (no buffered file objects: a bulk load copies
    many small files, and each buffered open costs system calls of its own); (digest,
    size, first bytes) of what was copied."""
    h = hashlib.new(DIGEST)
    size, head = 0, b""
    src = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        dst = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            while chunk := os.read(src, durable.CHUNK):
                if not size:
                    head = chunk[:formats.HEAD]
                size += len(chunk)
                h.update(chunk)
                view = memoryview(chunk)
                while view:
                    view = view[os.write(dst, view):]
            if sync:
                os.fsync(dst)
        finally:
            os.close(dst)
    finally:
        os.close(src)
    return h.hexdigest(), size, head


FSYNC_POLICIES = ("fsync", "syncfs", "off")
BATCH_LOCKS = 256  # objects of a batch held (locked, staged) at once
STAGING_THREADS = 4


@dataclass(frozen=True)
class StoreItem:
    """One object's files in a batch (``store_many``); ``digests`` as for ``store``."""

    object_id: str
    files: dict[str, Path]
    message: str = ""
    digests: dict[str, str] | None = None


@dataclass(frozen=True)
class _Change:
    """The new state of an object and how it differs from the old one."""

    inv: Inventory | None
    state: dict[str, str]
    added: tuple[str, ...]
    modified: tuple[str, ...]

    def message(self) -> str:
        return _default_message(self.added, self.modified, ())


class OcflRoot:
    """A storage root on disk.

    ``policy`` says how writes reach stable storage before a change is swapped in:
    ``fsync`` (default) each new file and directory; ``syncfs`` one flush of the whole
    filesystem per change (far fewer journal commits for many small files); ``off``
    none (speed tests only). ``sync=False`` is the same as ``policy="off"``. The
    installation's policy is ``Settings.fsync`` (``hemicycle.storage.root_for``).
    """

    def __init__(self, path: Path, *, sync: bool = True, workspace: Path | None = None,
                 policy: str = "fsync"):
        self.path = Path(path)
        self.policy = policy
        if not sync:
            self.policy = "off"
        if self.policy not in FSYNC_POLICIES:
            raise ObjectError(f"fsync policy {self.policy!r} is not one of "
                              f"{', '.join(FSYNC_POLICIES)}")
        self.sync = self.policy == "fsync"  # fsync each file and directory as written
        self.workspace = workspace or self.path.parent / f".{self.path.name}-work"

    def _flush(self, staged: Path) -> None:
        """Make a staged change durable before it is swapped in."""
        if self.policy == "fsync":
            for dirpath, _dirs, _files in os.walk(staged, topdown=False):
                durable.fsync_path(Path(dirpath))
        elif self.policy == "syncfs":
            durable.sync_filesystem(staged)

    # -- the root itself -------------------------------------------------------------
    def exists(self) -> bool:
        return (self.path / layout.ROOT_DECLARATION).is_file()

    def ensure(self) -> None:
        """Create the root (declaration, layout, extension config) if it is not there."""
        if self.exists():
            return
        self.workspace.mkdir(parents=True, exist_ok=True)
        with self._locked("root"):
            if self.exists():
                return
            ours = {"extensions", "ocfl_layout.json"}  # what a cut-short creation leaves
            if self.path.exists() and {p.name for p in self.path.iterdir()} <= ours:
                shutil.rmtree(self.path / "extensions", ignore_errors=True)
                (self.path / "ocfl_layout.json").unlink(missing_ok=True)
            if self.path.exists() and any(self.path.iterdir()):
                raise ObjectError(f"{self.path} exists, is not empty and is not an OCFL "
                                  "storage root; refusing to write into it")
            stage = self.workspace / "root.new"
            shutil.rmtree(stage, ignore_errors=True)
            stage.mkdir()
            ext = stage / "extensions" / layout.NAME
            ext.mkdir(parents=True)
            durable.write_bytes(ext / "config.json", layout.config_file(), sync=self.sync)
            durable.write_bytes(stage / "ocfl_layout.json", layout.layout_file(), sync=self.sync)
            durable.write_bytes(stage / layout.ROOT_DECLARATION,
                                layout.ROOT_DECLARATION_TEXT.encode(), sync=self.sync)
            self._flush(stage)
            if self.path.exists():  # an empty directory (a mount point): fill it in place
                for entry in ("extensions", "ocfl_layout.json", layout.ROOT_DECLARATION):
                    os.rename(stage / entry, self.path / entry)
                stage.rmdir()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                os.rename(stage, self.path)
            self._sync_dir(self.path)
            self._sync_dir(self.path.parent)

    @contextmanager
    def _locked(self, name: str) -> Iterator[None]:
        locks = self.workspace / "locks"
        try:
            fd = os.open(locks / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:
            locks.mkdir(parents=True, exist_ok=True)
            fd = os.open(locks / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    # -- objects -----------------------------------------------------------------------
    def object_dir(self, object_id: str) -> Path:
        return self.path / layout.object_path(ocfl_id(object_id))

    def inventory(self, object_id: str) -> Inventory | None:
        try:
            return read_inventory(self.object_dir(object_id) / "inventory.json")
        except FileNotFoundError:
            return None

    def object_dirs(self) -> Iterator[Path]:
        """Every object root under the storage root, in a stable order."""
        for dirpath, dirs, files in os.walk(self.path):
            here = Path(dirpath)
            if here == self.path:
                dirs[:] = [d for d in dirs if d != "extensions"]
            if any(f.startswith("0=ocfl_object_") for f in files):
                dirs[:] = []
                yield here
                continue
            dirs.sort()

    def object_ids(self) -> Iterator[str]:
        for obj in self.object_dirs():
            try:
                yield object_id_from_ocfl(read_inventory(obj / "inventory.json").id)
            except (OSError, InventoryError):
                continue

    def resolve(self, object_id: str, logical: str) -> Path:
        """Content path of ``logical`` in the newest version that holds it."""
        inv = self.inventory(object_id)
        if inv is None:
            raise ObjectError(f"no object {object_id!r} in {self.path}")
        for version in inv.versions_holding(logical):
            digest = inv.state(version)[logical]
            return self.object_dir(object_id) / inv.content_path_for(digest)
        raise ObjectError(f"object {object_id!r} has no file {logical!r} in any version")

    # -- writing -----------------------------------------------------------------------
    def store(self, object_id: str, files: dict[str, Path], message: str = "",
              agent: str = "hemicycle", digests: dict[str, str] | None = None) -> Commit:
        """Add or replace ``files`` (logical path -> source); a new version only if needed.

        ``digests`` (logical path -> sha512, as given) saves hashing files the caller has
        just hashed; the bytes are checked against them again as they are copied.
        """
        identifier, cleaned, digests = self._prepare(object_id, files, digests)
        self.ensure()
        with self._locked(_key(identifier)):
            change = self._change(object_id, identifier, cleaned, digests)
            if not isinstance(change, _Change):
                return change
            new_inv = self._commit(identifier, change.inv, change.state, cleaned, digests,
                                   message or change.message(), agent)
            return Commit(object_id, new_inv, True, change.added, (), change.modified)

    def store_many(self, items: list[StoreItem], agent: str = "hemicycle") -> list[
            Commit | ObjectError]:
        """Store several objects with one flush of the filesystem instead of one per file.

        Each object is staged without syncing, the filesystem is synced once (syncfs),
        then each is swapped in and the filesystem synced once more: as with ``store``, no
        swap happens before the bytes it brings in are durable, whatever the policy (but
        ``off``). Returns each item's Commit, or the ObjectError that refused it alone.
        """
        results: list[Commit | ObjectError | None] = [None] * len(items)
        prepared: list[tuple[int, str, dict[str, Path], dict[str, str]]] = []
        seen: set[str] = set()
        for k, item in enumerate(items):
            try:
                identifier, cleaned, digests = self._prepare(item.object_id, item.files,
                                                             item.digests)
                if identifier in seen:
                    raise ObjectError(f"object {item.object_id!r} given twice in one batch")
            except ObjectError as exc:
                results[k] = exc
                continue
            seen.add(identifier)
            prepared.append((k, identifier, cleaned, digests))
        if prepared:
            self.ensure()
        for start in range(0, len(prepared), BATCH_LOCKS):
            self._store_chunk(items, prepared[start:start + BATCH_LOCKS], results, agent)
        return results  # type: ignore[return-value]

    def _store_chunk(self, items: list[StoreItem], chunk: list, results: list,
                     agent: str) -> None:
        with contextlib.ExitStack() as held:
            # locks in one order, so that two batches never wait for each other in a ring
            for _k, identifier, _c, _d in sorted(chunk, key=lambda p: _key(p[1])):
                held.enter_context(self._locked(_key(identifier)))
            # staging is mostly system calls, which run in parallel outside the GIL
            with ThreadPoolExecutor(STAGING_THREADS) as pool:
                staged = list(pool.map(lambda p: self._stage_one(items[p[0]], *p[1:], agent),
                                       chunk))
            built = []
            for (k, *_rest), outcome in zip(chunk, staged, strict=True):
                if isinstance(outcome, tuple):
                    built.append((k, *outcome))
                else:
                    results[k] = outcome
            try:
                if built and self.policy != "off":
                    durable.sync_filesystem(self.workspace)
                for k, identifier, staged_dir, stage, commit in built:
                    try:
                        self._swap_in(identifier, staged_dir, stage, sync=False)
                        results[k] = commit
                    except OSError as exc:
                        results[k] = ObjectError(self._write_failure(identifier, exc))
                if built and self.policy != "off":
                    durable.sync_filesystem(self.path)
            finally:
                for _k, _i, _s, stage, _c in built:
                    _clear(stage)

    def _stage_one(self, item: StoreItem, identifier: str, cleaned: dict[str, Path],
                   digests: dict[str, str], agent: str):
        """(identifier, staged object, stage, Commit) for an object of a batch (its lock
        held), or its Commit when nothing changes, or the ObjectError refusing it."""
        stage = None
        try:
            change = self._change(item.object_id, identifier, cleaned, digests)
            if not isinstance(change, _Change):
                return change
            stage = self._stage(identifier)
            staged, new_inv, copied = self._build(identifier, change.inv, change.state,
                                                  cleaned, digests,
                                                  item.message or change.message(), agent,
                                                  stage, sync=False)
            return identifier, staged, stage, Commit(item.object_id, new_inv, True,
                                                     change.added, (), change.modified,
                                                     copied)
        except (ObjectError, OSError) as exc:
            if stage is not None:
                shutil.rmtree(stage, ignore_errors=True)
            if isinstance(exc, ObjectError):
                return exc
            return ObjectError(self._write_failure(identifier, exc))

    def _prepare(self, object_id: str, files: dict[str, Path],
                 digests: dict[str, str] | None) -> tuple[str, dict[str, Path], dict[str, str]]:
        """(OCFL id, NFC logical path -> source, NFC logical path -> sha512), or
        ObjectError for paths or sources that cannot be stored."""
        identifier = ocfl_id(object_id)
        cleaned: dict[str, Path] = {}
        known: dict[str, str] = {}
        try:
            for logical, source in files.items():
                nfc = normalise_logical_path(logical)
                if nfc in cleaned:
                    raise PathRefused(f"logical path {logical!r} given twice (after Unicode "
                                      "normalisation)")
                cleaned[nfc] = Path(source)
                if digests and logical in digests:
                    known[nfc] = digests[logical]
        except PathRefused as exc:
            raise ObjectError(str(exc)) from None
        for logical, source in cleaned.items():
            _regular_file(source, logical)
        if not cleaned and self.inventory(object_id) is None:
            raise ObjectError(f"no files given for the new object {object_id!r}")
        return identifier, cleaned, {logical: known.get(logical) or file_digest(source)
                                     for logical, source in cleaned.items()}

    def _change(self, object_id: str, identifier: str, cleaned: dict[str, Path],
                digests: dict[str, str]) -> _Change | Commit:
        """What storing ``digests`` changes (the object's lock held), or the unchanged
        Commit when the object holds them already."""
        self._recover(identifier)
        inv = self.inventory(object_id)
        old_state = inv.state() if inv and inv.data["versions"] else {}
        state = dict(old_state)
        state.update(digests)
        if inv is not None and state == old_state:
            return Commit(object_id, inv, changed=False)
        try:
            check_no_collisions(list(state))
        except PathRefused as exc:
            raise ObjectError(str(exc)) from None
        added = tuple(sorted(p for p in digests if p not in old_state))
        modified = tuple(sorted(p for p in digests
                                if p in old_state and old_state[p] != digests[p]))
        return _Change(inv, state, added, modified)

    def remove(self, object_id: str, logical_paths: list[str], message: str = "",
               agent: str = "hemicycle") -> Commit:
        """A new version without ``logical_paths`` (their bytes stay in older versions)."""
        identifier = ocfl_id(object_id)
        with self._locked(_key(identifier)):
            self._recover(identifier)
            inv = self.inventory(object_id)
            if inv is None:
                raise ObjectError(f"no object {object_id!r} in {self.path}")
            state = inv.state()
            wanted = {unicodedata.normalize("NFC", p) for p in logical_paths}
            gone = tuple(sorted(p for p in wanted if p in state))
            if not gone:
                return Commit(object_id, inv, changed=False)
            for p in gone:
                del state[p]
            new_inv = self._commit(identifier, inv, state, {}, {}, message
                                   or _default_message((), (), gone), agent)
            return Commit(object_id, new_inv, True, removed=gone)

    def purge(self, object_id: str) -> bool:
        """Remove the object and all its bytes (the administrator's explicit act)."""
        identifier = ocfl_id(object_id)
        target = self.object_dir(object_id)
        with self._locked(_key(identifier)):
            self._recover(identifier)
            if not target.exists():
                return False
            stage = self._stage(identifier)
            with self._locked("tree"):
                # move out the highest directory that holds nothing but this object, so
                # that no empty directory is left behind even for an instant
                top = target
                while top.parent != self.path and len(os.listdir(top.parent)) == 1:
                    top = top.parent
                os.rename(top, stage / "purged")
                self._sync_dir(top.parent)
            shutil.rmtree(stage, ignore_errors=True)
            return True

    def install(self, object_id: str, build: callable) -> None:
        """Swap in an object directory made by ``build(path)`` (replication and repair)."""
        identifier = ocfl_id(object_id)
        self.ensure()
        with self._locked(_key(identifier)):
            self._recover(identifier)
            stage = self._stage(identifier)
            staged = stage / "obj"
            try:
                build(staged)
                if self.sync:
                    durable.fsync_tree(staged)
                elif self.policy == "syncfs":
                    durable.sync_filesystem(staged)
                self._swap_in(identifier, staged, stage)
            finally:
                shutil.rmtree(stage, ignore_errors=True)

    def _stage(self, identifier: str) -> Path:
        stage = self.workspace / "stage" / _key(identifier)
        try:
            os.mkdir(stage)
        except FileExistsError:  # left by a crash, and already recovered
            shutil.rmtree(stage, ignore_errors=True)
            stage.mkdir(parents=True)
        except FileNotFoundError:
            stage.mkdir(parents=True)
        return stage

    def recover(self, identifier: str) -> None:
        """Finish or undo what a crashed writer left for this object (storage gc)."""
        with self._locked(_key(identifier)):
            self._recover(identifier)

    def _recover(self, identifier: str) -> None:
        """Finish or undo what a crashed writer left for this object (lock held)."""
        stage = self.workspace / "stage" / _key(identifier)
        if not stage.exists():
            return
        target = self.path / layout.object_path(identifier)
        old = stage / "old"
        if not target.exists() and old.is_dir():
            # a swap without renameat2 was cut in half: put the old object back
            top_file = stage / "top"
            top = self.path / top_file.read_text() if top_file.is_file() else target
            source = old / target.relative_to(top) if top != target else old
            with self._locked("tree"):
                target.parent.mkdir(parents=True, exist_ok=True)
                os.rename(source, target)
                self._sync_dir(target.parent)
        shutil.rmtree(stage, ignore_errors=True)
        if not target.exists() and target.parent.exists():
            self._prune_empty_parents(target.parent)  # a purge cut short

    def _commit(self, identifier: str, inv: Inventory | None, state: dict[str, str],
                sources: dict[str, Path], digests: dict[str, str], message: str,
                agent: str) -> Inventory:
        stage = self._stage(identifier)
        try:
            staged, new_inv, _copied = self._build(identifier, inv, state, sources, digests,
                                                   message, agent, stage, sync=self.sync)
            self._flush(staged)
            self._swap_in(identifier, staged, stage)
            return new_inv
        except OSError as exc:
            raise ObjectError(self._write_failure(identifier, exc)) from exc
        finally:
            shutil.rmtree(stage, ignore_errors=True)

    def _write_failure(self, identifier: str, exc: OSError) -> str:
        reason = ("no space left on device" if exc.errno == errno.ENOSPC else
                  "disk quota exceeded" if exc.errno == errno.EDQUOT else
                  f"the workspace {self.workspace} must be on the same filesystem as the "
                  "storage root" if exc.errno == errno.EXDEV else str(exc))
        return f"could not write object {identifier!r}: {reason}; the storage root was not changed"

    def _build(self, identifier, inv, state, sources, digests, message, agent, stage: Path,
               *, sync: bool) -> tuple[Path, Inventory, dict[str, tuple[int, str, str]]]:
        """The new version of the object, staged whole under ``stage`` (not yet durable
        unless ``sync``, not yet in place), and what it copied in (``Commit.copied``)."""
        target = self.path / layout.object_path(identifier)
        staged = stage / "obj"
        staged.mkdir()
        base = inv or new_inventory(identifier)
        version = f"v{base.head_number + 1 if base.data['versions'] else 1}"
        vdir = staged / version
        vdir.mkdir()
        new_content: dict[str, str] = {}
        copied: dict[str, tuple[int, str, str]] = {}
        made: set[Path] = set()
        for logical, source in sorted(sources.items()):
            digest = digests[logical]
            if digest in base.manifest or digest in new_content:
                continue
            content_path = f"{version}/{CONTENT_DIR}/{logical}"
            dest = staged / content_path
            if dest.parent not in made:
                dest.parent.mkdir(parents=True, exist_ok=True)
                made.add(dest.parent)
            got, size, head = _copy_and_hash(source, dest, sync)
            if got != digest:
                raise ObjectError(f"{logical}: source {source} changed while it was stored")
            new_content[digest] = content_path
            copied[digest] = (size, *formats.identify_head(head))
        new_inv = add_version(base, state, new_content, message, agent)
        if inv is not None:
            for entry in sorted(os.listdir(target)):
                if entry in ("inventory.json", sidecar_name(base.algorithm)):
                    continue
                _link_tree(target / entry, staged / entry, sync)
        else:
            durable.write_bytes(staged / OBJECT_DECLARATION, OBJECT_DECLARATION_TEXT.encode(),
                                sync=sync)
        body = new_inv.to_bytes()
        side = sidecar_bytes(body)
        # two copies, not one file linked twice: a damaged root inventory is repaired
        # from the head version's (storage.fixity)
        for where in (vdir, staged):
            durable.write_bytes(where / "inventory.json", body, sync=sync)
            durable.write_bytes(where / sidecar_name(), side, sync=sync)
        return staged, new_inv, copied

    def _swap_in(self, identifier: str, staged: Path, stage: Path, *, sync: bool = True) -> None:
        """Put the staged object in place; ``sync`` False leaves the flush of the parent
        directory to the caller (a batch flushes the filesystem once after all its swaps)."""
        target = self.path / layout.object_path(identifier)
        if target.exists():
            if durable.exchange(staged, target):
                if sync:
                    self._sync_dir(target.parent)
            else:
                with self._locked("tree"):
                    self._two_rename_swap(target, staged, stage)
            return
        # new object: move in the highest missing directory so no empty one is ever left
        with self._locked("tree"):
            self._place_new(identifier, target, staged, stage, sync=sync)

    def _two_rename_swap(self, target: Path, staged: Path, stage: Path) -> None:
        """Swap without RENAME_EXCHANGE: for an instant the object is absent (never half
        there), and no empty directory is left, because the highest directory holding
        only this object is what moves. ``_recover`` undoes a swap cut in half."""
        top = target
        while top.parent != self.path and len(os.listdir(top.parent)) == 1:
            top = top.parent
        inner = stage / "chain" / top.name / target.relative_to(top)
        inner.parent.mkdir(parents=True, exist_ok=True)
        os.rename(staged, inner)
        durable.write_bytes(stage / "top", top.relative_to(self.path).as_posix().encode(),
                            sync=self.policy != "off")
        self._sync_dir(stage)
        os.rename(top, stage / "old")
        os.rename(stage / "chain" / top.name, top)
        self._sync_dir(top.parent)

    def _place_new(self, identifier: str, target: Path, staged: Path, stage: Path, *,
                   sync: bool = True) -> None:
        for _attempt in range(20):
            missing = target
            while not missing.parent.exists():
                missing = missing.parent
            chain = stage / "chain"
            if _attempt:
                shutil.rmtree(chain, ignore_errors=True)
            parts = target.relative_to(missing.parent).parts
            directory = chain
            os.mkdir(chain)
            for part in parts[:-1]:  # top down: none of them exists yet
                directory = directory / part
                os.mkdir(directory)
            inner = directory / parts[-1]
            os.rename(staged, inner)
            top = chain / missing.name
            try:
                os.rename(top, missing)
            except OSError as exc:
                os.rename(inner, staged)
                if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOENT):
                    continue  # another writer made or removed a directory on the way
                raise
            if sync:
                self._sync_dir(missing.parent)
            return
        raise ObjectError(f"could not place object {identifier!r}: the directories above it "
                          "kept changing")

    def _prune_empty_parents(self, directory: Path) -> None:
        while directory != self.path and self.path in directory.parents:
            try:
                directory.rmdir()
            except OSError:
                return
            self._sync_dir(directory.parent)
            directory = directory.parent

    def _sync_dir(self, directory: Path) -> None:
        if self.policy != "off":
            durable.fsync_path(directory)


def _clear(stage: Path) -> None:
    """Remove a stage directory; after a swap it holds at most an empty ``chain``."""
    try:
        with contextlib.suppress(FileNotFoundError):
            os.rmdir(stage / "chain")
        os.rmdir(stage)
    except OSError:
        shutil.rmtree(stage, ignore_errors=True)


def _link_tree(source: Path, target: Path, sync: bool) -> None:
    if source.is_dir() and not source.is_symlink():
        target.mkdir()
        for entry in sorted(os.listdir(source)):
            _link_tree(source / entry, target / entry, sync)
    else:
        durable.link_or_copy(source, target, sync=sync)


def _default_message(added, modified, removed) -> str:
    parts = []
    for verb, paths in (("added", added), ("replaced", modified), ("removed", removed)):
        if paths:
            parts.append(f"{verb} {', '.join(paths)}")
    return "; ".join(parts) or "no change"
