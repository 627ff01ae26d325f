"""Running an ingest: each document whole or not at all, bad rows reported, resumable.

Resuming needs no bookkeeping: saving an unchanged document is a no-op, so a
rerun after an interruption skips what is done and completes the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hemicycle.config import Settings
from hemicycle.ingest.manifest import PlannedDocument, RowError, find_manifest, plan_documents
from hemicycle.ingest.records import RecordError, index_pending, save_document


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


def ingest_folder(settings: Settings, path: Path, replace: bool = False,
                  on_planned: Callable[[int], None] | None = None,
                  on_document: Callable[[PlannedDocument], None] | None = None) -> IngestSummary:
    manifest = find_manifest(path)
    planned, errors = plan_documents(manifest)
    summary = IngestSummary(manifest=manifest, errors=list(errors))
    if on_planned:
        on_planned(len(planned))
    try:
        for doc in planned:
            try:
                result = save_document(settings, doc.data, replace=replace, index=False)
            except RecordError as exc:
                summary.errors.append(RowError(manifest, doc.first_line, exc.field, exc.reason))
            else:
                if result.created:
                    summary.created += 1
                elif result.changed:
                    summary.updated += 1
                else:
                    summary.unchanged += 1
            if on_document:
                on_document(doc)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        index_pending(settings)
    return summary

