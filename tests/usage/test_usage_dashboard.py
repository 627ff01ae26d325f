"""The staff dashboard: charts with their numbers and text alternatives, TSV behind each
chart, six languages, sample traffic marked, staff only."""

from __future__ import annotations

import base64
import re

import pytest
from fastapi.testclient import TestClient
from usage_support import add_document, geo_line, write_spool

from hemicycle.accounts import add_user
from hemicycle.languages import CODES
from hemicycle.usage.charts import classes, shade, world
from hemicycle.usage.process import process_spool
from hemicycle.usage.sample import write_sample
from hemicycle.web.app import create_app

ADMIN = {"authorization": "Basic " + base64.b64encode(b"boss:administrator-pw").decode()}
MARCH = "begin=2026-03&end=2026-03"


@pytest.fixture
def board(settings):
    uid = add_document(settings, "A/RES/74/1", body="GA")
    write_spool(settings.data_dir, "2026-03-02-1.jsonl", [
        geo_line(0, "r", uid, ("FR", "Île-de-France", "Paris"), view="files/fr/pdf"),
        geo_line(0, "r", uid, ("FR", "Auvergne-Rhône-Alpes", "Lyon"), user="b",
                 view="files/ar/pdf"),
        geo_line(0, "r", uid, ("KE", "Nairobi County", "Nairobi"), user="c",
                 view="files/en/pdf"),
        geo_line(0, "i", uid, ("ZZ", "", ""), user="d")])
    process_spool(settings)
    add_user(settings.database_url, "boss", "administrator-pw", "admin")
    add_user(settings.database_url, "cat", "cataloguer-pw", "cataloguer")
    return TestClient(create_app(settings)), uid


def test_dashboard_charts_and_their_numbers(board):
    client, uid = board
    page = client.get(f"/usage?{MARCH}&ui=en", headers=ADMIN)
    assert page.status_code == 200
    html = page.text
    # the headline figures
    for figure, n in (("downloads", 3), ("investigations", 4), ("countries", 2),
                      ("cities", 3)):
        assert f'data-figure="{figure}">{n}</dd>' in html
    # the map: France darker than Kenya, a country without use in the empty colour
    fill = {c: re.search(rf'fill="(#\w+)"[^>]*data-country="{c}"', html)[1]
            for c in ("FR", "KE", "BR")}
    assert fill["BR"] == "#eeeeee" and len({fill["FR"], fill["KE"], fill["BR"]}) == 3
    assert "<title>France: 2 Downloads</title>" in html
    # every chart an image with a title and a description (the text alternative)
    assert html.count('role="img"') == 5
    assert 'World map shaded by the number of downloads in each country; most: France (2).' \
        in html
    # its numbers one click away, and as TSV
    assert html.count('<details class="numbers">') == 5
    assert '<tr><td dir="ltr">FR</td><td>France</td><td dir="ltr">2</td>' in html
    for name in ("months", "countries", "items", "languages"):
        assert f'href="/usage/data/{name}.tsv?begin=2026-03&amp;end=2026-03&amp;ui=en"' in html
    assert "Readers&#39; places resolved with:" in html and "test-db 2026-03-01" in html
    assert 'class="sample"' not in html  # no sample traffic here


def test_chart_numbers_as_tsv(board):
    client, uid = board
    countries = client.get(f"/usage/data/countries.tsv?{MARCH}", headers=ADMIN)
    assert countries.status_code == 200
    assert countries.headers["content-type"].startswith("text/tab-separated-values")
    assert countries.text.splitlines() == [
        "Code\tCountry\tTotal_Item_Investigations\tTotal_Item_Requests",
        "FR\tFrance\t2\t2", "KE\tKenya\t1\t1", "ZZ\tUnknown Region\t1\t0"]
    languages = client.get(f"/usage/data/languages.tsv?{MARCH}&ui=fr", headers=ADMIN)
    assert languages.text.splitlines()[1:] == [
        "ar\tarabe\t1\t1", "en\tanglais\t1\t1", "fr\tfrançais\t1\t1", "\t(none)\t1\t0"]
    items = client.get(f"/usage/data/items.tsv?{MARCH}", headers=ADMIN).text
    assert items.splitlines()[1] == f"A/RES/74/1\t{uid}\t3"
    assert client.get(f"/usage/data/months.tsv?{MARCH}",
                      headers=ADMIN).text.splitlines()[1] == "2026-03\t4\t3"
    assert client.get(f"/usage/data/planets.tsv?{MARCH}", headers=ADMIN).status_code == 404
    assert client.get("/usage/data/months.tsv?begin=2026-13&end=2026-03",
                      headers=ADMIN).status_code == 400
    assert client.get(f"/usage/data/months.tsv?{MARCH}").status_code == 401
    cat = {"authorization": "Basic " + base64.b64encode(b"cat:cataloguer-pw").decode()}
    assert client.get(f"/usage/data/months.tsv?{MARCH}", headers=cat).status_code == 403


def test_dashboard_in_six_languages_and_right_to_left(board):
    client, _ = board
    names = {"ar": "فرنسا", "zh": "法国", "en": "France", "fr": "France", "ru": "Франция",
             "es": "Francia"}
    for lang in CODES:
        page = client.get(f"/usage?{MARCH}&ui={lang}", headers=ADMIN)
        assert page.status_code == 200
        assert "usage." not in page.text.replace("/usage", "")  # every key translated
        assert f"<title>{names[lang]}: 2 " in page.text
    # every chart keeps its own left-to-right geometry inside an Arabic page; the bars'
    # labels sit on the right
    arabic = client.get(f"/usage?{MARCH}&ui=ar", headers=ADMIN).text
    assert arabic.count('direction="ltr"') == 5
    assert re.search(r'<text x="416" y="\d+" text-anchor="end" font-size="15">فرنسا</text>',
                     arabic)


def test_sample_traffic_is_announced_on_the_page(settings):
    add_document(settings, "A/RES/74/1")
    add_user(settings.database_url, "boss", "administrator-pw", "admin")
    write_sample(settings, days=10, per_day=30)
    process_spool(settings)
    page = TestClient(create_app(settings)).get("/usage?ui=fr", headers=ADMIN).text
    banner = re.search(r'<p class="sample" role="alert" data-sample="(\d+)">([^<]+)</p>', page)
    assert banner and int(banner[1]) > 0
    assert "trafic fictif" in banner[2]


def test_map_classes():
    assert classes(0) == []
    ranges = classes(4493)
    assert ranges[0][0] == 1 and ranges[-1][1] == 4493 and len(ranges) <= 6
    assert all(a[1] + 1 == b[0] for a, b in zip(ranges, ranges[1:], strict=False))
    assert shade(0, ranges) == "#eeeeee" and shade(4493, ranges) != shade(1, ranges)
    assert classes(1) == [(1, 1)]
    shapes = world()
    assert {"FR", "CN", "BR", "US", "RU", "ZA", "IN", "AU"} <= set(shapes["countries"])
    assert "AQ" not in shapes["countries"] and len(shapes["countries"]) > 170
