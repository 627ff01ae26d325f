"""Importing a MARC21 file into the catalogue, all or nothing per record.

Each readable record is mapped (``marc.record_to_fields``) and saved through
``hemicycle.ingest.records.save_document`` in its own transaction (voting records and
speeches, told apart by 089 $b, go to the proceedings tables through
``hemicycle.proceedings.marc_import``); a broken or
unmappable record is reported with its number, position and reason and the rest
are kept. Saving the same record again changes nothing, so an interrupted import
is resumed by running it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hemicycle.config import Settings
from hemicycle.interop.marc import MappingError, record_to_fields
from hemicycle.marc21.files import MarcItem, read_marc


@dataclass(frozen=True)
class RecordProblem:
    number: int
    where: str
    reason: str

    def __str__(self) -> str:
        return f"record {self.number} ({self.where}): {self.reason}"


@dataclass
class ImportReport:
    path: Path
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RecordProblem] = field(default_factory=list)

    @property
    def read(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)


def _summary(problems: list[str]) -> str:
    head = "; ".join(problems[:3])
    return head + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")


def document_input(item: MarcItem):
    """The ``DocumentInput`` for a readable record (MappingError when it cannot be one)."""
    from hemicycle.ingest.records import AgendaInput, DocumentInput, SubjectInput, VersionInput

    data = record_to_fields(item.record)
    symbols = data["symbols"]
    parsed: list[str] = []
    identifier = None
    for symbol in symbols:
        if _is_symbol(symbol):
            parsed.append(symbol)
        elif identifier is None and not parsed:
            identifier = symbol  # e.g. an LC control number in 001: a local identifier
    if not parsed and identifier is None:
        raise MappingError("no usable symbol in 191 $a")
    return DocumentInput(
        symbols=parsed,
        identifier=identifier if not parsed else None,
        doc_type=data["doc_type"],
        distribution=data["distribution"],
        publication_date=data["publication_date"],
        action_date=data["action_date"],
        status=data["status"],
        source="marc",
        versions={lang: VersionInput(title=title) for lang, title in data["titles"].items()},
        subjects=[SubjectInput(**s) for s in data["subjects"]],
        agenda_items=[AgendaInput(**a) for a in data["agenda_items"]],
        related=data["related"],
    )


def _record_kind(item: MarcItem) -> str:
    """Documents, or (089 $b) voting records and speeches when proceedings is installed."""
    try:
        from hemicycle.proceedings.marc_import import record_kind
    except ImportError:
        return "documents"
    return record_kind(item.record)


def _is_symbol(text: str) -> bool:
    from hemicycle.symbols import parse_symbol

    try:
        parse_symbol(text)
    except ValueError:
        return False
    return True


def import_marc(settings: Settings, path: Path, replace: bool = False,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    """Import every good record of ``path``; report the others. Never half-writes a record."""
    from hemicycle.ingest.records import save_document

    report = ImportReport(Path(path))
    authorities_checked = False
    for item in read_marc(Path(path)):
        if progress:
            progress(item.number)
        if not item.ok:
            report.rejected.append(RecordProblem(item.number, item.where,
                                                 _summary(item.problems)))
            continue
        try:
            kind = _record_kind(item)
            if kind == "documents":
                result = save_document(settings, document_input(item), replace=replace,
                                       index=False)
                outcome = ("created" if result.created else
                           "updated" if result.changed else "unchanged")
            else:
                from hemicycle.proceedings import marc_import as proceedings

                if not authorities_checked:
                    proceedings.ensure_authorities(settings)
                    authorities_checked = True
                save = (proceedings.save_voting_record if kind == "votes"
                        else proceedings.save_speech)
                outcome = save(settings, item.record, replace=replace)
        except ValueError as exc:  # MappingError, RecordError, DocumentConflict, SymbolError
            report.rejected.append(RecordProblem(item.number, item.where, str(exc)))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    _index(settings)
    return report


def _index(settings: Settings) -> None:
    """Bring the search index up to date, when the search package is installed."""
    try:
        import hemicycle.search.index  # noqa: F401
        from hemicycle.ingest.records import index_pending
    except ImportError:
        return
    index_pending(settings)
