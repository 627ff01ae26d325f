"""A real digitised draft (tesseract through ``run_batch``) reviewed end to end: in the queue
with its batch and confidences, its first page shown to staff through IIIF, corrected,
published and found by search."""

from __future__ import annotations

import sys
from pathlib import Path

from fastapi.testclient import TestClient
from review_helpers import CAT, CAT_PW, form_token, sign_in

from hemicycle.accounts import add_user
from hemicycle.digitise.batch import run_batch
from hemicycle.digitise.executors import LocalPool
from hemicycle.review import list_drafts
from hemicycle.search.query import search
from hemicycle.web.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "digitise"))
from digitise_helpers import masthead, page_image, save_png  # noqa: E402


def test_digitised_draft_reviewed_and_published(settings, tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    lines = masthead("A/70/307", "Pangolin trade in the region")
    save_png(page_image(lines, seed=3)[0], scans / "scan-one.png")
    report = run_batch(settings, scans, executor=LocalPool(1), languages=["en"])
    assert len(report.documents_done) == 1 and not report.documents_failed
    queue = list_drafts(settings)
    assert queue.total == 1
    entry = queue.entries[0]
    assert entry.batch == report.batch and entry.language == "en"
    assert entry.ocr_confidence and entry.ocr_confidence > 50
    assert entry.weakest_field is not None and 0 <= entry.weakest_confidence <= 1
    uid = entry.uid

    add_user(settings.database_url, CAT, CAT_PW, "cataloguer")
    client = TestClient(create_app(settings))
    assert client.get(f"/documents/{uid}").status_code == 404
    sign_in(client)
    page = client.get(f"/documents/{uid}")
    assert page.status_code == 200 and "Pangolin" in page.text  # the OCR text is shown
    image = page.text.split('class="page-image"><img src="', 1)[1].split('"', 1)[0]
    assert image.startswith(f"/iiif/3/{uid}~en~png~p1/")
    shown = client.get(image)
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    # a draft's pages never go into a shared cache (readers may not see them)
    assert shown.headers["cache-control"] == "private, no-store"
    assert TestClient(create_app(settings)).get(image).status_code == 404  # not for the public
    form = {"csrf": form_token(page.text), "version": form_token(page.text, "version"),
            "symbols": "A/70/307", "date": "2015-05-12", "distribution": "GEN",
            "language": "en", "title": "Report on pangolin trade", "doc_type": "report",
            "action": "publish"}
    done = client.post(f"/documents/{uid}/review", data=form, follow_redirects=False)
    assert done.status_code == 303
    hits = search(settings, "pangolin").hits
    assert [h.uid for h in hits] == [uid] and hits[0].symbol == "A/70/307"
    public = TestClient(create_app(settings))
    assert public.get(f"/documents/{uid}").status_code == 200
    assert public.get(image).headers["cache-control"].startswith("public")
