"""In Chromium: the document page links to the IIIF manifest, and the page image the
manifest names loads as a JPEG, also from another origin (CORS)."""

from __future__ import annotations

import io

from iiif_corpus import RESOLUTION, ingest_corpus
from PIL import Image


def test_iiif_manifest_link_and_image_in_chromium(live_server, browser, tmp_path):
    uids = ingest_corpus(live_server, tmp_path / "in")
    uid = uids[RESOLUTION]
    base = live_server.base_url
    page = browser.new_context(locale="ar").new_page()
    page.goto(f"{base}/documents/{uid}?ui=ar")
    link = page.locator("a.iiif-manifest")
    assert link.count() == 1
    assert "بيان IIIF" in link.inner_text()
    assert link.get_attribute("href") == f"/iiif/3/{uid}/manifest.json"
    response = page.goto(f"{base}{link.get_attribute('href')}")
    assert response.status == 200
    manifest = response.json()
    body = manifest["items"][0]["items"][0]["items"][0]["body"]
    image = page.request.get(body["id"])
    assert image.status == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.body()[:3] == b"\xff\xd8\xff"
    assert Image.open(io.BytesIO(image.body())).size == (body["width"], body["height"])
    # a viewer on another origin (localhost is not 127.0.0.1 to the browser) reads it: CORS
    page.goto(base.replace("127.0.0.1", "localhost") + "/")
    info = page.evaluate("""async (url) => {
        const r = await fetch(url, {mode: "cors"});
        return {status: r.status, info: await r.json()};
    }""", body["service"][0]["id"] + "/info.json")
    assert info["status"] == 200 and info["info"]["width"] == manifest["items"][0]["width"]
