"""The change log and a replica's watermark: changes taken in in order, none skipped, even
when PostgreSQL makes a lower number visible after a higher one."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from hemicycle.catalogue.changes import record_changes
from hemicycle.catalogue.db import get_engine, session_scope
from hemicycle.catalogue.models import Document
from hemicycle.documents import DocumentInput, VersionInput, save_document
from hemicycle.search import location
from hemicycle.search.index import catch_up, rebuild_index
from hemicycle.search.query import search
from hemicycle.search.watermark import GAP_TIMEOUT_S, Watermark, read_watermark


def doc(symbol: str, title: str) -> DocumentInput:
    return DocumentInput(symbols=[symbol], versions={"en": VersionInput(title=title)})


def test_watermark_moves_only_over_numbers_seen_or_final():
    w = Watermark()
    assert w.advance([], [(1, 10), (2, 11), (5, 12)], mark=100, oldest=90, now=0.0) == {10, 11, 12}
    assert (w.through, w.seen, sorted(w.gaps)) == (2, 5, [3, 4])
    # 4 appears late; 3 is still missing while transactions older than the mark run
    assert w.advance([(4, 13)], [(6, 14)], mark=101, oldest=99, now=1.0) == {13, 14}
    assert (w.through, w.seen, sorted(w.gaps)) == (2, 6, [3])
    # every transaction running when 3 was missed has ended: 3 will never come
    assert w.advance([], [], mark=None, oldest=100, now=2.0) == set()
    assert (w.through, w.seen, w.gaps) == (6, 6, {})
    # where gaps cannot fill later (SQLite: mark None), they are final at once
    assert w.advance([], [(9, 15)], mark=None, oldest=None, now=3.0) == {15}
    assert (w.through, w.seen, w.gaps) == (9, 9, {})
    # and a gap nobody can tell about is given up after a bounded time
    w.advance([], [(11, 16)], mark=500, oldest=None, now=4.0)
    assert w.through == 9
    w.advance([], [], mark=None, oldest=None, now=4.0 + GAP_TIMEOUT_S + 1)
    assert w.through == 11
    assert Watermark.from_json(w.to_json()) == w


def test_a_replica_catches_up_from_its_watermark(catalogue_settings):
    s = catalogue_settings
    save_document(s, doc("A/74/1", "Zanzibar cloves"))
    assert catch_up(s) == 1  # no index yet: built whole
    first = read_watermark(location.current_path(s))
    save_document(s, doc("A/74/2", "Zanzibar nutmeg"))
    save_document(s, doc("A/74/2", "Zanzibar nutmeg"))  # unchanged: no change logged
    assert catch_up(s) == 1
    assert read_watermark(location.current_path(s)).through == first.through + 1
    assert search(s, "Zanzibar").total == 2
    assert catch_up(s) == 0  # nothing new
    # a rebuild starts its watermark where the log stood, so nothing is applied twice
    rebuild_index(s)
    assert read_watermark(location.current_path(s)).through == first.through + 1
    assert catch_up(s) == 0 and search(s, "Zanzibar").total == 2


def test_an_index_from_before_the_change_log_takes_in_the_whole_log(settings):
    save_document(settings, doc("A/74/3", "Clove harvest"))
    rebuild_index(settings)
    (location.current_path(settings) / "watermark.json").unlink()
    assert catch_up(settings) == 1
    assert read_watermark(location.current_path(settings)).through == 1


@pytest.fixture
def pg_settings(pg_url, data_dir, monkeypatch):
    from hemicycle.config import load_settings

    monkeypatch.setenv("HEMICYCLE_DATABASE_URL", pg_url)
    return load_settings(data_dir)


def test_postgresql_a_change_committed_late_below_the_watermark_is_not_lost(pg_settings):
    """Two transactions take change numbers n and n+1, and n+1 commits first: the replica
    applies n+1 but keeps n as a gap, and takes n in when it commits."""
    s = pg_settings
    for symbol in ("A/74/10", "A/74/11"):
        save_document(s, doc(symbol, f"Report {symbol}"))
    catch_up(s)
    with session_scope(s.database_url) as db:
        ids = {d.symbol: d.id for d in db.scalars(select(Document))}
    engine = get_engine(s.database_url)
    early, late = engine.connect(), engine.connect()
    try:
        t_early, t_late = early.begin(), late.begin()
        from sqlalchemy.orm import Session

        early_db, late_db = Session(bind=early), Session(bind=late)
        for db, symbol, word in ((early_db, "A/74/10", "Kilimanjaro"),
                                 (late_db, "A/74/11", "Serengeti")):
            d = db.get(Document, ids[symbol])
            d.versions[0].text = f"A paragraph about {word}."
            db.flush()
            record_changes(db, [d.id])  # early takes number n, late n + 1
            db.flush()
        t_late.commit()  # n + 1 is visible, n is not yet
        catch_up(s)
        assert search(s, "Serengeti").total == 1
        watermark = read_watermark(location.current_path(s))
        assert len(watermark.gaps) == 1 and watermark.through < watermark.seen
        catch_up(s)  # the early transaction still runs: the gap stays
        assert len(read_watermark(location.current_path(s)).gaps) == 1
        t_early.commit()
        catch_up(s)
        assert search(s, "Kilimanjaro").total == 1
        watermark = read_watermark(location.current_path(s))
        assert watermark.gaps == {} and watermark.through == watermark.seen
    finally:
        early.close()
        late.close()


def test_postgresql_a_number_rolled_back_stops_nothing(pg_settings):
    s = pg_settings
    save_document(s, doc("A/74/20", "First"))
    catch_up(s)
    with session_scope(s.database_url) as db:
        doc_id = db.scalar(select(Document.id))
    engine = get_engine(s.database_url)
    with engine.connect() as conn:
        from sqlalchemy.orm import Session

        tx = conn.begin()
        record_changes(Session(bind=conn), [doc_id])  # a number taken, then rolled back
        tx.rollback()
    save_document(s, doc("A/74/21", "Second"))
    catch_up(s)
    assert search(s, "Second").total == 1
    catch_up(s)  # no transaction that could fill the gap is running any more
    watermark = read_watermark(location.current_path(s))
    assert watermark.gaps == {} and watermark.through == watermark.seen


def test_a_replica_far_behind_is_rebuilt_rather_than_followed(settings, monkeypatch):
    """More changes wait than the catalogue holds documents: rebuilding reads fewer."""
    from hemicycle.search import index

    save_document(settings, doc("A/74/30", "First"))
    catch_up(settings)
    before = location.current_path(settings)
    monkeypatch.setattr(index, "REBUILD_BEYOND", 2)
    for n in range(31, 35):  # one document changed four times: 4 changes, 2 documents
        save_document(settings, doc("A/74/31", f"Report {n}"), replace=True)
    assert catch_up(settings) == 2  # a new generation, built whole
    assert location.current_path(settings) != before
    assert search(settings, "Report").total == 1
    save_document(settings, doc("A/74/35", "Report 35"))
    after = location.current_path(settings)
    assert catch_up(settings) == 1 and location.current_path(settings) == after  # followed


def test_a_bulk_load_on_top_of_an_index_is_followed_not_rebuilt(settings, monkeypatch):
    """More new documents than the index holds (a resumed bulk load): only they are read."""
    from hemicycle.search import index

    save_document(settings, doc("A/74/30", "First"))
    catch_up(settings)
    before = location.current_path(settings)
    monkeypatch.setattr(index, "REBUILD_BEYOND", 2)
    for n in range(31, 35):
        save_document(settings, doc(f"A/74/{n}", f"Report {n}"))
    assert catch_up(settings) == 4  # the four new ones, not the one indexed before
    assert location.current_path(settings) == before
    assert search(settings, "Report").total == 4 and search(settings, "First").total == 1


def test_documents_waiting_in_the_old_outbox_become_the_first_changes(catalogue_settings):
    """Upgrading a catalogue whose outbox still held documents to index: none is lost."""
    from alembic import command

    from hemicycle.catalogue.db import alembic_config, make_engine

    s = catalogue_settings
    for symbol in ("A/74/40", "A/74/41", "A/74/42"):
        save_document(s, doc(symbol, "Waiting in the outbox"))
    engine = make_engine(s.database_url)
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0002_core_changes@-1")  # the catalogue before the change log
    with engine.begin() as conn:
        ids = [row[0] for row in conn.execute(text("SELECT id FROM documents ORDER BY id"))]
        for doc_id, state in zip(ids, ("pending", "done", "pending"), strict=True):
            conn.execute(text("INSERT INTO jobs (kind, key, state, attempts, payload, result, "
                              "updated_at) VALUES ('index', :key, :state, 0, '{}', '{}', "
                              "CURRENT_TIMESTAMP)"), {"key": str(doc_id), "state": state})
    command.upgrade(cfg, "heads")
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(text(
            "SELECT document_id FROM changes ORDER BY seq"))] == [ids[0], ids[2]]
        assert conn.execute(text("SELECT count(*) FROM jobs WHERE kind = 'index'")).scalar() == 0
    engine.dispose()
