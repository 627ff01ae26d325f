"""Running an ingest: the manifest's documents saved in batches, bad rows reported.

Each document is described first (``documents.describe_input``: dates, type, titles
read from its symbol and text), then saved whole or not at all, and a bad one is
rejected alone with the manifest line it came from; its review tasks follow. Resuming
needs no bookkeeping: saving an unchanged document is a no-op, so a rerun after an
interruption skips what is done and completes the rest. The search index is not
touched here: the caller asks it to catch up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from hemicycle.config import Settings
from hemicycle.documents import (
    DocumentInput,
    RecordError,
    SaveResult,
    describe_input,
    save_batch,
)
from hemicycle.documents.interrupts import stop_requests
from hemicycle.documents.read_ahead import read_ahead
from hemicycle.ingest.manifest import PlannedDocument, RowError, find_manifest, plan_documents
from hemicycle.review.tasks import record_saved

BATCH = 200  # documents per transaction (and per flush of the storage root)


@dataclass
class IngestSummary:
    manifest: Path
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    interrupted: bool = False

    @property
    def documents(self) -> int:
        return self.created + self.updated + self.unchanged


def described(planned: list[PlannedDocument]) -> Iterator[DocumentInput]:
    """Each planned document's input, described."""
    for doc in planned:
        yield describe_input(doc.data, "manifest")


def ingest_folder(settings: Settings, path: Path, replace: bool = False,
                  on_planned: Callable[[int], None] | None = None,
                  on_document: Callable[[PlannedDocument], None] | None = None,
                  batch: int = BATCH, ahead: bool | None = None) -> IngestSummary:
    """Ingest the folder's manifest. ``ahead``: describe the documents in a second process
    while this one stores and writes them (``documents.read_ahead``); by default when
    there is more than one batch."""
    manifest = find_manifest(path)
    planned, errors = plan_documents(manifest)
    summary = IngestSummary(manifest=manifest, errors=list(errors))
    if on_planned:
        on_planned(len(planned))
    if ahead is None:
        ahead = len(planned) > batch
    inputs_of = read_ahead(described, planned) if ahead else described(planned)
    try:
        with stop_requests() as stop_asked, closing(inputs_of):
            for start in range(0, len(planned), batch):
                docs = planned[start:start + batch]
                inputs = list(islice(inputs_of, len(docs)))
                outcomes = save_batch(settings, inputs, replace=replace)
                for doc, outcome in zip(docs, outcomes, strict=True):
                    _count(summary, manifest, doc, outcome)
                    if on_document:
                        on_document(doc)
                # what a cataloguer should check (findings, unsure fields) as review tasks
                record_saved(settings, [(o, d) for o, d in zip(outcomes, inputs, strict=True)
                                        if isinstance(o, SaveResult)])
                if stop_asked():
                    raise KeyboardInterrupt
    except KeyboardInterrupt:
        summary.interrupted = True
    return summary


def _count(summary: IngestSummary, manifest: Path, doc: PlannedDocument, outcome) -> None:
    if isinstance(outcome, RecordError):
        summary.errors.append(RowError(manifest, doc.first_line, outcome.field, outcome.reason))
    elif isinstance(outcome, ValueError):  # a language no check knew (UnknownLanguage)
        summary.errors.append(RowError(manifest, doc.first_line, "language", str(outcome)))
    elif outcome.created:
        summary.created += 1
    elif outcome.changed:
        summary.updated += 1
    else:
        summary.unchanged += 1
