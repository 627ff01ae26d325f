"""What may be called what: object ids and logical paths, checked before any byte moves.

Logical paths come from filenames, bag manifests and users; they are refused when
they could escape the object (``..``, absolute paths), hide (control characters), or
collide with another name after Unicode normalisation (NFC is what we store).
"""

from __future__ import annotations

import re
import unicodedata

OBJECT_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,199}")
OCFL_ID_PREFIX = "urn:hemicycle:"
MAX_LOGICAL_PATH = 1024
MAX_SEGMENT_BYTES = 255


class PathRefused(ValueError):
    """A logical path or object id that storage will not accept, with the reason."""


def check_object_id(object_id: str) -> str:
    if not isinstance(object_id, str) or not OBJECT_ID_PATTERN.fullmatch(object_id):
        raise PathRefused(
            f"object id {object_id!r} is not allowed: use 1-200 characters from "
            "A-Z a-z 0-9 . _ : - starting with a letter or digit")
    return object_id


def ocfl_id(object_id: str) -> str:
    """The OCFL object id (a URI, as OCFL asks) for a Hemicycle object id."""
    return OCFL_ID_PREFIX + check_object_id(object_id)


def object_id_from_ocfl(identifier: str) -> str:
    if identifier.startswith(OCFL_ID_PREFIX):
        return identifier[len(OCFL_ID_PREFIX):]
    return identifier


def normalise_logical_path(logical: str) -> str:
    """The NFC form of a safe relative logical path, or PathRefused saying why."""
    if not isinstance(logical, str) or not logical:
        raise PathRefused("empty logical path")
    if "\\" in logical:
        raise PathRefused(f"logical path {logical!r} contains a backslash")
    if logical.startswith("/") or re.match(r"[A-Za-z]:", logical):
        raise PathRefused(f"logical path {logical!r} is absolute")
    if len(logical) > MAX_LOGICAL_PATH:
        raise PathRefused(f"logical path {logical[:60]!r}... is longer than {MAX_LOGICAL_PATH}")
    for ch in logical:
        if unicodedata.category(ch) in ("Cc", "Cs", "Cn") or ch in "\u2028\u2029":
            raise PathRefused(f"logical path {logical!r} contains the control or unassigned "
                              f"character U+{ord(ch):04X}")
    nfc = unicodedata.normalize("NFC", logical)
    for part in nfc.split("/"):
        if part in ("", ".", ".."):
            raise PathRefused(f"logical path {logical!r} has an empty, '.' or '..' segment")
        if part != part.strip():
            raise PathRefused(f"logical path {logical!r} has a segment with leading or "
                              "trailing spaces")
        if len(part.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise PathRefused(f"logical path {logical!r} has a segment longer than "
                              f"{MAX_SEGMENT_BYTES} bytes")
    return nfc


def check_no_collisions(paths: list[str]) -> None:
    """Refuse names that differ only by case folding or would shadow a directory."""
    folded: dict[str, str] = {}
    as_dirs = set()
    for p in paths:
        key = unicodedata.normalize("NFC", p).casefold()
        if key in folded and folded[key] != p:
            raise PathRefused(f"logical paths {folded[key]!r} and {p!r} differ only in case "
                              "or Unicode normalisation")
        folded[key] = p
        parts = p.split("/")
        for i in range(1, len(parts)):
            as_dirs.add("/".join(parts[:i]))
    for p in paths:
        if p in as_dirs:
            raise PathRefused(f"logical path {p!r} is both a file and a directory")
