"""State names in the six languages: the UN's short names, CLDR behind them, the name of
the day for dated names, and lists in each language's alphabetical order, on the votes,
speeches and agreement pages, the Index to Proceedings and the exports."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io

import pytest
from fastapi.testclient import TestClient
from proceedings_helpers import UNVOTES, write_csv

from hemicycle.catalogue.db import session_scope
from hemicycle.proceedings import queries
from hemicycle.proceedings.importers.ga import GAFiles, import_ga
from hemicycle.proceedings.models import MemberState
from hemicycle.proceedings.states import name_sort_key, state_name, state_names
from hemicycle.web.app import create_app

LANGS = ("ar", "zh", "en", "fr", "ru", "es")


def test_the_uns_short_names_not_cldrs_everyday_forms():
    assert state_name("COG", "en") == "Congo"  # CLDR: Congo - Brazzaville
    assert state_name("COD", "en") == "Democratic Republic of the Congo"
    assert state_name("ATG", "en") == "Antigua and Barbuda"  # CLDR: Antigua & Barbuda
    assert state_name("TUR", "en") == "Türkiye"
    assert state_name("NLD", "en") == "Netherlands (Kingdom of the)"
    assert state_names("RUS") == {
        "ar": "الاتحاد الروسي", "zh": "俄罗斯联邦", "en": "Russian Federation",
        "fr": "Fédération de Russie", "ru": "Российская Федерация", "es": "Federación de Rusia"}
    # where the UN's and CLDR's names agree, CLDR gives every language
    assert state_names("FRA") == {"ar": "فرنسا", "zh": "法国", "en": "France", "fr": "France",
                                  "ru": "Франция", "es": "Francia"}
    # observers and the EU too; every Member State has a name in all six languages
    assert state_name("PSE", "fr") == "État de Palestine" and state_name("VAT", "zh") == "教廷"
    assert state_name("EU", "es") == "Unión Europea"


def test_the_name_of_the_day_in_each_language():
    assert state_name("RUS", "en", dt.date(1980, 1, 1)) == "Union of Soviet Socialist Republics"
    assert state_name("RUS", "fr", dt.date(1980, 1, 1)) == \
        "Union des Républiques socialistes soviétiques"
    assert state_name("RUS", "fr", dt.date(2000, 1, 1)) == "Fédération de Russie"
    assert state_name("COD", "ru", dt.date(1980, 1, 1)) == "Заир"
    assert state_name("TUR", "es", dt.date(2015, 1, 1)) == "Turquía"
    assert state_name("TUR", "es", dt.date(2023, 1, 1)) == "Türkiye"
    assert state_name("CSK", "zh") == "捷克斯洛伐克"  # no longer a state: its last name
    assert state_name("DDR", "de") == "German Democratic Republic"  # not a UN language
    member = type("Row", (), {"iso3": "usa"})()
    assert state_name(member, "ar") == "الولايات المتحدة الأمريكية"
    assert state_name("XXX", "fr") == "XXX"


@pytest.fixture(scope="module")
def votes(tmp_path_factory):
    """Real roll calls of 1962 (a paragraph vote with no resolution number) and of
    session 70, in one SQLite catalogue, with the app."""
    import os

    from hemicycle.config import load_settings

    data = tmp_path_factory.mktemp("names")
    wanted = {"812", "5394"}  # 1962, no unres; A/RES/70/5
    with gzip.open(UNVOTES / "un_roll_calls.csv.gz", "rt", encoding="utf-8") as fh:
        rolls = [r for r in csv.DictReader(fh) if r["rcid"] in wanted]
    with gzip.open(UNVOTES / "un_votes.csv.gz", "rt", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["rcid"] in wanted]
    roll_path = write_csv(data / "rolls.csv", list(rolls[0]), [list(r.values()) for r in rolls])
    vote_path = write_csv(data / "votes.csv", list(rows[0]), [list(r.values()) for r in rows])
    old = os.environ.pop("HEMICYCLE_DATABASE_URL", None)
    settings = load_settings(data / "var")
    import_ga(settings, GAFiles(roll_path, vote_path))
    if old is not None:
        os.environ["HEMICYCLE_DATABASE_URL"] = old
    return settings, TestClient(create_app(settings))


def _names_on(page: str, lang: str) -> list[str]:
    table = page.split('class="votes"')[1] if 'class="votes"' in page else page
    import re

    return re.findall(r'<a href="/votes/states/[A-Z]{2,3}">([^<]+)</a>', table)


def test_record_pages_name_states_in_the_interface_language_and_its_order(votes):
    settings, client = votes
    with session_scope(settings.database_url) as db:
        rid = queries.voting_record_for_symbol(db, "A/RES/70/5").id
        iso3s = [v["state"] for v in queries.record_detail(db, db.get(
            queries.VotingRecord, rid))["votes"]]
    for lang in LANGS:
        page = client.get(f"/votes/records/{rid}?ui={lang}").text
        shown = _names_on(page, lang)
        expected = sorted((state_name(i, lang, dt.date(2015, 10, 27)) for i in iso3s),
                          key=name_sort_key(lang))
        assert shown == [n.replace("'", "&#39;") for n in expected], lang
    fr = client.get(f"/votes/records/{rid}?ui=fr").text
    assert "Fédération de Russie" in fr and "Turquie" in fr  # 2015: before Türkiye
    assert "Antigua &amp; Barbuda" not in client.get(f"/votes/records/{rid}?ui=en").text
    api = client.get(f"/api/votes/records/{rid}", params={"lang": "zh"}).json()
    assert {v["state"]: v["name"] for v in api["votes"]}["RUS"] == "俄罗斯联邦"
    assert client.get(f"/api/votes/records/{rid}", params={"lang": "xx"}).status_code == 400


def test_state_lists_are_in_each_languages_alphabetical_order(votes):
    settings, client = votes
    for lang in LANGS:
        states = client.get("/api/votes/states", params={"lang": lang}).json()["states"]
        names = [s["name"] for s in states]
        assert names == sorted(names, key=name_sort_key(lang)), lang
        assert [s["iso3"] for s in states] != sorted(s["iso3"] for s in states)
        russia = next(s for s in states if s["iso3"] == "RUS")
        assert russia["names"] == state_names("RUS")
    zh = client.get("/votes?ui=zh").text
    assert zh.index("阿富汗") < zh.index("中国")  # pinyin: a- before zh-
    page = client.get("/votes/states/RUS?ui=es").text
    assert "<h1>Federación de Rusia" in page
    assert "Unión de Repúblicas Socialistas Soviéticas" in page  # its dated names too
    agreement = client.get("/votes/agreement?a=RUS&b=USA&ui=ru").text
    assert "Российская Федерация" in agreement and "Соединенные Штаты Америки" in agreement


def test_a_roll_call_without_a_resolution_number_never_links_as_none(votes):
    settings, client = votes
    with session_scope(settings.database_url) as db:
        usa = db.query(MemberState).filter_by(iso3="USA").one()
        history = queries.state_history(db, usa.id)
    assert any(h["resolution"] is None and h["source_ref"] is None for h in history)
    for lang in LANGS:
        page = client.get(f"/votes/states/USA?ui={lang}").text
        assert ">None</a>" not in page, lang
    assert "(no resolution number)" in client.get("/votes/states/USA?ui=en").text
    assert "(sans numéro de résolution)" in client.get("/votes/states/USA?ui=fr").text


def test_exports_carry_the_name_of_the_day_in_the_six_languages(votes):
    _settings, client = votes
    text = client.get("/api/votes/export?format=csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0])[:11] == ["state", "vote", "resolution", "draft", "meeting", "date",
                                  "agenda_item", "title", "session", "body", "source_ref"]
    soviet = next(r for r in rows if r["state"] == "RUS" and r["date"].startswith("1962"))
    assert soviet["name_en"] == "Union of Soviet Socialist Republics"
    assert soviet["name_ru"] == "Союз Советских Социалистических Республик"
    today = next(r for r in rows if r["state"] == "RUS" and r["date"].startswith("2015"))
    assert {f"name_{c}": today[f"name_{c}"] for c in LANGS} == \
        {f"name_{c}": n for c, n in state_names("RUS").items()}
