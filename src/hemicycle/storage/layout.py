"""The storage root's layout: OCFL community extension 0003 (hashed n-tuple + id).

An object's directory is three 3-character tuples of the sha256 of its OCFL id and
then the id itself, percent-encoded: spread evenly, and still readable by a person
with only ``ls``. 0003 is the registered layout that ocfl-py also reads, so an
outside validator can walk our roots.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

NAME = "0003-hash-and-id-n-tuple-storage-layout"
DESCRIPTION = ("Extension 0003: Hashed Truncated N-tuple Trees with Object ID Encapsulating "
               "Directory for OCFL Storage Hierarchies")
CONFIG = {"extensionName": NAME, "digestAlgorithm": "sha256", "tupleSize": 3,
          "numberOfTuples": 3}
ROOT_DECLARATION = "0=ocfl_1.1"
ROOT_DECLARATION_TEXT = "ocfl_1.1\n"
SPEC_URL = "https://ocfl.io/1.1/spec/"


_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def _encapsulation(identifier: str, digest: str) -> str:
    encoded = "".join(ch if ch in _PLAIN else "".join(f"%{b:02x}" for b in ch.encode("utf-8"))
                      for ch in identifier)
    return f"{encoded[:100]}-{digest}" if len(encoded) > 100 else encoded


@lru_cache(maxsize=4096)  # asked several times for each object a batch writes
def object_path(identifier: str) -> str:
    """Relative path of the object with OCFL id ``identifier`` under the storage root."""
    digest = hashlib.sha256(identifier.encode("utf-8")).hexdigest()
    tuples = [digest[i * 3:(i + 1) * 3] for i in range(3)]
    return "/".join([*tuples, _encapsulation(identifier, digest)])


def layout_file() -> bytes:
    return json.dumps({"extension": NAME, "description": DESCRIPTION}, indent=2).encode()


def config_file() -> bytes:
    return json.dumps(CONFIG, indent=2).encode()
