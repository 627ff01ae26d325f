"""Dates as precise as the record knows them (issue 16): a General Debate speech states
its year, not its day, so it is dated "1946", never 1946-01-01; a Security Council symbol
states its year; an early General Assembly symbol without a session gets the session in
progress on its date, marked as derived. The text's own date wins; a date at odds with the
year stated is a finding and a review task. Shown, exported and round-tripped as EDTF."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pymarc import Field, Record, Subfield

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.queries import find_document
from hemicycle.describe import Given, describe
from hemicycle.describe.periods import ga_session_on
from hemicycle.describe.precision import date_of, edtf, parse_edtf, span
from hemicycle.ingest.run import ingest_folder
from hemicycle.interop.marc import document_to_record
from hemicycle.interop.marc_import import import_marc
from hemicycle.marc21.files import write_binary
from hemicycle.review.models import ReviewTask
from hemicycle.search.index import catch_up
from hemicycle.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
UNGDC = ROOT / "corpus" / "documents" / "ungdc" / "files"
UNPC = ROOT / "corpus" / "documents" / "unpc" / "files"
TODAY = dt.date(2026, 12, 7)


def test_edtf_writes_and_reads_each_precision():
    assert edtf(dt.date(2015, 1, 1), "year") == "2015"
    assert edtf(dt.date(2015, 9, 1), "month") == "2015-09"
    assert edtf(dt.date(2015, 9, 21), "day") == edtf(dt.date(2015, 9, 21), None) == "2015-09-21"
    assert parse_edtf("1946") == (dt.date(1946, 1, 1), "year")
    assert parse_edtf("1971-09") == (dt.date(1971, 9, 1), "month")
    assert parse_edtf("1967-11-22") == (dt.date(1967, 11, 22), "day")
    assert span(dt.date(2016, 2, 1), "month") == (dt.date(2016, 2, 1), dt.date(2016, 2, 29))
    for bad in ("2015-02-30", "2015-13", "15", "1967/11/22", "22 November 1967", ""):
        with pytest.raises(ValueError, match="is not a date"):
            parse_edtf(bad)


def test_a_speech_is_dated_by_its_year_never_a_day():
    d = describe(Given(source="manifest", doc_type="speech", body="GA", session="1",
                       year=1946), {"en": "Mr. President, on behalf of my delegation ..."},
                 today=TODAY)
    assert d.fields["date"].to_json() == {"value": "1946", "source": "manifest",
                                          "confidence": 1.0}
    assert d.findings == []


def test_a_speech_is_never_dated_by_a_day_its_speaker_names():
    # UNGDC/25/BRA was dated 1970-04-03 by "... dated 3 April 1970" in the speech
    d = describe(Given(source="manifest", doc_type="speech", body="GA", session="25",
                       year=1970),
                 {"en": "Mr. President,\nI recall the letter dated 3 April 1970 from the "
                        "Secretary-General."}, today=TODAY)
    assert d.fields["date"].value == "1970" and d.findings == []


def test_the_text_s_own_day_wins_over_the_year():
    d = describe(Given(source="manifest", symbols=["S/2015/10/Add.20"], year=2015),
                 {"en": "7439th meeting, held on 11 May 2015.\n"}, today=TODAY)
    assert d.fields["date"].value == "2015-05-11" and d.fields["date"].source == "text"


def test_a_security_council_symbol_dates_to_its_year_a_ga_session_does_not():
    d = describe(Given(source="manifest", symbols=["S/2015/305"]), {"en": "The Council."},
                 today=TODAY)
    assert d.fields["date"].to_json() == {"value": "2015", "source": "symbol",
                                          "confidence": 0.95}
    # a session runs from September into the next year: it dates nothing
    d = describe(Given(source="manifest", symbols=["A/69/767"]), {"en": "The Assembly."},
                 today=TODAY)
    assert "date" not in d.fields


def test_a_date_against_the_stated_year_is_a_finding_not_a_date():
    d = describe(Given(source="manifest", symbols=["UNGDC/70/FRA"], year=2015),
                 {"en": "Letter dated 20 April 2014 from the Permanent Representative"},
                 today=TODAY)
    assert [f.code for f in d.findings] == ["date-contradicts-year"]
    assert "2014-04-20" in d.findings[0].message and "2015" in d.findings[0].message
    # the stated year dates it; the reading waits for a cataloguer as a finding
    assert d.fields["date"].to_json() == {"value": "2015", "source": "manifest",
                                          "confidence": 1.0}


def test_impossible_years_are_findings():
    for year in (1930, 2031):
        d = describe(Given(source="manifest", doc_type="speech", year=year),
                     {"en": "Mr. President,"}, today=TODAY)
        assert "date" not in d.fields
        assert [f.code for f in d.findings] == ["date-out-of-range"]
    # a year stated as a date ("1945") is possible: the Charter was signed in it
    d = describe(Given(source="manifest", symbols=["A/1"], date=dt.date(1945, 1, 1),
                       date_precision="year"), {}, today=TODAY)
    assert d.fields["date"].value == "1945" and d.findings == []


@pytest.mark.parametrize(("day", "session"), [
    ("1946-01-10", 1), ("1946-10-23", 1), ("1947-04-28", 1), ("1947-10-11", 2),
    ("1948-09-21", 3), ("2015-09-14", 69), ("2015-09-15", 70), ("2016-03-01", 70)])
def test_the_general_assembly_session_in_progress_on_a_day(day, session):
    assert ga_session_on(dt.date.fromisoformat(day)) == session
    assert ga_session_on(dt.date(1945, 12, 31)) is None


def test_a_c1_212_is_named_by_its_session_marked_as_derived():
    d = describe(Given(source="manifest", symbols=["A/C.1/212"], date=dt.date(1947, 10, 11)),
                 {}, today=TODAY)
    assert d.fields["period"].to_json() == {"value": {"name": "session", "value": "2"},
                                            "source": "date", "confidence": 0.7}
    # known only to the year, a date cannot say which session
    d = describe(Given(source="manifest", symbols=["A/C.1/212"], date=dt.date(1947, 1, 1),
                       date_precision="year"), {}, today=TODAY)
    assert "period" not in d.fields


@pytest.fixture
def dated(catalogue_settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(UNGDC / "ARG_01_1946.txt", folder / "ARG_01_1946.txt")
    shutil.copy(UNPC / "s_2015_305-en.txt", folder / "s_2015_305-en.txt")
    (folder / "a.pdf").write_bytes((ROOT / "corpus" / "documents" / "un-scans" / "files" /
                                    "a_c1_212-en.pdf").read_bytes())
    rows = [{"identifier": "UNGDC/1/ARG", "language": "en", "file": "ARG_01_1946.txt",
             "title": "General Debate, session 1 (1946): statement by Argentina",
             "doc_type": "speech", "body": "GA", "session": "1", "year": 1946},
            {"symbol": "s/2015/305", "language": "en", "file": "s_2015_305-en.txt",
             "year": 2015},
            {"symbol": "A/C.1/212", "language": "en", "file": "a.pdf", "date": "1947-10-11"},
            {"symbol": "A/L.632", "language": "en", "text": "Draft resolution",
             "date": "1971-09"}]
    (folder / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows),
                                           encoding="utf-8")
    assert ingest_folder(catalogue_settings, folder).errors == []
    return catalogue_settings


def test_reduced_precision_dates_are_kept_shown_and_exported(dated, tmp_path):
    settings = dated
    with session_scope(settings.database_url) as db:
        speech = find_document(db, "UNGDC/1/ARG")
        assert (speech.publication_date, speech.date_precision) == (dt.date(1946, 1, 1), "year")
        assert date_of(speech) == "1946"
        letter = find_document(db, "S/2015/305")
        assert date_of(letter) in ("2015", *(f"2015-{m:02d}-{d:02d}" for m in range(1, 13)
                                              for d in range(1, 32)))
        assert date_of(find_document(db, "A/L.632")) == "1971-09"
        scan = find_document(db, "A/C.1/212")
        assert (scan.session, scan.date_precision) == ("2", "day")
        marc = document_to_record(speech)
        assert marc.get_fields("269")[0].get_subfields("a") == ["1946"]
        uid = speech.uid
        scan_uid = scan.uid
    catch_up(settings)
    client = TestClient(create_app(settings))
    api = client.get(f"/api/documents/{uid}").json()
    assert (api["publication_date"], api["date_precision"]) == ("1946", "year")
    page = client.get(f"/documents/{uid}").text
    assert '<time datetime="1946">1946</time>' in page and "year only" in page
    assert "1946-01-01" not in page
    assert "1946-01-01" not in client.get("/search?q=Argentina").text
    scan_page = client.get(f"/documents/{scan_uid}").text
    assert 'data-period="session"' in scan_page and 'data-source="date"' in scan_page


def test_marc_269_keeps_its_precision(catalogue_settings, tmp_path):
    records = []
    for symbol, when in (("S/2015/305", "2015"), ("S/2015/306", "20150422"),
                         ("S/2015/307", "2015-04")):
        record = Record()
        record.add_field(Field(tag="191", indicators=[" ", " "], subfields=[Subfield("a", symbol)]))
        record.add_field(Field(tag="269", indicators=[" ", " "], subfields=[Subfield("a", when)]))
        records.append(record)
    path = tmp_path / "in.mrc"
    with path.open("wb") as fh:
        write_binary(records, fh)
    report = import_marc(catalogue_settings, path)
    assert report.created == 3, report.rejected
    with session_scope(catalogue_settings.database_url) as db:
        assert [date_of(find_document(db, s)) for s in ("S/2015/305", "S/2015/306",
                                                         "S/2015/307")] == \
            ["2015", "2015-04-22", "2015-04"]


def test_a_manifest_date_that_does_not_exist_is_refused(catalogue_settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "manifest.jsonl").write_text(json.dumps(
        {"symbol": "S/2015/305", "language": "en", "text": "A letter.", "date": "2015-02-30"})
        + "\n", encoding="utf-8")
    summary = ingest_folder(catalogue_settings, folder)
    assert summary.created == 0
    assert any("2015-02-30" in str(e) and "date" in str(e) for e in summary.errors)


def test_a_year_at_odds_with_the_text_is_a_review_task(catalogue_settings, tmp_path):
    from sqlalchemy import select

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "manifest.jsonl").write_text(json.dumps(
        {"identifier": "UNPC/2015/XYZ", "language": "en", "year": 2015,
         "text": "Letter dated 20 April 2014 from the Permanent Representative"}) + "\n",
        encoding="utf-8")
    assert ingest_folder(catalogue_settings, folder).errors == []
    with session_scope(catalogue_settings.database_url) as db:
        doc = find_document(db, "UNPC/2015/XYZ")
        assert date_of(doc) == "2015"  # the stated year, not the text's other date
        codes = set(db.scalars(select(ReviewTask.code).where(
            ReviewTask.document_id == doc.id)))
    assert "date-contradicts-year" in codes


def test_the_symbol_s_year_is_the_document_s_own_against_a_corpus_year():
    # the UN Parallel Corpus files E/RES/2014/32 under 2015
    d = describe(Given(source="manifest", symbols=["E/RES/2014/32"], year=2015),
                 {"en": "The Economic and Social Council."}, today=TODAY)
    assert d.fields["date"].to_json() == {"value": "2014", "source": "symbol",
                                          "confidence": 0.95}
    assert [(f.code, f.field) for f in d.findings] == [("date-contradicts-year", "year")]


def test_a_symbol_a_speech_cites_does_not_date_it():
    d = describe(Given(source="manifest", doc_type="speech", body="GA", session="78",
                       year=2023),
                 {"en": "S/PRST/2021/18\nMr. President, the statement S/PRST/2021/18 ..."},
                 today=TODAY)
    assert d.fields["date"].value == "2023" and d.fields["date"].source == "manifest"
    assert d.findings == []
