"""Counts by place: the same COUNTER counting broken down by country, city, item and
language; reports by place, the year's figures, page views, sample traffic (SQLite and
PostgreSQL)."""

from __future__ import annotations

import base64
import datetime as dt
import json

from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from usage_support import (
    FIREFOX,
    add_document,
    geo_line,
    performance,
    schema_errors,
    spool_line,
    write_spool,
)

from hemicycle.accounts import add_user
from hemicycle.cli import app as cli_app
from hemicycle.usage.figures import year_figures
from hemicycle.usage.period import parse_period
from hemicycle.usage.places import (
    PlaceRequest,
    build_place_report,
    parse_by,
    place_report_tsv,
)
from hemicycle.usage.process import TII, TIR, process_spool
from hemicycle.usage.reports import ReportRequest, build_report
from hemicycle.usage.sample import SAMPLE_SOURCE
from hemicycle.web.app import create_app
from hemicycle.web.routes.usage import record_page_view

MARCH = parse_period("2026-03", "2026-03")
LONDON, PARIS, LYON = ("GB", "England", "London"), ("FR", "Île-de-France", "Paris"), \
    ("FR", "Auvergne-Rhône-Alpes", "Lyon")
NOWHERE = ("ZZ", "", "")
ADMIN = {"authorization": "Basic " + base64.b64encode(b"boss:administrator-pw").decode()}


def by(settings, dims: str, **kw) -> list[dict]:
    return build_place_report(settings, PlaceRequest(MARCH, parse_by(dims), **kw))["Rows"]


def used_site(s):
    uid = add_document(s, "A/RES/74/1", body="GA")
    other = add_document(s, "S/PV.8000", "meeting record", body="SC")
    write_spool(s.data_dir, "2026-03-02-1.jsonl", [
        # London reads the page twice within 30 s (one click), downloads the French PDF
        geo_line(0, "i", uid, LONDON), geo_line(10, "i", uid, LONDON),
        geo_line(60, "r", uid, LONDON, view="files/fr/pdf"),
        # Paris downloads the English text twice (two clicks, 100 s apart)
        geo_line(0, "r", uid, PARIS, user="p", view="files/en/pdf"),
        geo_line(100, "r", uid, PARIS, user="p", view="files/en/pdf"),
        geo_line(5, "i", other, LYON, user="l"),
        geo_line(7, "i", other, NOWHERE, user="n"),
        # a line from before geography: unknown place, source "" (none)
        spool_line(9, "i", other, user="old"),
        # a robot: never counted, wherever it is
        geo_line(11, "r", uid, PARIS, user="bot", view="files/en/pdf",
                 agent="python-requests/2.32"),
        # a search has no place in these counts
        geo_line(12, "s", "q:1", PARIS, view=""),
    ])
    result = process_spool(s)
    assert result.broken == [] and result.events == 9
    return uid, other


def test_counts_by_place_agree_with_counter(catalogue_settings):
    s = catalogue_settings
    uid, other = used_site(s)
    ir = build_report(s, ReportRequest("ir", MARCH))
    countries = {r["Country"]: r["Performance"] for r in by(s, "country")}
    assert countries == {
        "GB": {TII: {"2026-03": 2}, TIR: {"2026-03": 1}},
        "FR": {TII: {"2026-03": 3}, TIR: {"2026-03": 2}},
        "ZZ": {TII: {"2026-03": 2}}}
    # every download and investigation COUNTER counts is in exactly one place
    for metric in (TII, TIR):
        counter = sum(performance(ir, sym).get(metric, {}).get("2026-03", 0)
                      for sym in ("A/RES/74/1", "S/PV.8000"))
        assert counter == sum(p.get(metric, {}).get("2026-03", 0) for p in countries.values())
    cities = {(r["Country"], r["City"]): r["Performance"][TII]["2026-03"]
              for r in by(s, "city")}
    assert cities == {("FR", "Paris"): 2, ("GB", "London"): 2, ("FR", "Lyon"): 1,
                      ("ZZ", ""): 2}
    rows = by(s, "country,item,language", metrics=(TIR,))
    assert {(r["Country"], r["Item"], r["Language"]): r["Performance"][TIR]["2026-03"]
            for r in rows} == {("FR", "A/RES/74/1", "en"): 2, ("GB", "A/RES/74/1", "fr"): 1}
    types = {(r["Body"], r["Document_Type"]): r["Performance"][TII]["2026-03"]
             for r in by(s, "body,type")}
    assert types == {("GA", "resolution"): 4, ("SC", "meeting record"): 3}
    languages = {r["Language"]: r["Performance"] for r in by(s, "language")}
    assert languages[""][TII] == {"2026-03": 4} and languages["en"][TIR] == {"2026-03": 2}
    # country names in the asked language, CLDR's Unknown Region for ZZ
    named = {r["Country"]: r["Country_Name"] for r in by(s, "country", language="ar")}
    assert named == {"FR": "فرنسا", "GB": "المملكة المتحدة", "ZZ": "منطقة غير معروفة"}


def test_report_header_names_the_sources_and_tsv(catalogue_settings):
    s = catalogue_settings
    used_site(s)
    report = build_place_report(s, PlaceRequest(MARCH, ("country",), granularity="Total"))
    assert report["Report_Header"]["Geography_Sources"] == [
        {"Month": "2026-03", "Source": "none (recorded before geography)", "Events": 1},
        {"Month": "2026-03", "Source": "test-db 2026-03-01", "Events": 8}]
    assert report["Report_Header"]["Sample_Traffic"] is False
    tsv = place_report_tsv(report, MARCH).splitlines()
    assert "Geography_Sources\t2026-03 none (recorded before geography) (1 events); " \
           "2026-03 test-db 2026-03-01 (8 events)" in tsv
    head = tsv.index("") + 1
    assert tsv[head] == "Country\tCountry_Name\tMetric_Type\tReporting_Period_Total"
    assert "FR\tFrance\tTotal_Item_Requests\t2" in tsv[head + 1:]


def test_reprocessing_a_day_replaces_its_places(catalogue_settings):
    s = catalogue_settings
    uid, _ = used_site(s)
    write_spool(s.data_dir, "2026-03-02-2.jsonl", [geo_line(40, "r", uid, LONDON, user="q",
                                                            view="files/ar/pdf")])
    process_spool(s)
    assert process_spool(s).events == 0
    countries = {r["Country"]: r["Performance"] for r in by(s, "country")}
    assert countries["GB"][TIR] == {"2026-03": 2} and countries["FR"][TIR] == {"2026-03": 2}


def test_broken_place_in_a_line_counts_the_event_as_unknown(catalogue_settings):
    s = catalogue_settings
    uid = add_document(s, "A/RES/74/1")
    bad = json.loads(geo_line(0, "r", uid, LONDON, view="files/en/pdf"))
    bad["geo"] = ["gb", "England"]
    write_spool(s.data_dir, "2026-03-02-1.jsonl", [json.dumps(bad) + "\n"])
    result = process_spool(s)
    assert result.events == 1 and result.broken == []
    assert result.unplaced == ["2026-03-02-1.jsonl:1: geo: expected [country (2 capital "
                               "letters), region, city], texts of at most 80 characters; "
                               "counted as unknown"]
    assert [r["Country"] for r in by(s, "country")] == ["ZZ"]


def guide_site(settings) -> FastAPI:
    """A page route as the knowledge pages have: the hook records each view."""
    app = FastAPI()
    app.state.settings, app.state.geo = settings, create_app(settings).state.geo

    @app.get("/guides/{slug}")
    def guide(request: Request, slug: str):
        record_page_view(request, "guide", request.query_params.get("lang", "en"))
        return {"slug": slug}

    return app


def test_year_figures_and_page_views(catalogue_settings):
    s = catalogue_settings
    used_site(s)
    reader = TestClient(guide_site(s), headers={"user-agent": FIREFOX},
                        client=("41.0.0.1", 9))  # South Africa in the embedded database
    for lang in ("ar", "ar", "fr"):
        assert reader.get(f"/guides/security-council?lang={lang}").status_code == 200
    process_spool(s)
    this_year = dt.datetime.now(dt.UTC).year
    f = year_figures(s, 2026)
    assert (f.downloads, f.top_items[0][1:]) == (3, ("A/RES/74/1", 3))
    views = year_figures(s, this_year).page_views
    # the second Arabic view within 30 s is a double click: once
    assert views["guide"] == {"ar": 1, "zh": 0, "en": 0, "fr": 1, "ru": 0, "es": 0}
    assert views["faq"] == dict.fromkeys(views["guide"], 0)  # none yet, still reported
    if this_year == 2026:  # the guide's readers are in South Africa
        assert (f.countries, f.cities, f.unknown_place) == (3, 3, 2)
    else:
        assert (f.countries, f.cities, f.unknown_place) == (2, 3, 2)
    # the guide is a COUNTER item of Data_Type Other, its URI the page's address
    month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    ir = build_report(s, ReportRequest("ir", parse_period(month, month)))
    assert schema_errors(ir, "IR") == []
    [item] = [i for i in ir["Report_Items"][0]["Items"] if i["Item"].startswith("guide:")]
    assert item["Attribute_Performance"][0]["Data_Type"] == "Other"
    assert item["Item_ID"]["URI"].endswith("/guides/security-council")
    assert item["Attribute_Performance"][0]["Performance"][TII] == {month: 2}


def test_sample_traffic_is_marked_everywhere(catalogue_settings):
    from hemicycle.usage.sample import write_sample

    s = catalogue_settings
    add_document(s, "A/RES/74/1")
    today = dt.date(2026, 4, 1)
    n = write_sample(s, days=31, per_day=20, today=today)
    assert n > 0 and write_sample(s, days=31, per_day=20, today=today) == n  # same files
    process_spool(s)
    report = build_place_report(s, PlaceRequest(MARCH, ("country",)))
    assert report["Report_Header"]["Sample_Traffic"] is True
    assert {x["Source"] for x in report["Report_Header"]["Geography_Sources"]} == {
        SAMPLE_SOURCE}
    assert year_figures(s, 2026).sample > 0
    out = CliRunner().invoke(cli_app, ["usage", "figures", "--year", "2026"],
                             env={"HEMICYCLE_DATA": str(s.data_dir),
                                  "HEMICYCLE_DATABASE_URL": s.database_url})
    assert out.exit_code == 0 and "SAMPLE TRAFFIC" in out.output


def test_places_api_for_administrators_only_and_its_errors(catalogue_settings):
    s = catalogue_settings
    used_site(s)
    add_user(s.database_url, "boss", "administrator-pw", "admin")
    add_user(s.database_url, "cat", "cataloguer-pw", "cataloguer")
    client = TestClient(create_app(s))
    url = "/api/usage/places?begin_date=2026-03&end_date=2026-03"
    assert client.get(url).status_code == 401
    cat = {"authorization": "Basic " + base64.b64encode(b"cat:cataloguer-pw").decode()}
    assert client.get(url, headers=cat).status_code == 403
    ok = client.get(url + "&by=city&metric=downloads&ui=fr", headers=ADMIN)
    assert ok.status_code == 200
    rows = ok.json()["Rows"]
    assert [(r["City"], r["Country_Name"]) for r in rows] == [("Paris", "France"),
                                                              ("London", "Royaume-Uni")]
    tsv = client.get(url + "&format=tsv&granularity=Total", headers=ADMIN)
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")
    assert tsv.text.startswith("Report_Name\tUsage by place\n")
    for bad, problem in (("&by=planet", "by: planet is not one of"),
                         ("&metric=clicks", "metric 'clicks'"),
                         ("&granularity=Week", "granularity 'Week'"),
                         ("&limit=-1", "limit '-1'"), ("&colour=red", "unknown parameter"),
                         ("&end_date=2026-13", "not a date")):
        answer = client.get(url.replace("&end_date=2026-03", "") +
                            ("" if "end_date" in bad else "&end_date=2026-03") + bad,
                            headers=ADMIN)
        assert answer.status_code == 400, bad
        assert problem in answer.json()["error"]["detail"]
    missing = client.get("/api/usage/places?begin_date=2026-03", headers=ADMIN)
    assert missing.status_code == 400 and "end_date: missing" in missing.text


def test_places_command(catalogue_settings, tmp_path):
    s = catalogue_settings
    used_site(s)
    env = {"HEMICYCLE_DATA": str(s.data_dir), "HEMICYCLE_DATABASE_URL": s.database_url}
    out = tmp_path / "places.tsv"
    result = CliRunner().invoke(cli_app, ["usage", "places", "--begin", "2026-03", "--end",
                                          "2026-03", "--by", "country,language", "--format",
                                          "tsv", "--output", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "GB\tUnited Kingdom\tfr\tTotal_Item_Requests\t1\t1" in out.read_text()
    bad = CliRunner().invoke(cli_app, ["usage", "places", "--begin", "2026-03", "--end",
                                       "2026-03", "--by", "street"], env=env)
    assert bad.exit_code == 1 and "street is not one of" in bad.output
    figures = CliRunner().invoke(cli_app, ["usage", "figures", "--year", "2026", "--format",
                                           "json"], env=env)
    data = json.loads(figures.output)
    assert (data["Downloads"], data["Countries"], data["Cities"]) == (3, 2, 3)
    assert data["Page_Views"]["faq"]["ar"] == 0 and data["Sample_Events"] == 0


def test_top_items_of_a_period_are_exact(catalogue_settings, monkeypatch):
    """Monthly tops keep only the first TOP_KEPT items: an item just below them every
    month can still lead the period, and is found."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.usage import top

    monkeypatch.setattr(top, "TOP_KEPT", 1)
    s = catalogue_settings
    a, b, c = (add_document(s, f"A/RES/74/{n}") for n in (1, 2, 3))
    april = 30 * 86400  # T0 is 2 March
    lines = []
    for base, leader in ((0, a), (april, b)):  # each month: its leader 3, c 2
        lines += [geo_line(base + 100 * k, "r", leader, PARIS, user=f"x{k}",
                           view="files/en/pdf") for k in range(3)]
        lines += [geo_line(base + 100 * k, "r", c, PARIS, user=f"y{k}",
                           view="files/en/pdf") for k in range(2)]
    write_spool(s.data_dir, "2026-03-02-1.jsonl", lines)
    process_spool(s)
    both = parse_period("2026-03", "2026-04")
    with session_scope(s.database_url) as db:
        first, *tied = top.top_items(db, both, TIR, 3)
        assert first == (c, 4) and sorted(tied) == sorted([(a, 3), (b, 3)])  # ties by item
        assert top.top_items(db, MARCH, TIR, 1) == [(a, 3)]
