"""Numbers too large for the catalogue or the index (``?year=99999999999999999999``), in
any integer parameter of any page or API route, and a page too large to render, are the
client's error (400 or 404), never a server error."""

from __future__ import annotations

import importlib
import re
import types
import typing
from pathlib import Path

import pikepdf
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from security_helpers import publish_one

from hemicycle.documents import DocumentInput, FileInput, VersionInput, save_document
from hemicycle.proceedings.importers.ga import GAFiles, import_ga
from hemicycle.web.app import ROUTE_MODULES, create_app

BIG = "99999999999999999999"
UNVOTES = Path(__file__).resolve().parents[2] / "corpus" / "proceedings" / "unvotes"
SAMPLE = {"iso3": "USA", "body": "GA", "vocab": "unbis", "language": "en", "fmt": "txt"}


def _is_int(annotation) -> bool:
    if annotation is int:
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return int in typing.get_args(annotation)
    return origin is typing.Annotated and _is_int(typing.get_args(annotation)[0])


def _get_routes():
    for name in ROUTE_MODULES:
        for route in importlib.import_module(name).router.routes:
            if isinstance(route, APIRoute) and "GET" in route.methods:
                yield route


@pytest.fixture
def voted(catalogue_settings, tmp_path):
    publish_one(catalogue_settings, tmp_path)
    import_ga(catalogue_settings, GAFiles(UNVOTES / "sample_session70_roll_calls.csv",
                                          UNVOTES / "sample_session70_votes.csv"))
    return catalogue_settings


def test_no_integer_parameter_makes_a_server_error(voted) -> None:
    client = TestClient(create_app(voted), raise_server_exceptions=False)
    uid = client.get("/api/search", params={"q": "Security Council"}).json()["hits"][0]["uid"]
    record = client.get("/api/votes/records").json()["records"][0]["id"]
    tried = []
    for route in _get_routes():
        int_path = {f.name for f in route.dependant.path_params if _is_int(f.field_info.annotation)}
        int_query = [f.name for f in route.dependant.query_params
                     if _is_int(f.field_info.annotation)]
        names = re.findall(r"\{(\w+)(?::path)?\}", route.path)
        urls = []
        for big in [*int_path, *[f"?{q}" for q in int_query]]:
            values = {n: BIG if n == big else SAMPLE.get(n, uid if n == "uid" else "70")
                      for n in names}
            if "record_id" in names and big != "record_id":
                values["record_id"] = str(record)
            path = re.sub(r"\{(\w+)(?::path)?\}", lambda m, v=values: v[m.group(1)], route.path)
            urls.append(path + (f"{big}={BIG}" if big.startswith("?") else ""))
        for url in urls:
            reply = client.get(url)
            assert reply.status_code < 500, (url, reply.status_code, reply.text[:300])
            tried.append(url)
    assert len(tried) > 20, tried
    for url in (f"/search?year={BIG}", f"/api/search?year={BIG}", f"/feeds/search.atom?year={BIG}",
                f"/search?q=year:{BIG}", f"/sitemap-{BIG}.xml", f"/votes/records/{BIG}",
                f"/api/speeches?session={BIG}", f"/api/votes/export?session={BIG}",
                f"/api/votes/states/USA?session=-{BIG}"):
        reply = client.get(url)
        assert reply.status_code in (400, 404), (url, reply.status_code)
    assert client.get(f"/search?year={BIG}").status_code == 400


def test_a_page_too_large_to_render_is_refused_with_400(settings, tmp_path) -> None:
    huge = tmp_path / "poster.pdf"
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(14400, 14400))  # 200 inches square: 30,000 px a side
    pdf.save(huge)
    uid = save_document(settings, DocumentInput(
        symbols=["A/74/999"], doc_type="map",
        versions={"en": VersionInput(title="A very large map", text="map")},
        files=[FileInput("en", "pdf", huge)])).uid
    client = TestClient(create_app(settings), raise_server_exceptions=False)
    for rest in ("info.json", "full/max/0/default.jpg", "0,0,512,512/512,/0/default.jpg"):
        reply = client.get(f"/iiif/3/{uid}~en~pdf~p1/{rest}")
        assert reply.status_code == 400, (rest, reply.status_code, reply.text)
        assert "pixels" in reply.json()["error"]["detail"]
