"""Security Council table and General Debate speeches importers, real data subsets and
broken input, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from proceedings_helpers import CRUNSC, UNGDC, UNGDC_TEXTS, read_csv, write_csv
from sqlalchemy import func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.proceedings import queries
from hemicycle.proceedings.importers.frame import ImportFailed
from hemicycle.proceedings.importers.gdc import GDCFiles, import_gdc
from hemicycle.proceedings.importers.sc import SCFiles, import_sc
from hemicycle.proceedings.models import ImportRun, QualityIssue, Speech, VotingRecord

SPEAKER_HEADER = ["Year", "Session", "ISO Code", "Country", "Name of Person Speaking", "Post"]


def _findings(settings, importer):
    with session_scope(settings.database_url) as db:
        run = db.scalar(select(ImportRun).where(ImportRun.importer == importer,
                                                ImportRun.current.is_(True)))
        return sorted((i.code, i.file, i.row or 0, i.message) for i in db.scalars(
            select(QualityIssue).where(QualityIssue.run_id == run.id)))


def _head(src, dst, n):
    rows = read_csv(src)[:n]
    return write_csv(dst, list(rows[0]), [list(r.values()) for r in rows])


def test_sc_links_and_symbols_with_years(catalogue_settings, tmp_path):
    records = _head(CRUNSC / "UNSC_Record-Table_2722.csv", tmp_path / "records.csv", 60)
    voting = _head(CRUNSC / "UNSC_Record_Voting_2722.csv", tmp_path / "voting.csv", 60)
    result = import_sc(catalogue_settings,
                       SCFiles(records, voting, CRUNSC / "resolution_years.csv"))
    assert result.loaded == 60
    first = read_csv(CRUNSC / "UNSC_Record-Table_2722.csv")[0]
    with session_scope(catalogue_settings.database_url) as db:
        rec = queries.voting_record_for_symbol(db, "S/RES/1(1946)")
        assert rec is not None
        assert rec.resolution_symbol == "S/RES/1 (1946)" and rec.session_no == 1
        assert rec.record_url == first["url_record"]
        assert rec.voting_url.startswith("https://digitallibrary.un.org/record/")
        assert rec.outcome == "unknown"
    assert import_sc(catalogue_settings,
                     SCFiles(records, voting, CRUNSC / "resolution_years.csv")).unchanged


def test_sc_broken_rows_reported(catalogue_settings, tmp_path):
    records = write_csv(tmp_path / "records.csv", ["res_no", "url_record"], [
        [1, "https://digitallibrary.un.org/record/111946"],
        ["one", "https://digitallibrary.un.org/record/1"],      # line 3: not a number
        [1, "https://digitallibrary.un.org/record/2"],          # line 4: duplicate
        [2, "not a link"],                                      # line 5
    ])
    voting = write_csv(tmp_path / "voting.csv", ["res_no", "url_record"], [
        [1, "https://digitallibrary.un.org/record/280453"],
        [77, "https://digitallibrary.un.org/record/280454"],    # line 3: no such resolution
    ])
    import_sc(catalogue_settings, SCFiles(records, voting))
    found = [(c, f, r) for c, f, r, _m in _findings(catalogue_settings, "sc")]
    assert found == [("broken_row", "records.csv", 3), ("broken_row", "records.csv", 5),
                     ("duplicate_record", "records.csv", 4),
                     ("unknown_record", "voting.csv", 3)]
    with session_scope(catalogue_settings.database_url) as db:
        assert db.scalar(select(func.count()).select_from(VotingRecord)) == 1
        # no year table: the symbol carries no year, and is still found by any variant
        assert queries.voting_record_for_symbol(db, "s/res/1") is not None


def _speakers(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(SPEAKER_HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def gdc_files(tmp_path):
    texts = tmp_path / "TXT" / "Session 75 - 2020"
    texts.mkdir(parents=True)
    for name in ("FRA_75_2020.txt", "USA_75_2020.txt", "PRT_75_2020.txt"):
        shutil.copy(UNGDC_TEXTS / name, texts / name)
    book = openpyxl.load_workbook(UNGDC / "Speakers_by_session.xlsx", read_only=True)
    real = [list(r[:6]) for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)
            if r[1] == 75 and r[2] in ("FRA", "USA", "DEU")]
    book.close()
    rows = real + [
        [2020, 75, "POR", "Portugal", "Someone", "Minister"],      # unknown code
        [2020, 75, "FRA", "France", "Twice", "President"],         # duplicate speech
        ["two thousand", 75, "ITA", "Italy", "X", "Y"],            # broken row
    ]
    return GDCFiles(_speakers(tmp_path / "speakers.xlsx", rows), tmp_path / "TXT"), real


def test_gdc_speeches_with_texts_and_report(catalogue_settings, gdc_files):
    files, real = gdc_files
    result = import_gdc(catalogue_settings, files)
    assert not result.unchanged
    found = {(c, r) for c, _f, r, _m in _findings(catalogue_settings, "gdc")}
    n = len(real)
    assert ("unknown_country", n + 2) in found
    assert ("duplicate_record", n + 3) in found
    assert ("broken_row", n + 4) in found
    assert ("missing_text", n + 2) in found  # POR_75_2020.txt does not exist
    assert ("unlisted_speech", 0) in found  # PRT_75_2020.txt is not in the table
    assert ("missing_text", next(i for i, r in enumerate(real, 2) if r[2] == "DEU")) in found
    france = next(r for r in real if r[2] == "FRA")
    with session_scope(catalogue_settings.database_url) as db:
        total, rows = queries.search_speeches(db, state="FRA", session_no=75)
        assert total == 1 and rows[0]["speaker"] == france[4].strip()
        sp = db.get(Speech, rows[0]["id"])
        assert sp.text == (UNGDC_TEXTS / "FRA_75_2020.txt").read_text(encoding="utf-8-sig")
        word = sp.text.split()[40].strip(".,;:")
        total, rows = queries.search_speeches(db, q=word)
        assert "FRA" in [r["state"] for r in rows]
        portugal = db.scalar(select(Speech).where(Speech.source_id == "POR_75_2020"))
        assert portugal.state_id is None and portugal.organisation == "Portugal"
    assert import_gdc(catalogue_settings, files).unchanged


def test_gdc_broken_workbook_fails_and_writes_nothing(catalogue_settings, tmp_path):
    broken = tmp_path / "speakers.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    with pytest.raises(ImportFailed, match="speakers.xlsx: not a readable XLSX"):
        import_gdc(catalogue_settings, GDCFiles(broken))
    wrong = _speakers(tmp_path / "wrong.xlsx", [])
    book = openpyxl.load_workbook(wrong)
    book.active.delete_cols(5)
    book.save(wrong)
    with pytest.raises(ImportFailed, match="missing column"):
        import_gdc(catalogue_settings, GDCFiles(wrong))
    with session_scope(catalogue_settings.database_url) as db:
        assert db.scalar(select(func.count()).select_from(Speech)) == 0
        assert db.scalar(select(func.count()).select_from(ImportRun)) == 0
