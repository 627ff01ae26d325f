"""Markdown files with YAML front matter: how guides and answers live as plain files.

``read_file`` and ``write_text`` are each other's inverse: a file written here reads back
to the same fields and body, and writing those again gives the same bytes (the round-trip
test holds them to it). Errors carry the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from hemicycle.knowledge.findings import Finding

FENCE = "---"


@dataclass
class MarkdownFile:
    path: Path
    meta: dict
    body: str
    body_line: int  # the file line the body starts on (1-based)

    def where(self, line: int | None = None) -> str:
        return f"{self.path}:{line}" if line else str(self.path)


class FrontMatterError(ValueError):
    def __init__(self, finding: Finding):
        super().__init__(str(finding))
        self.finding = finding


def parse_text(text: str, path: Path) -> MarkdownFile:
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise FrontMatterError(Finding("front-matter", "the file must start with a line "
                                       "'---', then the fields, then '---'", f"{path}:1"))
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FENCE)
    except StopIteration:
        raise FrontMatterError(Finding("front-matter", "the front matter is not closed by "
                                       "a line '---'", f"{path}:1")) from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        raise FrontMatterError(Finding("front-matter", getattr(exc, "problem", None)
                                       or "not readable as YAML", f"{path}:{line}")) from None
    if not isinstance(meta, dict):
        raise FrontMatterError(Finding("front-matter", "the front matter must be 'field: "
                                       "value' lines", f"{path}:2"))
    start = end + 1
    if start < len(lines) and not lines[start].strip():
        start += 1  # the blank line after the front matter
    body = "\n".join(lines[start:]).rstrip()
    return MarkdownFile(path, {str(k): v for k, v in meta.items()},
                        body + "\n" if body else "", start + 1)


def read_file(path: Path) -> MarkdownFile:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FrontMatterError(Finding("front-matter", f"not UTF-8 text ({exc.reason} at "
                                       f"byte {exc.start})", str(path))) from None
    return parse_text(text, path)


def write_text(meta: dict, body: str) -> str:
    """The file's text: fields in the order given, then a blank line and the body."""
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    body = body.rstrip("\n")
    return f"{FENCE}\n{head}{FENCE}\n\n{body}\n" if body else f"{FENCE}\n{head}{FENCE}\n"


def text_field(meta: dict, name: str, where: str, *, required: bool = True,
               limit: int = 1000) -> tuple[str | None, Finding | None]:
    value = meta.get(name)
    if value is None or value == "":
        if required:
            return None, Finding("field", f"{name}: missing", where)
        return None, None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, Finding("field", f"{name}: expected a text", where)
    text = str(value).strip()
    if len(text) > limit:
        return None, Finding("field", f"{name}: at most {limit} characters", where)
    return text, None
