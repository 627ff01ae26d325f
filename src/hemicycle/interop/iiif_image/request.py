"""IIIF Image API 3.0 requests: identifiers, the four path segments, what they mean for an
image of a given size, and the image information document (info.json).

An image identifier names one page of one file of one document:
``{uid}~{language}~{format}~p{page}`` (``~`` is unreserved in URLs, never in a uid,
a language code or a format name; pages count from 1).

Every rule of the request syntax lives in ``parse_request`` (syntax: 400, or 501 for a
valid feature we do not offer) and ``plan`` (what the syntax means for an image of a
given size). Nothing here reads pixels: that is ``render``; keeping them is ``cache``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from PIL import features

TILE_SIZE = 512
MAX_WIDTH = 8192
MAX_HEIGHT = 8192
MAX_AREA = 4096 * 4096
MIN_LISTED_SIZE = 96  # smallest whole-page size listed in info.json "sizes"
CONTEXT = "http://iiif.io/api/image/3/context.json"
PROTOCOL = "http://iiif.io/api/image"
PROFILE = "level2"
PROFILE_URI = "http://iiif.io/api/image/3/level2.json"
QUALITIES = ("default", "color", "gray", "bitonal")
# every format the specification names; those we cannot write are answered 501
KNOWN_FORMATS = ("jpg", "tif", "png", "gif", "jp2", "pdf", "webp")
OUTPUT_FORMATS: dict[str, tuple[str, str]] = {
    "jpg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
}
if features.check("webp"):
    OUTPUT_FORMATS["webp"] = ("WEBP", "image/webp")
EXTRA_FEATURES = ("mirroring", "sizeUpscaling", "canonicalLinkHeader", "profileLinkHeader")

_IDENTIFIER = re.compile(r"^([A-Za-z0-9_-]{1,64})~([a-z]{2})~([a-z0-9]{1,20})~p([1-9][0-9]{0,5})$")
_INT = r"(\d+)"
_NUM = r"(\d+(?:\.\d*)?|\.\d+)"
_REGION_PX = re.compile(rf"^{_INT},{_INT},{_INT},{_INT}$")
_REGION_PCT = re.compile(rf"^pct:{_NUM},{_NUM},{_NUM},{_NUM}$")
_SIZE_W = re.compile(rf"^{_INT},$")
_SIZE_H = re.compile(rf"^,{_INT}$")
_SIZE_PCT = re.compile(rf"^pct:{_NUM}$")
_SIZE_WH = re.compile(rf"^(!?){_INT},{_INT}$")
_ROTATION = re.compile(rf"^(!?){_NUM}$")


class ImageApiError(Exception):
    """A request the service answers with an error status (400, 404, 500, 501)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# ---- identifiers ----

@dataclass(frozen=True)
class PageId:
    uid: str
    language: str
    format: str
    page: int  # from 1

    @property
    def text(self) -> str:
        return f"{self.uid}~{self.language}~{self.format}~p{self.page}"


def parse_identifier(text: str) -> PageId:
    match = _IDENTIFIER.match(text)
    if not match:
        raise ImageApiError(404, f"identifier {text!r}: expected {{uid}}~{{language}}~"
                                 "{format}~p{page}, e.g. 0123abcd~en~pdf~p1")
    uid, language, fmt, page = match.groups()
    return PageId(uid, language, fmt, int(page))


# ---- request syntax ----

@dataclass(frozen=True)
class ImageRequest:
    """The four path segments of an image request, checked for syntax only."""

    region: tuple  # ("full",) | ("square",) | ("px", x, y, w, h) | ("pct", x, y, w, h)
    size: tuple  # (upscale, kind, a, b): kind max | w | h | pct | wh | confined
    mirror: bool
    rotation: int
    quality: str
    format: str


def _number(text: str) -> float:
    return float(text)


def _parse_region(text: str) -> tuple:
    if text in ("full", "square"):
        return (text,)
    if m := _REGION_PX.match(text):
        x, y, w, h = (int(v) for v in m.groups())
    elif m := _REGION_PCT.match(text):
        x, y, w, h = (_number(v) for v in m.groups())
        if x > 100 or y > 100:
            raise ImageApiError(400, f"region {text!r}: x and y must be at most 100 percent")
    else:
        raise ImageApiError(400, f"region {text!r}: expected full, square, x,y,w,h or "
                                 "pct:x,y,w,h")
    if w <= 0 or h <= 0:
        raise ImageApiError(400, f"region {text!r}: width and height must be above zero")
    return ("pct" if text.startswith("pct:") else "px", x, y, w, h)


def _parse_size(text: str) -> tuple:
    upscale = text.startswith("^")
    body = text[1:] if upscale else text
    if body == "max":
        return (upscale, "max", None, None)
    if m := _SIZE_W.match(body):
        size = (upscale, "w", int(m.group(1)), None)
    elif m := _SIZE_H.match(body):
        size = (upscale, "h", None, int(m.group(1)))
    elif m := _SIZE_PCT.match(body):
        pct = _number(m.group(1))
        if pct > 100 and not upscale:
            raise ImageApiError(400, f"size {text!r}: over 100 percent needs ^ (upscaling)")
        size = (upscale, "pct", pct, None)
    elif m := _SIZE_WH.match(body):
        size = (upscale, "confined" if m.group(1) else "wh", int(m.group(2)), int(m.group(3)))
    else:
        raise ImageApiError(400, f"size {text!r}: expected max, w,, ,h, pct:n, w,h or !w,h "
                                 "(^ in front allows upscaling)")
    if any(v is not None and v <= 0 for v in size[2:]):
        raise ImageApiError(400, f"size {text!r}: sizes must be above zero")
    return size


def _parse_rotation(text: str) -> tuple[bool, int]:
    m = _ROTATION.match(text)
    if not m:
        raise ImageApiError(400, f"rotation {text!r}: expected a number of degrees from 0 to "
                                 "360, optionally after ! (mirror)")
    degrees = _number(m.group(2))
    if degrees > 360:
        raise ImageApiError(400, f"rotation {text!r}: more than 360 degrees")
    if degrees % 90:
        raise ImageApiError(501, f"rotation {text!r}: only multiples of 90 degrees are "
                                 "offered")
    return bool(m.group(1)), int(degrees) % 360


def _parse_quality_format(text: str) -> tuple[str, str]:
    quality, dot, fmt = text.rpartition(".")
    if not dot:
        raise ImageApiError(400, f"quality.format {text!r}: expected e.g. default.jpg")
    if quality not in QUALITIES:
        raise ImageApiError(400, f"quality {quality!r}: expected one of {', '.join(QUALITIES)}")
    if fmt not in KNOWN_FORMATS:
        raise ImageApiError(400, f"format {fmt!r}: not an Image API format "
                                 f"({', '.join(KNOWN_FORMATS)})")
    if fmt not in OUTPUT_FORMATS:
        raise ImageApiError(501, f"format {fmt!r}: not offered here (offered: "
                                 f"{', '.join(OUTPUT_FORMATS)})")
    return quality, fmt


def parse_request(region: str, size: str, rotation: str, quality_format: str) -> ImageRequest:
    """The request's four segments checked in URL order; the first bad one is named."""
    reg = _parse_region(region)
    siz = _parse_size(size)
    mirror, degrees = _parse_rotation(rotation)
    quality, fmt = _parse_quality_format(quality_format)
    return ImageRequest(reg, siz, mirror, degrees, quality, fmt)


# ---- what a request means for an image of a given size ----

@dataclass(frozen=True)
class Plan:
    """A request resolved against one image: the pixels to cut and the size to deliver."""

    box: tuple[int, int, int, int]  # x, y, w, h in the source image
    out: tuple[int, int]  # width, height before rotation
    mirror: bool
    rotation: int
    quality: str
    format: str
    full: tuple[int, int]

    @property
    def canonical(self) -> str:
        """The canonical path ``region/size/rotation/quality.format`` (one cache entry)."""
        x, y, w, h = self.box
        region = "full" if self.box == (0, 0, *self.full) else f"{x},{y},{w},{h}"
        size = "max" if self.out == max_size(w, h) else f"{self.out[0]},{self.out[1]}"
        rotation = f"{'!' if self.mirror else ''}{self.rotation}"
        return f"{region}/{size}/{rotation}/{self.quality}.{self.format}"

    @property
    def delivered(self) -> tuple[int, int]:
        w, h = self.out
        return (h, w) if self.rotation in (90, 270) else (w, h)


def _scale_limit(w: int, h: int) -> float:
    return min(MAX_WIDTH / w, MAX_HEIGHT / h, math.sqrt(MAX_AREA / (w * h)))


def max_size(w: int, h: int, upscale: bool = False) -> tuple[int, int]:
    """``max`` (or ``^max``): the region at full size, within the server's limits."""
    scale = _scale_limit(w, h)
    if scale >= 1 and not upscale:
        return w, h
    return max(1, math.floor(w * scale)), max(1, math.floor(h * scale))


def _round(value: float) -> int:
    """Half up (Python's round() goes to even, so 270.5 and 271.5 would differ)."""
    return math.floor(value + 0.5)


def _region_box(region: tuple, width: int, height: int, text: str) -> tuple[int, int, int, int]:
    kind = region[0]
    if kind == "full":
        return 0, 0, width, height
    if kind == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    if kind == "pct":
        _, px, py, pw, ph = region
        # edges, not lengths, are rounded: pct:50,0,50,100 ends at the last column
        x, y = _round(px * width / 100), _round(py * height / 100)
        w = _round(min(px + pw, 100) * width / 100) - x
        h = _round(min(py + ph, 100) * height / 100) - y
    else:
        _, x, y, w, h = region
    if x >= width or y >= height:
        raise ImageApiError(400, f"region {text!r}: outside the image ({width}x{height})")
    w, h = min(w, width - x), min(h, height - y)
    if w <= 0 or h <= 0:
        raise ImageApiError(400, f"region {text!r}: zero pixels at this image size")
    return x, y, w, h


def _out_size(size: tuple, rw: int, rh: int, text: str) -> tuple[int, int]:
    upscale, kind, a, b = size
    if kind == "max":
        return max_size(rw, rh, upscale)
    if kind == "w":
        w, h = a, _round(rh * a / rw)
    elif kind == "h":
        w, h = _round(rw * b / rh), b
    elif kind == "pct":
        w, h = _round(rw * a / 100), _round(rh * a / 100)
    elif kind == "wh":
        w, h = a, b
    else:  # confined: as large as fits in a x b, keeping the aspect ratio
        scale = min(a / rw, b / rh)
        if not upscale:
            scale = min(scale, 1.0)
        w, h = max(1, math.floor(rw * scale + 1e-9)), max(1, math.floor(rh * scale + 1e-9))
        w, h = min(w, a), min(h, b)
    if w <= 0 or h <= 0:
        raise ImageApiError(400, f"size {text!r}: the result would have zero pixels")
    if not upscale and (w > rw or h > rh):
        raise ImageApiError(400, f"size {text!r}: {w}x{h} is larger than the region "
                                 f"({rw}x{rh}); use ^ to ask for upscaling")
    if w > MAX_WIDTH or h > MAX_HEIGHT or w * h > MAX_AREA:
        raise ImageApiError(400, f"size {text!r}: {w}x{h} is over the limits (maxWidth "
                                 f"{MAX_WIDTH}, maxHeight {MAX_HEIGHT}, maxArea {MAX_AREA})")
    return w, h


def plan(request: ImageRequest, width: int, height: int, segments: tuple[str, str] = ("", "")
         ) -> Plan:
    """Resolve ``request`` for a ``width`` x ``height`` image; ``segments`` (region, size
    as written) only make error messages quote the URL."""
    box = _region_box(request.region, width, height, segments[0])
    out = _out_size(request.size, box[2], box[3], segments[1])
    return Plan(box, out, request.mirror, request.rotation, request.quality, request.format,
                (width, height))


# ---- info.json ----

def info(service_id: str, width: int, height: int) -> dict:
    """The image information document of one page."""
    sizes = []
    w, h = max_size(width, height)
    while w >= MIN_LISTED_SIZE and h >= MIN_LISTED_SIZE:
        sizes.append({"width": w, "height": h})
        w, h = math.ceil(w / 2), math.ceil(h / 2)
    factors = [1]
    while max(width, height) / factors[-1] > TILE_SIZE:
        factors.append(factors[-1] * 2)
    return {
        "@context": CONTEXT,
        "id": service_id,
        "type": "ImageService3",
        "protocol": PROTOCOL,
        "profile": PROFILE,
        "width": width,
        "height": height,
        "maxWidth": MAX_WIDTH,
        "maxHeight": MAX_HEIGHT,
        "maxArea": MAX_AREA,
        "sizes": sorted(sizes, key=lambda s: s["width"]),
        "tiles": [{"width": TILE_SIZE, "height": TILE_SIZE, "scaleFactors": factors}],
        "preferredFormats": ["jpg"],
        "extraQualities": [q for q in QUALITIES if q != "default"],
        "extraFormats": [f for f in OUTPUT_FORMATS if f not in ("jpg", "png")],
        "extraFeatures": list(EXTRA_FEATURES),
    }
