"""Validating OCFL storage roots and objects, reported as OCFL codes (E0xx, W0xx).

Objects are checked by ocfl-py's validator (the reference implementation's rules,
with its messages), and then by a few checks of our own for rules it reports under
another code or not at all (gaps in version directories, stray files in a version
directory, contentDirectory changing between versions, a version inventory with the
wrong head, invalid fixity content paths). The storage root's hierarchy is walked
here, so that any registered layout is accepted.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT_DECLARATION = re.compile(r"0=ocfl_(1\.\d)$")
OBJECT_DECLARATION = re.compile(r"0=ocfl_object_")
VERSION_DIR = re.compile(r"v\d+$")
REGISTERED_ROOT_EXTENSIONS = {
    "0002-flat-direct-storage-layout", "0003-hash-and-id-n-tuple-storage-layout",
    "0004-hashed-n-tuple-storage-layout", "0006-flat-omit-prefix-storage-layout",
    "0007-n-tuple-omit-prefix-storage-layout", "0010-differential-n-tuple-storage-layout",
}


@dataclass(frozen=True)
class Finding:
    code: str  # E001, W004 ... (the spec's code, without ocfl-py's sub-letter)
    severity: str  # error | warning
    message: str
    where: str = ""  # object path relative to the validated path, "" for the path itself


@dataclass
class ValidationReport:
    path: str
    kind: str  # root | object
    findings: list[Finding] = field(default_factory=list)
    objects: int = 0
    valid_objects: int = 0

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    @property
    def error_codes(self) -> set[str]:
        return {f.code for f in self.findings if f.severity == "error"}

    @property
    def warning_codes(self) -> set[str]:
        return {f.code for f in self.findings if f.severity == "warning"}

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "kind": self.kind,
            "valid": self.valid,
            "objects": self.objects,
            "valid_objects": self.valid_objects,
            "errors": [asdict(f) for f in self.findings if f.severity == "error"],
            "warnings": [asdict(f) for f in self.findings if f.severity == "warning"],
        }


def _spec_code(code: str) -> str:
    return code[:4]


def is_storage_root(path: Path) -> bool:
    return path.is_dir() and any(ROOT_DECLARATION.match(p.name) for p in path.iterdir())


def validate_path(path: Path, *, check_digests: bool = True) -> ValidationReport:
    """Validate ``path`` as a storage root if it declares one, otherwise as an object."""
    path = Path(path)
    if not path.exists():
        report = ValidationReport(str(path), "object")
        report.findings.append(Finding("E003", "error", f"{path} does not exist"))
        return report
    if is_storage_root(path):
        return validate_root(path, check_digests=check_digests)
    report = ValidationReport(str(path), "object", objects=1)
    report.findings.extend(validate_object(path, check_digests=check_digests))
    report.valid_objects = int(report.valid)
    return report


def validate_object(path: Path, *, check_digests: bool = True, where: str = "") -> list[Finding]:
    from ocfl.validator import Validator

    validator = Validator(log_warnings=True, check_digests=check_digests)
    logging.getLogger().disabled, was = True, logging.getLogger().disabled
    try:
        validator.validate_object(str(path))
    except Exception as exc:  # ocfl-py gives up on some broken objects: still an error
        findings = [Finding("E001", "error", f"object could not be read: {exc}", where)]
    else:
        findings = []
    finally:
        logging.getLogger().disabled = was
    for code, message in sorted(validator.log.codes.items()):
        severity = "error" if code.startswith("E") else "warning"
        findings.append(Finding(_spec_code(code), severity, message, where))
    findings.extend(_our_object_checks(path, where))
    return findings


def _load(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _our_object_checks(path: Path, where: str) -> list[Finding]:
    """Rules ocfl-py reports under a different code, or not at all."""
    out: list[Finding] = []
    root_inv = _load(path / "inventory.json")
    if root_inv is None:
        return out
    try:
        entries = sorted(os.listdir(path))
    except OSError:
        return out
    numbers = sorted(int(e[1:]) for e in entries
                     if VERSION_DIR.match(e) and (path / e).is_dir())
    if numbers and numbers != list(range(1, numbers[-1] + 1)):
        out.append(Finding("E010", "error", f"version directories {[f'v{n}' for n in numbers]}"
                           " are not a continuous sequence from v1", where))
    content_dir = root_inv.get("contentDirectory", "content")
    for entry in entries:
        vdir = path / entry
        if not (VERSION_DIR.match(entry) and vdir.is_dir()):
            continue
        for name in sorted(os.listdir(vdir)):
            if (vdir / name).is_file() and not name.startswith("inventory.json"):
                out.append(Finding("E015", "error", f"version directory {entry} holds the file "
                                   f"{name!r}; content must be inside {content_dir!r}", where))
        inv = _load(vdir / "inventory.json")
        if inv is None:
            continue
        if inv.get("contentDirectory", "content") != content_dir:
            out.append(Finding("E019", "error", f"{entry}/inventory.json sets contentDirectory "
                               f"{inv.get('contentDirectory', 'content')!r} but the object uses "
                               f"{content_dir!r}; it must not change between versions", where))
        if isinstance(inv.get("head"), str) and inv["head"] != entry:
            out.append(Finding("E040", "error", f"{entry}/inventory.json has head "
                               f"{inv['head']!r}; it must be {entry!r}", where))
    fixity = root_inv.get("fixity")
    if isinstance(fixity, dict):
        for algorithm, block in fixity.items():
            if not isinstance(block, dict):
                continue
            for paths in block.values():
                for p in paths if isinstance(paths, list) else []:
                    if not isinstance(p, str):
                        continue
                    if p.startswith("/") or p.endswith("/"):
                        out.append(Finding("E100", "error", f"fixity ({algorithm}) content path "
                                           f"{p!r} begins or ends with '/'", where))
                    elif any(s in ("", ".", "..") for s in p.split("/")):
                        out.append(Finding("E099", "error", f"fixity ({algorithm}) content path "
                                           f"{p!r} has an empty, '.' or '..' element", where))
    return out


def validate_root(path: Path, *, check_digests: bool = True) -> ValidationReport:
    report = ValidationReport(str(path), "root")
    add = report.findings.append
    declarations = [p.name for p in path.iterdir() if p.name.startswith("0=")]
    if len(declarations) != 1 or not ROOT_DECLARATION.match(declarations[0]):
        add(Finding("E069", "error", f"storage root must have exactly one 0=ocfl_1.x "
                    f"declaration (found {declarations})"))
        return report
    version = ROOT_DECLARATION.match(declarations[0]).group(1)
    text = (path / declarations[0]).read_text(errors="replace")
    if text != f"ocfl_{version}\n":
        add(Finding("E080", "error", f"root declaration {declarations[0]} has the wrong "
                    f"contents {text!r}"))
    layout_file = path / "ocfl_layout.json"
    if layout_file.exists():
        layout = _load(layout_file)
        if not layout or not isinstance(layout.get("extension"), str) \
                or not isinstance(layout.get("description"), str):
            add(Finding("E070", "error", "ocfl_layout.json must be a JSON object with "
                        "'extension' and 'description' strings"))
    extensions = path / "extensions"
    if extensions.is_dir():
        for entry in sorted(extensions.iterdir()):
            if not entry.is_dir():
                add(Finding("E086", "error", f"extensions/{entry.name} is a file; only "
                            "extension directories may be there"))
            elif entry.name not in REGISTERED_ROOT_EXTENSIONS:
                add(Finding("W901", "warning", f"unregistered extension {entry.name}"))
    for dirpath, dirs, files in os.walk(path):
        here = Path(dirpath)
        rel = here.relative_to(path).as_posix()
        if here == path:
            dirs[:] = sorted(d for d in dirs if d != "extensions")
            continue
        dirs.sort()
        if any(OBJECT_DECLARATION.match(f) for f in files):
            dirs[:] = []
            report.objects += 1
            findings = validate_object(here, check_digests=check_digests, where=rel)
            report.findings.extend(findings)
            if not any(f.severity == "error" for f in findings):
                report.valid_objects += 1
        elif files:
            add(Finding("E072", "error", f"{rel} holds files {sorted(files)[:5]} but is not an "
                        "OCFL object (no 0=ocfl_object declaration)", rel))
            dirs[:] = []
        elif not dirs:
            add(Finding("E073", "error", f"{rel} is an empty directory in the storage "
                        "hierarchy", rel))
    return report
