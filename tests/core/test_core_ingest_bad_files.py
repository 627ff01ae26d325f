"""hemicycle ingest with broken input: an unterminated quote, links, empty files and
missing columns each get a finding naming the file and line, the good rows still load,
and the command exits 1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.catalogue.queries import find_document
from hemicycle.ingest.run import ingest_folder

HEMICYCLE = str(Path(sys.executable).with_name("hemicycle"))


def _ingest_cli(settings, folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([HEMICYCLE, "ingest", str(folder)], capture_output=True, text=True,
                          env={**os.environ, "HEMICYCLE_DATA": str(settings.data_dir)})


def _symbols(settings) -> list[str]:
    with session_scope(settings.database_url) as db:
        return sorted(db.scalars(select(Document.symbol)))


def _texts(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(f"the text of {name}", encoding="utf-8")


def test_an_unterminated_quote_swallows_no_rows(catalogue_settings, tmp_path):
    folder = tmp_path / "in"
    _texts(folder, "a.txt", "b.txt", "c.txt", "d.txt")
    (folder / "manifest.csv").write_text(
        "symbol,language,file,title\n"
        "A/74/1,en,a.txt,\"First, with a comma\"\n"
        "A/74/2,en,b.txt,\"Never closed\n"
        "A/74/3,en,c.txt,Third\n"
        "A/74/4,en,d.txt,\"Fourth\non two lines\"\n", encoding="utf-8")
    summary = ingest_folder(catalogue_settings, folder)
    assert [(e.line, e.field) for e in summary.errors] == [(3, "row"), (5, "row")]
    assert "quote" in summary.errors[0].reason and "line 3" in summary.errors[0].reason
    assert "title" in summary.errors[1].reason  # a value over two lines where none may be
    assert _symbols(catalogue_settings) == ["A/74/1", "A/74/3"]
    with session_scope(catalogue_settings.database_url) as db:
        assert find_document(db, "A/74/1").version("en").title == "First, with a comma"

    run = _ingest_cli(catalogue_settings, folder)
    assert run.returncode == 1
    assert f"{folder / 'manifest.csv'}:3: row:" in run.stderr


def test_text_over_several_lines_is_still_allowed(settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "manifest.csv").write_text(
        "symbol,language,text\nA/74/1,en,\"one line\nand another\"\nA/74/2,en,plain\n",
        encoding="utf-8")
    summary = ingest_folder(settings, folder)
    assert summary.errors == [] and summary.created == 2


def test_links_and_empty_files_are_findings_and_the_rest_loads(settings, tmp_path):
    folder = tmp_path / "in"
    _texts(folder, "good.txt", "target.txt")
    outside = tmp_path / "secret.txt"
    outside.write_text("not for the library", encoding="utf-8")
    os.symlink(outside, folder / "outside.txt")
    os.symlink(folder / "target.txt", folder / "inside.txt")
    (folder / "sub").mkdir()
    os.symlink(tmp_path, folder / "sub" / "up")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "empty.txt").write_bytes(b"")
    rows = [
        {"symbol": "A/74/1", "language": "en", "file": "outside.txt"},
        {"symbol": "A/74/2", "language": "en", "file": "inside.txt"},
        {"symbol": "A/74/3", "language": "en", "file": "sub/up/secret.txt"},
        {"symbol": "A/74/4", "language": "en", "file": "empty.pdf"},
        {"symbol": "A/74/5", "language": "en", "file": "empty.txt"},
        {"symbol": "A/74/6", "language": "en", "file": "good.txt"},
    ]
    (folder / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary = ingest_folder(settings, folder)
    by_line = {e.line: e for e in summary.errors}
    assert sorted(by_line) == [1, 2, 3, 4, 5]
    for line in (1, 2, 3):
        assert by_line[line].field == "file"
        assert "symbolic link" in by_line[line].reason
    for line in (4, 5):
        assert by_line[line].field == "file" and "empty" in by_line[line].reason
    assert _symbols(settings) == ["A/74/6"]

    run = _ingest_cli(settings, folder)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert f"{folder / 'manifest.jsonl'}:1: file:" in run.stderr


def test_missing_columns_and_values_are_named(settings, tmp_path):
    folder = tmp_path / "in"
    _texts(folder, "a.txt", "b.txt")
    (folder / "manifest.csv").write_text(
        "symbol,language,file,title\n"
        "A/74/1,en,a.txt,A title\n"
        "A/74/2,en\n"
        "A/74/3,,b.txt,No language\n", encoding="utf-8")
    summary = ingest_folder(settings, folder)
    by_line = {e.line: e for e in summary.errors}
    assert by_line[3].field == "row"
    assert "file" in by_line[3].reason and "title" in by_line[3].reason
    assert by_line[4].field == "language" and by_line[4].reason == "missing"
    assert _symbols(settings) == ["A/74/1"]

    headless = tmp_path / "headless"
    _texts(headless, "a.txt")
    (headless / "manifest.csv").write_text("symbol,file\nA/74/9,a.txt\n", encoding="utf-8")
    run = _ingest_cli(settings, headless)
    assert run.returncode == 1
    assert f"{headless / 'manifest.csv'}:1: header: no 'language' column" in run.stderr
    assert _symbols(settings) == ["A/74/1"]

    jsonl = tmp_path / "jsonl"
    _texts(jsonl, "a.txt")
    (jsonl / "manifest.jsonl").write_text(json.dumps({"symbol": "A/74/8", "file": "a.txt"})
                                          + "\n")
    [error] = ingest_folder(settings, jsonl).errors
    assert (error.line, error.field, error.reason) == (1, "language", "missing")
