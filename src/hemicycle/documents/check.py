"""Checking an input before anything is written: symbols, codes, languages, files.

Nothing here touches the catalogue or storage, so a batch can check every record first
and reject the bad ones alone, each with the field at fault.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from hemicycle.catalogue.queries import lookup_key
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


def check_input(doc: DocumentInput) -> CheckedInput:
    """Validate ``doc`` without touching anything; raise RecordError naming the field."""
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
        size, digest = file_digest(path)
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
