"""Reading scans: which files are scans, how many pages each has, one page's pixels.

Every way a scan can be broken (empty, truncated, encrypted, a decompression bomb)
becomes a ``DigitiseError`` naming the file and page, never a crash of the batch.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from hemicycle.digitise.errors import DigitiseError

# A deliberate pixel limit: an A0 sheet at 300 dpi is about 140 million pixels; anything
# beyond this is refused as a decompression bomb before it is decoded.
MAX_PIXELS = 150_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

DEFAULT_DPI = 300
MIN_OCR_DPI = 200
SUFFIXES = {".tif": "tiff", ".tiff": "tiff", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg",
            ".pdf": "pdf"}
MEDIA_TYPES = {"tiff": "image/tiff", "png": "image/png", "jpeg": "image/jpeg",
               "pdf": "application/pdf"}


@dataclass(frozen=True)
class ScanFile:
    """One input document: a file and what the batch needs to know before OCR."""

    path: Path
    format: str  # tiff | png | jpeg | pdf
    sha256: str
    pages: int

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]


def find_scans(root: Path) -> list[Path]:
    """The scan files under ``root`` (or ``root`` itself), in a stable order."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: no such file or directory")
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("."))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _open_pdf(path: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise DigitiseError("password-protected", f"{path}: the PDF needs a password") from None
        raise DigitiseError("corrupt-pdf", f"{path}: {exc}") from None


def _check_pixels(path: Path, width: int, height: int, page: int) -> None:
    if width * height > MAX_PIXELS:
        raise DigitiseError(
            "decompression-bomb",
            f"{path} page {page + 1}: {width}x{height} = {width * height:,} pixels is over "
            f"the limit of {MAX_PIXELS:,}")


def open_image(path: Path, name: str | None = None) -> Image.Image:
    """Open (lazily) an image file, refusing decompression bombs and unreadable files;
    errors name the file as ``name`` (default: its path)."""
    name = name or str(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DigitiseError("decompression-bomb", f"{name}: {exc}") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise DigitiseError("corrupt-image", f"{name}: not a readable image ({exc})") \
            from None


def inspect_scan(path: Path) -> ScanFile:
    """Identify ``path`` and count its pages, or raise DigitiseError saying why not."""
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise DigitiseError("unsupported-format", f"{path}: {path.suffix or 'no suffix'}")
    if path.stat().st_size == 0:
        raise DigitiseError("empty-file", f"{path}: zero bytes")
    if fmt == "pdf":
        pdf = _open_pdf(path)
        try:
            pages = len(pdf)
        finally:
            pdf.close()
        if pages == 0:
            raise DigitiseError("corrupt-pdf", f"{path}: the PDF has no pages")
    else:
        with open_image(path) as img:
            _check_pixels(path, img.width, img.height, 0)
            pages = getattr(img, "n_frames", 1)
    return ScanFile(path=path, format=fmt, sha256=_sha256(path), pages=pages)


@dataclass
class PageImage:
    """The pixels of one page, its resolution, and the source bytes when they can be kept."""

    image: Image.Image
    dpi: int
    original: bytes | None  # the untouched encoded image, for a lossless PDF page
    original_dpi: int = DEFAULT_DPI  # the resolution ``original`` is laid out at


def _pdf_page(path: Path, index: int, dpi: int) -> PageImage:
    pdf = _open_pdf(path)
    try:
        page = pdf[index]
        width, height = page.get_size()
        _check_pixels(path, int(width * dpi / 72), int(height * dpi / 72), index)
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil()
    except DigitiseError:
        raise
    except Exception as exc:  # pdfium raises plain errors for broken content streams
        raise DigitiseError("corrupt-pdf", f"{path} page {index + 1}: {exc}") from None
    finally:
        pdf.close()
    return PageImage(image=image, dpi=dpi, original=None)


def _normal_mode(image: Image.Image) -> Image.Image:
    """Tesseract reads 1-bit, grey and RGB; everything else is converted to one of them."""
    if image.mode in ("1", "L", "RGB"):
        return image
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, "white")
        return Image.alpha_composite(white, image).convert("RGB")
    if image.mode.startswith("I"):  # 16-bit grey: scale to 8 bits, then use the full range
        return ImageOps.autocontrast(image.convert("I").point(lambda v: v / 256).convert("L"))
    return image.convert("RGB")


def load_page(path: Path, fmt: str, index: int, dpi: int = DEFAULT_DPI) -> PageImage:
    """Decode page ``index`` (0-based) of ``path``; PDFs are rendered at ``dpi``."""
    if fmt == "pdf":
        return _pdf_page(path, index, dpi)
    img = open_image(path)
    try:
        _check_pixels(path, img.width, img.height, index)
        frames = getattr(img, "n_frames", 1)
        if index >= frames:
            raise DigitiseError("corrupt-image", f"{path}: no page {index + 1} ({frames} pages)")
        if frames > 1:
            img.seek(index)
        resolution = img.info.get("dpi") or (0, 0)
        img.load()
        image = _normal_mode(ImageOps.exif_transpose(img) if fmt == "jpeg" else img.copy())
    except DigitiseError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise DigitiseError("corrupt-image", f"{path} page {index + 1}: {exc}") from None
    finally:
        img.close()
    try:
        page_dpi = round(float(resolution[0]))
    except (TypeError, ValueError, IndexError):
        page_dpi = 0
    original = None
    if frames == 1 and fmt in ("png", "jpeg"):
        original = path.read_bytes()
    if page_dpi <= 0:  # no resolution given: scans are made at the archive's usual one
        return PageImage(image=image, dpi=DEFAULT_DPI, original=original)
    source_dpi = page_dpi
    if page_dpi < MIN_OCR_DPI:
        # Tesseract reads small type badly: low-resolution scans are enlarged first
        # (measured on the SC 777 crop at 88 dpi: CER 0.090 as is, 0.039 enlarged 3x)
        factor = min(3, round(DEFAULT_DPI / page_dpi))
        image = image.resize((image.width * factor, image.height * factor),
                             Image.Resampling.LANCZOS if image.mode != "1"
                             else Image.Resampling.NEAREST)
        page_dpi *= factor
    return PageImage(image=image, dpi=page_dpi, original=original, original_dpi=source_dpi)


def image_bytes(image: Image.Image, bilevel_check: bool = False) -> bytes:
    """Encode pixels for a PDF page: 1-bit as CCITT G4, others as high-quality JPEG.

    ``bilevel_check``: a grey rendering of a PDF page may really be a black-and-white
    scan (classic UN ODS files are CCITT); those go back to 1-bit.
    """
    buf = io.BytesIO()
    if bilevel_check and image.mode == "L":
        histogram = image.histogram()
        if histogram[0] + histogram[255] >= 0.995 * image.width * image.height:
            image = image.convert("1", dither=Image.Dither.NONE)  # a bilevel scan
    if image.mode == "1":
        image.save(buf, format="TIFF", compression="group4")
    else:
        image.save(buf, format="JPEG", quality=90)
    return buf.getvalue()
