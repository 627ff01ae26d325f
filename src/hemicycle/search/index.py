"""Building the search index from the catalogue: whole (``rebuild_index``) or a few
documents after a change (``update_documents``).

Only published documents are searchable; drafts and deleted records are left out
(or taken out). The catalogue stays the source of truth: the index can always be
thrown away and rebuilt.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable, Iterable, Iterator

import tantivy
from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.config import Settings
from hemicycle.search import location
from hemicycle.search.analysis import prepare_for_index
from hemicycle.search.records import IndexRecord, read_records
from hemicycle.search.schema import (
    LANGUAGE_SET,
    SAMPLE,
    language_set,
    sample_bucket,
    stored_text_field,
    text_field,
    title_field,
)

Progress = Callable[[int, int], None]
BATCH = 2000
WRITER_HEAP = 200_000_000
WRITER_THREADS = 0  # Tantivy's choice: one per core


def to_index_document(record: IndexRecord) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_integer("doc_id", record.id)
    doc.add_bytes("payload", record.payload())
    for lang, data in record.snippet_sources().items():
        doc.add_bytes(stored_text_field(lang), data)
    for name, lang, text in ([(title_field(lang), lang, title)
                               for lang, title in record.titles.items()]
                              + [(text_field(lang), lang, text)
                                 for lang, text in record.texts.items()]):
        prepared = prepare_for_index(lang, text)
        if isinstance(prepared, str):
            doc.add_text(name, prepared)
        else:
            doc.add_pre_tokenized_text(name, prepared)
    for key in record.symbol_keys:
        doc.add_text("symbol", key)
    for symbol in record.symbols:
        doc.add_text("symbol_text", symbol)
    for name, values in record.keywords().items():
        for value in values:
            doc.add_text(name, value)
    for subject in record.subjects + record.subject_labels:
        doc.add_text("subject_text", subject)
    if record.year is not None:
        doc.add_integer("year", record.year)
    doc.add_integer("date", record.date_number())
    doc.add_integer(LANGUAGE_SET, language_set(record.languages))
    doc.add_integer(SAMPLE, sample_bucket(record.id))
    return doc


def _add_all(writer: tantivy.IndexWriter, records: Iterable[IndexRecord],
             progress: Progress | None, total: int) -> int:
    count = 0
    for record in records:
        writer.add_document(to_index_document(record))
        count += 1
        if progress and count % 500 == 0:
            progress(count, total)
    if progress:
        progress(count, total)
    return count


def _published_ids(settings: Settings, since: dt.datetime | None = None) -> list[int]:
    stmt = select(Document.id).order_by(Document.id)
    if since is not None:
        stmt = stmt.where(Document.updated_at >= since)
    else:
        stmt = stmt.where(Document.status == "published")
    with session_scope(settings.database_url) as db:
        return list(db.scalars(stmt))


def _batches(ids: list[int], size: int = BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def rebuild_index(settings: Settings, progress: Progress | None = None) -> int:
    """Build a new index from the whole catalogue, then swap it in; returns its size.

    Searches go on against the old index until the swap. Changes committed while the
    rebuild ran are applied to the new index right after the swap.
    """
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=2)
    # bucket by bucket: the sample's documents then lie side by side in the index, and
    # counting on the sample reads a small part of each posting list (search.counts)
    ids = sorted(_published_ids(settings), key=lambda i: (sample_bucket(i), i))
    path = location.new_generation(settings)
    index = location.create_index(path)
    writer = index.writer(WRITER_HEAP, WRITER_THREADS)
    count = 0
    # the records and Documents of a batch hold no reference cycles: the cyclic garbage
    # collector would only walk them again and again (a few per cent of a rebuild)
    collecting = gc.isenabled()
    gc.disable()
    try:
        for batch in _batches(ids):
            records = read_records(settings, batch)
            count += _add_all(writer, records, None, len(ids))
            if progress:
                progress(count, len(ids))
        writer.commit()
        writer.wait_merging_threads()
    except BaseException:
        writer.rollback()
        raise
    finally:
        if collecting:
            gc.enable()
    if progress:
        progress(count, len(ids))
    with location.write_lock(settings):
        location.swap_current(settings, path)
        changed = _published_ids(settings, since=started)
        if changed:
            _update(settings, path, changed)
    return count


def _update(settings: Settings, path, document_ids: list[int]) -> None:
    index = location.open_index(path)
    for attempt in range(50):
        try:
            writer = index.writer(50_000_000, 1)
            break
        except ValueError:  # another process holds Tantivy's own lock for a moment
            if attempt == 49:
                raise
            time.sleep(0.1)
    try:
        for doc_id in document_ids:
            writer.delete_documents_by_term("doc_id", doc_id)
        for batch in _batches(document_ids):
            for record in read_records(settings, batch):
                writer.add_document(to_index_document(record))
        writer.commit()
        writer.wait_merging_threads()
    except BaseException:
        writer.rollback()
        raise
    index.reload()


def update_documents(settings: Settings, document_ids: list[int]) -> None:
    """Re-derive these documents from the catalogue (drafts and deleted ones go out)."""
    if not document_ids:
        return
    if not location.is_usable(location.current_path(settings)):
        # no index yet (or one of an older schema): build it whole, these included
        rebuild_index(settings)
        return
    with location.write_lock(settings):
        path = location.current_path(settings)
        _update(settings, path, sorted(set(document_ids)))


def index_size(settings: Settings) -> int:
    path = location.current_path(settings)
    if not location.is_usable(path):
        return 0
    return location.open_index(path).searcher().num_docs
