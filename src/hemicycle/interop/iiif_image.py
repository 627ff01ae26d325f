"""IIIF Image API 3.0 for document pages: request parsing, page pixels, a bounded disk cache.

An image identifier names one page of one file of one document:
``{uid}~{language}~{format}~p{page}`` (``~`` is unreserved in URLs, never in a uid,
a language code or a format name; pages count from 1). PDF pages are rendered with
pdfium at ``PDF_DPI``; image files (TIFF, PNG, JPEG) are served at their own pixel size,
under the decompression-bomb limit the digitisation code uses.

Every rule of the request syntax lives in ``parse_request`` (syntax: 400, or 501 for a
valid feature we do not offer) and ``plan`` (what the syntax means for an image of a
given size). Rendered pages and derivatives are cached under the data directory, keyed
by the file's SHA-512, so a replaced file can never serve stale pixels.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, features

from hemicycle.digitise.errors import DigitiseError
from hemicycle.digitise.sources import MAX_PIXELS, open_image

PDF_DPI = 150  # legible for typescript, ~1240 x 1754 pixels for an A4 page
TILE_SIZE = 512
MAX_WIDTH = 8192
MAX_HEIGHT = 8192
MAX_AREA = 4096 * 4096
MIN_LISTED_SIZE = 96  # smallest whole-page size listed in info.json "sizes"
PAGE_FORMATS = ("tiff", "png", "jpeg", "pdf", "pdfa")  # file formats that have page images
IMAGE_FORMATS = ("tiff", "png", "jpeg")
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


# ---- reading pages ----

def _check_pixels(path: Path, width: int, height: int, page: int) -> None:
    if width * height > MAX_PIXELS:
        raise ImageApiError(500, f"{path.name} page {page}: {width}x{height} pixels is over "
                                 f"the limit of {MAX_PIXELS:,}")


def _open_pdf(path: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise ImageApiError(500, f"{path.name}: not a readable PDF ({exc})") from None


def _open_image(path: Path) -> Image.Image:
    try:  # the digitiser's limits; the error names the file, not where it is stored
        return open_image(path, path.name)
    except DigitiseError as exc:
        raise ImageApiError(500, exc.message) from None


def page_sizes(path: Path, fmt: str) -> list[tuple[int, int]]:
    """Pixel width and height of every page of a stored file, as ``render_page`` makes them."""
    if fmt not in PAGE_FORMATS:
        raise ImageApiError(404, f"{fmt} files have no page images")
    if fmt in IMAGE_FORMATS:
        with _open_image(path) as img:
            sizes = []
            for index in range(getattr(img, "n_frames", 1)):
                img.seek(index)
                w, h = img.size
                if fmt == "jpeg" and (img.getexif().get(0x0112) or 1) in (5, 6, 7, 8):
                    w, h = h, w  # exif_transpose turns it upright
                sizes.append((w, h))
        return sizes
    pdf = _open_pdf(path)
    try:
        scale = PDF_DPI / 72
        # the same arithmetic pdfium's renderer uses for the bitmap size
        return [(math.ceil(pdf[i].get_width() * scale), math.ceil(pdf[i].get_height() * scale))
                for i in range(len(pdf))]
    finally:
        pdf.close()


def _upright(image: Image.Image) -> Image.Image:
    """Pixels as L or RGB (transparency flattened onto white, 16-bit grey scaled down)."""
    if image.mode in ("L", "RGB"):
        return image
    if image.mode == "1":
        return image.convert("L")
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    if image.mode.startswith("I"):
        return image.convert("I").point(lambda v: v / 256).convert("L")
    return image.convert("RGB")


def render_page(path: Path, fmt: str, page: int) -> Image.Image:
    """The whole page ``page`` (from 1) of a stored file, as L or RGB pixels."""
    if fmt in IMAGE_FORMATS:
        img = _open_image(path)
        try:
            img.seek(page - 1)
            _check_pixels(path, img.width, img.height, page)
            img.load()
            image = ImageOps.exif_transpose(img) if fmt == "jpeg" else img.copy()
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise ImageApiError(500, f"{path.name} page {page}: {exc}") from None
        finally:
            img.close()
        return _upright(image)
    pdf = _open_pdf(path)
    try:
        pdf_page = pdf[page - 1]
        scale = PDF_DPI / 72
        _check_pixels(path, math.ceil(pdf_page.get_width() * scale),
                      math.ceil(pdf_page.get_height() * scale), page)
        image = pdf_page.render(scale=scale).to_pil()
    except ImageApiError:
        raise
    except Exception as exc:  # pdfium raises plain errors for broken content streams
        raise ImageApiError(500, f"{path.name} page {page}: {exc}") from None
    finally:
        pdf.close()
    return _upright(image)


def derive(page: Image.Image, p: Plan) -> bytes:
    """Cut, scale, mirror, rotate, convert and encode ``page`` as ``p`` says."""
    x, y, w, h = p.box
    image = page.crop((x, y, x + w, y + h)) if (x, y, w, h) != (0, 0, *page.size) else page
    if p.out != (w, h):
        image = image.resize(p.out, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if p.mirror:
        image = ImageOps.mirror(image)
    if p.rotation:
        image = image.transpose({90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
                                 270: Image.Transpose.ROTATE_90}[p.rotation])
    if p.quality == "color":
        image = image.convert("RGB")
    elif p.quality == "gray":
        image = image.convert("L")
    elif p.quality == "bitonal":
        image = image.convert("L").point(lambda v: 255 if v >= 128 else 0).convert("1")
    codec = OUTPUT_FORMATS[p.format][0]
    if codec == "JPEG" and image.mode == "1":
        image = image.convert("L")
    buf = io.BytesIO()
    if codec == "JPEG":
        image.save(buf, codec, quality=85)
    elif codec == "WEBP":
        image.save(buf, codec, quality=80)
    else:
        image.save(buf, codec, compress_level=6)
    return buf.getvalue()


# ---- the cache ----

class PageCache:
    """Rendered pages and derivatives on disk under ``root``, at most ``max_bytes``.

    Entries live in a folder per file checksum; the least recently used entries are
    removed when the total passes the limit. A few decoded pages are also kept in
    memory so that the tiles of one page do not decode it again and again.
    """

    def __init__(self, root: Path, max_bytes: int,
                 memory_pixels: int = 20_000_000):
        self.root = root
        self.max_bytes = max_bytes
        self.memory_pixels = memory_pixels
        self._lock = threading.Lock()
        self._pages: OrderedDict[tuple[str, int], Image.Image] = OrderedDict()
        self._sizes: dict[str, list[tuple[int, int]]] = {}
        self._total: int | None = None
        self._pending: list = []

    def _dir(self, checksum: str) -> Path:
        return self.root / checksum[:2] / checksum[:40]

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        self._added(len(data), path)

    def _added(self, size: int, keep: Path) -> None:
        with self._lock:
            if self._total is None:
                self._total = sum(f.stat().st_size for f in self.root.rglob("*") if f.is_file())
            else:
                self._total += size
            over = self._total > self.max_bytes
        if over:
            self.prune(keep)

    def prune(self, keep: Path | None = None) -> None:
        """Remove the least recently used entries until the cache is at 80 % of its limit
        (``keep``, the entry just made, stays: it is about to be served)."""
        entries = []
        for f in self.root.rglob("*"):
            if f.is_file():
                st = f.stat()
                entries.append((st.st_mtime, st.st_size, f))
        total = sum(e[1] for e in entries)
        for _, size, f in sorted(entries, key=lambda e: e[0]):
            if total <= self.max_bytes * 0.8:
                break
            if f == keep:
                continue
            f.unlink(missing_ok=True)
            total -= size
        with self._lock:
            self._total = total

    def sizes(self, checksum: str, path_of, fmt: str) -> list[tuple[int, int]]:
        """Page sizes of a file (``path_of()`` gives its bytes' path only when needed)."""
        if checksum in self._sizes:
            return self._sizes[checksum]
        meta = self._dir(checksum) / f"sizes-{PDF_DPI}.json"
        try:
            sizes = [tuple(s) for s in json.loads(meta.read_text())]
        except (OSError, ValueError):
            sizes = page_sizes(path_of(), fmt)
            self._write(meta, json.dumps(sizes).encode())
        self._sizes[checksum] = sizes
        return sizes

    def page(self, checksum: str, path_of, fmt: str, page: int) -> Image.Image:
        key = (checksum, page)
        with self._lock:
            if key in self._pages:
                self._pages.move_to_end(key)
                return self._pages[key]
        stored = self._dir(checksum) / f"p{page}-{PDF_DPI}.png"
        image = None
        if stored.is_file():
            try:
                with Image.open(stored) as img:
                    img.load()
                    image = img.copy()
                os.utime(stored)
            except OSError:
                image = None
        if image is None:
            image = render_page(path_of(), fmt, page)
            # PNG-encoding a page costs 2-3 times its rendering: done after the answer
            self._pending = [f for f in self._pending if not f.done()]
            self._pending.append(_writer.submit(self._store_page, stored, image))
        with self._lock:
            self._pages[key] = image
            while sum(i.width * i.height for i in self._pages.values()) > self.memory_pixels \
                    and len(self._pages) > 1:
                self._pages.popitem(last=False)
        return image

    def _store_page(self, stored: Path, image: Image.Image) -> None:
        buf = io.BytesIO()
        image.save(buf, "PNG", compress_level=1)
        self._write(stored, buf.getvalue())

    def flush(self) -> None:
        """Wait for the rendered pages still being written to disk."""
        while self._pending:
            self._pending.pop().result()

    def derivative(self, checksum: str, path_of, fmt: str, page: int, p: Plan) -> Path:
        """The encoded image for plan ``p``, made once and then served from disk."""
        name = hashlib.sha256(f"{page}/{p.canonical}".encode()).hexdigest()[:32]
        target = self._dir(checksum) / f"p{page}" / f"{name}.{p.format}"
        if target.is_file():
            try:
                os.utime(target)
                return target
            except OSError:
                pass
        self._write(target, derive(self.page(checksum, path_of, fmt, page), p))
        return target


_writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="iiif-cache")
_caches: dict[Path, PageCache] = {}
_caches_lock = threading.Lock()


def cache_for(settings) -> PageCache:
    """The one page cache of a data directory (its size: ``Settings.iiif_cache_mb``)."""
    with _caches_lock:
        cache = _caches.get(settings.data_dir)
        if cache is None:
            cache = _caches[settings.data_dir] = PageCache(
                settings.data_dir / "cache" / "iiif", settings.iiif_cache_bytes)
        return cache


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


# ---- stored files ----

def _path_of(settings, file):
    def path() -> Path:
        from hemicycle.storage import StorageError, open_location

        try:
            return open_location(settings, file.location)
        except StorageError as exc:
            raise ImageApiError(500, f"the stored file is missing: {exc}") from None
    return path


def stored_page_sizes(settings, file) -> list[tuple[int, int]]:
    """Page sizes of a catalogued file (``hemicycle.catalogue.models.File``)."""
    return cache_for(settings).sizes(file.sha512, _path_of(settings, file), file.format)


def stored_derivative(settings, file, page: int, p: Plan) -> Path:
    """The cached image file answering plan ``p`` for page ``page`` of ``file``."""
    return cache_for(settings).derivative(file.sha512, _path_of(settings, file),
                                                   file.format, page, p)
