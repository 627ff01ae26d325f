"""Readers' places: the embedded database and an operator's MaxMind DB, addresses good
and bad, databases missing, corrupt or too new; the address is never written."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from usage_support import FIREFOX, build_mmdb

from hemicycle.cli import app as cli_app
from hemicycle.usage.geo import (
    GeoDatabaseError,
    MmdbResolver,
    Place,
    check_database,
    open_resolver,
)
from hemicycle.usage.record import record_event
from hemicycle.usage.spool import spool_files
from hemicycle.web.app import create_app

UNKNOWN = Place()


@pytest.fixture
def city_db(tmp_path):
    return build_mmdb(tmp_path / "city.mmdb")


def test_mmdb_resolves_countries_regions_and_cities(city_db):
    geo = open_resolver(str(city_db), city_db.parent)
    assert geo.locate("81.2.69.160") == Place("GB", "England", "London")
    assert geo.locate("2a02:ec80::1") == Place("FR", "Île-de-France", "Paris")
    # an IPv4 address written as IPv6 is the same reader
    assert geo.locate("::ffff:81.2.69.160") == Place("GB", "England", "London")
    assert geo.locate("41.184.3.4") == Place("NG")  # country only
    assert geo.locate("196.200.1.1") == Place("MA")  # registered country, any case
    assert re.fullmatch(r"GeoLite2-City \d{4}-\d{2}-\d{2}", geo.source)


@pytest.mark.parametrize("address", [
    "8.8.8.8",  # not in this small database
    "203.0.113.5",  # listed, but not with a country code
    "10.1.2.3", "192.168.0.1", "127.0.0.1", "::1", "fe80::1", "fc00::1",  # private
    "", "-", "testclient", "999.1.1.1", "1.2.3", "81.2.69.160:8080", "<script>",
    "2a02:ec80::1::2", "x" * 5000,  # malformed
])
def test_unknown_private_and_malformed_addresses(city_db, address):
    assert open_resolver(str(city_db), city_db.parent).locate(address) == UNKNOWN


def test_embedded_database_resolves_countries_ipv4_and_ipv6(tmp_path):
    geo = open_resolver("embedded", tmp_path)
    assert geo.locate("8.8.8.8") == Place("US")
    assert geo.locate("2001:4860:4860::8888") == Place("US")
    assert geo.locate("41.0.0.1") == Place("ZA")
    assert geo.locate("10.0.0.1") == UNKNOWN and geo.locate("garbage") == UNKNOWN
    # the package's data file and its date, as reports will name it
    assert geo.source == "GeoLite2-Country 2024-06-18 (geoip2fast 1.2.2)"
    assert open_resolver("none", tmp_path).locate("8.8.8.8") == UNKNOWN


def test_missing_corrupt_too_new_and_wrong_databases(tmp_path):
    with pytest.raises(GeoDatabaseError, match=r"missing\.mmdb: no such file"):
        open_resolver("missing.mmdb", tmp_path)  # relative: under the data dir
    corrupt = tmp_path / "corrupt.mmdb"
    corrupt.write_bytes(b"not a database at all" * 50)
    with pytest.raises(GeoDatabaseError, match="corrupt.mmdb: not a MaxMind DB file"):
        open_resolver(str(corrupt), tmp_path)
    whole = build_mmdb(tmp_path / "whole.mmdb").read_bytes()
    cut = tmp_path / "cut.mmdb"
    cut.write_bytes(whole[:len(whole) // 3] + whole[-300:])
    with pytest.raises(GeoDatabaseError, match="cut.mmdb: not a MaxMind DB file"):
        open_resolver(str(cut), tmp_path)
    newer = build_mmdb(tmp_path / "newer.mmdb", major=3)
    with pytest.raises(GeoDatabaseError, match=r"format 3\.0, newer than this reader"):
        open_resolver(str(newer), tmp_path)
    asn = build_mmdb(tmp_path / "asn.mmdb", {"1.0.0.0/24": {"autonomous_system_number": 1}},
                     database_type="GeoLite2-ASN")
    with pytest.raises(GeoDatabaseError, match="'GeoLite2-ASN' has no countries"):
        open_resolver(str(asn), tmp_path)


def test_a_database_that_fails_later_counts_the_reader_as_unknown(city_db, tmp_path):
    geo = MmdbResolver(city_db)
    geo._reader.close()  # as if the file went away under a running worker
    assert geo.locate("81.2.69.160") == UNKNOWN
    record_event(tmp_path, "i", "doc", "81.2.69.160", FIREFOX, view="page", resolver=geo)
    [path] = spool_files(tmp_path)
    line = json.loads(path.read_text())
    assert line["geo"] == ["ZZ", "", ""] and line["item"] == "doc"  # not lost


def test_web_start_refuses_a_bad_database_and_serve_says_why(settings, tmp_path):
    broken = tmp_path / "broken.mmdb"
    broken.write_bytes(b"\0" * 100)
    bad = dataclasses.replace(settings, geoip_database=str(broken))
    with pytest.raises(GeoDatabaseError, match="broken.mmdb"):
        create_app(bad)
    with pytest.raises(GeoDatabaseError, match="broken.mmdb"):
        check_database(bad)
    result = CliRunner().invoke(cli_app, ["serve", "--port", "8199"],
                                env={"HEMICYCLE_DATA": str(settings.data_dir),
                                     "HEMICYCLE_GEOIP_DATABASE": str(broken)})
    assert result.exit_code == 1
    assert "geoip_database" in result.output and "broken.mmdb" in result.output


def test_reader_place_is_spooled_and_the_address_is_not(settings, tmp_path, city_db):
    from usage_support import add_document

    uid = add_document(settings, "A/RES/74/1")
    app = create_app(dataclasses.replace(settings, geoip_database=str(city_db)))
    london = TestClient(app, headers={"user-agent": FIREFOX}, client=("81.2.69.160", 5000))
    paris = TestClient(app, headers={"user-agent": FIREFOX}, client=("2a02:ec80::7", 5000))
    lan = TestClient(app, headers={"user-agent": FIREFOX}, client=("192.168.1.9", 5000))
    for client in (london, paris, lan):
        assert client.get(f"/documents/{uid}").status_code == 200
    text = "".join(p.read_text(encoding="utf-8") for p in spool_files(settings.data_dir))
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["geo"] for line in lines] == [
        ["GB", "England", "London"], ["FR", "Île-de-France", "Paris"], ["ZZ", "", ""]]
    assert {line["src"] for line in lines} == {app.state.geo.source}
    for address in ("81.2.69", "2a02:ec80", "192.168"):
        assert address not in text


def test_process_names_a_bad_database_but_counts_the_spool(settings, tmp_path):
    from usage_support import add_document, geo_line, write_spool

    uid = add_document(settings, "A/RES/74/1")
    write_spool(settings.data_dir, "2026-03-02-1.jsonl",
                [geo_line(0, "i", uid, ("FR", "", "Paris"))])
    result = CliRunner().invoke(cli_app, ["usage", "process"],
                                env={"HEMICYCLE_DATA": str(settings.data_dir),
                                     "HEMICYCLE_GEOIP_DATABASE": "absent.mmdb"})
    assert result.exit_code == 0, result.output
    assert "absent.mmdb: no such file" in result.output and "1 events" in result.output


def test_sample_needs_documents(settings):
    result = CliRunner().invoke(cli_app, ["usage", "sample", "--days", "2"],
                                env={"HEMICYCLE_DATA": str(settings.data_dir)})
    assert result.exit_code == 1 and "no published document" in result.output


def test_page_items_and_language_versions():
    from hemicycle.usage.pages import page_item, page_of, view_language

    assert page_item("guide", "/guides/sc") == "guide:/guides/sc"
    assert page_of("guide:/guides/sc") == ("guide", "/guides/sc")
    assert page_of("0123456789abcdef0123456789abcdef") is None and page_of("q:12") is None
    long = page_item("faq", "/faq/" + "x" * 100)
    assert len(long) == 64 and long != page_item("faq", "/faq/" + "x" * 99 + "y")
    for bad_type, path in (("blog", "/b"), ("guide", "no-slash")):
        with pytest.raises(ValueError):
            page_item(bad_type, path)
    assert [view_language(v) for v in ("files/fr/pdf", "api/text/en", "page/ar", "page",
                                       "api", "files/xx/pdf")] == ["fr", "en", "ar", "", "",
                                                                   ""]


def test_an_unreadable_embedded_file_counts_readers_as_unknown(tmp_path):
    from hemicycle.usage.geo import EmbeddedResolver

    geo = EmbeddedResolver()
    geo.path = tmp_path / "geoip2fast-ipv6.dat.gz"  # as if the package's file were damaged
    geo.path.write_bytes(b"\x1f\x8b not really gzip")
    assert geo.locate("8.8.8.8") == UNKNOWN and geo.locate("8.8.4.4") == UNKNOWN
    assert geo.source == "GeoLite2-Country (geoip2fast), unreadable"
    with pytest.raises(GeoDatabaseError, match="cannot be read"):
        geo.open()
    record_event(tmp_path, "i", "doc", "8.8.8.8", FIREFOX, resolver=geo)
    [path] = spool_files(tmp_path)
    assert json.loads(path.read_text())["geo"] == ["ZZ", "", ""]
