"""Synthetic scans: real UN sentences printed on a page at 300 dpi, then made scan-like.

The text is known exactly, so the OCR error rate can be measured in every
language. Text is laid out with Pillow's Raqm engine (HarfBuzz shaping and FriBiDi
reordering), which joins Arabic letters and lays right-to-left lines out from
the right margin; the fonts are the Noto fonts the system installs. Scan defects
are added in a fixed, seeded way: a slight rotation, blur and grain.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, features

DPI = 300
A4 = (2480, 3508)
MARGIN = 200
FONT_SIZE = 42  # pixels at 300 dpi: about 10 pt

_FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto"))
FONTS = {
    "ar": ("NotoNaskhArabic-Regular.ttf", "NotoSansArabic-Regular.ttf"),
    "zh": ("NotoSansCJK-Regular.ttc", "NotoSerifCJK-Regular.ttc"),
    "en": ("NotoSerif-Regular.ttf", "NotoSans-Regular.ttf"),
    "fr": ("NotoSerif-Regular.ttf", "NotoSans-Regular.ttf"),
    "ru": ("NotoSerif-Regular.ttf", "NotoSans-Regular.ttf"),
    "es": ("NotoSerif-Regular.ttf", "NotoSans-Regular.ttf"),
}


@dataclass(frozen=True)
class Defects:
    skew: float = 1.0  # degrees
    blur: float = 0.6  # Gaussian radius in pixels
    noise: float = 12.0  # standard deviation of the grain, grey levels


def font_path(language: str) -> Path:
    for name in FONTS[language]:
        for folder in _FONT_DIRS:
            if (folder / name).is_file():
                return folder / name
    raise FileNotFoundError(f"no Noto font for {language} under "
                            f"{', '.join(str(d) for d in _FONT_DIRS)} (fonts-noto-core/-cjk)")


def _font(language: str, size: int) -> ImageFont.FreeTypeFont:
    if language == "ar" and not features.check("raqm"):
        raise RuntimeError("Pillow lacks Raqm: Arabic cannot be shaped for synthetic pages")
    engine = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    path = font_path(language)
    # a CJK collection holds Japanese, Korean and Chinese faces: pick Simplified Chinese
    index = 2 if path.suffix == ".ttc" else 0
    return ImageFont.truetype(str(path), size, index=index, layout_engine=engine)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, language: str) -> list[str]:
    """Break ``text`` into lines that fit ``width`` pixels (Chinese breaks anywhere)."""
    units = list(text) if language == "zh" else text.split()
    joiner = "" if language == "zh" else " "
    lines: list[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}{joiner}{unit}" if current else unit
        if font.getlength(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = unit
    if current:
        lines.append(current)
    return lines


def render_page(sentences: list[str], language: str, *, max_lines: int | None = None,
                size: tuple[int, int] = A4, defects: Defects = Defects(),
                seed: int = 0) -> tuple[Image.Image, str]:
    """A scan-like page and the exact text printed on it (one line per printed line)."""
    font = _font(language, FONT_SIZE)
    width = size[0] - 2 * MARGIN
    line_height = int(FONT_SIZE * (1.9 if language == "ar" else 1.6))
    room = (size[1] - 2 * MARGIN) // line_height
    limit = min(room, max_lines) if max_lines else room
    lines: list[str] = []
    for sentence in sentences:
        lines += wrap(sentence.strip(), font, width, language)
        if len(lines) >= limit:
            break
    lines = lines[:limit]
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    rtl = language == "ar"
    for number, line in enumerate(lines):
        y = MARGIN + number * line_height
        if rtl:
            draw.text((size[0] - MARGIN, y), line, font=font, fill=0, anchor="ra",
                      direction="rtl")
        else:
            draw.text((MARGIN, y), line, font=font, fill=0)
    return scan_like(page, defects, seed), "\n".join(lines)


def scan_like(page: Image.Image, defects: Defects, seed: int = 0) -> Image.Image:
    """Blur, rotate and add grain, as a flatbed scanner would."""
    rng = random.Random(seed)
    angle = defects.skew * (1 if rng.random() < 0.5 else -1)
    image = page.filter(ImageFilter.GaussianBlur(defects.blur)) if defects.blur else page
    if angle:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if defects.noise:
        grain = np.random.default_rng(seed).normal(0, defects.noise, (image.height, image.width))
        pixels = np.asarray(image, dtype=np.float32) + grain
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
    return image


def save_page(image: Image.Image, path: Path) -> Path:
    image.save(path, dpi=(DPI, DPI))
    return path
