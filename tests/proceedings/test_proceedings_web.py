"""Votes and speeches pages, API and exports through the real app (TestClient), and the
numbers behind them checked against the source files."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient
from proceedings_helpers import ROLL_CALLS70, UNGDC, UNGDC_TEXTS, VOTES70, read_csv
from typer.testing import CliRunner

from hemicycle.catalogue.db import session_scope
from hemicycle.documents import DocumentInput, VersionInput, save_document
from hemicycle.proceedings import queries
from hemicycle.proceedings.importers.ga import import_ga
from hemicycle.proceedings.importers.gdc import GDCFiles, import_gdc
from hemicycle.web.app import create_app
from hemicycle.web.i18n import messages


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One SQLite catalogue with session 70, the session-75 speeches and one document."""
    import os
    import shutil

    from proceedings_helpers import VOETEN70

    from hemicycle.config import load_settings
    from hemicycle.proceedings.importers.ga import GAFiles

    data = tmp_path_factory.mktemp("site")
    texts = tmp_path_factory.mktemp("texts75")
    for path in UNGDC_TEXTS.glob("*_75_2020.txt"):
        shutil.copy(path, texts / path.name)
    old = os.environ.get("HEMICYCLE_DATABASE_URL")
    os.environ.pop("HEMICYCLE_DATABASE_URL", None)
    settings = load_settings(data)
    import_ga(settings, GAFiles(ROLL_CALLS70, VOTES70, None, VOETEN70))
    import_gdc(settings, GDCFiles(UNGDC / "Speakers_by_session.xlsx", texts))
    save_document(settings, DocumentInput(
        symbols=["A/RES/70/5"], doc_type="resolution",
        versions={"en": VersionInput(title="Necessity of ending the embargo against Cuba")}))
    save_document(settings, DocumentInput(
        symbols=[], identifier="UNGDC/75/NZL", doc_type="speech",
        versions={"en": VersionInput(title="General Debate, session 75: New Zealand")}))
    if old is not None:
        os.environ["HEMICYCLE_DATABASE_URL"] = old
    return settings, TestClient(create_app(settings))


def _record_id(settings, symbol):
    with session_scope(settings.database_url) as db:
        return queries.voting_record_for_symbol(db, symbol).id


def test_record_page_tallies_table_chart_and_document_link(site):
    settings, client = site
    rid = _record_id(settings, "A/RES/70/5")
    page = client.get(f"/votes/records/{rid}?ui=en")
    assert page.status_code == 200
    votes = [v for v in read_csv(VOTES70) if v["rcid"] == "5394"]
    yes = sum(1 for v in votes if v["vote"] == "yes")
    assert re.search(rf'tally-yes">Yes <span class="n">{yes}<', page.text)
    assert "<svg" in page.text and "<rect" in page.text
    assert 'href="/proceedings/index">Index to Proceedings<' in page.text  # the section nav
    assert page.text.count('href="/votes/states/') == len(
        [v for v in votes]) + sum(1 for _ in re.finditer(r'v-X"', page.text))
    with session_scope(settings.database_url) as db:
        from hemicycle.catalogue.queries import find_document

        uid = find_document(db, "A/RES/70/5").uid
    assert f'href="/documents/{uid}"' in page.text
    assert client.get("/votes/resolution/A/RES/70/5", follow_redirects=False).headers[
        "location"] == f"/votes/records/{rid}"


def test_arabic_page_is_rtl_and_chart_mirrored(site):
    settings, client = site
    rid = _record_id(settings, "A/RES/70/5")
    en = client.get(f"/votes/records/{rid}?ui=en").text
    ar = client.get(f"/votes/records/{rid}?ui=ar").text
    assert 'dir="rtl"' in ar and "مؤيد" in ar
    x_en = re.search(r'<rect x="([\d.]+)"', en).group(1)
    x_ar = re.search(r'<rect x="([\d.]+)"', ar).group(1)
    assert float(x_en) == 0 and float(x_ar) > 0  # the yes bar starts on the right


def test_every_message_has_six_languages():
    from hemicycle.web.i18n import I18N_DIR

    ours = json.loads((I18N_DIR / "proceedings.json").read_text("utf-8"))
    merged = messages()
    for key in ours:
        assert set(merged[key]) == {"ar", "zh", "en", "fr", "ru", "es"}, key
        assert all(merged[key].values()), key


def test_every_code_and_importer_has_a_label():
    from hemicycle.proceedings.codes import ISSUES, OUTCOMES, QUALITY, VOTES

    merged = messages()
    keys = ([f"quality.{c}" for c in QUALITY] + [f"votes.outcome.{o}" for o in OUTCOMES]
            + [f"votes.issue.{i}" for i in ISSUES]
            + [f"votes.vote.{name}" for name, _l in VOTES.values()]
            + [f"votes.importer.{i}" for i in ("ga", "sc", "gdc", "dhl-votes",
                                                "dhl-speeches")])
    assert [k for k in keys if k not in merged] == []


def test_state_history_filters_and_api(site):
    _settings, client = site
    votes = [v for v in read_csv(VOTES70) if v["country_code"] == "US"]
    api = client.get("/api/votes/states/usa").json()
    assert api["state"]["iso3"] == "USA"
    cast = [v for v in api["votes"] if v["vote"] in ("yes", "no", "abstain")]
    assert len(cast) == len(votes)
    no = client.get("/api/votes/states/USA?vote=no").json()["votes"]
    assert len(no) == sum(1 for v in votes if v["vote"] == "no")
    page = client.get("/votes/states/USA?vote=no&ui=fr")
    assert page.status_code == 200 and "Contre" in page.text
    assert page.text.count('<svg class="chart sessions"') == 1
    # one session, only "no" votes: one red bar as tall as the plot, titled with the count
    assert re.search(rf'fill="#c62828"><title>70: Pour 0, Contre {len(no)}, Abstention 0<',
                     page.text)
    assert client.get("/api/votes/states/QQQ").status_code == 404
    bad = client.get("/api/votes/states/USA?issue=zz")
    assert bad.status_code == 400 and "unknown issue" in bad.json()["error"]["detail"]
    assert client.get("/votes/states/USA?session=x").status_code == 400
    recorded = client.get("/api/votes/states/USA?outcome=recorded").json()["votes"]
    assert recorded == api["votes"]  # every GA roll call is a recorded vote
    assert client.get("/api/votes/states/USA?outcome=without_vote").json()["votes"] == []
    assert client.get("/api/votes/states/USA?outcome=maybe").status_code == 400


def test_agreement_matches_the_source_file(site):
    _settings, client = site
    by = {}
    for v in read_csv(VOTES70):
        by.setdefault(v["country_code"], {})[v["rcid"]] = v["vote"]
    us, ca = by["US"], by["CA"]
    both = [r for r in us if r in ca]
    same = sum(1 for r in both if us[r] == ca[r])
    data = client.get("/api/votes/agreement?a=USA&b=CAN").json()
    assert data["sessions"] == [{"session": 70, "both_voted": len(both), "same": same,
                                 "agreement": round(same / len(both), 4)}]
    matrix = client.get("/api/votes/sessions/70/agreement").json()
    i, j = matrix["states"].index("USA"), matrix["states"].index("CAN")
    assert matrix["agreement"][i][j] == round(same / len(both), 4)
    assert matrix["both_voted"][i][j] == len(both)
    page = client.get("/votes/agreement?a=USA&b=CAN&ui=ru")
    assert page.status_code == 200 and "<svg" in page.text and "<path" in page.text


def test_record_list_finds_by_symbol_variant_and_words(site):
    _settings, client = site
    by_symbol = client.get("/api/votes/records?q=a/res/70/5").json()
    assert [r["resolution"] for r in by_symbol["records"]] == ["A/RES/70/5"]
    rolls = read_csv(ROLL_CALLS70)
    word = "embargo"
    expected = sum(1 for r in rolls if word in r["descr"].lower())
    by_words = client.get(f"/api/votes/records?q={word}&session=70").json()
    assert by_words["total"] == expected > 0
    assert client.get("/api/votes/records?q=zzzqqq").json()["total"] == 0
    page = client.get("/votes/records?q=A/RES/70/5&ui=zh")
    assert page.status_code == 200 and "A/RES/70/5" in page.text


def test_session_matrix_page_and_api(site):
    _settings, client = site
    rolls = read_csv(ROLL_CALLS70)
    data = client.get("/api/votes/sessions/70/matrix").json()
    assert len(data["records"]) == len(rolls)
    usa = next(s for s in data["states"] if s["state"] == "USA")
    first = data["records"][0]
    expected = next(v["vote"] for v in read_csv(VOTES70)
                    if v["country_code"] == "US" and v["rcid"] == next(
                        r["rcid"] for r in rolls if r["unres"] == first["source_ref"]))
    assert usa["votes"][0] == {"yes": "Y", "no": "N", "abstain": "A"}[expected]
    page = client.get("/votes/sessions/70")
    assert page.status_code == 200 and 'class="matrix"' in page.text
    assert client.get("/votes/sessions/12345").status_code == 404


def test_exports_have_the_dhl_shape(site):
    _settings, client = site
    text = client.get("/api/votes/export?format=csv&session=70").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:8] == ["state", "vote", "resolution", "draft", "meeting", "date",
                                 "agenda_item", "title"]
    assert sum(1 for r in rows if r["vote"] in "YNA" and r["vote"]) == len(read_csv(VOTES70))
    assert {r["vote"] for r in rows} <= {"Y", "N", "A", "X"}
    js = client.get("/api/votes/export?format=json&session=70&state=CUB").json()
    assert all(r["state"] == "CUB" for r in js) and js
    assert client.get("/api/votes/export?format=xml").status_code == 400
    assert client.get("/api/votes/export?body=<script>").status_code == 400
    sp = client.get("/api/speeches/export?format=json&state=FRA&session=75").json()
    assert len(sp) == 1 and sp[0]["text"]


def test_speeches_search_pages_and_api(site):
    _settings, client = site
    text = (UNGDC_TEXTS / "NZL_75_2020.txt").read_text("utf-8-sig")
    word = max(text.split(), key=len).strip(".,;:()")
    found = client.get(f"/api/speeches?q={word}").json()
    assert "NZL" in [s["state"] for s in found["speeches"]]
    page = client.get(f"/speeches?q={word}&ui=zh")
    assert page.status_code == 200 and "<mark" not in page.text and word in page.text
    sid = next(s["id"] for s in found["speeches"] if s["state"] == "NZL")
    shown = client.get(f"/speeches/{sid}")
    assert shown.status_code == 200
    uid = client.get(f"/api/speeches/{sid}").json()["document_uid"]
    assert uid and f'href="/documents/{uid}"' in shown.text
    assert client.get("/api/speeches/999999").status_code == 404
    assert client.get("/speeches?page=0").status_code == 400
    assert client.get("/api/speeches?q=" + "x" * 400).status_code == 400
    by_speaker = client.get("/api/speeches?speaker=Macron").json()
    assert by_speaker["total"] >= 1 and all("Macron" in s["speaker"]
                                            for s in by_speaker["speeches"])


def test_quality_page_lists_codes_and_rows(site):
    _settings, client = site
    page = client.get("/votes/quality?ui=es")
    assert page.status_code == 200
    api = client.get("/api/votes/quality?importer=gdc").json()["reports"][0]
    assert api["counts"]["unknown_country"] >= 1
    first = api["findings"][0]
    assert first["code"] in page.text and first["file"] in page.text


def test_cli_show_agreement_export_and_errors(site, monkeypatch, tmp_path):
    from hemicycle.cli import app

    settings, _client = site
    monkeypatch.setenv("HEMICYCLE_DATA", str(settings.data_dir))
    monkeypatch.delenv("HEMICYCLE_DATABASE_URL", raising=False)
    runner = CliRunner()
    shown = runner.invoke(app, ["votes", "show", "A/RES/70/5", "--json"])
    assert shown.exit_code == 0, shown.output
    detail = json.loads(shown.stdout)
    assert detail["resolution"] == "A/RES/70/5" and detail["tallies"]["no"] >= 1
    agree = runner.invoke(app, ["votes", "agreement", "USA", "ISR", "--json"])
    assert agree.exit_code == 0 and json.loads(agree.stdout)["sessions"][0]["session"] == 70
    out = tmp_path / "votes.csv"
    assert runner.invoke(app, ["votes", "export", "--session", "70", "-o", str(out)]
                         ).exit_code == 0
    assert out.read_text().startswith("state,vote,resolution")
    missing = runner.invoke(app, ["votes", "show", "A/RES/70/99999"])
    assert missing.exit_code == 1 and "no voting record" in missing.output
    unknown = runner.invoke(app, ["votes", "agreement", "USA", "ZZZ"])
    assert unknown.exit_code == 1 and "ZZZ" in unknown.output
    broken = tmp_path / "votes_bad.csv"
    broken.write_text("rcid,country\n1,x\n")
    failed = runner.invoke(app, ["votes", "import", "ga", "--roll-calls", str(ROLL_CALLS70),
                                 "--votes", str(broken)])
    assert failed.exit_code == 1 and "votes_bad.csv" in failed.output
    again = runner.invoke(app, ["votes", "import", "ga", "--roll-calls", str(ROLL_CALLS70),
                                "--votes", str(VOTES70), "--voeten",
                                str(settings.data_dir.parent / "nope.csv")])
    assert again.exit_code == 1 and "no such file" in again.output


def test_speeches_name_the_state_in_the_interface_language(site):
    _settings, client = site
    found = client.get("/api/speeches?state=RUS&session=75&lang=ru").json()["speeches"]
    assert found and all(s["state_name"] == "Российская Федерация" for s in found)
    # the name of the day: a speech of 1950 was the Soviet Union's
    older = client.get("/api/speeches?state=RUS&session=5&lang=fr").json()["speeches"]
    assert older[0]["state_name"] == "Union des Républiques socialistes soviétiques"
    page = client.get("/speeches?state=RUS&session=75&ui=zh").text
    assert '<a href="/votes/states/RUS">俄罗斯联邦</a>' in page
    shown = client.get(f"/speeches/{found[0]['id']}?ui=fr").text
    assert "Fédération de Russie" in shown
    rows = client.get("/api/speeches/export?format=json&state=RUS&session=75").json()
    assert rows[0]["name_ar"] == "الاتحاد الروسي" and rows[0]["name_en"] == "Russian Federation"
