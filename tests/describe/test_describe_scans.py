"""The bundled real scans digitised as ``make demo`` does: OCR in the language their
manifest gives, described like every record, published after a cataloguer's checks, and
found by their words; a scan without text is a finding and a review task."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from PIL import Image

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.queries import find_document
from hemicycle.digitise.batch import run_batch
from hemicycle.digitise.executors import LocalPool
from hemicycle.ingest.manifest import scan_hints
from hemicycle.review import publish
from hemicycle.review.queue import checked_drafts
from hemicycle.review.tasks import list_tasks
from hemicycle.search.index import catch_up
from hemicycle.search.query import search
from hemicycle.web.app import create_app

SCANS = Path(__file__).resolve().parents[2] / "corpus" / "documents" / "un-scans"


def test_bundled_scans_are_read_described_checked_and_found(settings, tmp_path):
    folder = tmp_path / "un-scans"
    shutil.copytree(SCANS, folder)
    hints, errors = scan_hints(folder / "manifest.jsonl")
    assert errors == [] and len(hints) == 3
    report = run_batch(settings, folder, executor=LocalPool(1), batch="un-scans", hints=hints)
    assert len(report.documents_done) == 3 and not report.documents_failed
    with session_scope(settings.database_url) as db:
        letter = find_document(db, "A/C.1/212")
        assert letter.doc_type == "letter"  # from its title line; the symbol says nothing
        assert letter.version("en").title.startswith(
            "LETTER FROM THE CHAIRMAN OF THE SIXTH COMMITTEE")
        assert letter.version("en").text_source == "ocr"
        assert letter.extra["extraction"]["title"]["source"] == "ocr"
        resolution = find_document(db, "A/RES/2758 (XXVI)")
        ru = resolution.version("ru")  # OCR'd in Russian, as the manifest says
        assert ru.title.startswith("Восстановление законных прав Китайской Народной")
        assert resolution.action_date.isoformat() == "1971-10-25"
        assert ("A/PV.1976", "meeting record") in {(r.symbol, r.role)
                                                    for r in resolution.related}
    ready, waiting = checked_drafts(settings, 0.6, batch="un-scans")
    for uid in ready:
        publish(settings, uid, "demo checks")
    catch_up(settings)
    with session_scope(settings.database_url) as db:
        published = {find_document(db, uid).symbol for uid in ready}
        held = {find_document(db, uid).symbol: reasons for uid, reasons in waiting.items()}
    assert published >= {"A/C.1/212", "A/RES/2758 (XXVI)"}
    for symbol, reasons in held.items():  # what stays in the queue says why
        assert reasons, symbol
    hits = search(settings, "admission of Pakistan").hits
    assert "A/C.1/212" in [h.symbol for h in hits]

    client = TestClient(create_app(settings))
    uid = ready[[find_symbol(settings, u) for u in ready].index("A/C.1/212")]
    api = client.get(f"/api/documents/{uid}").json()
    assert api["versions"][0]["text_source"] == "ocr"  # never "born-digital"
    assert api["extraction"]["doc_type"]["source"] == "ocr"
    page = client.get(f"/documents/{uid}?ui=fr").text
    assert 'class="page-images"' in page and "Images des pages" in page
    thumb = re.search(r'<img src="(/iiif/3/[^"]+/full/\d+,/0/default\.jpg)"', page).group(1)
    image = client.get(thumb)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    manifest = client.get(f"/iiif/3/{uid}/manifest.json").json()
    assert any(r["format"] == "text/plain" for r in manifest["rendering"])
    assert any(s["format"] == "text/vnd.hocr+html" for s in manifest["seeAlso"])


def find_symbol(settings, uid: str) -> str:
    with session_scope(settings.database_url) as db:
        return find_document(db, uid).symbol


def test_a_scan_with_no_text_is_a_finding_and_a_task(catalogue_settings, tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    Image.new("L", (1200, 1600), 255).save(scans / "S_2015_305-EN.png", dpi=(300, 300))
    report = run_batch(catalogue_settings, scans, executor=LocalPool(1), languages=["en"])
    assert len(report.documents_done) == 1
    with session_scope(catalogue_settings.database_url) as db:
        doc = find_document(db, "S/2015/305")  # its symbol from the file name, unsure
        assert doc.status == "draft"
        assert [f["code"] for f in doc.extra["findings"]] == ["no-text"]
        assert doc.extra["extraction"]["symbols"]["source"] == "filename"
    tasks, _ = list_tasks(catalogue_settings, code="no-text")
    assert [t.symbol for t in tasks] == ["S/2015/305"]
    ready, waiting = checked_drafts(catalogue_settings, 0.0)
    assert ready == [] and any("no-text" in r for r in next(iter(waiting.values())))
