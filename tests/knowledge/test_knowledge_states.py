"""Member States on the Record, built from the proceedings data and the catalogue: the
record of one state, its page in six languages, and its JSON."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from knowledge_helpers import UZBEKISTAN, load_state_data

from hemicycle.catalogue.db import session_scope
from hemicycle.knowledge.blocks import fill_block, parse_block
from hemicycle.knowledge.memberstates import state_record, states
from hemicycle.proceedings import queries
from hemicycle.web.app import create_app


@pytest.fixture
def loaded(settings, tmp_path):
    return load_state_data(settings, tmp_path)


@pytest.fixture
def loaded_both(catalogue_settings, tmp_path):
    """The same data on SQLite and on PostgreSQL."""
    return load_state_data(catalogue_settings, tmp_path)


def test_state_record_from_the_data(loaded_both):
    loaded = loaded_both
    with session_scope(loaded.database_url) as db:
        record = state_record(loaded, db, "uzb", "en")
        authority = queries.state(db, "UZB")
        assert record["iso3"] == "UZB"
        assert (record["admitted"], record["admitted_source"]) == (
            authority.admitted.isoformat(), authority.admitted_source)
        votes = record["votes"]
        assert votes["total"] > 0 and votes["cast"] <= votes["total"]
        assert [s for s, _c in votes["per_session"]] == [70]
        assert record["agreement"]["session"] == 70
        assert len(record["agreement"]["most"]) == 5
        assert all(0 <= o["share"] <= 1 for o in record["agreement"]["least"])
        by_session = {sp["session"]: sp for sp in record["speeches"]}
        assert record["speech_total"] == len(by_session) and 47 in by_session
        assert by_session[75]["has_text"] and by_session[75]["document_uid"]  # catalogued
        assert not by_session[47]["document_uid"]
        assert [d["symbol"] for d in record["documents_by_symbol"]] == ["CEDAW/C/UZB/Q/5"]
        assert {d["symbol"] for d in record["documents_naming"]} == {"CEDAW/C/UZB/Q/5",
                                                                      "UNGDC/75/UZB"}
        subject = record["documents_on_subject"]  # from the subjects, not the words
        assert (subject["uri"], subject["total"]) == (UZBEKISTAN, 1)
        assert [d["symbol"] for d in subject["documents"]] == ["A/75/9999"]
        assert state_record(loaded, db, "uzb", "ru")["documents_on_subject"]["documents"][0][
            "title"].startswith("Письмо")
        assert state_record(loaded, db, "fra", "en")["documents_on_subject"] is None
        assert record["exports"]["votes_csv"] == "/api/votes/export?format=csv&state=UZB"
        assert state_record(loaded, db, "XXX", "en") is None
        names = [r["iso3"] for r in states(db, "en")]
        assert "UZB" in names and "FRA" in names


@pytest.mark.parametrize("lang", ["ar", "zh", "en", "fr", "ru", "es"])
def test_state_page_in_six_languages(loaded, lang):
    client = TestClient(create_app(loaded))
    page = client.get(f"/states/UZB?ui={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}"' in page.text
    for part in ("data-votes", "data-agreement", "data-speeches", "data-documents",
                 "data-exports", 'class="chart sessions"', "CEDAW/C/UZB/Q/5",
                 f'data-subject="{UZBEKISTAN}"', "A/75/9999"):
        assert part in page.text, part
    assert "kn." not in page.text.split("<main", 1)[1]  # every text translated, no keys
    assert client.get("/states/XYZ").status_code == 404
    assert client.get("/api/states/UZB").json()["votes"]["per_session"][0]["session"] == 70
    listing = client.get(f"/states?ui={lang}")
    assert 'data-iso3="UZB"' in listing.text


def test_every_kind_of_live_block_from_real_data(loaded_both):
    """A guide's five kinds of block, filled from the proceedings, the thesaurus, the
    catalogue and the index as they are loaded."""
    s = loaded_both
    specs = {"search": "q: uzbekistan\n", "documents": "- CEDAW/C/UZB/Q/5\n- UNGDC/75/UZB\n",
             "agenda": "title: General debate\nsession: 75\n", "concept": "OUZBÉKISTAN\n",
             "votes": "A/RES/70/5\n"}
    with session_scope(s.database_url) as db:
        filled = {}
        for kind, body in specs.items():
            block, findings = parse_block(f"live {kind}", body, 1)
            assert findings == [], kind
            filled[kind] = fill_block(s, db, block, "ru")
    assert {h["symbol"] for h in filled["search"]["items"]} >= {"CEDAW/C/UZB/Q/5"}
    assert [d["symbol"] for d in filled["documents"]["items"]] == ["CEDAW/C/UZB/Q/5",
                                                                   "UNGDC/75/UZB"]
    agenda = filled["agenda"]
    assert len(agenda["speeches"]) == 10 < agenda["speech_total"]  # the whole session 75
    assert {sp["session"] for sp in agenda["speeches"]} == {75}
    assert all(sp["state_name"] for sp in agenda["speeches"] if sp["state"])
    concept = filled["concept"]
    assert (concept["label"], concept["total"]) == ("УЗБЕКИСТАН", 1)
    assert concept["documents"][0]["title"].startswith("Письмо")
    votes = filled["votes"]
    assert votes["resolution"] == "A/RES/70/5" and votes["tallies"]["yes"] > 100
