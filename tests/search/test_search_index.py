"""Building and updating the index from the catalogue (SQLite and PostgreSQL):
only published documents are searchable, updates follow the catalogue, and a rebuild
swaps in whole while searches go on."""

from __future__ import annotations

import threading

import pytest
from search_corpus import catalogue, unpc_sources
from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, LanguageVersion
from hemicycle.search import location
from hemicycle.search.index import rebuild_index, update_documents
from hemicycle.search.query import search


def small(n: int = 12, **changes):
    sources = unpc_sources()[:n]
    for src in sources:
        for key, value in changes.items():
            setattr(src, key, value)
    return sources


def set_status(settings, doc_id: int, status: str) -> None:
    with session_scope(settings.database_url) as db:
        db.get(Document, doc_id).status = status


def test_rebuild_indexes_published_documents_only(catalogue_settings):
    settings = catalogue_settings
    published = small(10)
    drafts = unpc_sources()[10:13]
    for src in drafts:
        src.status = "draft"
    deleted = unpc_sources()[13:15]
    for src in deleted:
        src.status = "deleted"
    ids = catalogue(settings, published + drafts + deleted)
    assert rebuild_index(settings) == 10
    assert search(settings, "").total == 10
    assert len(ids) == 15
    for src in drafts + deleted:
        assert search(settings, src.symbol).redirect_uid is None
    assert search(settings, published[0].symbol).redirect_uid is not None


def test_update_documents_follows_the_catalogue(catalogue_settings):
    settings = catalogue_settings
    ids = catalogue(settings, small(8))
    rebuild_index(settings)
    symbol, doc_id = next(iter(ids.items()))
    assert search(settings, "zanzibarite", lang="en").total == 0

    with session_scope(settings.database_url) as db:
        version = db.scalars(select(LanguageVersion).where(
            LanguageVersion.document_id == doc_id, LanguageVersion.language == "en")).one()
        version.text = "A new paragraph about zanzibarite deposits."
    update_documents(settings, [doc_id])
    found = search(settings, "zanzibarite", lang="en")
    assert [h.symbol for h in found.hits] == [symbol]
    assert search(settings, "").total == 8  # replaced, not added twice

    set_status(settings, doc_id, "draft")
    update_documents(settings, [doc_id])
    assert search(settings, "zanzibarite", lang="en").total == 0
    assert search(settings, symbol).redirect_uid is None

    set_status(settings, doc_id, "published")
    update_documents(settings, [doc_id])
    assert search(settings, symbol).redirect_uid is not None

    set_status(settings, doc_id, "deleted")
    update_documents(settings, [doc_id, 999_999])  # an id the catalogue lacks is skipped
    assert search(settings, "").total == 7

    new = catalogue(settings, unpc_sources()[20:21])
    update_documents(settings, list(new.values()))
    assert search(settings, next(iter(new))).redirect_uid is not None
    update_documents(settings, [])


def test_update_without_an_index_creates_one(settings):
    ids = catalogue(settings, small(3))
    assert location.current_path(settings) is None
    update_documents(settings, list(ids.values()))
    assert search(settings, "").total == 3


def test_searches_go_on_while_the_index_is_rebuilt(settings):
    catalogue(settings, unpc_sources()[:120])
    rebuild_index(settings)
    expected = search(settings, "Council", lang="en").total
    assert expected > 10
    seen: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def rebuild_twice():
        try:
            rebuild_index(settings)
            rebuild_index(settings)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            done.set()

    worker = threading.Thread(target=rebuild_twice)
    worker.start()
    while not done.is_set() or len(seen) < 3:
        seen.append(search(settings, "Council", lang="en").total)
    worker.join()
    assert not errors
    assert set(seen) == {expected}
    generations = list(settings.index_dir.glob("gen-*"))
    assert len(generations) <= 2


def test_a_change_made_during_a_rebuild_is_not_lost(settings):
    ids = catalogue(settings, small(6))
    rebuild_index(settings)
    doc_id = list(ids.values())[2]
    symbol = list(ids)[2]

    def withdraw_midway(done: int, total: int) -> None:
        # called once the catalogue rows are read: the change comes after the read
        if done:
            set_status(settings, doc_id, "draft")

    rebuild_index(settings, progress=withdraw_midway)
    assert search(settings, symbol).redirect_uid is None
    assert search(settings, "").total == 5


def test_an_interrupted_rebuild_leaves_the_index_as_it_was(settings):
    ids = catalogue(settings, small(6))
    rebuild_index(settings)
    before = location.current_path(settings)

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rebuild_index(settings, progress=interrupt)
    assert location.current_path(settings) == before
    assert search(settings, "").total == 6
    assert search(settings, next(iter(ids))).redirect_uid is not None
    rebuild_index(settings)  # and the next rebuild completes and tidies up
    assert location.current_path(settings) != before
    assert len(list(settings.index_dir.glob("gen-*"))) <= 2


def test_an_index_of_an_older_schema_is_rebuilt_whole_on_update(settings):
    from hemicycle.search.schema import SCHEMA_VERSION

    ids = catalogue(settings, small(4))
    rebuild_index(settings)
    old = location.current_path(settings)
    (old / "hemicycle-schema").write_text(str(SCHEMA_VERSION - 1))
    update_documents(settings, [next(iter(ids.values()))])
    assert location.current_path(settings) != old
    assert search(settings, "").total == 4


def test_searching_before_any_index_finds_nothing_and_builds_nothing(settings):
    ids = catalogue(settings, small(3))
    assert search(settings, "Council").total == 0
    assert location.current_path(settings) is None
    update_documents(settings, [next(iter(ids.values()))])  # the first update builds it whole
    assert search(settings, "").total == 3
