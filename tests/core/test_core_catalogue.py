"""The catalogue schema comes from the migrations, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from hemicycle.catalogue.db import get_engine, session_scope
from hemicycle.catalogue.models import Change, Document
from hemicycle.catalogue.registry import metadata
from hemicycle.documents import DocumentInput, SubjectInput, VersionInput, save_document
from hemicycle.search.index import catch_up
from hemicycle.search.query import search

HEMICYCLE = str(Path(sys.executable).with_name("hemicycle"))


def test_migrations_match_the_models(catalogue_settings):
    engine = get_engine(catalogue_settings.database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata())
    assert diff == [], f"models and migrations disagree: {diff}"


def test_joint_documents_and_subject_provenance(catalogue_settings):
    save_document(catalogue_settings, DocumentInput(
        symbols=["A/ES-10/738", "S/2017/14"], doc_type="letter",
        versions={"en": VersionInput(title="Identical letters")},
        subjects=[SubjectInput("http://metadata.un.org/thesaurus/1005155",
                               label="PALESTINE QUESTION",
                               origin="machine", backend="mllm", score=0.8)],
    ))
    with session_scope(catalogue_settings.database_url) as db:
        doc = db.scalar(select(Document))
        assert [s.symbol for s in doc.symbols] == ["A/ES-10/738", "S/2017/14"]
        assert doc.body == "GA" and doc.session == "ES-10" and doc.year == 2017
        subject = doc.subjects[0]
        assert (subject.origin, subject.backend, subject.score) == ("machine", "mllm", 0.8)
        # the change was logged for the search index in the same transaction ...
        assert db.scalar(select(Change.document_id)) == doc.id
    # ... and the index takes it in when asked to catch up
    catch_up(catalogue_settings)
    assert search(catalogue_settings, "Identical letters").total == 1
    # the second symbol finds the same record
    again = save_document(catalogue_settings, DocumentInput(symbols=["S/2017/14"]))
    assert not again.created and not again.changed


def test_user_command_creates_accounts(settings):
    run = subprocess.run([HEMICYCLE, "user", "add", "alice", "--role", "admin"],
                         input="", capture_output=True, text=True,
                         env={"HEMICYCLE_DATA": str(settings.data_dir),
                              "HEMICYCLE_PASSWORD": "long enough password", "PATH": "/usr/bin"})
    assert run.returncode == 0, run.stderr
    assert "created admin alice" in run.stderr
    bad = subprocess.run([HEMICYCLE, "user", "add", "bob", "--role", "superuser"],
                         capture_output=True, text=True,
                         env={"HEMICYCLE_DATA": str(settings.data_dir),
                              "HEMICYCLE_PASSWORD": "long enough password", "PATH": "/usr/bin"})
    assert bad.returncode == 1 and "unknown role 'superuser'" in bad.stderr
