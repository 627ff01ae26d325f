"""The only writer of the search index: built whole from the catalogue
(``rebuild_index``), kept up to date by following the catalogue's change log
(``catch_up``), or re-deriving given documents (``update_documents``).

Only published documents are searchable; drafts and deleted records are left out
(or taken out). The catalogue stays the source of truth: the index can always be
thrown away and rebuilt. Each node keeps its own index (``settings.index_dir``), a
replica that follows the change log from its own watermark (``search.watermark``);
writers of the catalogue never touch it, they ask it to catch up after their commit.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator

import tantivy
from sqlalchemy import func, select

from hemicycle.catalogue.changes import last_change
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.config import Settings
from hemicycle.search import location
from hemicycle.search.preparation import (
    Prepared,
    build_document,
    prepared_batch,
    prepared_in_workers,
)
from hemicycle.search.schema import sample_bucket
from hemicycle.search.watermark import (
    follow,
    read_watermark,
    starting_watermark,
    write_watermark,
)

Progress = Callable[[int, int], None]
BATCH = 2000
PARALLEL_FROM = 20_000  # documents from which a rebuild prepares them in worker processes
# cores from which it does: preparing is about a third of a document's CPU, so on two cores
# the writer's Python thread keeps pace with Tantivy's two threads, and workers only add
# their own cost (pickling, each one's start: 25-40 % more CPU a document, measured)
PARALLEL_CORES = 3
FOLLOW_ROUND = 20_000  # changes taken in per index commit while catching up
REBUILD_BEYOND = 100_000  # changes behind (and more than the catalogue's documents): rebuild
WRITER_HEAP = 200_000_000
WRITER_THREADS = 0  # Tantivy's choice: one per core


def _add_all(writer: tantivy.IndexWriter, prepared: Iterable[Prepared]) -> int:
    count = 0
    for fields in prepared:
        writer.add_document(build_document(fields))
        count += 1
    return count


def _prepared(settings: Settings, ids: list[int], workers: int) -> Iterator[list[Prepared]]:
    """The documents of ``ids``, prepared batch by batch, in order: in this process, or
    in ``workers`` processes beside it while this one feeds the writer."""
    if workers <= 0:
        return (prepared_batch(settings, batch) for batch in _batches(ids))
    return prepared_in_workers(settings, _batches(ids), workers)


def rebuild_workers(documents: int) -> int:
    """Processes preparing documents for a rebuild of ``documents``: one per core this
    process may use, none (in process) on one or two cores or for a small catalogue,
    where starting them costs more than they save."""
    cores = len(os.sched_getaffinity(0))
    return cores if cores >= PARALLEL_CORES and documents >= PARALLEL_FROM else 0


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


def rebuild_index(settings: Settings, progress: Progress | None = None,
                  workers: int | None = None) -> int:
    """Build a new index from the whole catalogue, then swap it in; returns its size.
    A rebuild asked for while another runs waits for it, then builds its own.
    Documents are prepared by ``workers`` processes (``rebuild_workers`` unless given;
    0: in this process).

    Searches go on against the old index until the swap. Changes committed while the
    rebuild ran are applied to the new index right after the swap: those of the change
    log from where it stood when the rebuild began, and (for writers that bypass the
    log) those whose documents' ``updated_at`` is newer than the start.
    """
    with location.rebuild_lock(settings):
        return _rebuild(settings, progress, workers)


def _rebuild(settings: Settings, progress: Progress | None, workers: int | None = None) -> int:
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=2)
    with session_scope(settings.database_url) as db:
        watermark = starting_watermark(db)
    # bucket by bucket: the sample's documents then lie side by side in the index, and
    # counting on the sample reads a small part of each posting list (search.counts)
    ids = sorted(_published_ids(settings), key=lambda i: (sample_bucket(i), i))
    path = location.new_generation(settings)
    index = location.create_index(path)
    if workers is None:
        workers = rebuild_workers(len(ids))
    writer = index.writer(WRITER_HEAP, WRITER_THREADS)
    count = 0
    # the records and Documents of a batch hold no reference cycles: the cyclic garbage
    # collector would only walk them again and again (a few per cent of a rebuild)
    collecting = gc.isenabled()
    gc.disable()
    try:
        for prepared in _prepared(settings, ids, workers):
            count += _add_all(writer, prepared)
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
    write_watermark(path, watermark)
    with location.write_lock(settings):
        location.swap_current(settings, path)
        changed = _published_ids(settings, since=started)
        if changed:
            _update(settings, path, changed)
        _follow(settings, path)
    return count


def catch_up(settings: Settings) -> int:
    """Take every change of the catalogue's change log into this node's index (built
    whole first if there is none); returns how many documents were re-derived. Callers
    ask for it after their commit: commands at the end of a batch, the web process in
    the request that made the change and in its background loop."""
    if not location.is_usable(location.current_path(settings)) or _far_behind(settings):
        with location.rebuild_lock(settings):
            path = location.current_path(settings)
            if not location.is_usable(path) or _far_behind(settings):  # nobody did it since
                return _rebuild(settings, None)
    with location.write_lock(settings):
        path = location.current_path(settings)
        if not location.is_usable(path):  # replaced by a rebuild of another schema meanwhile
            return 0
        return _follow(settings, path)


def _far_behind(settings: Settings) -> bool:
    """Whether following the log would re-derive more documents than rebuilding the
    index does: more changes wait than the catalogue holds documents (the same documents
    changed again and again, or an index from before the log). A bulk load on top of an
    index is followed, not rebuilt: a rebuild would read again every document the index
    already holds (after a resumed million-record load, the 400,000 of the first run)."""
    path = location.current_path(settings)
    with session_scope(settings.database_url) as db:
        behind = last_change(db) - read_watermark(path).through
        if behind <= REBUILD_BEYOND:  # the common case, asked every few tenths of a second
            return False
        return behind > db.scalar(select(func.count(Document.id)))


def _follow(settings: Settings, path) -> int:
    """Apply the changes logged since the watermark of the generation at ``path`` (the
    write lock held); returns the number of documents re-derived."""
    watermark = read_watermark(path)
    done = 0
    more = True
    while more:
        before = watermark.to_json()
        with session_scope(settings.database_url) as db:
            documents, more = follow(db, watermark, FOLLOW_ROUND)
        if documents:
            _update(settings, path, sorted(documents))
            done += len(documents)
        if watermark.to_json() != before:
            write_watermark(path, watermark)
    return done


def _update(settings: Settings, path, document_ids: list[int]) -> None:
    index = location.open_index(path)
    # a round of a bulk load's catch-up gets a rebuild's writer; a few changes a small one
    heap, threads = (WRITER_HEAP, WRITER_THREADS) if len(document_ids) > BATCH else (50_000_000, 1)
    for attempt in range(50):
        try:
            writer = index.writer(heap, threads)
            break
        except ValueError:  # another process holds Tantivy's own lock for a moment
            if attempt == 49:
                raise
            time.sleep(0.1)
    try:
        for doc_id in document_ids:
            writer.delete_documents_by_term("doc_id", doc_id)
        for batch in _batches(document_ids):
            _add_all(writer, prepared_batch(settings, batch))
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
