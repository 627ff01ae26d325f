"""DHL-shaped CSV: our exports read back (round trip), meetings and their speeches, and
the report on broken rows; SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from proceedings_helpers import ROLL_CALLS70, VOTES70, read_csv, write_csv
from sqlalchemy import func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.proceedings import queries
from hemicycle.proceedings.exports import VOTE_FIELDS, as_csv, vote_rows
from hemicycle.proceedings.importers.dhl import import_speeches_csv, import_votes_csv
from hemicycle.proceedings.importers.ga import GAFiles, import_ga
from hemicycle.proceedings.models import ImportRun, Meeting, QualityIssue, VotingRecord


def _codes(settings, importer):
    with session_scope(settings.database_url) as db:
        run = db.scalar(select(ImportRun).where(ImportRun.importer == importer,
                                                ImportRun.current.is_(True)))
        return sorted((i.code, i.row or 0) for i in db.scalars(
            select(QualityIssue).where(QualityIssue.run_id == run.id)))


def test_export_reads_back_with_the_same_votes(catalogue_settings, tmp_path):
    import_ga(catalogue_settings, GAFiles(ROLL_CALLS70, VOTES70))
    out = tmp_path / "votes70.csv"
    with session_scope(catalogue_settings.database_url) as db:
        out.write_text("".join(as_csv(vote_rows(db, session_no=70), VOTE_FIELDS)),
                       encoding="utf-8")
    result = import_votes_csv(catalogue_settings, out)
    assert result.loaded > 0
    once = [r["unres"] for r in read_csv(ROLL_CALLS70)]
    single = [u for u in once if once.count(u) == 1 and u.startswith("R/70/")]
    with session_scope(catalogue_settings.database_url) as db:
        for ref in single[:10]:
            ours = db.scalar(select(VotingRecord).where(VotingRecord.source == "unvotes",
                                                        VotingRecord.source_ref == ref))
            back = db.scalar(select(VotingRecord).where(
                VotingRecord.source == "dhl", VotingRecord.resolution_key
                == ours.resolution_key))
            assert (back.yes, back.no, back.abstain) == (ours.yes, ours.no, ours.abstain)
            assert back.date == ours.date and back.session_no == 70
    assert import_votes_csv(catalogue_settings, out).unchanged


def test_meetings_link_votes_and_speeches(catalogue_settings, tmp_path):
    votes = write_csv(tmp_path / "sc.csv", list(VOTE_FIELDS[:8]), [
        ["USA", "Y", "S/RES/2334 (2016)", "S/2016/1085", "S/PV.7853", "2016-12-23",
         "The situation in the Middle East", "Resolution 2334"],
        ["USA", "A", "S/RES/2334 (2016)", "", "S/PV.7853", "2016-12-23", "", ""],  # dup
        ["FRA", "Y", "S/RES/2334(2016)", "", "S/PV.7853", "2016-12-23", "", ""],
        ["ATL", "Y", "S/RES/2334 (2016)", "", "S/PV.7853", "2016-12-23", "", ""],   # unknown
        ["GBR", "maybe", "S/RES/2334 (2016)", "", "S/PV.7853", "2016-12-23", "", ""],
        ["RUS", "Y", "not a symbol", "", "", "2016-12-23", "", ""],
        ["CHN", "Y", "S/RES/2334 (2016)", "", "S/PV.7853", "2016-12-23", "", ""],
    ])
    import_votes_csv(catalogue_settings, votes)
    assert _codes(catalogue_settings, "dhl-votes") == [
        ("duplicate_vote", 3), ("invalid_symbol", 7), ("invalid_vote", 6),
        ("unknown_country", 5)]
    speeches = write_csv(tmp_path / "speeches.csv",
                         ["state", "organisation", "speaker", "title", "meeting", "date",
                          "agenda_item", "language", "text"], [
        ["USA", "United States", "Ms. Power", "Permanent Representative", "S/PV.7853",
         "2016-12-23", "The situation in the Middle East", "en", "Our vote today..."],
        ["", "European Union", "Mr. Vale de Almeida", "Head of Delegation", "s/pv.7853",
         "2016-12-23", "The situation in the Middle East", "en", ""],
        ["USA", "United States", "Ms. Power", "Permanent Representative", "S/PV.7853",
         "2016-12-23", "The situation in the Middle East", "en", "again"],   # duplicate
        ["QQQ", "Nowhere", "Someone", "", "S/PV.7854", "bad date", "", "", ""],  # broken
    ])
    import_speeches_csv(catalogue_settings, speeches)
    assert _codes(catalogue_settings, "dhl-speeches") == [("broken_row", 5),
                                                          ("duplicate_record", 4)]
    with session_scope(catalogue_settings.database_url) as db:
        rec = queries.voting_record_for_symbol(db, "S/RES/2334 (2016)")
        detail = queries.record_detail(db, rec)
        assert detail["meeting"] == "S/PV.7853" and detail["draft"] == "S/2016/1085"
        assert detail["body"] == "SC" and detail["tallies"]["yes"] == 3
        assert {v["state"] for v in detail["votes"]} == {"USA", "FRA", "CHN"}
        at = queries.speeches_for_meeting(db, "S/PV.7853")
        assert [s.speaker for s in at] == ["Ms. Power", "Mr. Vale de Almeida"]
        assert at[1].state_id is None and at[1].organisation == "European Union"
        assert db.scalar(select(func.count()).select_from(Meeting)) == 1
        assert queries.speeches_for_meeting(db, "S/PV.1") == []


@pytest.mark.parametrize("header", [["state", "vote", "date"], []])
def test_wrong_header_is_refused_whole(settings, tmp_path, header):
    from hemicycle.proceedings.importers.frame import ImportFailed

    path = write_csv(tmp_path / "bad.csv", header, [["USA", "Y", "2016-01-01"]] if header
                     else [])
    with pytest.raises(ImportFailed, match="bad.csv"):
        import_votes_csv(settings, path)
