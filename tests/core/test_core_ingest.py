"""hemicycle ingest: manifests, bad rows, idempotency, all-or-nothing documents."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from core_pdfs import corrupt_pdf, encrypted_pdf, text_pdf
from sqlalchemy import func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, File, LanguageVersion
from hemicycle.catalogue.queries import find_document
from hemicycle.documents import (
    DocumentConflict,
    DocumentInput,
    RecordError,
    VersionInput,
    save_document,
)
from hemicycle.ingest.run import ingest_folder

HEMICYCLE = str(Path(sys.executable).with_name("hemicycle"))


def write_manifest(folder: Path, rows: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "manifest.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write((row if isinstance(row, str) else json.dumps(row, ensure_ascii=False)) + "\n")
    return folder


def test_pdf_and_text_ingest_on_both_databases(catalogue_settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text_pdf(folder / "res.pdf", ["Resolution 2334 (2016)", "The Security Council reaffirms"])
    (folder / "res-fr.txt").write_text("Le Conseil de sécurité réaffirme", encoding="utf-8")
    write_manifest(folder, [
        {"symbol": "S/RES/2334 (2016)", "language": "en", "file": "res.pdf", "title": "Res EN",
         "date": "2016-12-23", "subjects": "TERRITORIES OCCUPIED BY ISRAEL"},
        {"symbol": "s/res/2334(2016)", "language": "fr", "file": "res-fr.txt", "title": "Rés FR"},
    ])
    summary = ingest_folder(catalogue_settings, folder)
    assert summary.errors == []
    assert (summary.created, summary.updated, summary.unchanged) == (1, 0, 0)
    with session_scope(catalogue_settings.database_url) as db:
        doc = find_document(db, "S/RES/2334(2016)")
        assert doc is not None
        assert doc.body == "SC" and doc.year == 2016
        assert doc.languages == ["en", "fr"]
        assert "reaffirms" in doc.version("en").text
        assert doc.version("en").text_source == "born-digital"
        assert {f.format for f in doc.files} == {"pdf", "txt"}
        assert [s.label for s in doc.subjects] == ["TERRITORIES OCCUPIED BY ISRAEL"]
        updated = doc.updated_at
    again = ingest_folder(catalogue_settings, folder)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    with session_scope(catalogue_settings.database_url) as db:
        assert db.scalar(select(func.count(Document.id))) == 1
        assert db.scalar(select(func.count(File.id))) == 2
        assert find_document(db, "S/RES/2334 (2016)").updated_at == updated


def test_bad_rows_are_reported_and_the_rest_loads(settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text("good text", encoding="utf-8")
    encrypted_pdf(folder / "locked.pdf")
    corrupt_pdf(folder / "broken.pdf")
    (folder / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    write_manifest(folder, [
        {"symbol": "A/74/1", "language": "en", "file": "ok.txt"},            # line 1 ok
        {"symbol": "A/74/2", "language": "xx", "file": "ok.txt"},            # 2 language
        {"symbol": "not a symbol", "language": "en", "file": "ok.txt"},      # 3 symbol
        {"symbol": "A/74/3", "language": "en", "file": "missing.pdf"},       # 4 file
        {"symbol": "A/74/4", "language": "en", "file": "locked.pdf"},        # 5 encrypted
        {"symbol": "A/74/5", "language": "en", "file": "broken.pdf"},        # 6 corrupt
        "{not json",                                                         # 7 row
        {"symbol": "A/74/6", "language": "en", "file": "ok.txt", "date": "2019-13-45"},  # 8
        {"symbol": "A/74/7", "language": "en", "file": "../outside.txt"},    # 9 traversal
        {"symbol": "A/74/8", "language": "en", "file": "latin1.txt"},        # 10 encoding
        {"symbol": "A/74/9", "language": "en", "file": "ok.txt", "colour": "red"},  # 11
        {"symbol": "A/74/1", "language": "fr", "file": "ok.txt", "doc_type": "report"},  # 12 ok
        {"symbol": "A/74/1", "language": "fr", "file": "ok.txt"},            # 13 duplicate lang
    ])
    summary = ingest_folder(settings, folder)
    by_line = {e.line: e for e in summary.errors}
    assert by_line[2].field == "language" and "xx" in by_line[2].reason
    assert by_line[3].field == "symbol"
    assert by_line[4].field == "file" and "missing.pdf" in by_line[4].reason
    assert by_line[5].field == "file" and "encrypted" in by_line[5].reason
    assert by_line[6].field == "file" and "not a readable PDF" in by_line[6].reason
    assert by_line[7].field == "row" and "JSON" in by_line[7].reason
    assert by_line[8].field == "date"
    assert by_line[9].field == "file" and "inside" in by_line[9].reason
    assert by_line[10].field == "file" and "UTF-8" in by_line[10].reason
    assert by_line[11].field == "colour"
    assert by_line[13].field == "language"
    assert all(str(e).startswith(f"{folder / 'manifest.jsonl'}:{e.line}: ") for e in summary.errors)
    # A/74/1 was broken by its line 13, so it is not loaded half (en without fr): nothing is.
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(func.count(Document.id))) == 0


def test_cli_exit_codes_and_summary(settings, tmp_path):
    folder = write_manifest(tmp_path / "in", [
        {"symbol": "A/74/1", "language": "en", "text": "inline text"},
        {"symbol": "A/74/2", "language": "klingon", "text": "x"},
    ])
    run = subprocess.run([HEMICYCLE, "ingest", str(folder)], capture_output=True, text=True,
                         env={**os.environ, "HEMICYCLE_DATA": str(settings.data_dir)})
    assert run.returncode == 1
    assert "manifest.jsonl:2: language" in run.stderr
    assert "1 created" in run.stderr and "1 rejected" in run.stderr
    missing = subprocess.run([HEMICYCLE, "ingest", str(tmp_path / "nowhere")],
                             capture_output=True, text=True)
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_csv_manifest_and_broken_csv(settings, tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "manifest.csv").write_text(
        "symbol,language,text,title\nS/2015/305,en,Letter text,A letter\n"
        "S/2015/306,ru,Текст письма,Письмо,extra-value\n", encoding="utf-8")
    summary = ingest_folder(settings, folder)
    assert summary.created == 1
    assert [(e.line, e.field) for e in summary.errors] == [(3, "row")]
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "manifest.csv").write_text("language,file\nen,x.txt\n", encoding="utf-8")
    with pytest.raises(ValueError, match="symbol"):
        ingest_folder(settings, bad)


def test_conflicting_metadata_is_refused_unless_replaced(catalogue_settings):
    base = DocumentInput(symbols=["A/RES/74/1"], doc_type="resolution",
                         versions={"en": VersionInput(title="First title")})
    assert save_document(catalogue_settings, base).created
    clash = DocumentInput(symbols=["a/res/74/1"], doc_type="report",
                          versions={"en": VersionInput(title="Other title")})
    with pytest.raises(DocumentConflict) as err:
        save_document(catalogue_settings, clash)
    assert "doc_type" in str(err.value) and "en title" in str(err.value)
    with session_scope(catalogue_settings.database_url) as db:
        doc = find_document(db, "A/RES/74/1")
        assert doc.doc_type == "resolution" and doc.version("en").title == "First title"
    result = save_document(catalogue_settings, clash, replace=True)
    assert result.changed and not result.created
    with session_scope(catalogue_settings.database_url) as db:
        assert find_document(db, "A/RES/74/1").version("en").title == "Other title"


def test_invalid_records_are_refused_with_the_field(settings):
    with pytest.raises(RecordError, match="symbol"):
        save_document(settings, DocumentInput(symbols=["S/RES/"]))
    with pytest.raises(RecordError, match="distribution"):
        save_document(settings, DocumentInput(symbols=["A/74/1"], distribution="SECRET"))
    with pytest.raises(ValueError, match="language"):
        save_document(settings, DocumentInput(symbols=["A/74/1"],
                                              versions={"tlh": VersionInput(title="x")}))


def test_kill_midway_leaves_whole_documents_and_rerun_completes(settings, tmp_path):
    folder = tmp_path / "big"
    folder.mkdir()
    rows = []
    for n in range(1, 301):
        for lang in ("en", "fr", "es"):
            name = f"d{n}-{lang}.txt"
            (folder / name).write_text(f"document {n} in {lang} " * 50, encoding="utf-8")
            rows.append({"symbol": f"A/74/{n}", "language": lang, "file": name})
    write_manifest(folder, rows)
    env = {**os.environ, "HEMICYCLE_DATA": str(settings.data_dir)}
    proc = subprocess.Popen([HEMICYCLE, "ingest", str(folder)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # wait until some documents are in, then kill without warning
    deadline = time.monotonic() + 120
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.2)
        try:
            with session_scope(settings.database_url) as db:
                seen = db.scalar(select(func.count(Document.id))) or 0
        except Exception:
            continue
        if seen >= 20:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with session_scope(settings.database_url) as db:
        partial = db.scalar(select(func.count(Document.id)))
        versions = db.execute(
            select(LanguageVersion.document_id, func.count(LanguageVersion.id))
            .group_by(LanguageVersion.document_id)).all()
    assert partial < 300, "the ingest finished before it could be killed"
    assert all(n == 3 for _, n in versions), "a document is visible with only some languages"
    rerun = subprocess.run([HEMICYCLE, "ingest", str(folder)], env=env, capture_output=True,
                           text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{300 - partial} created" in rerun.stderr
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(func.count(Document.id))) == 300
        assert db.scalar(select(func.count(LanguageVersion.id))) == 900


def _snapshot(settings) -> dict:
    with session_scope(settings.database_url) as db:
        docs = db.scalars(select(Document)).all()
        return {d.symbol: (d.doc_type, d.publication_date, d.extra,
                           sorted((v.language, v.title, v.text) for v in d.versions),
                           sorted((f.language, f.sha512) for f in d.files)) for d in docs}


def test_described_in_a_second_process_the_ingest_is_the_same(catalogue_settings, tmp_path):
    """Read ahead (the documents described in a second process), an ingest interrupted
    mid-way and run again ends as one in a single process; a record the catalogue refuses
    is still rejected alone, with its line and field."""
    import dataclasses

    folder = tmp_path / "many"
    folder.mkdir()
    rows = []
    for n in range(1, 24):
        for lang in ("en", "fr"):
            name = f"d{n}-{lang}.txt"
            (folder / name).write_text(f"United Nations A/74/{n}\n13 May 2019\nReport {n} "
                                       f"in {lang}\n", encoding="utf-8")
            rows.append({"symbol": f"A/74/{n}", "language": lang, "file": name,
                         "title": f"Report {n} {lang}", "doc_type": "report"})
    write_manifest(folder, rows)
    alone = dataclasses.replace(catalogue_settings, data_dir=tmp_path / "alone",
                                database_url=f"sqlite:///{tmp_path / 'alone.sqlite3'}")
    for s in (catalogue_settings, alone):  # A/74/9 catalogued already as something else
        save_document(s, DocumentInput(symbols=["A/74/9"], doc_type="letter"))
    seen = []

    def stop_at_12(doc) -> None:
        seen.append(doc)
        if len(seen) == 12:
            raise KeyboardInterrupt

    first = ingest_folder(catalogue_settings, folder, batch=5, ahead=True,
                          on_document=stop_at_12)
    assert first.interrupted
    # the three batches saved whole but A/74/9 (refused, the one catalogued stays): 1 + 14
    assert len(_snapshot(catalogue_settings)) == 15
    second = ingest_folder(catalogue_settings, folder, batch=5, ahead=True)
    assert not second.interrupted and (second.created, second.unchanged) == (8, 14)
    [bad] = second.errors
    assert bad.line == 17 and bad.field == "document" and "doc_type" in bad.reason

    once = ingest_folder(alone, folder, batch=5, ahead=False)
    assert [(e.line, e.field) for e in once.errors] == [(17, "document")]
    assert _snapshot(catalogue_settings) == _snapshot(alone)
    assert len(_snapshot(alone)) == 23
