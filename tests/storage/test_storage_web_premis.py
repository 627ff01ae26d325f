"""PREMIS export valid against the PREMIS 3 schema; the preservation page and events API."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from hemicycle.documents import DocumentInput, FileInput, VersionInput, save_document
from hemicycle.storage.operations import run_audit, run_replicate
from hemicycle.storage.premis import events_for, premis_xml
from hemicycle.web.app import create_app

SCHEMAS = Path(__file__).resolve().parents[1] / "data" / "storage" / "xml-schemas"


@pytest.fixture(scope="module")
def premis_schema() -> etree.XMLSchema:
    import os

    os.environ.setdefault("XML_CATALOG_FILES", str(SCHEMAS / "catalog.xml"))
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "premis-v3-0.xsd")))


def _document(settings, tmp_path: Path) -> str:
    pdf = tmp_path / "S_RES_2334_2016_EN.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% Resolution 2334 (2016)\n%%EOF\n")
    txt = tmp_path / "ar.txt"
    txt.write_text("القرار ٢٣٣٤ (٢٠١٦)", encoding="utf-8")
    result = save_document(settings, DocumentInput(
        symbols=["S/RES/2334 (2016)"],
        versions={"en": VersionInput(title="Resolution 2334 (2016)"),
                  "ar": VersionInput(title="القرار 2334")},
        files=[FileInput("en", "pdf", pdf), FileInput("ar", "txt", txt)]))
    return result.uid


def test_premis_export_validates(settings, tmp_path, premis_schema):
    uid = _document(settings, tmp_path)
    run_audit(settings)
    run_replicate(settings)
    types = {e.event_type for e in events_for(settings, uid)}
    assert {"ingestion", "format identification", "fixity check", "replication"} <= types
    doc = etree.fromstring(premis_xml(settings, uid))
    assert premis_schema.validate(doc), premis_schema.error_log
    ns = {"p": "http://www.loc.gov/premis/v3"}
    formats = doc.xpath("//p:object/p:objectCharacteristics/p:format//p:formatName/text()",
                        namespaces=ns)
    assert "application/pdf" in formats and "text/plain" in formats
    # a broken export would be caught: the schema rejects an event without a type
    event = doc.find("p:event", ns)
    event.remove(event.find("p:eventType", ns))
    assert not premis_schema.validate(doc)


def test_preservation_routes(settings, tmp_path, premis_schema):
    uid = _document(settings, tmp_path)
    client = TestClient(create_app(settings))
    r = client.get(f"/documents/{uid}/premis.xml")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    assert premis_schema.validate(etree.fromstring(r.content))
    api = client.get(f"/api/documents/{uid}/events").json()
    assert api["ocfl_version"] == "v1"
    assert [e["type"] for e in api["events"]][:2] == ["ingestion", "format identification"]
    for lang, word in (("en", "Ingestion"), ("fr", "Versement"), ("ar", "إيداع"),
                       ("zh", "接收入库"), ("ru", "Приём"), ("es", "Ingesta")):
        page = client.get(f"/documents/{uid}/preservation?ui={lang}")
        assert page.status_code == 200 and word in page.text
    assert 'dir="rtl"' in client.get(f"/documents/{uid}/preservation?ui=ar").text
    assert client.get("/documents/nope/premis.xml").status_code == 404
    missing = client.get("/api/documents/nope/events")
    assert missing.status_code == 404 and "nope" in missing.json()["error"]["detail"]


def test_storage_messages_in_six_languages():
    import json

    from hemicycle.languages import CODES

    path = Path(__file__).resolve().parents[2] / "src/hemicycle/web/i18n/storage.json"
    for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
        assert set(texts) == set(CODES) and all(texts.values()), key
