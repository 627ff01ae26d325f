"""Reading an ingest manifest (CSV or JSON lines) into documents.

A manifest row is one language version of one document: ``symbol``, ``language``,
``file`` and optional metadata columns. Rows of the same symbol make one document.
A bad row is reported with file, line, field and reason; the others go on.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hemicycle.catalogue.queries import lookup_key
from hemicycle.describe.precision import parse_edtf
from hemicycle.documents import (
    TEXT_SOURCES,
    AgendaInput,
    DocumentInput,
    FileInput,
    RecordError,
    SubjectInput,
    VersionInput,
)
from hemicycle.documents.check import check_characters
from hemicycle.ingest.csv_rows import ERROR, HeaderError, csv_rows
from hemicycle.ingest.text import TextError, read_document_file
from hemicycle.languages import UnknownLanguage, normalise_language
from hemicycle.symbols import SymbolError, parse_symbol, symbol_key

MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl", "manifest.json")
REQUIRED_COLUMNS = (("symbol", "identifier"), ("language",))
LIST_SEPARATOR = ";"
KNOWN_FIELDS = {
    "symbol", "language", "file", "title", "text", "doc_type", "date", "action_date",
    "distribution", "subjects", "agenda_symbol", "agenda_item", "agenda_title",
    "agenda_subject", "related", "identifier", "body", "session", "year", "source", "extra",
    "text_source",
}


@dataclass(frozen=True)
class RowError:
    manifest: Path
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.manifest}:{self.line}: {self.field}: {self.reason}"


@dataclass
class PlannedDocument:
    """All rows of one document, gathered before it is saved."""

    key: str
    first_line: int
    lines: list[int] = field(default_factory=list)
    data: DocumentInput | None = None


class ManifestError(ValueError):
    """The manifest as a whole cannot be read."""


def find_manifest(path: Path) -> Path:
    if path.is_file():
        return path
    for name in MANIFEST_NAMES:
        if (path / name).is_file():
            return path / name
    raise ManifestError(f"{path}: no manifest found (expected one of {', '.join(MANIFEST_NAMES)})")


def read_rows(manifest: Path) -> Iterator[tuple[int, dict]]:
    """(line number, row) pairs; CSV with a header row, or one JSON object per line."""
    suffix = manifest.suffix.lower()
    try:
        if suffix == ".csv":
            try:
                yield from csv_rows(manifest, REQUIRED_COLUMNS)
            except HeaderError as exc:
                raise ManifestError(f"{manifest}:1: header: {exc}") from None
        elif suffix in (".jsonl", ".json"):
            with manifest.open(encoding="utf-8") as fh:
                for number, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield number, {ERROR: f"not JSON ({exc.msg} at column {exc.colno})"}
                        continue
                    if not isinstance(row, dict):
                        yield number, {ERROR: "a line must be a JSON object"}
                        continue
                    yield number, row
        else:
            raise ManifestError(f"{manifest}: manifests are .csv or .jsonl, not {suffix}")
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{manifest}: not UTF-8 (byte {exc.start})") from None


def _as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value).split(LIST_SEPARATOR) if v.strip()]


def _as_date(value, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise RowProblem(name, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _as_dated(value, name: str) -> tuple[dt.date | None, str | None]:
    """A date as precise as the manifest states it: "2015-05-11", "2015-05" or "2015"
    (EDTF), with its precision; a day that does not exist is refused."""
    if not value:
        return None, None
    text = str(value)
    try:
        return parse_edtf(text[:10] if len(text) > 10 else text)
    except ValueError as exc:
        raise RowProblem(name, str(exc)) from None


class RowProblem(ValueError):
    def __init__(self, field_name: str, reason: str):
        super().__init__(reason)
        self.field = field_name
        self.reason = reason


def _row_to_input(row: dict, base: Path) -> tuple[str, DocumentInput]:
    if ERROR in row:
        raise RowProblem("row", row[ERROR])
    unknown = set(row) - KNOWN_FIELDS
    if unknown:
        raise RowProblem(sorted(unknown)[0], "unknown column")
    symbols = _as_list(row.get("symbol"))
    identifier = str(row.get("identifier") or "").strip() or None
    if not symbols and not identifier:
        raise RowProblem("symbol", "missing")
    keys = []
    for s in symbols:
        try:
            keys.append(parse_symbol(s).key)
        except SymbolError as exc:
            raise RowProblem("symbol", f"{s!r} is not a document symbol ({exc})") from None
    if not str(row.get("language") or "").strip():
        raise RowProblem("language", "missing")
    try:
        lang = normalise_language(str(row.get("language") or ""))
    except UnknownLanguage as exc:
        raise RowProblem("language", str(exc)) from None
    title = (str(row.get("title") or "").strip()) or None
    text = row.get("text") or None
    files: list[FileInput] = []
    text_source = "manual" if text else None
    if row.get("file"):
        rel = Path(str(row["file"]))
        if rel.is_absolute() or ".." in rel.parts:
            raise RowProblem("file", f"{rel} must be a relative path inside the manifest's folder")
        path = base / rel
        _refuse_links(base, rel)
        if not path.is_file():
            raise RowProblem("file", f"{rel} does not exist")
        if path.stat().st_size == 0:
            raise RowProblem("file", f"{rel} is empty (0 bytes)")
        try:
            extracted, fmt, digest = read_document_file(path)
        except TextError as exc:
            raise RowProblem("file", str(exc)) from None
        if text is None and extracted.strip():
            text, text_source = extracted, "born-digital"
        files.append(FileInput(lang, fmt, path, filename=path.name, digest=digest))
    if row.get("text_source"):
        stated = str(row["text_source"]).strip()
        if stated not in TEXT_SOURCES:
            raise RowProblem("text_source", f"{stated!r} is not one of "
                                            f"{', '.join(TEXT_SOURCES)}")
        if text is None:
            raise RowProblem("text_source", "given, but the row has no text")
        text_source = stated
    try:
        year = int(row["year"]) if row.get("year") not in (None, "") else None
    except ValueError:
        raise RowProblem("year", f"{row['year']!r} is not a year") from None
    agenda = []
    if row.get("agenda_symbol") or row.get("agenda_item") or row.get("agenda_title"):
        agenda.append(AgendaInput(row.get("agenda_symbol") or None, row.get("agenda_item") or None,
                                  row.get("agenda_title") or None,
                                  row.get("agenda_subject") or None))
    related = []
    for item in _as_list(row.get("related")):
        role, _, symbol = item.rpartition(":") if ":" in item else ("related", "", item)
        try:
            parse_symbol(symbol)
        except SymbolError as exc:
            raise RowProblem("related", f"{symbol!r} is not a document symbol ({exc})") from None
        related.append((symbol, role or "related"))
    extra = row.get("extra") or {}
    if isinstance(extra, str):
        try:
            extra = json.loads(extra)
        except json.JSONDecodeError:
            raise RowProblem("extra", "must be a JSON object") from None
    if not isinstance(extra, dict):
        raise RowProblem("extra", "must be a JSON object")
    distribution = (str(row.get("distribution") or "").upper() or None)
    if distribution and distribution not in ("GEN", "LTD", "RES"):
        raise RowProblem("distribution", f"{distribution!r} is not GEN, LTD or RES")
    dated = _as_dated(row.get("date"), "date")
    data = DocumentInput(
        symbols=symbols,
        identifier=identifier,
        doc_type=row.get("doc_type") or None,
        distribution=distribution,
        publication_date=dated[0], date_precision=dated[1],
        action_date=_as_date(row.get("action_date"), "action_date"),
        source=row.get("source") or None,
        extra=extra,
        versions={lang: VersionInput(title=title, text=text, text_source=text_source)},
        files=files,
        subjects=[SubjectInput(concept=s, label=s) for s in _as_list(row.get("subjects"))],
        agenda_items=agenda,
        related=related,
        body=row.get("body") or None,
        session=str(row["session"]) if row.get("session") not in (None, "") else None,
        year=year,
    )
    try:
        check_characters(data)  # here too, to name this row rather than its document's first
    except RecordError as exc:
        raise RowProblem(exc.field, exc.reason) from None
    key = keys[0] if keys else lookup_key(identifier)
    return key, data


def _refuse_links(base: Path, rel: Path) -> None:
    """A symbolic link anywhere on the way from the manifest's folder to the file is
    refused: it could reach any file the loader may read."""
    here = base
    for part in rel.parts:
        here = here / part
        if here.is_symlink():
            shown = here.relative_to(base)
            raise RowProblem("file", f"{shown} is a symbolic link; give the file itself")


_SCALARS = ("doc_type", "distribution", "publication_date", "date_precision", "action_date",
            "source", "body",
            "session", "year", "identifier")


def _merge_rows(into: DocumentInput, row: DocumentInput) -> None:
    """Add one more row (another language) to a document; disagreeing metadata is an error."""
    for name in _SCALARS:
        a, b = getattr(into, name), getattr(row, name)
        if b is None:
            continue
        if a is None:
            setattr(into, name, b)
        elif a != b:
            raise RowProblem(name, f"{b!r} disagrees with {a!r} on an earlier row of this document")
    for lang in row.versions:
        if lang in into.versions:
            raise RowProblem("language", f"{lang} given twice for this document")
    for s in row.symbols:
        if symbol_key(s) not in {symbol_key(x) for x in into.symbols}:
            into.symbols.append(s)
    into.versions.update(row.versions)
    into.files.extend(row.files)
    into.extra.update(row.extra)
    into.subjects.extend(s for s in row.subjects
                         if s.concept not in {x.concept for x in into.subjects})
    into.agenda_items.extend(a for a in row.agenda_items if a not in into.agenda_items)
    into.related.extend(r for r in row.related if r not in into.related)


def plan_documents(manifest: Path) -> tuple[list[PlannedDocument], list[RowError]]:
    """Group valid rows into documents; collect the bad rows."""
    base = manifest.parent
    planned: dict[str, PlannedDocument] = {}
    errors: list[RowError] = []
    broken: set[str] = set()
    for line, row in read_rows(manifest):
        try:
            key, data = _row_to_input(row, base)
        except RowProblem as exc:
            errors.append(RowError(manifest, line, exc.field, exc.reason))
            continue
        if key in broken:
            errors.append(RowError(manifest, line, "symbol",
                                   "an earlier row of this document was bad"))
            continue
        doc = planned.get(key)
        if doc is None:
            planned[key] = PlannedDocument(key=key, first_line=line, lines=[line], data=data)
            continue
        try:
            _merge_rows(doc.data, data)
            doc.lines.append(line)
        except RowProblem as exc:
            errors.append(RowError(manifest, line, exc.field, exc.reason))
            broken.add(key)
            del planned[key]
    return list(planned.values()), errors


HINT_FIELDS = ("language", "date", "doc_type", "title", "source")


def scan_hints(manifest: Path) -> tuple[dict[str, dict], list[RowError]]:
    """What a manifest beside scans states about each (resolved file path -> symbols,
    language, date, doc_type, title, source), for ``hemicycle digitise``: the scans are
    read by OCR, and these values count as stated by the manifest. Bad rows are
    reported as for an ingest."""
    hints: dict[str, dict] = {}
    errors: list[RowError] = []
    for line, row in read_rows(manifest):
        try:
            if "__error__" in row:
                raise RowProblem("row", row["__error__"])
            rel = Path(str(row.get("file") or ""))
            if not row.get("file") or rel.is_absolute() or ".." in rel.parts:
                raise RowProblem("file", "a relative path inside the manifest's folder is "
                                         "needed")
            hint: dict = {"symbols": _as_list(row.get("symbol"))}
            for s in hint["symbols"]:
                try:
                    parse_symbol(s)
                except SymbolError as exc:
                    raise RowProblem("symbol", f"{s!r} is not a document symbol "
                                               f"({exc})") from None
            if row.get("language"):
                try:
                    hint["language"] = normalise_language(str(row["language"]))
                except UnknownLanguage as exc:
                    raise RowProblem("language", str(exc)) from None
            date = _as_date(row.get("date"), "date")
            if date:
                hint["date"] = date.isoformat()
            for name in ("doc_type", "title", "source"):
                if row.get(name):
                    hint[name] = str(row[name]).strip()
        except RowProblem as exc:
            errors.append(RowError(manifest, line, exc.field, exc.reason))
            continue
        hints[str((manifest.parent / rel).resolve())] = hint
    return hints, errors
