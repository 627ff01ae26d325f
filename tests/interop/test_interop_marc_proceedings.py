"""Voting records and speeches as DHL MARC (791, 952, 967, 996, 591; 700, 710, 791, 991):
exported from the proceedings tables, read back, and compared with the tables."""

from __future__ import annotations

import datetime as dt

import pytest
from lxml import etree
from sqlalchemy import select
from typer.testing import CliRunner

from hemicycle.catalogue.db import get_engine, session_scope
from hemicycle.cli import app
from hemicycle.marc21.files import read_marc
from hemicycle.marc21.records import MappingError
from hemicycle.proceedings import codes
from hemicycle.proceedings.marc import speech_fields, voting_fields
from hemicycle.proceedings.models import Meeting, MemberState, Speech, Vote, VotingRecord
from hemicycle.proceedings.states import ensure_states

runner = CliRunner()
VOTES = {"FRA": codes.YES, "USA": codes.NO, "CHN": codes.ABSTAIN, "RUS": codes.YES,
         "GBR": codes.NON_VOTING, "BRA": codes.ABSENT, "DEU": codes.NOT_MEMBER}


def _proceedings(settings) -> None:
    with get_engine(settings.database_url).begin() as conn:
        ensure_states(conn)
    with session_scope(settings.database_url) as db:
        ids = dict(db.execute(select(MemberState.iso3, MemberState.id)).all())
        meeting = Meeting(body="SC", number="7853", date=dt.date(2016, 12, 23),
                          symbol="S/PV.7853", symbol_key="S/PV.7853")
        vr = VotingRecord(source="test", source_id="2334", body="SC", session_no=71,
                          date=dt.date(2016, 12, 23), resolution_symbol="S/RES/2334 (2016)",
                          draft_symbol="S/2016/1085", meeting=meeting, outcome="recorded",
                          agenda_item="The situation in the Middle East",
                          title="Resolution 2334 (2016)", yes=2, no=1, abstain=1, non_voting=1,
                          absent=1)
        db.add(vr)
        db.flush()
        for iso3, vote in VOTES.items():
            db.add(Vote(record_id=vr.id, state_id=ids[iso3], vote=vote))
        db.add(VotingRecord(source="test", source_id="2335", body="SC", session_no=71,
                            date=dt.date(2016, 12, 24), resolution_symbol="S/RES/2335 (2016)",
                            outcome="without_vote"))
        db.add(Speech(source="test", source_id="sp1", body="SC", session_no=71,
                      date=dt.date(2016, 12, 23), meeting=meeting, state_id=ids["FRA"],
                      speaker="M. Delattre", speaker_title="Représentant permanent",
                      agenda_item="The situation in the Middle East", language="fr"))


def test_interop_votes_and_speeches_as_marc(settings, tmp_path, marc_schema):
    _proceedings(settings)
    out = tmp_path / "votes.xml"
    result = runner.invoke(app, ["--data", str(settings.data_dir), "export", "marcxml", "SC:71",
                                 "--records", "votes", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert marc_schema.validate(etree.parse(str(out))), marc_schema.error_log.last_error
    items = list(read_marc(out))
    assert all(i.ok for i in items) and len(items) == 2
    first = voting_fields(items[0].record)
    assert first["resolution_symbol"] == "S/RES/2334 (2016)"
    assert first["meeting_symbol"] == "S/PV.7853" and first["draft_symbol"] == "S/2016/1085"
    assert first["outcome"] == "recorded" and first["date"] == dt.date(2016, 12, 23)
    listed = {k: v for k, v in VOTES.items() if v != codes.NOT_MEMBER}
    assert first["votes"] == listed
    assert (first["yes"], first["no"], first["abstain"], first["non_voting"]) == (2, 1, 1, 1)
    names = {f["c"]: f["e"] for f in items[0].record.get_fields("967")}
    assert names["FRA"] == "France" and "DEU" not in names
    second = voting_fields(items[1].record)
    assert second["outcome"] == "without_vote" and second["votes"] == {}

    binary = tmp_path / "speeches.mrc"
    result = runner.invoke(app, ["--data", str(settings.data_dir), "export", "marc", "*",
                                 "--records", "speeches", "-o", str(binary)])
    assert result.exit_code == 0, result.output
    (speech,) = list(read_marc(binary))
    assert speech.ok
    fields = speech_fields(speech.record)
    assert fields == {"speaker": "M. Delattre", "speaker_title": "Représentant permanent",
                      "state": "FRA", "name": "France", "meeting_symbol": "S/PV.7853",
                      "body": "SC", "session_no": 71,
                      "agenda_item": "The situation in the Middle East",
                      "date": dt.date(2016, 12, 23)}
    empty = runner.invoke(app, ["--data", str(settings.data_dir), "export", "marcxml", "GA:x",
                                "--records", "votes", "-o", str(tmp_path / "x.xml")])
    assert empty.exit_code == 1 and not (tmp_path / "x.xml").exists()
    bad = runner.invoke(app, ["--data", str(settings.data_dir), "export", "dc", "*",
                              "--records", "votes"])
    assert bad.exit_code != 0


def test_interop_vote_tallies_must_match_the_votes(settings, tmp_path):
    _proceedings(settings)
    out = tmp_path / "votes.xml"
    runner.invoke(app, ["--data", str(settings.data_dir), "export", "marcxml", "*",
                        "--records", "votes", "-o", str(out)])
    tree = etree.parse(str(out))
    ns = {"m": "http://www.loc.gov/MARC21/slim"}
    yes = tree.find(".//m:datafield[@tag='996']/m:subfield[@code='b']", ns)
    yes.text = "3"
    tree.write(str(out))
    record = next(iter(read_marc(out))).record
    with pytest.raises(MappingError, match=r"996 tallies .*'yes': 3"):
        voting_fields(record)


@pytest.mark.parametrize("fmt", ["marc", "marcxml"])
def test_interop_votes_and_speeches_round_trip(settings, tmp_path, fmt):
    """Export then import into an empty catalogue, then export again: the same MARC."""
    from hemicycle.config import load_settings
    from hemicycle.interop.marc_import import import_marc

    _proceedings(settings)
    other = load_settings(tmp_path / "other")
    for records in ("votes", "speeches"):
        out = tmp_path / f"{records}.{fmt}"
        result = runner.invoke(app, ["--data", str(settings.data_dir), "export", fmt, "*",
                                     "--records", records, "-o", str(out)])
        assert result.exit_code == 0, result.output
        report = import_marc(other, out)
        assert report.rejected == [] and report.created == len(list(read_marc(out)))
        again = tmp_path / f"again-{records}.{fmt}"
        result = runner.invoke(app, ["--data", str(other.data_dir), "export", fmt, "*",
                                     "--records", records, "-o", str(again)])
        assert result.exit_code == 0, result.output
        first = [i.record.as_marc() for i in read_marc(out)]
        second = [i.record.as_marc() for i in read_marc(again)]
        assert first == second
        rerun = import_marc(other, out)
        assert (rerun.created, rerun.unchanged, rerun.rejected) == (0, len(first), [])


def test_interop_vote_import_rejects_bad_records(settings, tmp_path):
    from hemicycle.interop.marc_import import import_marc

    _proceedings(settings)
    out = tmp_path / "votes.xml"
    runner.invoke(app, ["--data", str(settings.data_dir), "export", "marcxml", "*",
                        "--records", "votes", "-o", str(out)])
    text = out.read_text(encoding="utf-8")
    broken = text.replace('code="c">CHN<', 'code="c">XXX<', 1)
    target = tmp_path / "broken.xml"
    target.write_text(broken, encoding="utf-8")
    other_dir = tmp_path / "other"
    from hemicycle.config import load_settings

    other = load_settings(other_dir)
    report = import_marc(other, target)
    assert [p.number for p in report.rejected] == [1]
    assert "no member-state authority for XXX" in report.rejected[0].reason
    assert report.created == 1
    with session_scope(other.database_url) as db:
        assert db.scalar(select(VotingRecord).where(VotingRecord.source_id == "2334")) is None
    # the good record again, changed, without --replace: a conflict, nothing written
    changed = text.replace(">Resolution 2334 (2016)<", ">Another title<", 1)
    target.write_text(changed, encoding="utf-8")
    import_marc(other, out)
    report = import_marc(other, target)
    assert "exists with other values" in report.rejected[0].reason
    report = import_marc(other, target, replace=True)
    assert report.updated == 1 and report.rejected == []
