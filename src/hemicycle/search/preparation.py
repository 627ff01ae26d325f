"""What the index receives for one catalogue document, prepared apart from the writer.

Preparing a document (reading it from the catalogue, normalising six languages, Chinese
bigrams, Arabic stems, the stored payload) is Python and holds the interpreter; indexing
it is Tantivy's threads. A rebuild on several cores therefore prepares documents in
worker processes (``prepared_in_workers``) and leaves the writer's process only to turn
each prepared document into a ``tantivy.Document`` (``build_document``), a few calls
per field. A prepared document is plain data (it crosses process boundaries); the
document built from it is the one ``to_index_document`` builds in process.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import traceback
from collections.abc import Iterable, Iterator
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from queue import Empty

import tantivy

from hemicycle.config import Settings
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

# kinds of value in a prepared document
INTEGER, BYTES, TEXT, TOKENS = range(4)
Field = tuple[int, str, object]
Prepared = list[Field]
AHEAD = 2  # batches waiting per worker: enough to keep the writer fed, few in memory


def prepare_document(record: IndexRecord) -> Prepared:
    """The fields of ``record``'s index document, in the order they are added."""
    fields: Prepared = [(INTEGER, "doc_id", record.id), (BYTES, "payload", record.payload())]
    fields += [(BYTES, stored_text_field(lang), data)
               for lang, data in record.snippet_sources().items()]
    for name, lang, text in ([(title_field(lang), lang, title)
                               for lang, title in record.titles.items()]
                              + [(text_field(lang), lang, text)
                                 for lang, text in record.texts.items()]):
        prepared = prepare_for_index(lang, text)
        if isinstance(prepared, str):
            fields.append((TEXT, name, prepared))
        else:
            fields.append((TOKENS, name, (prepared.text, [
                (t.text, t.position, t.char_offset_from, t.char_offset_to)
                for t in prepared.tokens])))
    fields += [(TEXT, "symbol", key) for key in record.symbol_keys]
    fields += [(TEXT, "symbol_text", symbol) for symbol in record.symbols]
    fields += [(TEXT, name, value)
               for name, values in record.keywords().items() for value in values]
    fields += [(TEXT, "subject_text", subject)
               for subject in record.subjects + record.subject_labels]
    if record.year is not None:
        fields.append((INTEGER, "year", record.year))
    fields += [(INTEGER, "date", record.date_number()),
               (INTEGER, LANGUAGE_SET, language_set(record.languages)),
               (INTEGER, SAMPLE, sample_bucket(record.id))]
    return fields


def build_document(prepared: Prepared) -> tantivy.Document:
    doc = tantivy.Document()
    add = (doc.add_integer, doc.add_bytes, doc.add_text)
    for kind, name, value in prepared:
        if kind == TOKENS:
            text, tokens = value  # type: ignore[misc]
            doc.add_pre_tokenized_text(name, tantivy.PreTokenizedString(text, [
                tantivy.Token(text=term, position=position, char_offset_from=start,
                              char_offset_to=end)
                for term, position, start, end in tokens]))
        else:
            add[kind](name, value)
    return doc


def to_index_document(record: IndexRecord) -> tantivy.Document:
    return build_document(prepare_document(record))


def prepared_batch(settings: Settings, ids: list[int]) -> list[Prepared]:
    """The published documents among ``ids``, prepared (what a worker process does)."""
    return [prepare_document(record) for record in read_records(settings, ids)]


def prepared_in_workers(settings: Settings, batches: Iterable[list[int]],
                        workers: int) -> Iterator[list[Prepared]]:
    """``prepared_batch`` of each batch, in their order, computed by ``workers`` processes
    a few batches ahead of the caller (batch i by process i modulo ``workers``). The
    processes are spawned, not forked: the caller may be a web process with Tantivy's and
    the server's threads running. They end with the caller's loop, at once if it stops
    early (an interrupt, an error), and an error in one is raised here."""
    context = multiprocessing.get_context("spawn")
    tasks = [context.Queue() for _ in range(workers)]
    results = [context.Queue() for _ in range(workers)]
    processes = [context.Process(target=_work, args=(settings, tasks[i], results[i]),
                                 name=f"hemicycle-prepare-{i}") for i in range(workers)]
    for process in processes:
        process.start()
    sent = received = 0
    try:
        for batch in batches:
            tasks[sent % workers].put(batch)
            sent += 1
            if sent - received >= AHEAD * workers:
                yield _receive(results[received % workers], processes[received % workers])
                received += 1
        while received < sent:
            yield _receive(results[received % workers], processes[received % workers])
            received += 1
        for queue in tasks:
            queue.put(None)
        for process in processes:
            process.join()
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join()
        for queue in tasks + results:  # what is left in them is not wanted any more
            queue.close()
            queue.cancel_join_thread()


def _receive(results: Queue, process: BaseProcess) -> list[Prepared]:
    while True:
        alive = process.is_alive()  # before the read: what it sent before ending is read
        try:
            outcome, value = results.get(timeout=1.0)
            break
        except Empty:
            if not alive:
                raise RuntimeError(f"{process.name}, preparing documents for the index, "
                                   f"stopped (exit code {process.exitcode})") from None
    if outcome == "error":
        raise RuntimeError(f"{process.name}, preparing documents for the index, failed:\n"
                           f"{value}")
    return value


def _work(settings: Settings, tasks: Queue, results: Queue) -> None:
    """A worker process: prepare the batches it is given until told to stop (None)."""
    # no reference cycles in what it makes: the cyclic collector would only walk it
    gc.disable()
    # Ctrl-C is the caller's to handle: it stops the rebuild and ends the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while (batch := tasks.get()) is not None:
        try:
            results.put(("ok", prepared_batch(settings, batch)))
        except Exception:  # sent to the caller, which raises it
            results.put(("error", traceback.format_exc()))
            return
