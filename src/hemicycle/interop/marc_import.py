"""Importing a MARC21 file into the catalogue, in batches, each record whole or not at all.

Each readable record is mapped (``marc.record_to_fields``) and saved through the document
service (``hemicycle.documents.save_batch``) a batch at a time; voting records and
speeches, told apart by 089 $b, go to the proceedings tables through
``hemicycle.proceedings.marc_import``. A broken or unmappable record is reported with its number,
position and reason, and the rest are kept. Each batch commits with a checkpoint, so an
interrupted import resumes after the last batch committed; saving the same record again
changes nothing, so running a finished import again reports every record unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from pymarc import Record
from sqlalchemy.orm import Session

from hemicycle.config import Settings
from hemicycle.documents import (
    AgendaInput,
    DocumentInput,
    SaveResult,
    SubjectInput,
    VersionInput,
    describe_input,
    save_batch,
)
from hemicycle.documents.checkpoints import Checkpoint
from hemicycle.documents.interrupts import stop_requests
from hemicycle.documents.read_ahead import read_ahead
from hemicycle.interop.marc import MappingError, record_to_fields
from hemicycle.marc21.files import MarcItem, read_marc
from hemicycle.proceedings import marc_import as proceedings
from hemicycle.review.tasks import record_saved
from hemicycle.symbols import is_symbol

BATCH = 1000  # records per transaction
AHEAD_BYTES = 1 << 20  # files larger than this are read in a second process


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
    resumed_after: int = 0  # records an interrupted run had loaded already
    interrupted: bool = False

    @property
    def read(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)

    def count(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


def _summary(problems: list[str]) -> str:
    head = "; ".join(problems[:3])
    return head + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")


def document_input(item: MarcItem) -> DocumentInput:
    """The ``DocumentInput`` for a readable record (MappingError when it cannot be one),
    described (``documents.describe_input``: what the record states is kept, what its
    symbol says fills the gaps, and findings say what cannot be right)."""
    data = record_to_fields(item.record)
    symbols = data["symbols"]
    parsed: list[str] = []
    identifier = None
    for symbol in symbols:
        if is_symbol(symbol):
            parsed.append(symbol)
        elif identifier is None and not parsed:
            identifier = symbol  # e.g. an LC control number in 001: a local identifier
    if not parsed and identifier is None:
        raise MappingError("no usable symbol in 191 $a")
    return describe_input(DocumentInput(
        symbols=parsed,
        identifier=identifier if not parsed else None,
        doc_type=data["doc_type"],
        distribution=data["distribution"],
        publication_date=data["publication_date"],
        date_precision=data["date_precision"],
        action_date=data["action_date"],
        status=data["status"],
        source="marc",
        versions={lang: VersionInput(title=title) for lang, title in data["titles"].items()},
        subjects=[SubjectInput(**s) for s in data["subjects"]],
        agenda_items=[AgendaInput(**a) for a in data["agenda_items"]],
        related=data["related"],
    ), "marc")


@dataclass(frozen=True)
class Prepared:
    """A record read and made ready for the writer: a document's input, a vote or speech
    record for ``proceedings``, or the reason it is rejected. Everything the writer needs
    of it, and nothing more, so that it travels cheaply from a reading process."""

    number: int
    where: str
    end: int  # the byte offset just after the record (where to resume)
    kind: str  # "documents", "votes", "speeches" or "rejected"
    data: DocumentInput | None = None
    record: Record | None = None
    reason: str = ""


def prepare(item: MarcItem) -> Prepared:
    """What the writer does with ``item``: its kind and input, or why it is rejected."""
    if not item.ok:
        return Prepared(item.number, item.where, item.end, "rejected",
                        reason=_summary(item.problems))
    try:
        kind = proceedings.record_kind(item.record)
        if kind == "documents":
            return Prepared(item.number, item.where, item.end, kind, data=document_input(item))
    except ValueError as exc:  # MappingError, SymbolError
        return Prepared(item.number, item.where, item.end, "rejected", reason=str(exc))
    return Prepared(item.number, item.where, item.end, kind, record=item.record)


def prepared_records(path: Path, after: int = 0, offset: int = 0) -> Iterator[Prepared]:
    """Every record of ``path`` after the first ``after`` (from byte ``offset``), prepared."""
    for item in read_marc(path, after, offset):
        yield prepare(item)


class _Import:
    """One run over a file: documents gathered into batches, everything else at once."""

    def __init__(self, settings: Settings, path: Path, replace: bool, batch: int):
        self.settings, self.path, self.replace, self.batch = settings, path, replace, batch
        self.checkpoint = Checkpoint.of("marc", path)
        self.start = self.checkpoint.load(settings) or {"number": 0, "offset": 0}
        self.report = ImportReport(path, resumed_after=self.start["number"])
        self.pending: list[Prepared] = []
        self.last: Prepared | None = None  # the last record read
        self.authorities_checked = False

    def run(self, progress: Callable[[int], None] | None, ahead: bool) -> ImportReport:
        args = (self.path, self.start["number"], self.start["offset"])
        records = read_ahead(prepared_records, *args) if ahead else prepared_records(*args)
        try:
            with stop_requests() as stop_asked, closing(records):
                for item in records:
                    self.take(item)
                    self.last = item
                    if progress:
                        progress(item.number)
                    if len(self.pending) >= self.batch:
                        self.save_pending()
                    if stop_asked():
                        raise KeyboardInterrupt
                self.save_pending()
        except KeyboardInterrupt:
            self.report.interrupted = True
        else:
            self.checkpoint.forget(self.settings)
        self.report.rejected.sort(key=lambda p: p.number)
        return self.report

    def take(self, item: Prepared) -> None:
        if item.kind == "rejected":
            self.reject(item, item.reason)
        elif item.kind == "documents":
            self.pending.append(item)
        else:
            self.save_pending()  # in file order: a vote may name a document just before it
            try:
                if not self.authorities_checked:
                    proceedings.ensure_authorities(self.settings)
                    self.authorities_checked = True
                save = (proceedings.save_voting_record if item.kind == "votes"
                        else proceedings.save_speech)
                self.report.count(save(self.settings, item.record, replace=self.replace))
            except ValueError as exc:  # MappingError, SymbolError
                self.reject(item, str(exc))

    def reject(self, item: Prepared, reason: str) -> None:
        self.report.rejected.append(RecordProblem(item.number, item.where, reason))

    def save_pending(self) -> None:
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        last = self.last

        def checkpoint(db: Session, done: int) -> None:
            upto = last if done == len(pending) else pending[done - 1]
            self.checkpoint.save(db, {"number": upto.number, "offset": upto.end})

        outcomes = save_batch(self.settings, [item.data for item in pending],
                              replace=self.replace, on_commit=checkpoint)
        for item, outcome in zip(pending, outcomes, strict=True):
            if isinstance(outcome, ValueError):  # RecordError, DocumentConflict
                self.reject(item, str(outcome))
            else:
                self.report.count("created" if outcome.created else
                                  "updated" if outcome.changed else "unchanged")
        record_saved(self.settings, [(o, item.data) for item, o in
                                     zip(pending, outcomes, strict=True)
                                     if isinstance(o, SaveResult)])


def import_marc(settings: Settings, path: Path, replace: bool = False,
                progress: Callable[[int], None] | None = None,
                batch: int = BATCH, ahead: bool | None = None) -> ImportReport:
    """Import every good record of ``path``; report the others. Never half-writes a record.
    Interrupted (Ctrl-C), it returns what it did, marked ``interrupted``; run again, it
    resumes after the last batch it committed. The search index is the caller's to
    bring up to date (``hemicycle.search.index.catch_up``).

    ``ahead``: read and prepare the records in a second process while this one writes
    (``documents.read_ahead``); by default for files of more than ``AHEAD_BYTES``, where
    it pays for starting the process."""
    path = Path(path)
    if ahead is None:
        ahead = path.stat().st_size > AHEAD_BYTES
    return _Import(settings, path, replace, batch).run(progress, ahead)
