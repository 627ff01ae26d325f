"""Writes that survive a crash: fsync'd files and directories, atomic renames and swaps.

Every change to a storage root is built aside (in the root's workspace, on the same
filesystem) and then appears in one rename, so a reader or a validator never sees
half an object.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
CHUNK = 4 * 1024 * 1024

try:
    _libc = ctypes.CDLL(None, use_errno=True)
    _syncfs = getattr(_libc, "syncfs", None)
    _renameat2 = _libc.renameat2
    _renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                           ctypes.c_uint]
except (OSError, AttributeError):  # not Linux/glibc: fall back to two renames
    _renameat2 = None
    _syncfs = None


def fsync_path(path: Path) -> None:
    """Flush a file's or directory's metadata and data to stable storage."""
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(top: Path) -> None:
    """fsync every file and directory under ``top`` (bottom-up), then ``top``."""
    for dirpath, _dirs, files in os.walk(top, topdown=False):
        for name in files:
            fsync_path(Path(dirpath, name))
        fsync_path(Path(dirpath))


def sync_filesystem(path: Path) -> None:
    """Flush everything written to ``path``'s filesystem (one journal commit instead of
    one per file); per-file fsync where syncfs(2) is not available."""
    if _syncfs is None:
        fsync_tree(path)
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        if _syncfs(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err), str(path))
    finally:
        os.close(fd)


def copy_file(source: Path, target: Path, *, sync: bool = True) -> None:
    """Copy bytes (not metadata) from ``source`` to a new file ``target``."""
    with open(source, "rb") as src, open(target, "xb") as dst:
        shutil.copyfileobj(src, dst, CHUNK)
        if sync:
            dst.flush()
            os.fsync(dst.fileno())


def write_bytes(target: Path, data: bytes, *, sync: bool = True) -> None:
    """Create ``target`` holding ``data`` (it must not exist yet)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def replace_file(target: Path, data: bytes, workspace: Path, *, sync: bool = True) -> None:
    """Replace ``target`` with ``data`` in one rename (temporary file in ``workspace``)."""
    tmp = workspace / f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}"
    write_bytes(tmp, data, sync=sync)
    os.replace(tmp, target)
    if sync:
        fsync_path(target.parent)


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two existing paths; False where the kernel or filesystem cannot."""
    if _renameat2 is None:
        return False
    rc = _renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def link_or_copy(source: Path, target: Path, *, sync: bool = True) -> None:
    """Hard-link ``source`` at ``target`` (same bytes, no copy), copying where links fail."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        copy_file(source, target, sync=sync)
