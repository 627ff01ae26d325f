"""Saving documents: bytes to storage first, then the catalogue, whole or not at all.

``save_batch`` is the one way documents are written (``save_document`` is a batch of
one). A batch is checked record by record, so a bad record is rejected alone with the
field at fault; the files of the good ones are stored with one flush of the filesystem;
then the records are written in one transaction with their change-log entries and the
caller's checkpoint (``on_commit``), so a bulk load resumes exactly where it stopped.
If the database refuses the batch (a rule the checks do not know, a symbol another
process took meanwhile), the batch is written again with a savepoint per record, and
only the refused record is rejected.

Records of one batch that share a symbol, or bring files for the same document, are
written in successive rounds, each seeing the one before: the outcome is that of saving
the records one after another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, selectinload

from hemicycle.catalogue.changes import record_changes
from hemicycle.catalogue.db import session_scope, write_scope
from hemicycle.catalogue.models import Document, DocumentSymbol, new_uid
from hemicycle.config import Settings
from hemicycle.documents.check import CheckedInput, check_input
from hemicycle.documents.inputs import DocumentInput, RecordError, SaveResult
from hemicycle.documents.merge import logical_path, merge_input
from hemicycle.storage import StorageError, store_batch
from hemicycle.storage.objects import StoreItem

Outcome = SaveResult | ValueError  # ValueError: RecordError, DocumentConflict, UnknownLanguage
OnCommit = Callable[[Session, int], None]
_CHUNK = 500  # values per IN (...) list
_ALL_RELATIONS = tuple(
    selectinload(rel) for rel in (Document.symbols, Document.versions, Document.files,
                                  Document.subjects, Document.agenda_items, Document.related))


def save_document(settings: Settings, data: DocumentInput, replace: bool = False) -> SaveResult:
    """Store the files, then write the record whole (or not at all); raises the
    RecordError (or DocumentConflict) that says why it was refused."""
    outcome = save_batch(settings, [data], replace=replace)[0]
    if isinstance(outcome, ValueError):
        raise outcome
    return outcome


def save_batch(settings: Settings, inputs: list[DocumentInput], replace: bool = False, *,
               on_commit: OnCommit | None = None) -> list[Outcome]:
    """Save ``inputs``; each one's SaveResult, or the error that rejected it alone.

    ``on_commit(db, n)`` runs inside each transaction that makes the first ``n`` inputs
    final (a checkpoint written there is committed with them).
    """
    outcomes: list[Outcome | None] = [None] * len(inputs)
    checked: dict[int, CheckedInput] = {}
    for i, data in enumerate(inputs):
        try:
            checked[i] = check_input(data)
        except ValueError as exc:
            outcomes[i] = exc
    start = 0
    while start < len(inputs):
        batch = _Round.plan(settings, checked, start, len(inputs))
        batch.store(settings, outcomes)
        batch.write(settings, inputs, replace, outcomes, on_commit)
        start = batch.end
    return outcomes  # type: ignore[return-value]


@dataclass
class _Round:
    """Consecutive inputs ``[start, end)`` that can be written together: no symbol twice,
    no document's files twice. ``targets``: input -> uid of the document it goes to."""

    checked: dict[int, CheckedInput]
    end: int
    targets: dict[int, str]
    owners: dict[str, str]  # symbol key -> uid, as catalogued when the round began
    locations: dict[int, dict[str, str]]

    @classmethod
    def plan(cls, settings: Settings, checked: dict[int, CheckedInput], start: int,
             stop: int) -> _Round:
        with session_scope(settings.database_url) as db:
            owners = _owners(db, [k for i in range(start, stop) if i in checked
                                  for k in checked[i].keys])
        targets: dict[int, str] = {}
        keys: set[str] = set()
        with_files: set[str] = set()
        end = start
        while end < stop:
            c = checked.get(end)
            if c is not None:
                uid = next((owners[k] for k in c.keys if k in owners), None) or new_uid()
                if keys.intersection(c.keys) or (c.files and uid in with_files):
                    break
                targets[end] = uid
                keys.update(c.keys)
                if c.files:
                    with_files.add(uid)
            end += 1
        return cls(checked, end, targets, owners, {})

    def store(self, settings: Settings, outcomes: list) -> None:
        """The files first: a crash after this leaves stored bytes and no record, never a
        record without its bytes. An input whose files storage refuses is rejected."""
        items = {i: StoreItem(uid, {logical_path(f): f.path for f, _, _ in self.checked[i].files},
                              message=f"ingest {self.checked[i].primary}",
                              digests={logical_path(f): digest
                                       for f, _, digest in self.checked[i].files})
                 for i, uid in self.targets.items() if self.checked[i].files}
        if not items:
            return
        for i, result in zip(items, store_batch(settings, list(items.values())), strict=True):
            if isinstance(result, StorageError):
                outcomes[i] = RecordError("file", str(result))
                del self.targets[i]
            else:
                self.locations[i] = result

    def write(self, settings: Settings, inputs: list[DocumentInput], replace: bool,
              outcomes: list, on_commit: OnCommit | None) -> None:
        try:
            with write_scope(settings.database_url) as db, db.no_autoflush:
                merged = self._merge(db, inputs, replace, savepoints=False)
                db.flush()
                self._finish(db, merged, outcomes, on_commit)
            return
        except (IntegrityError, DataError):
            pass  # rolled back whole: again, one savepoint per record
        with write_scope(settings.database_url) as db, db.no_autoflush:
            merged = self._merge(db, inputs, replace, savepoints=True)
            self._finish(db, merged, outcomes, on_commit)

    def _merge(self, db: Session, inputs: list[DocumentInput], replace: bool,
               savepoints: bool) -> dict[int, tuple[Document, bool, bool] | ValueError]:
        docs = _documents(db, set(self.targets.values()))
        merged: dict[int, tuple[Document, bool, bool] | ValueError] = {}
        for i, uid in sorted(self.targets.items()):
            data, checked = inputs[i], self.checked[i]
            doc = docs.get(uid)
            created = doc is None
            if created:
                doc = Document(uid=uid, symbol=checked.primary, status=data.status, extra={})
            try:
                if savepoints:
                    with db.begin_nested():
                        changed = self._merge_one(db, doc, created, data, checked, i, replace)
                        db.flush()
                else:
                    changed = self._merge_one(db, doc, created, data, checked, i, replace)
            except RecordError as exc:
                merged[i] = exc
                continue
            except (IntegrityError, DataError) as exc:
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                merged[i] = RecordError("document", f"the catalogue refused {checked.primary}: "
                                                    f"{reason}")
                continue
            docs[uid] = doc
            merged[i] = (doc, created, changed)
        return merged

    def _merge_one(self, db: Session, doc: Document, created: bool, data: DocumentInput,
                   checked: CheckedInput, i: int, replace: bool) -> bool:
        changed = merge_input(doc, data, checked, self.locations.get(i, {}), replace,
                              self.owners)
        if created:
            db.add(doc)
        return changed

    def _finish(self, db: Session, merged: Mapping, outcomes: list,
                on_commit: OnCommit | None) -> None:
        """Log the changes and the caller's checkpoint last in the transaction (the change
        log wants its numbers taken as close to the commit as can be)."""
        record_changes(db, [doc.id for doc, _, changed in
                            (m for m in merged.values() if not isinstance(m, ValueError))
                            if changed])
        if on_commit is not None:
            on_commit(db, self.end)
        for i, m in merged.items():
            outcomes[i] = m if isinstance(m, ValueError) else SaveResult(
                uid=m[0].uid, document_id=m[0].id, created=m[1], changed=m[2])


def _owners(db: Session, keys: list[str]) -> dict[str, str]:
    """Symbol key -> uid of the document holding it, for those of ``keys`` catalogued."""
    wanted = sorted(set(keys))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        found.update(db.execute(
            select(DocumentSymbol.key, Document.uid).join(Document)
            .where(DocumentSymbol.key.in_(wanted[start:start + _CHUNK]))).all())
    return found


def _documents(db: Session, uids: set[str]) -> dict[str, Document]:
    """The catalogued documents among ``uids``, with everything a merge looks at."""
    wanted = sorted(uids)
    found: dict[str, Document] = {}
    for start in range(0, len(wanted), _CHUNK):
        for doc in db.scalars(select(Document).options(*_ALL_RELATIONS)
                              .where(Document.uid.in_(wanted[start:start + _CHUNK]))):
            found[doc.uid] = doc
    return found
