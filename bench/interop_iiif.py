"""IIIF Image API: tiles and whole pages of real scanned PDFs, ours (HTTP through the app,
disk cache) against rendering each request from the PDF with pypdfium2 + Pillow.

    .venv/bin/python bench/interop_iiif.py [--tiles 200] [--full 50]

Setup: the real scans of tests/data/digitise (A/C.1/212, 2 pages of colour photo-scan;
A/L.632; the Russian GA Official Records page) ingested into a temporary data directory.
Workloads, each timed for ours and for the baseline in the same run:

* tiles: the requests a deep-zoom viewer makes (every 512-pixel tile at every scale factor
  of info.json, pages in turn), ``--tiles`` of them; cold (empty cache) then warm (again).
* full: ``full/max/0/default.jpg`` of the pages in turn, ``--full`` requests; cold (the cache
  emptied before every request) and warm.

Baseline: per request, open the PDF, render only the requested region at 150 dpi
(pdfium's crop), scale with Pillow, encode JPEG (quality 85): no HTTP, no cache.
Ours: a request through the ASGI app (routing, catalogue lookup, visibility rule), the
page rendered once into the cache, derivatives cut from it and kept on disk.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCANS = ROOT / "tests" / "data" / "digitise"
DOCS = [("A/C.1/212", "1947-10-08_Sixth_Commitee_Letter.pdf"),
        ("A/L.632", "1971-09-29_A_L.632-EN.pdf"),
        ("A/RES/2758 (XXVI)", "1971-10-25_GA_Resolution_2758_ru.pdf")]


def setup(root: Path):
    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.queries import find_document
    from hemicycle.config import load_settings
    from hemicycle.ingest.run import ingest_folder

    folder = root / "in"
    (folder / "files").mkdir(parents=True)
    rows = []
    for symbol, name in DOCS:
        shutil.copy(SCANS / name, folder / "files" / name)
        rows.append({"symbol": symbol, "language": "en", "file": f"files/{name}"})
    (folder / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    settings = load_settings(root / "data")
    summary = ingest_folder(settings, folder)
    assert not summary.errors, summary.errors
    with session_scope(settings.database_url) as db:
        uids = {s: find_document(db, s).uid for s, _ in DOCS}
    return settings, uids


def tile_requests(client, pages: list[tuple[str, Path]], count: int) -> list[tuple]:
    """(identifier, source pdf, page, region box, out size, url) as a viewer asks them."""
    per_page = []
    for ident, pdf in pages:
        info = client.get(f"/iiif/3/{ident}/info.json").json()
        tile = info["tiles"][0]["width"]
        reqs = []
        for factor in reversed(info["tiles"][0]["scaleFactors"]):
            span = tile * factor
            for y in range(0, info["height"], span):
                for x in range(0, info["width"], span):
                    w, h = min(span, info["width"] - x), min(span, info["height"] - y)
                    ow = math.ceil(w / factor)
                    oh = math.floor(h * ow / w + 0.5)
                    reqs.append((ident, pdf, int(ident.rsplit("~p", 1)[1]), (x, y, w, h),
                                 (ow, oh), f"/iiif/3/{ident}/{x},{y},{w},{h}/{ow},/0/default.jpg",
                                 (info["width"], info["height"])))
        per_page.append(reqs)
    out, i = [], 0
    while len(out) < count and any(per_page):
        reqs = per_page[i % len(per_page)]
        if reqs:
            out.append(reqs.pop(0))
        i += 1
    return out


def baseline(pdf: Path, page: int, box, out, full) -> bytes:
    """Render just the region from the PDF, scale, encode: what a cache-less server does."""
    import pypdfium2 as pdfium
    from PIL import Image

    dpi = 150
    x, y, w, h = box
    W, H = full
    k = 72 / dpi
    doc = pdfium.PdfDocument(str(pdf))
    try:
        image = doc[page - 1].render(scale=dpi / 72, crop=(x * k, (H - y - h) * k,
                                                             (W - x - w) * k, y * k)).to_pil()
    finally:
        doc.close()
    if image.size != out:
        image = image.resize(out, Image.Resampling.LANCZOS, reducing_gap=3.0)
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def timed(fn, items, before=None) -> list[float]:
    times = []
    for item in items:
        if before:
            before()
        start = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - start)
    return times


def line(name: str, times: list[float]) -> dict:
    total = sum(times)
    row = {"name": name, "requests": len(times), "seconds": round(total, 3),
           "per_s": round(len(times) / total, 1),
           "p50_ms": round(statistics.median(times) * 1000, 1),
           "max_ms": round(max(times) * 1000, 1)}
    print(f"{name:44s} {len(times):4d} req {total:7.2f} s {row['per_s']:8.1f} req/s "
          f"p50 {row['p50_ms']:7.1f} ms  max {row['max_ms']:7.1f} ms", flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiles", type=int, default=200)
    parser.add_argument("--full", type=int, default=50)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from fastapi.testclient import TestClient

    from hemicycle.interop.iiif_image import cache as iiif_cache
    from hemicycle.web.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        settings, uids = setup(Path(tmp))
        client = TestClient(create_app(settings))
        pages = [(f"{uids['A/C.1/212']}~en~pdf~p1", SCANS / DOCS[0][1]),
                 (f"{uids['A/C.1/212']}~en~pdf~p2", SCANS / DOCS[0][1]),
                 (f"{uids['A/L.632']}~en~pdf~p1", SCANS / DOCS[1][1]),
                 (f"{uids['A/RES/2758 (XXVI)']}~en~pdf~p1", SCANS / DOCS[2][1])]
        tiles = tile_requests(client, pages, args.tiles)

        def empty_cache() -> None:
            shutil.rmtree(settings.data_dir / "cache", ignore_errors=True)
            iiif_cache._caches.clear()

        def ours(req) -> None:
            r = client.get(req[5])
            assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg", r.text

        def base(req) -> None:
            baseline(req[1], req[2], req[3], req[4], req[6])

        fulls = []
        for i in range(args.full):
            ident, pdf = pages[i % len(pages)]
            full = tuple(client.get(f"/iiif/3/{ident}/info.json").json()[k]
                         for k in ("width", "height"))
            fulls.append((ident, pdf, int(ident.rsplit("~p", 1)[1]), (0, 0, *full), full,
                          f"/iiif/3/{ident}/full/max/0/default.jpg", full))

        def flushed_empty_cache() -> None:
            iiif_cache.cache_for(settings).flush()
            empty_cache()

        # a viewer's distinct tiles, then as many requests as asked, cycling over them
        # (the page set has fewer distinct tiles than a long session asks for)
        many = [tiles[i % len(tiles)] for i in range(args.tiles)]
        rows = []
        print(f"{len(tiles)} distinct tiles over {len(pages)} pages, {len(many)} tile requests; "
              f"{len(fulls)} full/max")
        rows.append(line("baseline tiles (render region per request)", timed(base, many)))
        flushed_empty_cache()
        rows.append(line("ours tiles, cold cache (each tile once)", timed(ours, tiles)))
        rows.append(line("ours tiles, warm cache", timed(ours, many)))
        rows.append(line("baseline full/max (render page per request)", timed(base, fulls)))
        rows.append(line("ours full/max, cold (cache emptied each time)",
                         timed(ours, fulls, before=flushed_empty_cache)))
        flushed_empty_cache()
        for req in fulls[:len(pages)]:  # every page once, then the timed requests
            ours(req)
        rows.append(line("ours full/max, warm cache", timed(ours, fulls)))
        mean = [r["seconds"] / r["requests"] for r in rows]
        print(f"ratio baseline/ours per request: tiles cold {mean[0] / mean[1]:.2f}x, "
              f"tiles warm {mean[0] / mean[2]:.2f}x, full/max cold {mean[3] / mean[4]:.2f}x, "
              f"full/max warm {mean[3] / mean[5]:.2f}x")
        iiif_cache.cache_for(settings).flush()
        cache_bytes = sum(f.stat().st_size for f in (settings.data_dir / "cache").rglob("*")
                          if f.is_file())
        print(f"cache on disk after the run: {cache_bytes / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
