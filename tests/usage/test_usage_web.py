"""Readers' requests through the real app become COUNTER usage; the SUSHI API and the
staff page, with their refusals and errors."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from usage_support import FIREFOX, GOOGLEBOT, performance, schema_errors

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.queries import find_document
from hemicycle.documents import DocumentInput, FileInput, VersionInput, save_document
from hemicycle.languages import CODES
from hemicycle.usage.process import process_spool
from hemicycle.usage.spool import spool_files
from hemicycle.web.app import create_app

TEXT = "The General Assembly, recalling its resolutions on the law of the sea. " * 30
ADMIN = {"authorization": "Basic " + base64.b64encode(b"boss:administrator-pw").decode()}
CATALOGUER = {"authorization": "Basic " + base64.b64encode(b"cat:cataloguer-pw").decode()}
MONTH = dt.datetime.now(dt.UTC).strftime("%Y-%m")


def basic_site(settings, tmp_path):
    en = tmp_path / "sea-en.txt"
    en.write_text(TEXT, encoding="utf-8")
    save_document(settings, DocumentInput(
        symbols=["A/RES/77/248"], doc_type="resolution",
        versions={"en": VersionInput(title="Oceans and the law of the sea", text=TEXT)},
        files=[FileInput("en", "txt", en)]))
    add_user(settings.database_url, "cat", "cataloguer-pw", "cataloguer")
    add_user(settings.database_url, "boss", "administrator-pw", "admin")
    with session_scope(settings.database_url) as db:
        uid = find_document(db, "A/RES/77/248").uid
    app = create_app(settings)
    reader = TestClient(app, headers={"user-agent": FIREFOX})
    robot = TestClient(app, headers={"user-agent": GOOGLEBOT})
    return reader, robot, uid


def spooled(settings) -> list[dict]:
    return [json.loads(line) for path in spool_files(settings.data_dir)
            for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def used(settings, tmp_path):
    """A site a reader and a robot have used, with the usage processed."""
    reader, robot, uid = basic_site(settings, tmp_path)
    act(reader, robot, uid)
    process_spool(settings)
    return reader, uid


def act(reader: TestClient, robot: TestClient, uid: str) -> None:
    file_url = f"/documents/{uid}/files/en/txt"
    assert reader.get(f"/documents/{uid}").status_code == 200
    assert reader.get(f"/api/documents/{uid}").status_code == 200
    assert reader.get(f"/api/documents/{uid}/text/en").status_code == 200
    assert reader.get(file_url).status_code == 200
    assert reader.get(file_url, headers={"Range": "bytes=0-99"}).status_code == 206
    assert reader.get(file_url, headers={"Range": "bytes=100-"}).status_code == 206
    assert reader.get("/search?q=sea").status_code == 200
    assert reader.get("/api/search?q=sea").status_code == 200
    assert reader.get("/search").status_code == 200  # the empty search form: no search
    assert reader.get("/documents/nope").status_code == 404
    assert reader.get(f"/api/documents/{uid}/text/zh").status_code == 404
    assert robot.get(f"/documents/{uid}").status_code == 200


def test_reader_actions_become_counter_usage(catalogue_settings, tmp_path):
    s = catalogue_settings
    reader, robot, uid = basic_site(s, tmp_path)
    act(reader, robot, uid)
    events = spooled(s)
    assert [(e["kind"], e["view"]) for e in events] == [
        ("i", "page"), ("i", "api"), ("i", "api/text/en"), ("r", "files/en/txt"),
        ("r", "files/en/txt"),  # bytes=0-99 starts a download; bytes=100- continues one
        ("s", "page"), ("s", "api"), ("i", "page")]
    # no address is kept: the reader is a salted hash, the same for the whole day
    text = "".join(p.read_text() for p in spool_files(s.data_dir))
    assert "testclient" not in text and "127.0.0.1" not in text
    assert len({e["user"] for e in events[:-1]}) == 1 and events[-1]["user"] != events[0]["user"]
    assert list((s.data_dir / "usage").glob("salt-*"))[0].name == f"salt-{dt.date.today()}"
    result = process_spool(s)
    assert (result.events, result.robots) == (7, 1)
    ir = reader.get(f"/api/counter/r51/reports/ir?begin_date={MONTH}&end_date={MONTH}",
                    headers=ADMIN).json()
    perf = performance(ir, "A/RES/77/248")
    assert perf == {"Total_Item_Investigations": {MONTH: 4},  # page, JSON, text, download
                    "Total_Item_Requests": {MONTH: 1},  # the Range 0- was a double click
                    "Unique_Item_Investigations": {MONTH: 1},
                    "Unique_Item_Requests": {MONTH: 1}}
    pr = reader.get(f"/api/counter/r51/reports/pr?begin_date={MONTH}&end_date={MONTH}",
                    headers=ADMIN).json()
    platform = pr["Report_Items"][0]["Attribute_Performance"][0]
    assert platform == {"Data_Type": "Platform", "Access_Method": "Regular",
                        "Performance": {"Searches_Platform": {MONTH: 2}}}


def test_sushi_reports_follow_the_official_schema(used):
    client, uid = used
    period = f"begin_date={MONTH}&end_date={MONTH}"
    for name, schema in (("pr", "PR"), ("pr_p1", "PR_P1"), ("ir", "IR")):
        for extra in ("", "&granularity=Total", "&metric_type=Total_Item_Requests"):
            r = client.get(f"/api/counter/r51/reports/{name}?{period}{extra}", headers=ADMIN)
            assert r.status_code == 200, r.text
            assert schema_errors(r.json(), schema) == [], (name, extra)
    total = client.get(f"/api/counter/r51/reports/ir?{period}&granularity=Total",
                       headers=ADMIN).json()
    assert total["Report_Header"]["Report_Attributes"]["Granularity"] == "Total"
    only = client.get(f"/api/counter/r51/reports/ir?{period}&metric_type=Total_Item_Requests",
                      headers=ADMIN).json()
    assert performance(only, "A/RES/77/248") == {"Total_Item_Requests": {MONTH: 1}}
    # one item, by symbol (any variant) or by its proprietary id
    for item_id in ("a/res/77/248", f"Hemicycle:{uid}", uid):
        one = client.get(f"/api/counter/r51/reports/ir?{period}&item_id={item_id}",
                         headers=ADMIN).json()
        assert one["Report_Items"][0]["Items"][0]["Item_ID"]["Proprietary"] == f"Hemicycle:{uid}"
    none = client.get(f"/api/counter/r51/reports/ir?{period}&item_id=A/RES/1/1",
                      headers=ADMIN).json()
    assert none["Report_Items"] == [] and none["Report_Header"]["Exceptions"][0]["Code"] == 3030
    # parameters and values the server does not know are named, then ignored
    odd = client.get(f"/api/counter/r51/reports/pr?{period}&colour=red&metric_type=Hits",
                     headers=ADMIN).json()
    assert [(e["Code"], e.get("Data", "")) for e in odd["Report_Header"]["Exceptions"]] == [
        (3050, "colour"), (3060, "Metric_Type Hits not in PR")]
    assert schema_errors(odd, "PR") == []
    assert client.get(f"/api/counter/r51/reports/pr?{period}&format=tsv",
                      headers=ADMIN).text.startswith("Report_Name\tPlatform Report\n")
    status = client.get("/api/counter/r51/status", headers=ADMIN).json()
    assert status[0]["Service_Active"] is True
    listing = client.get("/api/counter/r51/reports", headers=ADMIN).json()
    assert [r["Report_ID"] for r in listing] == ["PR", "PR_P1", "IR"]
    assert {r["First_Month_Available"] for r in listing} == {MONTH}


def test_sushi_errors_and_refusals(used):
    client, _ = used
    period = f"begin_date={MONTH}&end_date={MONTH}"
    for path in ("status", "reports", f"reports/pr?{period}", f"reports/ir?{period}"):
        anonymous = client.get(f"/api/counter/r51/{path}")
        assert anonymous.status_code == 401 and anonymous.json()["Code"] == 2000
        assert anonymous.headers["www-authenticate"] == "Basic"
        cataloguer = client.get(f"/api/counter/r51/{path}", headers=CATALOGUER)
        assert cataloguer.status_code == 403 and cataloguer.json()["Code"] == 2010
    wrong = client.get("/api/counter/r51/status", headers={
        "authorization": "Basic " + base64.b64encode(b"boss:guess").decode()})
    assert wrong.status_code == 401 and wrong.json()["Code"] == 2000
    for query, code in (("begin_date=2026-13&end_date=2026-12", 3020),
                        ("begin_date=2026-02-30&end_date=2026-03", 3020),
                        ("begin_date=2026-05&end_date=2026-04", 3020),
                        ("begin_date=2999-01&end_date=2999-02", 3020),
                        ("begin_date=last+year&end_date=2026-04", 3020),
                        ("begin_date=2026-01", 1030), ("", 1030)):
        r = client.get(f"/api/counter/r51/reports/pr?{query}", headers=ADMIN)
        assert r.status_code == 400 and r.json()["Code"] == code, query
        assert schema_errors(r.json(), f"Exception_{code}") == []
    empty = client.get("/api/counter/r51/reports/pr_p1?begin_date=2020-01&end_date=2020-12",
                       headers=ADMIN)
    assert empty.status_code == 200 and empty.json()["Report_Items"] == []
    assert empty.json()["Report_Header"]["Exceptions"][0]["Code"] == 3030
    assert schema_errors(empty.json(), "PR_P1") == []


def test_staff_page_in_six_languages(used):
    client, uid = used
    anonymous = client.get("/usage?begin=2026-01", follow_redirects=False)
    assert anonymous.status_code == 303  # sent to sign in, and back here after
    assert anonymous.headers["location"] == "/signin?next=%2Fusage%3Fbegin%3D2026-01"
    assert client.get("/usage", headers=CATALOGUER).status_code == 403
    for lang in CODES:
        page = client.get(f"/usage?ui={lang}", headers=ADMIN)
        assert page.status_code == 200
        assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in page.text
        assert "usage." not in page.text.replace("/usage", "")  # no untranslated keys
    page = client.get(f"/usage?begin={MONTH}&end={MONTH}&ui=en", headers=ADMIN)
    assert f'<tr data-month="{MONTH}">' in page.text
    assert f'<tr data-uid="{uid}"><td dir="ltr"><a href="/documents/{uid}">A/RES/77/248</a>' \
        '</td><td>4</td><td>1</td></tr>' in page.text
    assert 'href="/usage"' in page.text  # linked for administrators
    assert 'href="/usage"' not in client.get("/search", headers=CATALOGUER).text
    bad = client.get("/usage?begin=2026-99&end=2026-01&ui=fr", headers=ADMIN)
    assert bad.status_code == 400 and "Période non valide" in bad.text


def test_a_spool_that_cannot_be_written_never_breaks_a_page(settings, tmp_path):
    reader, _, uid = basic_site(settings, tmp_path)
    (settings.data_dir / "usage").mkdir(exist_ok=True)
    (settings.data_dir / "usage" / "spool").write_text("a file where the folder should be")
    assert reader.get(f"/documents/{uid}").status_code == 200
    assert reader.get(f"/documents/{uid}/files/en/txt").content == TEXT.encode()
    assert reader.get("/api/search?q=sea").status_code == 200


def test_real_http_requests_through_uvicorn(live_server, tmp_path):
    """The same through a real server and socket: the address is 127.0.0.1 and not kept."""
    import httpx

    s = live_server
    _, _, uid = basic_site(s, tmp_path)
    with httpx.Client(base_url=s.base_url, headers={"user-agent": FIREFOX}) as http:
        assert http.get(f"/documents/{uid}").status_code == 200
        assert http.get(f"/documents/{uid}/files/en/txt",
                        headers={"Range": "bytes=50-"}).status_code == 206
        assert http.get(f"/documents/{uid}/files/en/txt").status_code == 200
    events = spooled(s)
    assert [(e["kind"], e["view"]) for e in events] == [("i", "page"), ("r", "files/en/txt")]
    text = "".join(p.read_text() for p in spool_files(s.data_dir))
    assert "127.0.0.1" not in text


def test_sushi_data_type_and_access_method_filters(used):
    client, _ = used
    period = f"begin_date={MONTH}&end_date={MONTH}"

    def get(name: str, query: str) -> dict:
        r = client.get(f"/api/counter/r51/reports/{name}?{period}&{query}", headers=ADMIN)
        assert r.status_code == 200
        assert schema_errors(r.json(), name.upper()) == [], query
        return r.json()

    def codes(report: dict) -> list[int]:
        return [e["Code"] for e in report["Report_Header"].get("Exceptions", [])]

    other = get("ir", "data_type=Other")  # a resolution
    assert other["Report_Items"][0]["Items"][0]["Item"] == "A/RES/77/248"
    assert other["Report_Header"]["Report_Filters"]["Data_Type"] == ["Other"]
    assert codes(get("ir", "data_type=Report")) == [3030]
    assert codes(get("ir", "data_type=Novel|Other")) == [3060]
    platform = get("pr", "data_type=Platform")
    assert [a["Data_Type"] for a in platform["Report_Items"][0]["Attribute_Performance"]] == [
        "Platform"]
    assert codes(get("pr", "access_method=TDM")) == [3030]
    regular = get("ir", "access_method=Regular")
    assert regular["Report_Header"]["Report_Filters"]["Access_Method"] == ["Regular"]
    assert regular["Report_Items"]
    assert codes(get("ir", "access_method=Robot")) == [3060]
