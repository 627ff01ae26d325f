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

from sqlalchemy import insert, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, selectinload

from hemicycle.catalogue.changes import record_changes
from hemicycle.catalogue.db import session_scope, write_scope
from hemicycle.catalogue.models import (
    AgendaItem,
    Document,
    DocumentSubject,
    DocumentSymbol,
    File,
    LanguageVersion,
    RelatedDocument,
    new_uid,
)
from hemicycle.config import Settings
from hemicycle.documents.check import CheckedInput, check_input
from hemicycle.documents.inputs import DocumentInput, RecordError, SaveResult
from hemicycle.documents.merge import NewDocument, logical_path, merge_input, new_document
from hemicycle.storage import StorageError, store_batch
from hemicycle.storage.leftovers import record_message, writing
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
        with writing(settings):  # bytes stored and not yet recorded are no leftovers
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
                              message=record_message(self.checked[i].primary),
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
                self._finish(db, merged, outcomes, on_commit)
            return
        except (IntegrityError, DataError):
            pass  # rolled back whole: again, one savepoint per record
        with write_scope(settings.database_url) as db, db.no_autoflush:
            merged = self._merge(db, inputs, replace, savepoints=True)
            self._finish(db, merged, outcomes, on_commit)

    def _merge(self, db: Session, inputs: list[DocumentInput], replace: bool,
               savepoints: bool) -> dict[int, SaveResult | ValueError]:
        """Each input of the round merged into its document (catalogued ones through the
        ORM; new ones as rows, inserted together unless ``savepoints``)."""
        docs = _documents(db, set(self.targets.values()))
        merged: dict[int, SaveResult | ValueError] = {}
        new: dict[int, NewDocument] = {}
        for i, uid in sorted(self.targets.items()):
            data, checked = inputs[i], self.checked[i]
            locations = self.locations.get(i, {})
            doc = docs.get(uid)
            try:
                if doc is None:
                    rows = new_document(uid, data, checked, locations, replace)
                    if not savepoints:
                        new[i] = rows
                        continue
                    with db.begin_nested():
                        [document_id] = _insert(db, [rows])
                    merged[i] = SaveResult(uid, document_id, created=True, changed=True)
                    continue
                if savepoints:
                    with db.begin_nested():
                        changed = merge_input(doc, data, checked, locations, replace,
                                              self.owners)
                        db.flush()
                else:
                    changed = merge_input(doc, data, checked, locations, replace, self.owners)
            except RecordError as exc:
                merged[i] = exc
                continue
            except (IntegrityError, DataError) as exc:
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                merged[i] = RecordError("document", f"the catalogue refused {checked.primary}: "
                                                    f"{reason}")
                continue
            merged[i] = SaveResult(uid, doc.id, created=False, changed=changed)
        if new:
            db.flush()  # the catalogued ones first, as one after another would
            for i, document_id in zip(new, _insert(db, list(new.values())), strict=True):
                merged[i] = SaveResult(self.targets[i], document_id, created=True, changed=True)
        return merged

    def _finish(self, db: Session, merged: Mapping[int, SaveResult | ValueError],
                outcomes: list, on_commit: OnCommit | None) -> None:
        """Log the changes and the caller's checkpoint last in the transaction (the change
        log wants its numbers taken as close to the commit as can be)."""
        db.flush()
        record_changes(db, [m.document_id for m in merged.values()
                            if isinstance(m, SaveResult) and m.changed])
        if on_commit is not None:
            on_commit(db, self.end)
        for i, m in merged.items():
            outcomes[i] = m


def _insert(db: Session, docs: list[NewDocument]) -> list[int]:
    """Insert new documents with their children, a statement per table; their ids.

    The documents go in without RETURNING (which SQLite would answer one row per
    statement, to keep the ids in order) and their ids are read back by uid."""
    db.execute(insert(Document.__table__), [d.row for d in docs])
    uids = [d.row["uid"] for d in docs]
    by_uid: dict[str, int] = {}
    for start in range(0, len(uids), _CHUNK):
        by_uid.update(db.execute(select(Document.uid, Document.id)
                                 .where(Document.uid.in_(uids[start:start + _CHUNK]))).all())
    ids = [by_uid[uid] for uid in uids]
    for model in (DocumentSymbol, LanguageVersion, File, DocumentSubject, AgendaItem,
                  RelatedDocument):
        rows = [{**row, "document_id": document_id}
                for d, document_id in zip(docs, ids, strict=True)
                for row in d.children.get(model, ())]
        if rows:
            db.execute(insert(model.__table__), rows)
    return ids


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
