"""Small scan fixtures made by code: a few printed lines, so that OCR stays fast in tests."""

from __future__ import annotations

import io
from pathlib import Path

import img2pdf
from PIL import Image

from hemicycle.digitise.synthetic import Defects, render_page

DATA = Path(__file__).resolve().parents[1] / "data" / "digitise"
SMALL = (1400, 1000)


def unpc(language: str, start: int = 0, count: int = 3) -> list[str]:
    lines = (DATA / "unpc" / f"UNv1.0.testset.{language}").read_text(encoding="utf-8")
    return [x for x in lines.splitlines() if x.strip()][start:start + count]


def page_image(lines: list[str], language: str = "en", size=SMALL, skew: float = 0.0,
               seed: int = 0) -> tuple[Image.Image, str]:
    """A small page printed with ``lines`` (light scan defects) and its exact text."""
    return render_page(lines, language, size=size, seed=seed,
                       defects=Defects(skew=skew, blur=0.4, noise=6.0))


def masthead(symbol: str, marker: str, distribution: str = "GENERAL",
             date: str = "12 May 2015") -> list[str]:
    """The first lines of a UN document, with a unique marker line to count pages by."""
    return [f"Distr. {distribution}", symbol, date, "ORIGINAL: ENGLISH",
            "REPORT OF THE SECRETARY-GENERAL ON THE SITUATION", marker]


def save_png(image: Image.Image, path: Path) -> Path:
    image.save(path, dpi=(300, 300))
    return path


def save_tiff(images: list[Image.Image], path: Path) -> Path:
    first, *rest = images
    first.save(path, save_all=True, append_images=rest, dpi=(300, 300), compression="tiff_lzw")
    return path


def save_pdf(images: list[Image.Image], path: Path) -> Path:
    """An image-only PDF (what a scanner writes): one JPEG image per page, no text."""
    blobs = []
    for image in images:
        buf = io.BytesIO()
        image.save(buf, format="JPEG", quality=92, dpi=(300, 300))
        blobs.append(buf.getvalue())
    layout = img2pdf.get_fixed_dpi_layout_fun((300, 300))
    path.write_bytes(img2pdf.convert(blobs, layout_fun=layout))
    return path
