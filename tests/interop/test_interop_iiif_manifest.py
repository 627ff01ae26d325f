"""IIIF Presentation 3.0 manifests of real documents (ingested and digitised through the real
code) on SQLite and PostgreSQL: structure checked against the specification, every id a
client follows resolved through the app, canvas sizes equal to the image services' sizes.

The structural checks are written from the Presentation API 3.0 specification: iiif-prezi3
3.1.1 (its pydantic models) needs Pillow < 13 here, and in a trial it accepted a string
label and an annotation without motivation, so it would not have caught much.
"""

from __future__ import annotations

import io
import json
import re
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from iiif_corpus import (
    LETTER,
    RESOLUTION,
    RU_PDF,
    SC84_PNG,
    TEXT_ONLY,
    digitise_scan,
    ingest_corpus,
    set_status,
)
from lxml import etree
from PIL import Image

from hemicycle.documents import DocumentInput, FileInput, VersionInput, save_document
from hemicycle.languages import CODES
from hemicycle.web.app import create_app

PRESENTATION = "http://iiif.io/api/presentation/3/context.json"
DIRECTIONS = {"left-to-right", "right-to-left", "top-to-bottom", "bottom-to-top"}
LANGUAGE_KEY = re.compile(r"^(none|[a-z]{2,3}(-[A-Za-z0-9]{1,8})*)$")


def language_map(value, where: str) -> dict:
    assert isinstance(value, dict) and value, f"{where}: a language map"
    for key, texts in value.items():
        assert LANGUAGE_KEY.match(key), f"{where}: language key {key!r}"
        assert isinstance(texts, list) and texts, f"{where}.{key}: a list of strings"
        assert all(isinstance(t, str) and t.strip() for t in texts), f"{where}.{key}"
    return value


def http_id(value, where: str) -> str:
    assert isinstance(value, str) and urlsplit(value).scheme in ("http", "https"), where
    return value


def check_manifest(m: dict) -> list[dict]:
    """The Presentation 3.0 requirements a viewer relies on; returns the canvases."""
    context = m["@context"]
    assert (context[-1] if isinstance(context, list) else context) == PRESENTATION
    assert m["type"] == "Manifest"
    ids = [http_id(m["id"], "manifest.id")]
    language_map(m["label"], "label")
    language_map(m["summary"], "summary")
    for i, row in enumerate(m["metadata"]):
        language_map(row["label"], f"metadata[{i}].label")
        language_map(row["value"], f"metadata[{i}].value")
    for prop in ("homepage", "rendering", "seeAlso"):
        for i, ref in enumerate(m[prop]):
            http_id(ref["id"], f"{prop}[{i}].id")
            assert ref["type"] and ref["format"], f"{prop}[{i}]"
            if "label" in ref:
                language_map(ref["label"], f"{prop}[{i}].label")
    assert m.get("viewingDirection", "left-to-right") in DIRECTIONS
    canvases = m["items"]
    assert canvases, "a manifest has at least one canvas"
    for c in canvases:
        assert c["type"] == "Canvas"
        ids.append(http_id(c["id"], "canvas.id"))
        language_map(c["label"], "canvas.label")
        assert isinstance(c["width"], int) and c["width"] > 0
        assert isinstance(c["height"], int) and c["height"] > 0
        for page in c["items"]:
            assert page["type"] == "AnnotationPage"
            ids.append(http_id(page["id"], "page.id"))
            for anno in page["items"]:
                assert anno["type"] == "Annotation" and anno["motivation"] == "painting"
                ids.append(http_id(anno["id"], "annotation.id"))
                assert anno["target"] == c["id"]
                body = anno["body"]
                assert body["type"] == "Image" and body["format"] == "image/jpeg"
                http_id(body["id"], "body.id")
                assert body["width"] > 0 and body["height"] > 0
                (service,) = body["service"]
                assert service["type"] == "ImageService3" and service["profile"] == "level2"
                http_id(service["id"], "service.id")
    canvas_ids = {c["id"] for c in canvases}
    for r in m["structures"]:
        assert r["type"] == "Range"
        ids.append(http_id(r["id"], "range.id"))
        language_map(r["label"], "range.label")
        assert r.get("viewingDirection", "left-to-right") in DIRECTIONS
        assert r["items"] and all(i["type"] == "Canvas" and i["id"] in canvas_ids
                                  for i in r["items"])
    assert len(ids) == len(set(ids)), "ids are unique"
    return canvases


def local(settings, url: str) -> str:
    """A URL the manifest gives, as a path of this app (it must be one of ours)."""
    assert url.startswith(settings.base_url + "/"), url
    return url[len(settings.base_url):]


@pytest.fixture
def site(catalogue_settings, tmp_path):
    uids = ingest_corpus(catalogue_settings, tmp_path / "in")
    return catalogue_settings, uids, TestClient(create_app(catalogue_settings))


def test_iiif_manifest_of_a_document_in_three_languages(site):
    settings, uids, client = site
    uid = uids[RESOLUTION]
    r = client.get(f"/iiif/3/{uid}/manifest.json")
    assert r.status_code == 200, r.text
    assert r.headers["access-control-allow-origin"] == "*" and r.headers["etag"]
    m = r.json()
    canvases = check_manifest(m)
    assert m["id"] == f"{settings.base_url}/iiif/3/{uid}/manifest.json"
    # titles in each language the document has them in, nothing invented for the others
    assert set(m["label"]) == {"ar", "en", "ru"}
    assert all(RESOLUTION in m["label"][c][0] for c in m["label"])
    assert "Восстановление" in m["label"]["ru"][0]
    for row in m["metadata"]:
        assert set(row["label"]) == set(CODES)  # interface labels in the six languages
    values = [row["value"]["none"][0] for row in m["metadata"]]
    assert RESOLUTION in values and "1971-10-25" in values and "GEN" in values
    assert set(m["summary"]) == set(CODES)
    # one page per language, languages in UN order, a Range per language
    assert [c["id"].rsplit("/", 2)[1] for c in canvases] == ["ar", "en", "ru"]
    ranges = {r["id"].rsplit("/", 1)[1]: r for r in m["structures"]}
    assert list(ranges) == ["ar", "en", "ru"]
    assert all(set(r["label"]) == set(CODES) for r in ranges.values())
    assert ranges["ar"]["label"]["ar"] == ["العربية"] and ranges["ru"]["label"]["fr"] == ["Russe"]
    assert ranges["ar"]["viewingDirection"] == "right-to-left"
    assert "viewingDirection" not in ranges["en"] and "viewingDirection" not in m
    # every canvas is as large as its image service says, and its image is that size
    for canvas in canvases:
        body = canvas["items"][0]["items"][0]["body"]
        info = client.get(local(settings, body["service"][0]["id"]) + "/info.json").json()
        assert info["id"] == body["service"][0]["id"]
        assert (canvas["width"], canvas["height"]) == (info["width"], info["height"])
        image = client.get(local(settings, body["id"]))
        assert image.headers["content-type"] == "image/jpeg"
        assert Image.open(io.BytesIO(image.content)).size == (body["width"], body["height"])
    # what the manifest links to resolves through the app
    home = client.get(local(settings, m["homepage"][0]["id"]))
    assert home.status_code == 200 and "text/html" in home.headers["content-type"]
    assert [x["language"] for x in m["rendering"]] == [["ar"], ["en"], ["ru"]]
    for ref in m["rendering"]:
        pdf = client.get(local(settings, ref["id"]))
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for ref in m["seeAlso"]:
        xml = client.get(local(settings, ref["id"]))
        assert xml.status_code == 200
        root = etree.fromstring(xml.content)
        assert root.find(".//{*}GetRecord") is not None, xml.text[:300]


def test_iiif_manifest_pages_and_page_labels(site):
    settings, uids, client = site
    m = client.get(f"/iiif/3/{uids[LETTER]}/manifest.json").json()
    canvases = check_manifest(m)
    assert len(canvases) == 2
    assert [c["label"]["en"] for c in canvases] == [["Page 1"], ["Page 2"]]
    assert canvases[1]["label"]["ar"] == ["الصفحة 2"]
    assert [r["id"].rsplit("/", 1)[1] for r in m["structures"]] == ["en"]
    assert client.get(local(settings, canvases[1]["items"][0]["items"][0]["body"]["service"][0]
                            ["id"]) + "/info.json").status_code == 200


def test_iiif_arabic_only_document_reads_right_to_left(site, tmp_path):
    settings, uids, client = site
    arabic = tmp_path / "in" / "files" / "a_res_2758-ar.pdf"
    result = save_document(settings, DocumentInput(
        symbols=["A/74/101"], versions={"ar": VersionInput(title="وثيقة")},
        files=[FileInput("ar", "pdf", arabic)]))
    m = client.get(f"/iiif/3/{result.uid}/manifest.json").json()
    check_manifest(m)
    assert m["viewingDirection"] == "right-to-left"


def test_iiif_manifest_absent_without_page_images(site):
    _, uids, client = site
    r = client.get(f"/iiif/3/{uids[TEXT_ONLY]}/manifest.json")
    assert r.status_code == 404 and "no page images" in r.json()["error"]["detail"]
    assert r.headers["access-control-allow-origin"] == "*"
    assert client.get("/iiif/3/00000000000000000000000000000000/manifest.json").status_code \
        == 404
    page = client.get(f"/documents/{uids[TEXT_ONLY]}").text
    assert "iiif-manifest" not in page


def test_iiif_link_on_the_document_page_and_in_its_json_ld(site):
    settings, uids, client = site
    uid = uids[RESOLUTION]
    html = client.get(f"/documents/{uid}?ui=fr").text
    assert f'href="/iiif/3/{uid}/manifest.json"' in html
    assert "Manifeste IIIF" in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html,
                              re.S).group(1))
    assert ld["subjectOf"]["url"] == f"{settings.base_url}/iiif/3/{uid}/manifest.json"


def test_iiif_drafts_are_unknown_and_withdrawn_documents_gone(site, tmp_path):
    settings, uids, client = site
    draft = save_document(settings, DocumentInput(
        symbols=["A/74/102"], status="draft", versions={"ru": VersionInput(title="Проект")},
        files=[FileInput("ru", "pdf", RU_PDF)]))
    for url in (f"/iiif/3/{draft.uid}/manifest.json",
                f"/iiif/3/{draft.uid}~ru~pdf~p1/info.json",
                f"/iiif/3/{draft.uid}~ru~pdf~p1/full/max/0/default.jpg"):
        r = client.get(url)
        assert r.status_code == 404 and "draft" in r.json()["error"]["detail"], url
    set_status(settings, uids[LETTER], "deleted")
    for url in (f"/iiif/3/{uids[LETTER]}/manifest.json",
                f"/iiif/3/{uids[LETTER]}~en~pdf~p1/info.json",
                f"/iiif/3/{uids[LETTER]}~en~pdf~p1/0,0,100,100/max/0/default.jpg"):
        r = client.get(url)
        assert r.status_code == 410 and "withdrawn" in r.json()["error"]["detail"], url


def test_iiif_replaced_file_never_serves_stale_pixels(site, tmp_path):
    settings, uids, client = site
    uid = uids[RESOLUTION]
    base = f"/iiif/3/{uid}~en~pdf~p1"
    before = client.get(f"{base}/info.json").json()
    old = client.get(f"{base}/full/max/0/default.jpg")
    letter = tmp_path / "in" / "files" / "a_c1_212-en.pdf"
    save_document(settings, DocumentInput(symbols=[RESOLUTION], files=[
        FileInput("en", "pdf", letter)]), replace=True)
    after = client.get(f"{base}/info.json").json()
    assert (after["width"], after["height"]) != (before["width"], before["height"])
    new = client.get(f"{base}/full/max/0/default.jpg")
    assert new.headers["etag"] != old.headers["etag"]
    assert Image.open(io.BytesIO(new.content)).size == (after["width"], after["height"])
    assert client.get(f"/iiif/3/{uid}~en~pdf~p2/info.json").status_code == 200  # 2 pages now


def test_iiif_digitised_scan_serves_its_own_pixels(catalogue_settings, tmp_path):
    settings = catalogue_settings
    uid = digitise_scan(settings, tmp_path / "scan")
    client = TestClient(create_app(settings))
    assert client.get(f"/iiif/3/{uid}/manifest.json").status_code == 404  # a draft
    set_status(settings, uid, "published")  # the cataloguer's review
    m = client.get(f"/iiif/3/{uid}/manifest.json").json()
    (canvas,) = check_manifest(m)
    service = canvas["items"][0]["items"][0]["body"]["service"][0]["id"]
    assert service.endswith(f"/iiif/3/{uid}~en~png~p1")  # the original scan, not the PDF/A
    with Image.open(SC84_PNG) as scan:
        assert (canvas["width"], canvas["height"]) == scan.size
        full = client.get(local(settings, service) + "/full/max/0/default.png")
        served = Image.open(io.BytesIO(full.content)).convert("RGB")
        assert served.size == scan.size
        assert served.tobytes() == scan.convert("RGB").tobytes()  # the scan's own pixels
    # the PDF/A made by digitisation is served too, rendered at 150 dpi
    info = client.get(f"/iiif/3/{uid}~en~pdfa~p1/info.json")
    assert info.status_code == 200 and info.json()["width"] > 0


def _forged_png(path, width: int, height: int):
    """A real 8 x 8 PNG whose header claims ``width`` x ``height`` pixels."""
    import struct
    import zlib

    buf = io.BytesIO()
    Image.new("L", (8, 8), 255).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    ihdr = data[12:29]  # b"IHDR" + 13 bytes
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    path.write_bytes(bytes(data))
    return path


def test_iiif_broken_and_oversized_files_are_refused_by_name(site, tmp_path):
    settings, _, client = site
    bomb = save_document(settings, DocumentInput(
        symbols=["A/74/103"], versions={"en": VersionInput(title="Bomb")},
        files=[FileInput("en", "png", _forged_png(tmp_path / "bomb.png", 30_000, 30_000))]))
    r = client.get(f"/iiif/3/{bomb.uid}~en~png~p1/info.json")
    assert r.status_code == 500 and "bomb.png" in r.json()["error"]["detail"]
    assert "pixels" in r.json()["error"]["detail"]
    assert client.get(f"/iiif/3/{bomb.uid}/manifest.json").status_code == 500
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(RU_PDF.read_bytes()[:2000])  # a truncated download
    doc = save_document(settings, DocumentInput(
        symbols=["A/74/104"], versions={"en": VersionInput(title="Truncated")},
        files=[FileInput("en", "pdf", broken)]))
    r = client.get(f"/iiif/3/{doc.uid}~en~pdf~p1/full/max/0/default.jpg")
    assert r.status_code == 500 and "broken.pdf" in r.json()["error"]["detail"]
    assert r.headers["access-control-allow-origin"] == "*"
