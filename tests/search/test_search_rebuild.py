"""A rebuild whose documents are prepared in worker processes (SQLite and PostgreSQL):
the same index as one prepared in process, field for field, term for term and position
for position, and the change log's watermark where the log stood."""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os

import pytest
import tantivy
from search_corpus import catalogue, cr_unsc_sources, unpc_sources

from hemicycle.catalogue.changes import last_change
from hemicycle.catalogue.db import session_scope
from hemicycle.config import Settings
from hemicycle.documents import DocumentInput, VersionInput, save_document
from hemicycle.search import location
from hemicycle.search.analysis import terms
from hemicycle.search.index import (
    PARALLEL_CORES,
    PARALLEL_FROM,
    catch_up,
    rebuild_index,
    rebuild_workers,
)
from hemicycle.search.preparation import prepared_in_workers
from hemicycle.search.query import search
from hemicycle.search.schema import text_field, title_field
from hemicycle.search.watermark import read_watermark


class Stored:
    """Every document of an index, stored fields and all, by uid and by address."""

    def __init__(self, settings) -> None:
        index = location.open_index(location.current_path(settings))
        index.reload()
        self.searcher = index.searcher()
        found = self.searcher.search(tantivy.Query.all_query(), limit=self.searcher.num_docs)
        self.docs: dict[str, dict] = {}
        self.uids: dict[tuple[int, int], str] = {}
        for _score, address in found.hits:
            doc = self.searcher.doc(address).to_dict()
            uid = json.loads(bytes(doc["payload"][0]))["uid"]
            self.docs[uid] = doc
            self.uids[address.segment_ord, address.doc] = uid

    def matching(self, query: tantivy.Query) -> set[str]:
        found = self.searcher.search(query, limit=self.searcher.num_docs, count=False)
        return {self.uids[address.segment_ord, address.doc] for _score, address in found.hits}


def test_worker_processes_build_the_same_index_as_one_process(catalogue_settings):
    s = catalogue_settings
    sources = unpc_sources()[:40] + cr_unsc_sources()[:10]
    # text beyond the Basic Multilingual Plane takes Arabic's other way (the analyzer's
    # own tokens, sent to the writer as tokens)
    sources[0].texts["ar"] += " 𝒜 وثيقة 𝒷 الأمم المتحدة"
    catalogue(s, sources)
    apart = dataclasses.replace(s, search_index_dir=s.data_dir / "index-in-workers")
    assert rebuild_index(s, workers=0) == rebuild_index(apart, workers=2) == len(sources)
    one, many = Stored(s), Stored(apart)

    assert one.docs == many.docs
    schema = location.open_index(location.current_path(s)).schema
    checked = 0
    for src in sources:
        for lang, text in [*src.texts.items(), *src.titles.items()]:
            for field in (text_field(lang), title_field(lang)):
                words = terms(lang, text)
                for term in list(dict.fromkeys(words))[:30]:
                    query = tantivy.Query.term_query(schema, field, term)
                    assert one.matching(query) == many.matching(query), (field, term)
                for start in range(0, min(len(words) - 3, 60), 20):
                    query = tantivy.Query.phrase_query(schema, field, words[start:start + 3])
                    assert one.matching(query) == many.matching(query), (field, start)
                    checked += 1
    assert checked > 200
    phrase = terms("ar", "الأمم المتحدة")
    assert many.matching(tantivy.Query.phrase_query(schema, text_field("ar"), phrase))


def test_a_rebuild_in_workers_keeps_the_watermark_where_the_log_stood(catalogue_settings):
    s = catalogue_settings
    for n in range(3):
        save_document(s, DocumentInput(symbols=[f"A/75/{n + 1}"],
                                       versions={"en": VersionInput(title=f"Cloves {n}")}))
    assert rebuild_index(s, workers=2) == 3
    with session_scope(s.database_url) as db:
        logged = last_change(db)
    assert read_watermark(location.current_path(s)).through == logged
    assert catch_up(s) == 0  # nothing applied twice
    save_document(s, DocumentInput(symbols=["A/75/9"],
                                   versions={"en": VersionInput(title="Cloves 9")}))
    assert catch_up(s) == 1
    assert search(s, "Cloves").total == 4


def test_workers_only_where_they_pay():
    assert rebuild_workers(10) == 0  # starting processes costs more than they save
    cores = len(os.sched_getaffinity(0))
    assert rebuild_workers(PARALLEL_FROM) == (cores if cores >= PARALLEL_CORES else 0)


def test_an_error_in_a_worker_process_stops_the_rebuild_with_its_cause(tmp_path):
    garbage = tmp_path / "catalogue.sqlite3"
    garbage.write_bytes(b"not a database, " * 512)
    broken = Settings(data_dir=tmp_path, database_url=f"sqlite:///{garbage}",
                      secret_key="search-tests")
    with pytest.raises(RuntimeError, match="(?s)hemicycle-prepare-0.*not a database"):
        list(prepared_in_workers(broken, [[1], [2]], workers=2))
    assert multiprocessing.active_children() == []  # none left behind
