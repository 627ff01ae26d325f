"""Storage: the source of truth for bytes.

The rest of Hemicycle uses only the functions below: ``store_files`` when a
document's files arrive (``store_batch`` for many documents at once, with one flush of
the filesystem) and ``open_location`` to read them back. The bytes live in an OCFL 1.1 storage root
(``settings.storage_root``), one object per document; every change is a new
version, and every version is recorded as PREMIS events in the catalogue.
"""

from __future__ import annotations

from pathlib import Path

from hemicycle.config import Settings

LOCATION_SCHEME = "ocfl:"


class StorageError(RuntimeError):
    pass


def root_for(settings: Settings):
    from hemicycle.storage.objects import OcflRoot

    return OcflRoot(settings.storage_root, policy=settings.fsync)


def location(object_id: str, logical: str) -> str:
    return f"{LOCATION_SCHEME}{object_id}/{logical}"


def parse_location(loc: str) -> tuple[str, str]:
    """(object id, logical path) of an ``ocfl:<object id>/<logical path>`` location."""
    if not loc.startswith(LOCATION_SCHEME) or "/" not in loc:
        raise StorageError(f"not a storage location: {loc!r}")
    import unicodedata

    object_id, _, logical = loc[len(LOCATION_SCHEME):].partition("/")
    return object_id, unicodedata.normalize("NFC", logical)


def store_batch(settings: Settings, items: list, agent: str = "hemicycle") -> list[
        dict[str, str] | StorageError]:
    """``store_files`` for many objects (``objects.StoreItem``s, each object once) with one
    flush of the filesystem for all of them; each item's locations, or the StorageError
    that refused that item alone."""
    from hemicycle.storage.objects import ObjectError
    from hemicycle.storage.paths import normalise_logical_path
    from hemicycle.storage.premis import record_commits

    commits = root_for(settings).store_many(items, agent=agent)
    record_commits(settings, [(c, item.files) for c, item in zip(commits, items, strict=True)
                              if not isinstance(c, ObjectError)], agent=agent)
    return [StorageError(str(c)) if isinstance(c, ObjectError) else
            {logical: location(item.object_id, normalise_logical_path(logical))
             for logical in item.files}
            for c, item in zip(commits, items, strict=True)]


def store_files(settings: Settings, object_id: str, files: dict[str, Path],
                message: str = "", agent: str = "hemicycle") -> dict[str, str]:
    """Keep ``files`` (logical path -> source file) for ``object_id``; return their locations.

    Storing the same bytes again changes nothing; a changed file makes a new
    version. Logical paths are stored in Unicode NFC; the returned map is keyed
    by the paths as given.
    """
    from hemicycle.storage.objects import ObjectError
    from hemicycle.storage.paths import normalise_logical_path

    try:
        commit = root_for(settings).store(object_id, files, message=message, agent=agent)
    except (ObjectError, ValueError) as exc:
        raise StorageError(str(exc)) from None
    from hemicycle.storage.premis import record_commits

    record_commits(settings, [(commit, files)], agent=agent)
    return {logical: location(object_id, normalise_logical_path(logical)) for logical in files}


def remove_files(settings: Settings, object_id: str, logical_paths: list[str],
                 message: str = "", agent: str = "hemicycle") -> bool:
    """A new version of ``object_id`` without ``logical_paths``; True if anything changed.

    The bytes stay in the older versions (and ``open_location`` still finds them)
    until an administrator purges the object.
    """
    from hemicycle.storage.objects import ObjectError

    try:
        commit = root_for(settings).remove(object_id, logical_paths, message=message,
                                           agent=agent)
    except (ObjectError, ValueError) as exc:
        raise StorageError(str(exc)) from None
    if commit.changed:
        from hemicycle.storage.premis import record_commits

        record_commits(settings, [(commit, None)], agent=agent)
    return commit.changed


def open_location(settings: Settings, location: str) -> Path:
    """The path of the bytes at ``location`` (as returned by ``store_files``)."""
    from hemicycle.storage.objects import ObjectError

    if not location.startswith(LOCATION_SCHEME):
        return _legacy_location(settings, location)
    object_id, logical = parse_location(location)
    try:
        path = root_for(settings).resolve(object_id, logical)
    except (ObjectError, ValueError) as exc:
        raise StorageError(f"no stored file at {location!r}: {exc}") from None
    if not path.is_file():
        raise StorageError(f"the bytes of {location!r} are missing from the storage root "
                           "(run `hemicycle repair`)")
    return path


def _legacy_location(settings: Settings, location: str) -> Path:
    """Locations written before the OCFL root existed: a path under the data directory."""
    path = (settings.data_dir / location).resolve()
    if settings.data_dir.resolve() not in path.parents or not path.is_file():
        raise StorageError(f"no stored file at {location!r}")
    return path
