"""IIIF Image API 3.0: request syntax and its meaning, then the real service over HTTP on
real scans ingested through the real ingest code (pixel sizes checked with Pillow)."""

from __future__ import annotations

import dataclasses
import io
import math
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from iiif_corpus import LETTER, RESOLUTION, TEXT_ONLY, ingest_corpus
from PIL import Image, ImageChops, ImageOps

from hemicycle.config import load_settings
from hemicycle.interop.iiif_image import cache as iiif_cache
from hemicycle.interop.iiif_image import request as iiif_request
from hemicycle.interop.iiif_image.request import ImageApiError, parse_request, plan
from hemicycle.web.app import create_app

# ---- syntax and meaning, for an image of 1000 x 800 pixels ----

W, H = 1000, 800


def resolved(region="full", size="max", rotation="0", qf="default.jpg"):
    return plan(parse_request(region, size, rotation, qf), W, H, (region, size))


@pytest.mark.parametrize(("region", "box"), [
    ("full", (0, 0, 1000, 800)),
    ("square", (100, 0, 800, 800)),
    ("10,20,300,400", (10, 20, 300, 400)),
    ("900,700,300,300", (900, 700, 100, 100)),  # cut at the image's edge
    ("pct:10,10,50,50", (100, 80, 500, 400)),
    ("pct:0,0,100,100", (0, 0, 1000, 800)),
])
def test_iiif_regions(region, box):
    assert resolved(region=region).box == box


@pytest.mark.parametrize(("size", "out"), [
    ("max", (1000, 800)),
    ("250,", (250, 200)),
    (",400", (500, 400)),
    ("pct:50", (500, 400)),
    ("300,100", (300, 100)),  # w,h may distort
    ("!300,300", (300, 240)),
    ("!2000,2000", (1000, 800)),  # confined, never larger than the region without ^
    ("^!2000,2000", (2000, 1600)),
    ("^2000,", (2000, 1600)),
    ("^pct:150", (1500, 1200)),
    ("^max", (4579, 3663)),  # up to maxArea 4096 x 4096 at the same aspect ratio
])
def test_iiif_sizes(size, out):
    assert resolved(size=size).out == out


def test_iiif_upscaled_max_within_limits():
    w, h = resolved(size="^max").out
    assert w * h <= iiif_request.MAX_AREA and w <= iiif_request.MAX_WIDTH
    assert (w + 1) * math.ceil((w + 1) * H / W) > iiif_request.MAX_AREA


@pytest.mark.parametrize(("rotation", "mirror", "delivered"), [
    ("0", False, (1000, 800)), ("90", False, (800, 1000)), ("180", False, (1000, 800)),
    ("270", False, (800, 1000)), ("!0", True, (1000, 800)), ("!90", True, (800, 1000)),
    ("360", False, (1000, 800)), ("90.0", False, (800, 1000)),
])
def test_iiif_rotations(rotation, mirror, delivered):
    p = resolved(rotation=rotation)
    assert p.mirror is mirror and p.delivered == delivered


def test_iiif_canonical_form():
    assert resolved().canonical == "full/max/0/default.jpg"
    assert resolved("pct:0,0,100,100", "pct:100").canonical == "full/max/0/default.jpg"
    assert resolved("10,20,300,400", "150,", "!90", "gray.png").canonical == \
        "10,20,300,400/150,200/!90/gray.png"


@pytest.mark.parametrize(("segments", "status", "named"), [
    (("foo", "max", "0", "default.jpg"), 400, "region 'foo'"),
    (("0,0,0,10", "max", "0", "default.jpg"), 400, "region '0,0,0,10'"),
    (("1,2,3", "max", "0", "default.jpg"), 400, "region"),
    (("-1,0,10,10", "max", "0", "default.jpg"), 400, "region"),
    (("pct:101,0,10,10", "max", "0", "default.jpg"), 400, "region"),
    (("1000,0,10,10", "max", "0", "default.jpg"), 400, "outside the image"),
    (("0,800,10,10", "max", "0", "default.jpg"), 400, "outside the image"),
    (("full", "full", "0", "default.jpg"), 400, "size 'full'"),
    (("full", "0,", "0", "default.jpg"), 400, "size '0,'"),
    (("full", ",0", "0", "default.jpg"), 400, "size ',0'"),
    (("full", "0,0", "0", "default.jpg"), 400, "size '0,0'"),
    (("full", "!0,10", "0", "default.jpg"), 400, "size"),
    (("full", "pct:0", "0", "default.jpg"), 400, "size"),
    (("full", "1001,", "0", "default.jpg"), 400, "use ^"),
    (("full", "1000,801", "0", "default.jpg"), 400, "use ^"),
    (("full", "pct:101", "0", "default.jpg"), 400, "needs ^"),
    (("full", "^9000,", "0", "default.jpg"), 400, "over the limits"),
    (("0,0,1000,1", "1,", "0", "default.jpg"), 400, "zero pixels"),
    (("full", "max", "45", "default.jpg"), 501, "rotation '45'"),
    (("full", "max", "361", "default.jpg"), 400, "rotation '361'"),
    (("full", "max", "-90", "default.jpg"), 400, "rotation '-90'"),
    (("full", "max", "left", "default.jpg"), 400, "rotation 'left'"),
    (("full", "max", "0", "sepia.jpg"), 400, "quality 'sepia'"),
    (("full", "max", "0", "native.jpg"), 400, "quality 'native'"),  # Image API 2.x, not 3
    (("full", "max", "0", "default.bmp"), 400, "format 'bmp'"),
    (("full", "max", "0", "default.tif"), 501, "format 'tif'"),
    (("full", "max", "0", "default.jp2"), 501, "format 'jp2'"),
    (("full", "max", "0", "default"), 400, "quality.format"),
])
def test_iiif_bad_requests(segments, status, named):
    with pytest.raises(ImageApiError) as err:
        resolved(*segments)
    assert err.value.status == status
    assert named in err.value.message


@pytest.mark.parametrize("text", ["abc", "abc~en~pdf", "abc~english~pdf~p1", "abc~en~pdf~p0",
                                  "abc~en~pdf~1", "a/b~en~pdf~p1"])
def test_iiif_bad_identifiers(text):
    with pytest.raises(ImageApiError) as err:
        iiif_request.parse_identifier(text)
    assert err.value.status == 404


def test_iiif_identifier_round_trip():
    page = iiif_request.parse_identifier("0123abcd~ar~pdfa~p12")
    assert (page.uid, page.language, page.format, page.page) == ("0123abcd", "ar", "pdfa", 12)
    assert page.text == "0123abcd~ar~pdfa~p12"


# ---- the service over HTTP, on real scans ----

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A SQLite catalogue holding the IIIF corpus (read-only for the tests below)."""
    root = tmp_path_factory.mktemp("iiif")
    settings = load_settings(root / "data")
    settings = dataclasses.replace(
        settings, database_url=f"sqlite:///{root / 'data' / 'catalogue.sqlite3'}")
    uids = ingest_corpus(settings, root / "in")
    return settings, uids, TestClient(create_app(settings))


def path_of(settings, url: str) -> str:
    assert url.startswith(settings.base_url)
    return url[len(settings.base_url):]


def fetch(client, url, **headers):
    return client.get(url, headers=headers)


def image_of(response) -> Image.Image:
    assert response.status_code == 200, response.text[:300]
    image = Image.open(io.BytesIO(response.content))
    image.load()
    return image


def test_iiif_info_json(corpus):
    settings, uids, client = corpus
    ident = f"{uids[RESOLUTION]}~ru~pdf~p1"
    r = fetch(client, f"/iiif/3/{ident}/info.json")
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["content-type"] == "application/json"
    assert 'rel="profile"' in r.headers["link"] and r.headers["etag"]
    info = r.json()
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == f"{settings.base_url}/iiif/3/{ident}"
    assert info["type"] == "ImageService3"
    assert info["protocol"] == "http://iiif.io/api/image"
    assert info["profile"] == "level2"
    # the page rendered at the documented resolution: 622 x 808 pt at 150 dpi
    assert (info["width"], info["height"]) == (math.ceil(622 * 150 / 72),
                                               math.ceil(808 * 150 / 72))
    for key in ("maxWidth", "maxHeight", "maxArea"):
        assert isinstance(info[key], int) and info[key] > 0
    assert {"width": info["width"], "height": info["height"]} in info["sizes"]
    assert info["tiles"][0]["width"] == 512 and info["tiles"][0]["scaleFactors"][0] == 1
    assert set(info["extraQualities"]) == {"color", "gray", "bitonal"}
    # the same document as JSON-LD when asked for
    ld = fetch(client, f"/iiif/3/{ident}/info.json", accept="application/ld+json")
    assert ld.headers["content-type"].startswith("application/ld+json")
    assert 'profile="http://iiif.io/api/image/3/context.json"' in ld.headers["content-type"]
    # 304 on a matching ETag
    again = fetch(client, f"/iiif/3/{ident}/info.json", **{"if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and again.headers["access-control-allow-origin"] == "*"


def test_iiif_base_uri_redirects_to_info(corpus):
    _, uids, client = corpus
    r = client.get(f"/iiif/3/{uids[LETTER]}~en~pdf~p2", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/iiif/3/{uids[LETTER]}~en~pdf~p2/info.json"
    head = client.head(f"/iiif/3/{uids[LETTER]}~en~pdf~p2/full/100,/0/default.jpg")
    assert head.status_code == 200 and head.headers["content-type"] == "image/jpeg"


def test_iiif_listed_sizes_and_tiles_are_delivered(corpus):
    _, uids, client = corpus
    ident = f"{uids[LETTER]}~en~pdf~p2"
    info = fetch(client, f"/iiif/3/{ident}/info.json").json()
    full = image_of(fetch(client, f"/iiif/3/{ident}/full/max/0/default.jpg"))
    assert full.size == (info["width"], info["height"])
    for s in info["sizes"]:
        img = image_of(fetch(client, f"/iiif/3/{ident}/full/{s['width']},{s['height']}"
                                     "/0/default.jpg"))
        assert img.size == (s["width"], s["height"])
    # the tiles a viewer asks for at the largest scale factor and at 1
    tile = info["tiles"][0]["width"]
    for factor in (info["tiles"][0]["scaleFactors"][-1], 1):
        span = tile * factor
        x = y = 0 if factor > 1 else span  # at factor 1, the second tile along each axis
        w, h = min(span, info["width"] - x), min(span, info["height"] - y)
        img = image_of(fetch(client, f"/iiif/3/{ident}/{x},{y},{w},{h}/"
                                     f"{math.ceil(w / factor)},/0/default.jpg"))
        assert img.size == (math.ceil(w / factor), half_up(h * math.ceil(w / factor) / w))


def half_up(value: float) -> int:
    return math.floor(value + 0.5)


def _forms(width: int, height: int):
    """Every form the service claims, with the size it must deliver (worked out here)."""
    sq = min(width, height)
    return [
        ("full/max/0/default.jpg", (width, height)),
        ("square/max/0/default.jpg", (sq, sq)),
        ("10,20,300,400/max/0/default.jpg", (300, 400)),
        (f"{width - 50},{height - 60},300,400/max/0/default.jpg", (50, 60)),
        ("pct:50,50,50,50/max/0/default.jpg",
         (width - half_up(width / 2), height - half_up(height / 2))),
        ("full/200,/0/default.jpg", (200, half_up(height * 200 / width))),
        ("full/,300/0/default.jpg", (half_up(width * 300 / height), 300)),
        ("full/pct:25/0/default.jpg", (half_up(width / 4), half_up(height / 4))),
        ("full/123,45/0/default.jpg", (123, 45)),
        ("full/!200,200/0/default.jpg",
         (math.floor(width * min(200 / width, 200 / height)),
          math.floor(height * min(200 / width, 200 / height)))),
        (f"full/^{width + 10},/0/default.jpg",
         (width + 10, half_up(height * (width + 10) / width))),
        ("10,20,300,400/^pct:200/0/default.jpg", (600, 800)),
        ("10,20,300,400/max/90/default.jpg", (400, 300)),
        ("10,20,300,400/max/180/default.jpg", (300, 400)),
        ("10,20,300,400/max/270/default.jpg", (400, 300)),
        ("10,20,300,400/max/!0/default.jpg", (300, 400)),
        ("10,20,300,400/max/!90/default.jpg", (400, 300)),
        ("10,20,300,400/max/0/color.jpg", (300, 400)),
        ("10,20,300,400/max/0/gray.jpg", (300, 400)),
        ("10,20,300,400/max/0/bitonal.png", (300, 400)),
        ("10,20,300,400/max/0/default.png", (300, 400)),
        ("10,20,300,400/max/0/default.webp", (300, 400)),
    ]


@pytest.mark.parametrize("form", range(len(_forms(1000, 1000))))
def test_iiif_every_claimed_form(corpus, form):
    _, uids, client = corpus
    ident = f"{uids[RESOLUTION]}~en~pdf~p1"
    info = fetch(client, f"/iiif/3/{ident}/info.json").json()
    request, size = _forms(info["width"], info["height"])[form]
    r = fetch(client, f"/iiif/3/{ident}/{request}")
    image = image_of(r)
    assert image.size == size
    fmt = request.rsplit(".", 1)[1]
    assert image.format == {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[fmt]
    assert r.headers["content-type"] == {"jpg": "image/jpeg", "png": "image/png",
                                         "webp": "image/webp"}[fmt]
    assert r.headers["access-control-allow-origin"] == "*"
    assert "max-age" in r.headers["cache-control"] and r.headers["etag"]
    assert 'rel="canonical"' in r.headers["link"]
    quality = request.rsplit("/", 1)[1].split(".")[0]
    if quality == "gray":
        assert image.mode == "L"
    elif quality == "color":
        assert image.mode == "RGB"
    elif quality == "bitonal":
        hist = image.convert("L").histogram()
        assert sum(hist[1:255]) == 0 and hist[0] and hist[255]


def test_iiif_pixels_are_the_pages_pixels(corpus):
    """A region, a mirror and a rotation are cut from the same page (lossless PNG)."""
    _, uids, client = corpus
    base = f"/iiif/3/{uids[RESOLUTION]}~ar~pdf~p1"
    full = image_of(fetch(client, f"{base}/full/max/0/default.png"))
    region = image_of(fetch(client, f"{base}/100,50,200,120/max/0/default.png"))
    assert ImageChops.difference(region, full.crop((100, 50, 300, 170))).getbbox() is None
    mirrored = image_of(fetch(client, f"{base}/100,50,200,120/max/!0/default.png"))
    assert ImageChops.difference(mirrored, ImageOps.mirror(region)).getbbox() is None
    turned = image_of(fetch(client, f"{base}/100,50,200,120/max/90/default.png"))
    expected = region.transpose(Image.Transpose.ROTATE_270)  # 90 degrees clockwise
    assert ImageChops.difference(turned, expected).getbbox() is None
    assert region.convert("L").getextrema()[0] < 128  # printed text, not an empty page


def test_iiif_canonical_link_and_etag(corpus):
    settings, uids, client = corpus
    ident = f"{uids[RESOLUTION]}~en~pdf~p1"
    r = fetch(client, f"/iiif/3/{ident}/pct:0,0,100,100/pct:100/0/default.jpg")
    assert f'<{settings.base_url}/iiif/3/{ident}/full/max/0/default.jpg>;rel="canonical"' \
        in r.headers["link"]
    same = fetch(client, f"/iiif/3/{ident}/full/max/0/default.jpg")
    assert same.headers["etag"] == r.headers["etag"] and same.content == r.content
    cached = fetch(client, f"/iiif/3/{ident}/full/max/0/default.jpg",
                   **{"if-none-match": r.headers["etag"]})
    assert cached.status_code == 304 and not cached.content


@pytest.mark.parametrize(("path", "status", "named"), [
    ("{res}~en~pdf~p1/foo/max/0/default.jpg", 400, "region 'foo'"),
    ("{res}~en~pdf~p1/full/0,/0/default.jpg", 400, "size '0,'"),
    ("{res}~en~pdf~p1/full/^0,/0/default.jpg", 400, "size '^0,'"),
    ("{res}~en~pdf~p1/full/5000,/0/default.jpg", 400, "use ^"),
    ("{res}~en~pdf~p1/full/max/0/sepia.jpg", 400, "quality 'sepia'"),
    ("{res}~en~pdf~p1/full/max/0/default.bmp", 400, "format 'bmp'"),
    ("{res}~en~pdf~p1/full/max/0/default.gif", 501, "format 'gif'"),
    ("{res}~en~pdf~p1/full/max/33/default.jpg", 501, "rotation '33'"),
    ("{res}~en~pdf~p1/99999,0,10,10/max/0/default.jpg", 400, "outside the image"),
    ("{res}~en~pdf~p2/info.json", 404, "no page 2"),
    ("{res}~en~pdf~p2/full/max/0/default.jpg", 404, "no page 2"),
    ("{letter}~en~pdf~p3/info.json", 404, "no page 3"),
    ("{res}~fr~pdf~p1/info.json", 404, "no pdf file"),
    ("{text}~en~txt~p1/info.json", 404, "no txt file with page images"),
    ("{res}~en~pdf/info.json", 404, "identifier"),
    ("00000000000000000000000000000000~en~pdf~p1/info.json", 404, "no document"),
    ("00000000000000000000000000000000~en~pdf~p1/full/max/0/default.jpg", 404, "no document"),
])
def test_iiif_errors_over_http(corpus, path, status, named):
    _, uids, client = corpus
    url = "/iiif/3/" + path.format(res=uids[RESOLUTION], letter=uids[LETTER],
                                   text=uids[TEXT_ONLY])
    r = fetch(client, url, accept="application/json")
    assert r.status_code == status, r.text
    assert named in r.json()["error"]["detail"]
    assert r.headers["access-control-allow-origin"] == "*"


def test_iiif_cache_is_keyed_by_checksum_and_bounded(corpus, tmp_path):
    settings, uids, client = corpus
    cache = iiif_cache.cache_for(settings)
    fetch(client, f"/iiif/3/{uids[LETTER]}~en~pdf~p1/full/200,/0/default.jpg")
    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.queries import document_by_uid

    with session_scope(settings.database_url) as db:
        sha = document_by_uid(db, uids[LETTER]).files[0].sha512
    folder = cache.root / sha[:2] / sha[:40]
    cache.flush()  # the rendered page is written after the answer
    assert (folder / "p1-150.png").is_file() and any((folder / "p1").glob("*.jpg"))
    # a small cache keeps under its limit, dropping the least recently used entries
    limit = 1_500_000
    small = iiif_cache.PageCache(tmp_path / "small", max_bytes=limit)
    source = Path(__file__).resolve().parents[1] / "data" / "digitise" / \
        "1971-10-25_GA_Resolution_2758_ru.pdf"
    made = []
    for width in range(300, 1300, 100):
        p = plan(parse_request("full", f"{width},", "0", "default.png"), 1296, 1684)
        made.append(small.derivative("f" * 128, lambda: source, "pdf", 1, p))
        assert made[-1].is_file()
        total = sum(f.stat().st_size for f in (tmp_path / "small").rglob("*") if f.is_file())
        assert total <= limit
    assert not made[0].exists() and made[-1].exists()
