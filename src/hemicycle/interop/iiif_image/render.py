"""The pixels of a stored file's pages, and the derivative images a request plan asks for.

PDF pages are rendered with pdfium at ``PDF_DPI``; image files (TIFF, PNG, JPEG) are
served at their own pixel size, under the decompression-bomb limit the digitisation code
uses. What is cut, scaled and encoded is decided by ``request.plan``.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

from PIL import Image, ImageOps

from hemicycle.digitise.errors import DigitiseError
from hemicycle.digitise.sources import MAX_PIXELS, open_image
from hemicycle.interop.iiif_image.request import OUTPUT_FORMATS, ImageApiError, Plan

PDF_DPI = 150  # legible for typescript, ~1240 x 1754 pixels for an A4 page
PAGE_FORMATS = ("tiff", "png", "jpeg", "pdf", "pdfa")  # file formats that have page images
IMAGE_FORMATS = ("tiff", "png", "jpeg")


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
