"""Storage: the source of truth for bytes.

The rest of Hemicycle uses only the two functions below: ``store_files`` when a
document's files arrive (ingest, digitisation, replacement) and ``open_location``
to read them back. Where and how the bytes are kept is this package's business.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from hemicycle.config import Settings


class StorageError(RuntimeError):
    pass


def _safe_logical_path(logical: str) -> str:
    parts = logical.split("/")
    if logical.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise StorageError(f"unsafe logical path {logical!r}")
    return logical


def store_files(settings: Settings, object_id: str, files: dict[str, Path],
                message: str = "", agent: str = "hemicycle") -> dict[str, str]:
    """Keep ``files`` (logical path -> source file) for ``object_id``; return their locations.

    Storing the same bytes again changes nothing.
    """
    locations: dict[str, str] = {}
    for logical, source in files.items():
        _safe_logical_path(logical)
        digest = hashlib.sha512(Path(source).read_bytes()).hexdigest()
        target = settings.files_dir / digest[:2] / digest
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".part")
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        locations[logical] = f"files/{digest[:2]}/{digest}"
    return locations


def open_location(settings: Settings, location: str) -> Path:
    """The path of the bytes at ``location`` (as returned by ``store_files``)."""
    path = (settings.data_dir / location).resolve()
    if settings.data_dir.resolve() not in path.parents or not path.is_file():
        raise StorageError(f"no stored file at {location!r}")
    return path
