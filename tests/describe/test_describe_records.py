"""Records described as they are saved (manifest ingest, MARC import), on SQLite and
PostgreSQL: what the text says fills the record, what cannot be right becomes a finding
and a review task, never a silent guess."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.catalogue.queries import find_document
from hemicycle.ingest.run import ingest_folder
from hemicycle.review.models import ReviewTask
from hemicycle.review.tasks import list_tasks, record_tasks, resolve_task

ROOT = Path(__file__).resolve().parents[2]
CR_UNSC = ROOT / "corpus" / "documents" / "cr-unsc" / "files"
UNPC = ROOT / "corpus" / "documents" / "unpc" / "files"


def manifest(folder: Path, rows: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return folder


def copy(src: Path, folder: Path, name: str | None = None) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(src, folder / (name or src.name))
    return name or src.name


def tasks_of(settings, symbol: str) -> dict[tuple[str, str], ReviewTask]:
    with session_scope(settings.database_url) as db:
        doc = find_document(db, symbol)
        rows = db.scalars(select(ReviewTask).where(ReviewTask.document_id == doc.id)).all()
        db.expunge_all()
        return {(t.code, t.field): t for t in rows}


def test_resolution_242_gets_its_date_meeting_and_year_from_its_text(catalogue_settings,
                                                                    tmp_path):
    folder = tmp_path / "in"
    name = copy(CR_UNSC / "S_RES_0242_1967_EN.txt", folder)
    manifest(folder, [{"symbol": "S/RES/242 (1967)", "language": "en", "file": name,
                       "title": "Resolution 242 (1967)", "doc_type": "resolution",
                       "text_source": "ocr-corrected"}])
    summary = ingest_folder(catalogue_settings, folder)
    assert summary.errors == [] and summary.created == 1
    with session_scope(catalogue_settings.database_url) as db:
        doc = find_document(db, "S/RES/242 (1967)")
        assert doc.publication_date == dt.date(1967, 11, 22)
        assert doc.action_date == dt.date(1967, 11, 22)
        extraction = doc.extra["extraction"]
        assert extraction["date"]["source"] == "text" and extraction["date"]["confidence"] >= 0.8
        assert extraction["period"]["value"] == {"name": "year", "value": "1967"}
        assert extraction["title"]["source"] == "manifest"
        assert ("S/PV.1382", "meeting record") in {(r.symbol, r.role) for r in doc.related}
        assert doc.extra["findings"] == []
        assert doc.version("en").text_source == "ocr-corrected"  # not born-digital
    assert tasks_of(catalogue_settings, "S/RES/242 (1967)") == {}
    # the same ingest again changes nothing
    again = ingest_folder(catalogue_settings, folder)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_sentences_are_dropped_as_titles_and_stated_titles_kept(catalogue_settings, tmp_path):
    folder = tmp_path / "in"
    rows = []
    for stem, symbol in (("s_2015_272", "s/2015/272"), ("s_2015_305", "s/2015/305")):
        for lang in ("en", "fr", "zh"):
            name = copy(UNPC / f"{stem}-{lang}.txt", folder)
            first = (UNPC / f"{stem}-{lang}.txt").read_text(encoding="utf-8").splitlines()[0]
            rows.append({"symbol": symbol, "language": lang, "file": name, "title": first,
                         "year": 2015, "extra": {"title_source": "first sentence"}})
    summary = ingest_folder(catalogue_settings, manifest(folder, rows))
    assert summary.errors == []
    with session_scope(catalogue_settings.database_url) as db:
        letter = find_document(db, "S/2015/272")
        assert letter.version("en").title.startswith("Letter dated 22 April 2015 from the "
                                                     "Secretary-General")
        assert letter.version("zh").title == "2015年4月22日秘书长给安全理事会主席的信"
        assert letter.doc_type == "letter"  # the symbol says nothing of it; the title does
        other = find_document(db, "S/2015/305")
        assert all(v.title is None for v in other.versions)  # sentences, not titles
        assert set(other.extra["titles"]["rejected"]) == {"en", "fr", "zh"}


def test_a_date_no_un_document_can_have_is_a_finding_and_a_task(catalogue_settings,
                                                                tmp_path):
    folder = tmp_path / "in"
    name = copy(CR_UNSC / "S_RES_0084_1950_EN.txt", folder)
    manifest(folder, [{"symbol": "S/RES/84 (1950)", "language": "en", "file": name,
                       "date": "2099-01-01", "action_date": "1939-09-01"}])
    assert ingest_folder(catalogue_settings, folder).errors == []
    with session_scope(catalogue_settings.database_url) as db:
        doc = find_document(db, "S/RES/84 (1950)")
        codes = {(f["code"], f["field"]) for f in doc.extra["findings"]}
        assert ("date-out-of-range", "date") in codes
        assert ("date-out-of-range", "action_date") in codes
        # neither impossible date is kept; the text's own date is (said where it came from)
        assert doc.publication_date == dt.date(1950, 7, 7)
        assert doc.extra["extraction"]["date"]["source"] == "text"
    tasks = tasks_of(catalogue_settings, "S/RES/84 (1950)")
    assert tasks[("date-out-of-range", "date")].status == "open"
    assert "2099-01-01" in tasks[("date-out-of-range", "date")].message


def test_a_symbol_the_text_contradicts_is_a_finding_and_a_task(catalogue_settings, tmp_path):
    """CR-UNSC's file for resolution 542 (1983) holds the text of 538 (1983)."""
    folder = tmp_path / "in"
    name = copy(CR_UNSC / "S_RES_0542_1983_EN.txt", folder)
    manifest(folder, [{"symbol": "S/RES/542 (1983)", "language": "en", "file": name}])
    assert ingest_folder(catalogue_settings, folder).errors == []
    tasks = tasks_of(catalogue_settings, "S/RES/542 (1983)")
    task = tasks[("symbol-contradicts-text", "symbols")]
    assert "S/RES/538 (1983)" in task.message and task.status == "open"
    entries, total = list_tasks(catalogue_settings, code="symbol-contradicts-text")
    assert total == 1 and entries[0].symbol == "S/RES/542 (1983)"
    # a person checks it; saving the record again does not reopen it
    resolve_task(catalogue_settings, task.id, "cat", "the corpus file is mislabelled")
    ingest_folder(catalogue_settings, folder)
    with session_scope(catalogue_settings.database_url) as db:
        record_tasks(db, [find_document(db, "S/RES/542 (1983)").id])
    task = tasks_of(catalogue_settings, "S/RES/542 (1983)")[("symbol-contradicts-text",
                                                              "symbols")]
    assert task.status == "resolved" and task.resolved_by == "cat"
    assert task.note == "the corpus file is mislabelled"


def test_a_date_the_symbol_denies_is_flagged_and_unsure(catalogue_settings, tmp_path):
    folder = tmp_path / "in"
    (folder).mkdir()
    (folder / "res.txt").write_text("Resolution 500 (1982)\nof 28 January 1983\n\n"
                                    "The Security Council,\n", encoding="utf-8")
    manifest(folder, [{"symbol": "S/RES/500 (1982)", "language": "en", "file": "res.txt"}])
    assert ingest_folder(catalogue_settings, folder).errors == []
    with session_scope(catalogue_settings.database_url) as db:
        doc = find_document(db, "S/RES/500 (1982)")
        assert [f["code"] for f in doc.extra["findings"]] == ["date-contradicts-symbol"]
        assert doc.publication_date is None  # too unsure to be published as the date
        assert doc.extra["extraction"]["date"]["confidence"] < 0.6
    tasks = tasks_of(catalogue_settings, "S/RES/500 (1982)")
    assert {("date-contradicts-symbol", "date"), ("low-confidence", "date")} <= set(tasks)


def test_marc_records_are_described_too(catalogue_settings, tmp_path):
    from pymarc import Field, Record, Subfield

    from hemicycle.interop.marc_import import import_marc
    from hemicycle.marc21.files import write_binary

    record = Record()
    record.add_field(Field(tag="191", indicators=[" ", " "],
                           subfields=[Subfield("a", "S/RES/2334 (2016)")]))
    record.add_field(Field(tag="245", indicators=["1", "0"],
                           subfields=[Subfield("a", "Resolution 2334 (2016)")]))
    record.add_field(Field(tag="269", indicators=[" ", " "],
                           subfields=[Subfield("a", "2017-12-23")]))
    path = tmp_path / "one.mrc"
    with path.open("wb") as fh:
        write_binary([record], fh)
    report = import_marc(catalogue_settings, path)
    assert report.created == 1, report.rejected
    with session_scope(catalogue_settings.database_url) as db:
        doc = find_document(db, "S/RES/2334 (2016)")
        assert doc.extra["extraction"]["date"]["source"] == "marc"
        assert doc.extra["extraction"]["period"] == {"value": {"name": "year", "value": "2016"},
                                                     "source": "symbol", "confidence": 0.95}
        assert [f["code"] for f in doc.extra["findings"]] == ["date-contradicts-symbol"]
    assert ("date-contradicts-symbol", "date") in tasks_of(catalogue_settings,
                                                           "S/RES/2334 (2016)")


def test_a_pdf_without_text_is_a_scan_to_digitise(catalogue_settings, tmp_path):
    folder = tmp_path / "in"
    name = copy(ROOT / "corpus" / "documents" / "un-scans" / "files" / "a_c1_212-en.pdf",
                folder)
    manifest(folder, [{"symbol": "A/C.1/212", "language": "en", "file": name}])
    assert ingest_folder(catalogue_settings, folder).errors == []
    with session_scope(catalogue_settings.database_url) as db:
        doc = find_document(db, "A/C.1/212")
        assert doc.version("en").text_source is None  # never "born-digital"
        assert [f["code"] for f in doc.extra["findings"]] == ["no-text"]
        assert db.scalar(select(Document.status).where(Document.id == doc.id)) == "published"
    assert ("no-text", "text") in tasks_of(catalogue_settings, "A/C.1/212")


def test_a_text_source_no_record_can_have_is_refused_naming_the_row(catalogue_settings,
                                                                    tmp_path):
    folder = tmp_path / "in"
    name = copy(CR_UNSC / "S_RES_0242_1967_EN.txt", folder)
    manifest(folder, [
        {"symbol": "S/RES/242 (1967)", "language": "en", "file": name,
         "text_source": "scanned"},
        {"symbol": "S/RES/243 (1967)", "language": "en", "text_source": "ocr"},
    ])
    summary = ingest_folder(catalogue_settings, folder)
    problems = sorted(str(e).split("manifest.jsonl:")[1] for e in summary.errors)
    assert problems == [
        "1: text_source: 'scanned' is not one of born-digital, ocr, ocr-corrected, manual",
        "2: text_source: given, but the row has no text"]
    assert summary.created == 0  # nothing half-written
