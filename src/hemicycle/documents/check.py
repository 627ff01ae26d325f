"""Checking an input before anything is written: symbols, codes, languages, files.

Nothing here touches the catalogue or storage, so a batch can check every record first
and reject the bad ones alone, each with the field at fault.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from hemicycle.catalogue.queries import lookup_key
from hemicycle.characters import ControlCharacter, check_metadata, clean_text
from hemicycle.documents.inputs import (
    DISTRIBUTIONS,
    STATUSES,
    DocumentInput,
    FileInput,
    RecordError,
)
from hemicycle.languages import normalise_language
from hemicycle.symbols import parse_symbol


@dataclass(frozen=True)
class CheckedInput:
    """The input after validation: canonical symbols, keys, derived values, file facts."""

    primary: str
    symbols: list[tuple[str, str]]  # (canonical, key)
    body: str | None
    session: str | None
    year: int | None
    doc_type: str | None
    files: list[tuple[FileInput, int, str]]  # (file, size, sha512)
    related: list[tuple[str, str]]  # (canonical symbol, role)

    @property
    def keys(self) -> list[str]:
        return [key for _, key in self.symbols]


def file_digest(path: Path) -> tuple[int, str]:
    """(size, sha512) of the file at ``path``."""
    digest = hashlib.sha512()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _metadata_values(doc: DocumentInput, with_extra: bool = True) -> list[tuple[str, object]]:
    """(field, value) for every piece of text metadata of ``doc``: what a control
    character must not reach (``hemicycle.characters``); ``extra``'s strings too unless
    ``with_extra`` is false."""
    values: list[tuple[str, object]] = [("symbol", s) for s in doc.symbols]
    values += [("identifier", doc.identifier), ("doc_type", doc.doc_type),
               ("source", doc.source), ("body", doc.body), ("session", doc.session)]
    values += [(f"title ({lang})", v.title) for lang, v in doc.versions.items()]
    for a in doc.agenda_items:
        values += [("agenda symbol", a.agenda_symbol), ("agenda item", a.item_number),
                   ("agenda title", a.title), ("agenda subject", a.subject)]
    for s in doc.subjects:
        values += [("subject", s.concept), ("subject", s.label)]
    values += [("related", symbol) for symbol, _ in doc.related]
    if with_extra:
        values += [("extra", value) for value in _strings_in(doc.extra)]
    return values


def _strings_in(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings_in(k) + _strings_in(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings_in(v)]
    return []


# what JSON writes for the control characters it escapes (the others it leaves as they are)
_ESCAPED_CONTROLS = ("\\u00", "\\b", "\\f")


def _surely_clean(values: list[tuple[str, object]], extra: dict | None) -> bool:
    """Whether no value and no string of ``extra`` holds a control character, told
    fast: the values joined, ``extra`` as JSON text (which escapes some controls and
    keeps the rest). False when unsure (a backslash before b or f, say): then the values
    are looked at one by one."""
    try:
        check_metadata("\n".join(v for _, v in values if isinstance(v, str)))
        if extra:
            text = json.dumps(extra, ensure_ascii=False)
            check_metadata(text)
            return not any(escaped in text for escaped in _ESCAPED_CONTROLS)
    except (ControlCharacter, TypeError, ValueError):
        return False
    return True


def check_characters(doc: DocumentInput) -> None:
    """Refuse metadata with a control character (RecordError naming the field and the
    character); take them out of the full texts, in place (they come from files and OCR,
    where a form feed is a page break)."""
    if not _surely_clean(_metadata_values(doc, with_extra=False), doc.extra):
        for name, value in _metadata_values(doc):
            try:
                check_metadata(value if isinstance(value, str) else None)
            except ControlCharacter as exc:
                raise RecordError(name, str(exc)) from None
    for version in doc.versions.values():
        version.text = clean_text(version.text)


def check_input(doc: DocumentInput) -> CheckedInput:
    """Validate ``doc`` without touching the catalogue or storage (its full texts lose
    their control characters); raise RecordError naming the field."""
    check_characters(doc)
    if doc.status not in STATUSES:
        raise RecordError("status", f"{doc.status!r} is not one of {', '.join(STATUSES)}")
    if doc.distribution and doc.distribution not in DISTRIBUTIONS:
        raise RecordError(
            "distribution", f"{doc.distribution!r} is not one of {', '.join(DISTRIBUTIONS)}")
    symbols: list[tuple[str, str]] = []
    parsed = []
    for raw in doc.symbols:
        try:
            sym = parse_symbol(raw)
        except ValueError as exc:
            raise RecordError("symbol", f"{raw!r} is not a document symbol ({exc})") from None
        if sym.key not in {k for _, k in symbols}:
            symbols.append((sym.canonical, sym.key))
            parsed.append(sym)
    if not symbols:
        if not doc.identifier:
            raise RecordError("symbol", "a document needs a symbol (or a local identifier)")
        ident = doc.identifier.strip()
        symbols.append((ident, lookup_key(ident)))
    first = parsed[0] if parsed else None
    for lang in doc.versions:
        normalise_language(lang)  # raises UnknownLanguage (a ValueError) naming it
    files = []
    for f in doc.files:
        try:
            lang = normalise_language(f.language)
        except ValueError as exc:
            raise RecordError("language", str(exc)) from None
        path = Path(f.path)
        if not path.is_file():
            raise RecordError("file", f"{path} does not exist or is not a file")
        size, digest = f.digest or file_digest(path)
        if size == 0:
            raise RecordError("file", f"{f.filename or path.name} is empty (0 bytes)")
        files.append((FileInput(lang, f.format.lower(), path, f.filename or path.name,
                                f.media_type), size, digest))
    related = []
    for symbol, role in doc.related:
        try:
            related.append((parse_symbol(symbol).canonical, role))
        except ValueError as exc:
            raise RecordError("related", f"{symbol!r} is not a document symbol ({exc})") from None
    dated = doc.action_date or doc.publication_date
    return CheckedInput(
        primary=symbols[0][0],
        symbols=symbols,
        body=doc.body or (first.body if first else None),
        session=doc.session or (first.session if first else None),
        year=doc.year or next((p.year for p in parsed if p.year), None) or (
            dated.year if dated else None),
        doc_type=doc.doc_type or (first.doc_type if first else None),
        files=files,
        related=related,
    )
