"""BagIt (RFC 8493) export and import of stored objects.

Export writes the current files of one or many objects as ``data/<object id>/...``
with sha512 manifests, plus each object's PREMIS XML as a tag file; the bag is
built aside and renamed into place when whole. Import validates a bag completely
(bagit-python's checks plus ours: the bagit.txt grammar, paths in every manifest
and in fetch.txt, symbolic links, names that collide after Unicode normalisation)
and refuses it with the reason before a single byte is stored.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import bagit

from hemicycle.config import Settings
from hemicycle.storage.objects import OcflRoot
from hemicycle.storage.paths import OBJECT_ID_PATTERN, PathRefused, normalise_logical_path

SOFTWARE = "hemicycle"
LAYOUT_TAG = "Hemicycle-Layout"
LAYOUT_OBJECTS = "data/<object id>/<logical path>"
BAGIT_TXT = re.compile(rb"BagIt-Version: (\d+)\.(\d+)\r?\n"
                       rb"Tag-File-Character-Encoding: [A-Za-z0-9._:-]+\r?\n?")


class BagRefused(ValueError):
    """A bag that will not be imported (or cannot be exported), with the reason."""


@dataclass
class BagImport:
    objects: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> logical -> loc
    documents: dict[str, str] = field(default_factory=dict)  # bag's object id -> document uid
    warnings: list[str] = field(default_factory=list)


TagFiles = Callable[[str], dict[str, bytes]]
# (object id, its tag directory in the bag, its payload files: logical path -> file) ->
# the uid it was saved as, with its files; None to store the files as bytes only
Catalogue = Callable[[str, Path, dict[str, Path]], str | None]


def export_bag(settings: Settings, object_ids: list[str], dest: Path,
               *, agent: str = "hemicycle", info: dict[str, str] | None = None,
               tag_files: TagFiles | None = None) -> Path:
    """Write the head files of ``object_ids`` as a new bag at ``dest``; ``tag_files``
    adds files of each object's own beside its PREMIS events (``hemicycle/<id>/``)."""
    from hemicycle.storage.premis import premis_xml

    dest = Path(dest)
    if dest.exists():
        raise BagRefused(f"{dest} already exists; choose a new directory for the bag")
    if not object_ids:
        raise BagRefused("nothing to export: no objects were chosen")
    root = OcflRoot(settings.storage_root, policy=settings.fsync)
    work = dest.parent / f".{dest.name}.partial-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        for object_id in object_ids:
            inv = root.inventory(object_id)
            if inv is None:
                raise BagRefused(f"no stored object {object_id!r}")
            obj_dir = root.object_dir(object_id)
            for logical, digest in sorted(inv.state().items()):
                target = work / object_id / logical
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(obj_dir / inv.content_path_for(digest), target)
        bag_info = {"Bag-Software-Agent": SOFTWARE, LAYOUT_TAG: LAYOUT_OBJECTS,
                    "Source-Organization": "Hemicycle", "External-Description":
                    f"{len(object_ids)} object(s) exported by {agent}"}
        bag_info.update(info or {})
        _quiet()
        bag = bagit.make_bag(str(work), bag_info, checksums=["sha512"])
        for object_id in object_ids:
            tag_dir = work / "hemicycle" / object_id
            tag_dir.mkdir(parents=True)
            (tag_dir / "premis.xml").write_bytes(premis_xml(settings, object_id))
            for name, data in (tag_files(object_id) if tag_files else {}).items():
                (tag_dir / name).write_bytes(data)
        bag.save(manifests=False)
        bagit.Bag(str(work)).validate()
        os.rename(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return dest


def _quiet() -> None:
    logging.getLogger("bagit").setLevel(logging.ERROR)


def check_bag(path: Path) -> tuple[bagit.Bag, list[str]]:
    """The validated bag and warnings, or BagRefused naming the first reason it is invalid."""
    path = Path(path)
    if not path.is_dir():
        raise BagRefused(f"{path} is not a directory")
    for dirpath, dirs, files in os.walk(path):
        for name in dirs + files:
            if os.path.islink(os.path.join(dirpath, name)):
                rel = Path(dirpath, name).relative_to(path)
                raise BagRefused(f"{rel} is a symbolic link; bags with links are refused")
    declaration = path / "bagit.txt"
    if not declaration.is_file():
        raise BagRefused("bagit.txt is missing")
    raw = declaration.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf") or raw.startswith(b"\xff\xfe") or raw.startswith(
            b"\xfe\xff"):
        raise BagRefused("bagit.txt starts with a byte-order mark")
    if not BAGIT_TXT.fullmatch(raw):
        raise BagRefused("bagit.txt must be exactly 'BagIt-Version: M.N' and "
                         "'Tag-File-Character-Encoding: ENCODING', one space after each colon")
    _quiet()
    try:
        bag = bagit.Bag(str(path))
        bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = "; ".join(str(d) for d in (exc.details or [])[:5])
        raise BagRefused(f"{exc.message}{': ' + details if details else ''}") from None
    except (bagit.BagError, UnicodeError, ValueError) as exc:
        raise BagRefused(str(exc).replace(str(path.parent) + os.sep, "")) from None
    warnings: list[str] = []
    if (path / "fetch.txt").exists() and list(bag.fetch_entries()):
        raise BagRefused("the bag is incomplete: fetch.txt lists files to download, and "
                         "Hemicycle does not fetch over the network; fetch them and remove "
                         "fetch.txt first")
    seen: dict[str, str] = {}
    for rel in bag.payload_entries():
        name = rel[len("data/"):] if rel.startswith("data/") else rel
        try:
            nfc = normalise_logical_path(name)
        except PathRefused as exc:
            raise BagRefused(f"manifest path {rel!r}: {exc}") from None
        key = unicodedata.normalize("NFC", nfc).casefold()
        if key in seen and seen[key] != rel:
            raise BagRefused(f"manifest lists {seen[key]!r} and {rel!r}, which are the same "
                             "name after Unicode normalisation or case folding")
        seen[key] = rel
    for rel in bag.payload_files():
        full = path / rel
        if not full.is_file():
            raise BagRefused(f"{rel} is not a regular file")
    return bag, warnings


def import_bag(settings: Settings, path: Path, *, object_id: str | None = None,
               agent: str = "hemicycle", catalogue: Catalogue | None = None) -> BagImport:
    """Store a valid bag's payload: one object per top directory of a Hemicycle bag,
    or the whole payload as one object (``object_id``, or one made from the bag's name).

    ``catalogue`` is offered each object of a Hemicycle bag first: what it saves as a
    document (with its files) is not stored again here.
    """
    from hemicycle.storage import StorageError, store_files

    path = Path(path)
    bag, warnings = check_bag(path)
    files: dict[str, dict[str, Path]] = {}
    ours = bag.info.get(LAYOUT_TAG) == LAYOUT_OBJECTS and not object_id
    default_id = object_id or _object_id_for(path, bag)
    if object_id and not OBJECT_ID_PATTERN.fullmatch(object_id):
        raise BagRefused(f"object id {object_id!r} is not allowed")
    for rel in sorted(bag.payload_files()):
        name = normalise_logical_path(rel[len("data/"):])
        if ours:
            oid, _, logical = name.partition("/")
            if not logical or not OBJECT_ID_PATTERN.fullmatch(oid):
                raise BagRefused(f"{rel}: a Hemicycle bag holds data/<object id>/<file>")
        else:
            oid, logical = default_id, name
        files.setdefault(oid, {})[logical] = path / rel
    if not files:
        raise BagRefused("the bag has no payload files")
    result = BagImport(warnings=warnings)
    for oid, entries in files.items():
        uid = catalogue(oid, path / "hemicycle" / oid, entries) if ours and catalogue else None
        if uid is not None:
            result.documents[oid] = uid
            continue
        try:
            result.objects[oid] = store_files(settings, oid, entries, agent=agent,
                                              message=f"imported from the bag {path.name}")
        except StorageError as exc:
            raise BagRefused(f"object {oid}: {exc}") from None
    return result


def _object_id_for(path: Path, bag: bagit.Bag) -> str:
    for key in ("External-Identifier", "Bag-Group-Identifier"):
        value = bag.info.get(key)
        if isinstance(value, str) and OBJECT_ID_PATTERN.fullmatch(value):
            return value
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", unicodedata.normalize("NFC", path.name)).strip("-.")
    return ("bag-" + name)[:200] if name else "bag"
