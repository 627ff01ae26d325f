"""The ``review_drafts`` table, on SQLite and PostgreSQL: filled by the migration for drafts
that existed before it, kept right by the review actions, caught up for drafts saved by
plain ingest or changed since, and gone once a draft is published or rejected."""

from __future__ import annotations

import datetime as dt

from alembic import command
from review_helpers import make_draft
from sqlalchemy import inspect, select, text

from hemicycle.catalogue.db import alembic_config, make_engine, session_scope
from hemicycle.catalogue.models import Document
from hemicycle.documents import DocumentInput, VersionInput, save_document
from hemicycle.review import confident_drafts, list_drafts, publish, reject, update_draft
from hemicycle.review.models import ReviewDraft


def stored(settings) -> dict[str, tuple]:
    """uid -> (weakest field, confidence, batch, language) as the table holds them."""
    with session_scope(settings.database_url) as db:
        return {uid: (f, c, b, lang) for uid, f, c, b, lang in db.execute(
            select(Document.uid, ReviewDraft.weakest_field, ReviewDraft.weakest_confidence,
                   ReviewDraft.batch, ReviewDraft.language)
            .join(ReviewDraft, ReviewDraft.document_id == Document.id))}


def test_migration_fills_the_table_for_drafts_made_before_it(catalogue_settings):
    s = catalogue_settings
    older = make_draft(s, ["A/70/101"], confidence=0.9, weakest=("date", 0.4), batch="b7")
    engine = make_engine(s.database_url)
    cfg = alembic_config(engine)
    command.downgrade(cfg, "review@-1")  # back to the parent, 0001_core: other branches stay
    assert "review_drafts" not in inspect(engine).get_table_names()
    newer = make_draft(s, None, identifier="scan-ab12", batch="b8", language="fr")
    done = make_draft(s, ["A/70/102"])
    with session_scope(s.database_url) as db:
        db.scalar(select(Document).where(Document.uid == done)).status = "published"

    command.upgrade(cfg, "heads")
    engine.dispose()
    # read straight from the table: the queue would catch up by itself and hide a gap
    assert stored(s) == {older: ("date", 0.4, "b7", "en"),
                         newer: ("symbols", 0.0, "b8", "fr")}
    with engine.connect() as conn:
        versions = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    assert "1000_review" in versions and len(versions) > 1
    assert {e.uid for e in list_drafts(s, below=0.5).entries} == {older, newer}


def test_rows_follow_the_review_actions(catalogue_settings):
    s = catalogue_settings
    a = make_draft(s, ["A/70/111"], confidence=0.97, weakest=("title", 0.2))
    b = make_draft(s, ["A/70/112"], confidence=0.97)
    c = make_draft(s, ["A/70/113"], confidence=0.5)
    assert stored(s) == {}  # saved by plain ingest: no row yet
    assert confident_drafts(s, 0.95) == [b]  # ... the queue catches up first
    assert set(stored(s)) == {a, b, c}
    update_draft(s, a, {"title": "Corrected title"}, "cat")  # a saved field counts as 1.0
    assert stored(s)[a][:2] == ("symbols", 0.97)
    publish(s, b, "cat")
    reject(s, c, "unreadable", "cat")
    assert set(stored(s)) == {a}
    assert confident_drafts(s, 0.95) == [a]


def test_a_draft_changed_by_ingest_is_judged_again(catalogue_settings):
    s = catalogue_settings
    uid = make_draft(s, ["A/70/121"], confidence=0.97)
    assert confident_drafts(s, 0.95) == [uid]
    extraction = {"symbols": {"value": ["A/70/121"], "confidence": 0.97},
                  "title": {"value": "Blurred", "confidence": 0.1}}
    save_document(s, DocumentInput(
        symbols=["A/70/121"], status="draft", publication_date=dt.date(2015, 5, 12),
        extra={"extraction": extraction, "ocr": {"batch": "again"}},
        versions={"en": VersionInput(title="Blurred", text="blurred scan")}), replace=True)
    assert confident_drafts(s, 0.95) == []
    assert [e.uid for e in list_drafts(s, below=0.2).entries] == [uid]
    assert stored(s)[uid][:3] == ("title", 0.1, "again")


def test_digitise_writes_the_row_with_the_draft(settings, tmp_path):
    import sys
    from pathlib import Path

    from hemicycle.digitise.batch import run_batch
    from hemicycle.digitise.executors import LocalPool

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "digitise"))
    from digitise_helpers import masthead, page_image, save_png

    scans = tmp_path / "scans"
    scans.mkdir()
    save_png(page_image(masthead("A/70/131", "Coral reefs"), seed=5)[0], scans / "one.png")
    report = run_batch(settings, scans, executor=LocalPool(1), languages=["en"])
    assert len(report.documents_done) == 1
    rows = stored(settings)  # before any queue call could catch up
    assert len(rows) == 1
    (uid, (field, confidence, batch, language)), = rows.items()
    with session_scope(settings.database_url) as db:
        extra = db.scalar(select(Document.extra).where(Document.uid == uid))
    from hemicycle.review.confidence import weakest_field

    assert (field, confidence) == weakest_field(extra) and 0 <= confidence <= 1
    assert batch == report.batch and language == "en"
