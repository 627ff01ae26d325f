"""General Assembly importer on SQLite and PostgreSQL: real session-70 data, reruns,
the data-quality report on broken input, and all-or-nothing failures."""

from __future__ import annotations

import collections
import csv
import gzip

import pytest
from proceedings_helpers import (
    ROLL_CALLS70,
    UNVOTES,
    VOETEN70,
    VOTES70,
    read_csv,
    write_csv,
)
from sqlalchemy import func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.proceedings import queries
from hemicycle.proceedings.importers.frame import ImportFailed
from hemicycle.proceedings.importers.ga import GAFiles, import_ga
from hemicycle.proceedings.models import (
    ImportRun,
    QualityIssue,
    RecordIssue,
    Vote,
    VotingRecord,
)

ROLL_HEADER = ["rcid", "session", "importantvote", "date", "unres", "amend", "para", "short",
               "descr"]
VOTE_HEADER = ["rcid", "country", "country_code", "vote"]


def _findings(settings, code=None):
    with session_scope(settings.database_url) as db:
        run = db.scalar(select(ImportRun).where(ImportRun.importer == "ga",
                                                ImportRun.current.is_(True)))
        query = select(QualityIssue).where(QualityIssue.run_id == run.id)
        if code:
            query = query.where(QualityIssue.code == code)
        return [(i.code, i.file, i.row, i.message) for i in db.scalars(query)]


def test_session70_loads_votes_tallies_and_issues(catalogue_settings, ga70):
    result = import_ga(catalogue_settings, ga70)
    rolls, votes = read_csv(ROLL_CALLS70), read_csv(VOTES70)
    assert result.rows == len(rolls) and result.loaded == len(rolls)
    assert not result.unchanged
    expected = collections.Counter((v["rcid"], v["vote"]) for v in votes)
    cuba = next(r for r in rolls if r["unres"] == "R/70/5")
    with session_scope(catalogue_settings.database_url) as db:
        rec = queries.voting_record_for_symbol(db, "a/res/70/5")  # any variant of the symbol
        assert rec is not None and rec.source_id == cuba["rcid"]
        detail = queries.record_detail(db, rec)
        assert detail["resolution"] == "A/RES/70/5"
        assert detail["tallies"]["yes"] == expected[(cuba["rcid"], "yes")]
        assert detail["tallies"]["no"] == expected[(cuba["rcid"], "no")]
        by_state = {v["state"]: v["vote"] for v in detail["votes"]}
        usa = next(v for v in votes if v["rcid"] == cuba["rcid"] and v["country_code"] == "US")
        assert by_state["USA"] == usa["vote"]
        # every yes/no/abstain row of the file is a vote, nothing more
        cast = db.scalar(select(func.count()).select_from(Vote).where(Vote.vote.in_((1, 2, 3))))
        assert cast == len(votes)
        # Voeten's absent codes were added where the package dropped the row
        absent = db.scalar(select(func.count()).select_from(Vote).where(Vote.vote == 8))
        voeten_absent = sum(1 for r in read_csv(VOETEN70) if r["vote"] == "8")
        assert 0 < absent <= voeten_absent
        tags = db.scalar(select(func.count()).select_from(RecordIssue))
        assert tags > 0
    assert _findings(catalogue_settings) == []


def test_rerun_changes_nothing_and_a_changed_file_replaces(catalogue_settings, ga70, tmp_path):
    import_ga(catalogue_settings, ga70)
    with session_scope(catalogue_settings.database_url) as db:
        before = db.execute(select(VotingRecord.id, VotingRecord.yes)
                            .order_by(VotingRecord.id)).all()
    again = import_ga(catalogue_settings, ga70)
    assert again.unchanged
    with session_scope(catalogue_settings.database_url) as db:
        assert db.execute(select(VotingRecord.id, VotingRecord.yes)
                          .order_by(VotingRecord.id)).all() == before
        assert db.scalar(select(func.count()).select_from(ImportRun)) == 1
    rolls = read_csv(ROLL_CALLS70)[:5]
    smaller = write_csv(tmp_path / "rolls5.csv", ROLL_HEADER,
                        [[r[c] for c in ROLL_HEADER] for r in rolls])
    votes = [v for v in read_csv(VOTES70) if v["rcid"] in {r["rcid"] for r in rolls}]
    fewer = write_csv(tmp_path / "votes5.csv", VOTE_HEADER,
                      [[v[c] for c in VOTE_HEADER] for v in votes])
    import_ga(catalogue_settings, GAFiles(smaller, fewer))
    with session_scope(catalogue_settings.database_url) as db:
        assert db.scalar(select(func.count()).select_from(VotingRecord)) == 5
        assert db.scalar(select(func.count()).select_from(Vote)) == len(votes)


def test_broken_rows_are_reported_with_rows_and_valid_rows_still_load(catalogue_settings,
                                                                      tmp_path):
    rolls = write_csv(tmp_path / "rolls.csv", ROLL_HEADER + ["yes"], [
        [9001, "70", 0, "2015-10-27", "R/70/5", "", "", "", "Cuba embargo", 3],   # line 2
        [9002, "70", 0, "2015-11-17", "A/RES/70/10", "", "", "", "IAEA", ""],     # line 3
        [9002, "70", 0, "2015-11-17", "A/RES/70/10", "", "", "", "again", ""],    # line 4
        [9003, "70", 0, "not a date", "A/RES/70/11", "", "", "", "bad", ""],      # line 5
        [9004, "1", 0, "1946-01-10", "R/1/3", "", "", "", "1946", ""],            # line 6
    ])
    votes = write_csv(tmp_path / "votes.csv", VOTE_HEADER, [
        [9001, "United States", "US", "no"],            # 2
        [9001, "Canada", "CA", "yes"],                  # 3
        [9001, "Atlantis", "QQ", "yes"],                # 4 unknown country
        [9001, "Canada", "CA", "no"],                   # 5 duplicate vote
        [9999, "Canada", "CA", "yes"],                  # 6 roll call that does not exist
        [9002, "Cuba", "CU", "maybe"],                  # 7 invalid vote
        [9002, "Cuba", "CU"],                           # 8 wrong number of fields
        [9004, "South Sudan", "SS", "yes"],             # 9 not a member in 1946
        [9002, "Cuba", "CU", "yes"],                    # 10
    ])
    result = import_ga(catalogue_settings, GAFiles(rolls, votes))
    found = _findings(catalogue_settings)
    by_code = collections.defaultdict(list)
    for code, file, row, message in found:
        by_code[code].append((file, row, message))
    assert by_code["duplicate_record"][0][:2] == ("rolls.csv", 4)
    assert by_code["broken_row"][0][:2] == ("rolls.csv", 5)
    assert ("votes.csv", 4) in [f[:2] for f in by_code["unknown_country"]]
    assert [f[:2] for f in by_code["duplicate_vote"]] == [("votes.csv", 5)]
    assert [f[:2] for f in by_code["unknown_record"]] == [("votes.csv", 6)]
    assert [f[:2] for f in by_code["invalid_vote"]] == [("votes.csv", 7)]
    assert ("votes.csv", 8) in [f[:2] for f in by_code["broken_row"]]
    assert [f[:2] for f in by_code["non_member_vote"]] == [("votes.csv", 9)]
    assert "SSD" in by_code["non_member_vote"][0][2]
    # the file states 3 yes for 9001, the votes count 1 (Canada; the duplicate is not counted)
    assert [f[:2] for f in by_code["tally_mismatch"]] == [("rolls.csv", 2)]
    assert "states 3 yes" in by_code["tally_mismatch"][0][2]
    assert result.counts["duplicate_vote"] == 1
    with session_scope(catalogue_settings.database_url) as db:
        assert db.scalar(select(func.count()).select_from(VotingRecord)) == 3  # 9001 9002 9004
        rec = queries.voting_record_for_symbol(db, "A/RES/70/5")
        detail = queries.record_detail(db, rec)
        assert {v["state"]: v["vote"] for v in detail["votes"]} == {"USA": "no", "CAN": "yes"}
        assert detail["stated_tallies"]["yes"] == 3  # kept as printed, never "fixed"
        # the non-member's vote is loaded as the source has it, and reported
        old = queries.voting_record_for_symbol(db, "R/1/3")
        assert [v["state"] for v in queries.record_detail(db, old)["votes"]] == ["SSD"]


def test_voeten_conflicts_and_unknown_codes_are_reported(catalogue_settings, tmp_path):
    rolls = write_csv(tmp_path / "rolls.csv", ROLL_HEADER,
                      [[9001, "70", 0, "2015-10-27", "R/70/5", "", "", "", ""]])
    votes = write_csv(tmp_path / "votes.csv", VOTE_HEADER,
                      [[9001, "United States", "US", "no"], [9001, "Canada", "CA", "yes"]])
    voeten = write_csv(tmp_path / "voeten.csv", ["rcid", "session", "vote", "ccode", "member"], [
        [9001, 70, 1, 2, 1],      # 2: US yes here, no in the votes file
        [9001, 70, 9, 20, ""],    # 3: Canada "not a member" but voted
        [9001, 70, 8, 42, 1],     # 4: Dominican Republic absent: added
        [9001, 70, 8, 99999, 1],  # 5: unknown COW code
        [9001, 70, 8, 99999, 1],  # 6: the same unknown code again: counted, not repeated
    ])
    import_ga(catalogue_settings, GAFiles(rolls, votes, voeten=voeten))
    found = {(c, r): m for c, f, r, m in _findings(catalogue_settings)}
    assert ("source_conflict", 2) in found
    assert ("non_member_vote", 3) in found
    assert ("unknown_country", 5) in found and "1 more" in found[("unknown_country", 5)]
    assert ("unknown_country", 6) not in found
    with session_scope(catalogue_settings.database_url) as db:
        detail = queries.record_detail(db, queries.voting_record_for_symbol(db, "A/RES/70/5"))
        votes_by_state = {v["state"]: v["vote"] for v in detail["votes"]}
        assert votes_by_state == {"USA": "no", "CAN": "yes", "DOM": "absent"}
        assert detail["tallies"]["absent"] == 1


@pytest.mark.parametrize("broken", ["missing_column", "not_utf8", "bad_gzip"])
def test_unreadable_file_fails_whole_and_writes_nothing(catalogue_settings, tmp_path, broken):
    rolls = write_csv(tmp_path / "rolls.csv", ROLL_HEADER,
                      [[9001, "70", 0, "2015-10-27", "R/70/5", "", "", "", ""]])
    if broken == "missing_column":
        votes = write_csv(tmp_path / "votes.csv", ["rcid", "country", "vote"],
                          [[9001, "Canada", "yes"]])
        expected = "missing column(s) country_code"
    elif broken == "not_utf8":
        votes = tmp_path / "votes.csv"
        votes.write_bytes("rcid,country,country_code,vote\n9001,C\xf4te,CI,yes\n".encode("latin-1"))
        expected = "not UTF-8"
    else:
        votes = tmp_path / "votes.csv.gz"
        votes.write_bytes(gzip.compress(b"rcid,country,country_code,vote\n")[:12])
        expected = "cannot read"
    with pytest.raises(ImportFailed) as err:
        import_ga(catalogue_settings, GAFiles(rolls, votes))
    assert votes.name in str(err.value) and expected in str(err.value)
    with session_scope(catalogue_settings.database_url) as db:
        assert db.scalar(select(func.count()).select_from(VotingRecord)) == 0
        assert db.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_missing_file_is_a_clear_error(settings, tmp_path):
    with pytest.raises(ImportFailed, match="no such file"):
        import_ga(settings, GAFiles(tmp_path / "nope.csv", VOTES70))


def test_vote_sheets_print_the_name_of_the_day(catalogue_settings, tmp_path):
    rolls = write_csv(tmp_path / "rolls.csv", ROLL_HEADER, [
        [9101, "35", 0, "1980-12-01", "R/35/1", "", "", "", ""],
        [9102, "70", 0, "2015-12-01", "R/70/1", "", "", "", ""],
    ])
    votes = write_csv(tmp_path / "votes.csv", VOTE_HEADER, [
        [rcid, name, code, "yes"] for rcid in (9101, 9102)
        for name, code in (("Russia", "RU"), ("Congo - Kinshasa", "CD"), ("Turkey", "TR"))])
    import_ga(catalogue_settings, GAFiles(rolls, votes))
    with session_scope(catalogue_settings.database_url) as db:
        old = queries.record_detail(db, queries.voting_record_for_symbol(db, "A/RES/35/1"))
        new = queries.record_detail(db, queries.voting_record_for_symbol(db, "A/RES/70/1"))
        assert {v["state"]: v["name"] for v in old["votes"]} == {
            "RUS": "Union of Soviet Socialist Republics", "COD": "Zaire", "TUR": "Turkey"}
        assert {v["state"]: v["name"] for v in new["votes"]} == {
            "RUS": "Russian Federation", "COD": "Democratic Republic of the Congo",
            "TUR": "Turkey"}
        russia = queries.state_summary(db, queries.state(db, "RUS"))
        assert russia["name"] == "Russian Federation" and russia["admitted"] == "1945-10-24"
        assert [n["name"] for n in russia["names"]] == [
            "Union of Soviet Socialist Republics", "Russian Federation"]


def test_record_search_does_not_match_records_without_symbol(catalogue_settings, tmp_path):
    rolls = write_csv(tmp_path / "rolls.csv", ROLL_HEADER, [
        [9201, "5", 0, "1950-10-01", "", "", "", "ELECTIONS", "to elect a member"],
        [9202, "5", 0, "1950-10-02", "R/5/377", "", "", "PEACE", "uniting for peace"],
    ])
    votes = write_csv(tmp_path / "votes.csv", VOTE_HEADER, [[9201, "Canada", "CA", "yes"]])
    import_ga(catalogue_settings, GAFiles(rolls, votes))
    with session_scope(catalogue_settings.database_url) as db:
        total, rows = queries.list_records(db, q="uniting")
        assert total == 1 and rows[0]["resolution"] == "A/RES/377 (V)"
        assert queries.list_records(db, q="nothing like this")[0] == 0
        assert queries.list_records(db, q="A/RES/377(V)")[1][0]["source_ref"] == "R/5/377"


def test_the_vote_on_the_resolution_as_a_whole_comes_before_its_paragraph_votes(
        catalogue_settings, tmp_path):
    """A/RES/72/39 and A/RES/72/29 (real roll calls): separate recorded votes on paragraphs
    were taken the same day, after the vote on the whole; ``votes show`` gives the whole."""
    wanted = {"5594", "5596", "5980", "5985", "5986", "5987"}
    with gzip.open(UNVOTES / "un_roll_calls.csv.gz", "rt", encoding="utf-8") as fh:
        rolls = [r for r in csv.DictReader(fh) if r["rcid"] in wanted]
    with gzip.open(UNVOTES / "un_votes.csv.gz", "rt", encoding="utf-8") as fh:
        votes = [r for r in csv.DictReader(fh) if r["rcid"] in wanted]
    assert {r["rcid"] for r in rolls} == wanted
    assert {r["para"] for r in rolls if r["rcid"] in {"5980", "5985", "5986", "5987"}} == {"1"}
    roll_path = write_csv(tmp_path / "rolls.csv", list(rolls[0]),
                          [list(r.values()) for r in rolls])
    vote_path = write_csv(tmp_path / "votes.csv", list(votes[0]),
                          [list(r.values()) for r in votes])
    import_ga(catalogue_settings, GAFiles(roll_path, vote_path))
    with session_scope(catalogue_settings.database_url) as db:
        for symbol, whole in (("A/RES/72/39", "5596"), ("A/RES/72/29", "5594"),
                              ("a/res/72/39", "5596")):
            rec = queries.voting_record_for_symbol(db, symbol)
            assert rec.source_id == whole and not rec.paragraph, symbol
        # every roll call on the resolution stays listed, the whole first
        listed = queries.records_for_symbol(db, "A/RES/72/39")
        assert [r.source_id for r in listed] == ["5596", "5985", "5986", "5987"]
