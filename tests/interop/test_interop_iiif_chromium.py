"""In Chromium: the document page links to the IIIF manifest, and the page image the
manifest names loads as a JPEG, also from another origin (CORS)."""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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
    # a viewer on another origin (another port of localhost) reads it: CORS. The viewer's
    # page is not one of Hemicycle's, whose security policy lets them fetch from their
    # own origin only.
    with _viewer_site() as viewer:
        page.goto(viewer)
        info = _fetch_info(page, body["service"][0]["id"] + "/info.json")
    assert info["status"] == 200 and info["info"]["width"] == manifest["items"][0]["width"]


@contextmanager
def _viewer_site():
    """Another web site on localhost that serves one empty page."""
    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<!doctype html><title>viewer</title>"
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _fetch_info(page, url):
    return page.evaluate("""async (url) => {
        const r = await fetch(url, {mode: "cors"});
        return {status: r.status, info: await r.json()};
    }""", url)
