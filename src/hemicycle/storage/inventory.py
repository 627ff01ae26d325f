"""OCFL inventories: digests of content, the state of each version, reading and writing.

An inventory is plain JSON; these helpers keep its rules in one place: sha512
digests in lower-case hex, versions ``v1``, ``v2``... (never zero-padded), every
version block with a message and a user whose address is a URI, and a sidecar
holding the inventory's own digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

OBJECT_DECLARATION = "0=ocfl_object_1.1"
OBJECT_DECLARATION_TEXT = "ocfl_object_1.1\n"
INVENTORY_TYPE = "https://ocfl.io/1.1/spec/#inventory"
DIGEST = "sha512"
CONTENT_DIR = "content"
HASH_CHUNK = 4 * 1024 * 1024


class InventoryError(ValueError):
    """An inventory that cannot be read or does not hold together."""


def file_digest(path: Path, algorithm: str = DIGEST, chunk: int = HASH_CHUNK) -> str:
    """Hex digest of a file, read in large chunks into one reused buffer."""
    h = hashlib.new(algorithm)
    buf = bytearray(chunk)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as fh:
        while True:
            n = fh.readinto(buf)
            if not n:
                break
            h.update(view[:n])
    return h.hexdigest()


def version_name(number: int) -> str:
    return f"v{number}"


def version_number(name: str) -> int:
    return int(name[1:])


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def user_block(agent: str) -> dict[str, str]:
    return {"name": agent, "address": "urn:hemicycle:agent:" + quote(agent, safe="")}


@dataclass
class Inventory:
    """A parsed inventory with the lookups storage needs."""

    data: dict

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def head(self) -> str:
        return self.data["head"]

    @property
    def head_number(self) -> int:
        return version_number(self.head)

    @property
    def manifest(self) -> dict[str, list[str]]:
        return self.data["manifest"]

    @property
    def algorithm(self) -> str:
        return self.data.get("digestAlgorithm", DIGEST)

    @property
    def content_directory(self) -> str:
        return self.data.get("contentDirectory", CONTENT_DIR)

    def state(self, version: str | None = None) -> dict[str, str]:
        """logical path -> digest for ``version`` (the head by default)."""
        block = self.data["versions"][version or self.head]["state"]
        return {path: digest for digest, paths in block.items() for path in paths}

    def content_path_for(self, digest: str) -> str:
        return self.manifest[digest][0]

    def digest_of_content_path(self) -> dict[str, str]:
        return {p: d for d, paths in self.manifest.items() for p in paths}

    def versions_holding(self, logical: str) -> list[str]:
        """Versions (newest first) whose state has ``logical``."""
        names = sorted(self.data["versions"], key=version_number, reverse=True)
        return [v for v in names if logical in self.state(v)]

    def to_bytes(self) -> bytes:
        return (json.dumps(self.data, indent=2, ensure_ascii=False, sort_keys=True)
                + "\n").encode("utf-8")


def read_inventory(path: Path) -> Inventory:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:
        raise InventoryError(f"{path}: not a readable inventory ({exc})") from exc
    for key in ("id", "head", "manifest", "versions"):
        if key not in data:
            raise InventoryError(f"{path}: inventory has no {key!r}")
    return Inventory(data)


def new_inventory(identifier: str) -> Inventory:
    return Inventory({
        "id": identifier,
        "type": INVENTORY_TYPE,
        "digestAlgorithm": DIGEST,
        "head": "v0",
        "contentDirectory": CONTENT_DIR,
        "manifest": {},
        "versions": {},
    })


def add_version(inv: Inventory, state: dict[str, str], new_content: dict[str, str],
                message: str, agent: str, created: str | None = None) -> Inventory:
    """A copy of ``inv`` with one more version.

    ``state``: logical path -> digest of the new version; ``new_content``: digest ->
    content path (relative to the object root) for bytes not yet in the manifest.
    """
    data = json.loads(json.dumps(inv.data))
    number = inv.head_number + 1 if inv.data["versions"] else 1
    name = version_name(number)
    for digest, content_path in new_content.items():
        data["manifest"].setdefault(digest, []).append(content_path)
    block: dict[str, list[str]] = {}
    for logical, digest in sorted(state.items()):
        block.setdefault(digest, []).append(logical)
    data["versions"][name] = {
        "created": created or now_iso(),
        "message": message,
        "user": user_block(agent),
        "state": block,
    }
    data["head"] = name
    return Inventory(data)


def sidecar_name(algorithm: str = DIGEST) -> str:
    return f"inventory.json.{algorithm}"


def sidecar_bytes(inventory_bytes: bytes, algorithm: str = DIGEST) -> bytes:
    return f"{hashlib.new(algorithm, inventory_bytes).hexdigest()}  inventory.json\n".encode()


def read_sidecar_digest(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").split()
    if not text:
        raise InventoryError(f"{path}: empty sidecar")
    return text[0].lower()
