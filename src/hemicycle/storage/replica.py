"""A second storage root kept in step, and repairs of the first from it.

``replicate`` copies every new version to the replica root, checking each byte
against the primary's inventory on the way so that damage is never copied.
``repair`` audits the primary and rebuilds each damaged object from its own intact
files plus verified copies from the replica, swapped in atomically like any write.
Nothing is ever deleted from the replica except by a purge.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from hemicycle.storage import durable
from hemicycle.storage.fixity import Problem, audit_object, hash_file
from hemicycle.storage.inventory import Inventory, InventoryError, read_inventory, sidecar_name
from hemicycle.storage.objects import ObjectError, OcflRoot
from hemicycle.storage.paths import object_id_from_ocfl


@dataclass
class ReplicationResult:
    copied: list[str] = field(default_factory=list)  # object ids brought up to date
    current: int = 0  # objects already in step
    refused: list[tuple[str, str]] = field(default_factory=list)  # (object id, reason)


@dataclass
class RepairResult:
    repaired: list[Problem] = field(default_factory=list)
    unrepaired: list[tuple[Problem, str]] = field(default_factory=list)  # (problem, why)
    restored_objects: list[str] = field(default_factory=list)


def _inventory_ok(folder: Path) -> Inventory | None:
    """The inventory in ``folder`` if it matches its sidecar, else None."""
    try:
        inv = read_inventory(folder / "inventory.json")
        side = (folder / sidecar_name(inv.algorithm)).read_text().split()
    except (OSError, InventoryError):
        return None
    body = (folder / "inventory.json").read_bytes()
    if not side or hashlib.new(inv.algorithm, body).hexdigest() != side[0].lower():
        return None
    return inv


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def replicate(primary: OcflRoot, replica: OcflRoot, progress=None) -> ReplicationResult:
    """Bring every object of ``replica`` up to the primary's head version."""
    result = ReplicationResult()
    objects = list(primary.object_dirs())
    for i, obj in enumerate(objects, 1):
        inv = _inventory_ok(obj)
        if inv is None:
            result.refused.append((obj.name, "primary inventory is damaged; run repair first"))
            continue
        object_id = object_id_from_ocfl(inv.id)
        target = replica.path / obj.relative_to(primary.path)
        if (target / "inventory.json").is_file() and _same_file(
                obj / "inventory.json", target / "inventory.json") and \
                _inventory_ok(target) is not None:
            result.current += 1
        else:
            try:
                replica.install(object_id, lambda staged, o=obj, t=target, v=inv:
                                _build_copy(o, t, staged, v, replica.sync))
                result.copied.append(object_id)
            except ObjectError as exc:
                result.refused.append((object_id, str(exc)))
        if progress:
            progress(i, len(objects))
    return result


def _build_copy(source: Path, existing: Path, staged: Path, inv: Inventory,
                sync: bool) -> None:
    """Make ``staged`` a copy of ``source``; files the replica already holds are linked."""
    expected = inv.digest_of_content_path()
    for dirpath, _dirs, files in os.walk(source):
        rel_dir = Path(dirpath).relative_to(source)
        (staged / rel_dir).mkdir(parents=True, exist_ok=True)
        for name in files:
            rel = (rel_dir / name).as_posix()
            src = source / rel
            have = existing / rel
            digest = expected.get(rel)
            if digest is not None and have.is_file() and (existing / rel.split("/")[0]).is_dir() \
                    and _verified(have, digest, inv.algorithm):
                durable.link_or_copy(have, staged / rel, sync=sync)
                continue
            durable.copy_file(src, staged / rel, sync=sync)
            if digest is not None and not _verified(staged / rel, digest, inv.algorithm):
                raise ObjectError(f"{rel} in the primary does not match its digest; not "
                                  "copying damage to the replica (run audit and repair)")


def _verified(path: Path, digest: str, algorithm: str) -> bool:
    try:
        return hash_file(path, algorithm)[0] == digest.lower()
    except OSError:
        return False


def repair(primary: OcflRoot, replica: OcflRoot, progress=None) -> RepairResult:
    """Find every damaged or missing file of the primary and restore it from the replica."""
    result = RepairResult()
    primary_dirs = {p.relative_to(primary.path).as_posix() for p in primary.object_dirs()}
    replica_dirs = [p.relative_to(replica.path).as_posix() for p in replica.object_dirs()]
    everything = sorted(primary_dirs | set(replica_dirs))
    for i, rel in enumerate(everything, 1):
        obj = primary.path / rel
        source = replica.path / rel
        if rel not in primary_dirs:
            inv = _inventory_ok(source)
            if inv is None:
                result.unrepaired.append((Problem(Path(rel).name, "", "missing",
                                                  "object is missing"), "replica copy damaged"))
                continue
            object_id = object_id_from_ocfl(inv.id)
            try:
                primary.install(object_id, lambda staged, s=source, v=inv:
                                _build_copy(s, Path("/nonexistent"), staged, v, primary.sync))
                result.restored_objects.append(object_id)
            except ObjectError as exc:
                result.unrepaired.append((Problem(object_id, "", "missing",
                                                  "object directory is missing"), str(exc)))
        else:
            problems, _files, _bytes = audit_object(obj)
            if problems:
                _repair_object(primary, obj, source, problems, result)
        if progress:
            progress(i, len(everything))
    return result


def _repair_object(primary: OcflRoot, obj: Path, source: Path, problems: list[Problem],
                   result: RepairResult) -> None:
    object_id = problems[0].object_id
    fixable = [p for p in problems if p.kind != "unexpected file"]
    for p in problems:
        if p.kind == "unexpected file":
            result.unrepaired.append((p, "a file outside the inventory is left for a person "
                                      "to look at"))
    if not fixable:
        return
    good = _inventory_ok(obj) or _inventory_ok(source)
    replica_inv = _inventory_ok(source)
    newest_here = max((int(p.name[1:]) for p in obj.iterdir()
                       if p.is_dir() and p.name[:1] == "v" and p.name[1:].isdigit()), default=0)
    if good is None or replica_inv is None or replica_inv.head != good.head \
            or newest_here > replica_inv.head_number:
        why = ("the replica has no intact copy of this object at the same version "
               "(replicate after each change)" if source.exists()
               else "the replica does not hold this object")
        result.unrepaired.extend((p, why) for p in fixable)
        return
    expected = good.digest_of_content_path()
    damaged = {p.path.removesuffix("." + good.algorithm) if p.path.endswith("inventory.json."
                                                                          + good.algorithm)
               else p.path for p in fixable}
    for p in list(damaged):
        if p.endswith("inventory.json"):
            damaged.add(p + "." + good.algorithm)

    def build(staged: Path) -> None:
        for dirpath, _dirs, files in os.walk(source):
            rel_dir = Path(dirpath).relative_to(source)
            (staged / rel_dir).mkdir(parents=True, exist_ok=True)
            for name in files:
                rel = (rel_dir / name).as_posix()
                mine = obj / rel
                if rel not in damaged and mine.is_file():
                    durable.link_or_copy(mine, staged / rel, sync=primary.sync)
                    continue
                durable.copy_file(source / rel, staged / rel, sync=primary.sync)
                digest = expected.get(rel)
                if digest is not None and not _verified(staged / rel, digest, good.algorithm):
                    raise ObjectError(f"the replica's copy of {rel} is damaged too")
        # the rebuilt object must be whole before it replaces the damaged one
        after, _f, _b = audit_object(staged)
        if after:
            raise ObjectError("the rebuilt object still fails its audit: "
                              + "; ".join(f"{a.path}: {a.kind}" for a in after[:5]))

    try:
        primary.install(object_id, build)
    except (ObjectError, OSError, ValueError) as exc:
        result.unrepaired.extend((p, str(exc)) for p in fixable)
        return
    result.repaired.extend(fixable)


def purge_everywhere(roots: list[OcflRoot], object_id: str) -> list[Path]:
    """Purge ``object_id`` from each root that holds it; the roots it was in."""
    done = []
    for root in roots:
        if root.exists() and root.purge(object_id):
            done.append(root.path)
    return done
