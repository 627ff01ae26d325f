"""Lines Tesseract read as scattered fragments: read again, or left out.

Underlined headings, faint stamps and typewriter lines struck through by a rule come
out of a page read as a few short fragments spread over the whole width of the line
("A h i il ati 16th m" for the SC 777 adoption line, each fragment with a confident
score). Such a line is told by its density: far fewer characters over its width than
the page's other lines at their type size. Each one is cut out of the page, cleaned
(horizontal rules taken out, contrast stretched, enlarged when small) and read again
as a single line. The new reading replaces the fragments when it is a line of text
like the page's others; when it is not and the fragments are no words either, the
line is left out: plain Tesseract prints nothing there, and garbage in the text is
worse than a gap (it is searched, shown and counted as words).
"""

from __future__ import annotations

import statistics

import numpy as np
from PIL import Image, ImageOps

from hemicycle.digitise.engines import OcrEngine, OcrOutput
from hemicycle.digitise.hocr import HocrPage, Line, Word, hocr_of

SPARSE = 1.6  # a line this many times sparser than the page's median is suspect
LIKE_THE_PAGE = 1.3  # a re-read as dense as the median x this is a line of text
MIN_CONFIDENCE = 70  # mean word confidence a re-read needs
SHORT_WORDS = 3.0  # fragments: mean word length below this many characters
MIN_LINES = 4  # lines of words a page needs to say what is normal on it
MIN_LINE_HEIGHT = 40  # pixels: a strip smaller than this is enlarged before reading


def density(line: Line) -> float | None:
    """Width per character of a line, in units of its type size (None: nothing to say)."""
    chars = sum(len(w.text) for w in line.words) + max(0, len(line.words) - 1)
    width = line.bbox[2] - line.bbox[0]
    if chars == 0 or width <= 0 or line.size <= 0:
        return None
    return width / chars / line.size


def _mean_word_length(line: Line) -> float:
    return sum(len(w.text) for w in line.words) / max(1, len(line.words))


def suspect_lines(page: HocrPage) -> tuple[list[Line], float | None]:
    """The lines far sparser than the page's others, and the page's median density."""
    values = [d for line in page.lines if len(line.words) >= 3
              and (d := density(line)) is not None]
    if len(values) < MIN_LINES:
        return [], None
    median = statistics.median(values)
    return [line for line in page.lines if line.words
            and (d := density(line)) is not None and d > SPARSE * median], median


def _remove_rules(strip: np.ndarray, size: float) -> np.ndarray:
    """White out horizontal runs of ink much longer than a letter (underlines, rules)."""
    dark = strip < 128
    out = strip.copy()
    longest = max(3 * size, 20)
    for y in range(dark.shape[0]):
        row = np.concatenate(([0], dark[y].astype(np.int8), [0]))
        edges = np.flatnonzero(np.diff(row))
        for start, end in zip(edges[::2], edges[1::2], strict=True):
            if end - start >= longest:
                out[y, start:end] = 255
    return out


def _extent(ink: np.ndarray, start: int, end: int, gap: float) -> tuple[int, int]:
    """Grow [start, end) over the ink columns of a band while no blank gap wider than
    ``gap`` separates them: the whole line, not the neighbouring column of the page."""
    columns = np.flatnonzero(ink)
    if not len(columns):
        return start, end
    inside = columns[(columns >= start) & (columns < end)]
    if len(inside):
        start, end = int(inside[0]), int(inside[-1]) + 1
    for x in columns[columns >= end]:
        if x - end > gap:
            break
        end = int(x) + 1
    for x in columns[columns < start][::-1]:
        if start - x > gap:
            break
        start = int(x)
    return start, end


def _strip(image: Image.Image, line: Line) -> tuple[Image.Image, int, int]:
    """The cleaned band of the page around ``line`` and its top-left corner on the page."""
    pad = max(4, int(line.size * 0.35))
    top, bottom = max(0, line.bbox[1] - pad), min(image.height, line.bbox[3] + pad)
    band = _remove_rules(np.asarray(image.convert("L").crop((0, top, image.width, bottom))),
                         line.size)
    start, end = _extent((band < 128).any(axis=0), line.bbox[0], line.bbox[2],
                         gap=3 * line.size)
    left, right = max(0, start - pad), min(image.width, end + pad)
    return ImageOps.autocontrast(Image.fromarray(band[:, left:right])), left, top


def _reread(engine: OcrEngine, image: Image.Image, dpi: int, languages: list[str],
            line: Line) -> list[Word]:
    strip, x, y = _strip(image, line)
    scale = 1
    if strip.height < MIN_LINE_HEIGHT:
        scale = -(-MIN_LINE_HEIGHT // max(1, strip.height))
        strip = strip.resize((strip.width * scale, strip.height * scale),
                             Image.Resampling.LANCZOS)
    read = engine.recognise_line(strip, languages, dpi * scale)
    words = [w for ln in (read.page.lines if read.page else []) for w in ln.words]
    return [Word(w.text, (x + w.bbox[0] // scale, y + w.bbox[1] // scale,
                          x + w.bbox[2] // scale, y + w.bbox[3] // scale), w.confidence)
            for w in words]


def _accept(words: list[Word], line: Line, median: float) -> bool:
    if not words or sum(len(w.text) for w in words) < 3:
        return False
    if sum(w.confidence for w in words) / len(words) < MIN_CONFIDENCE:
        return False
    trial = Line((min(w.bbox[0] for w in words), line.bbox[1],
                  max(w.bbox[2] for w in words), line.bbox[3]),
                 line.slope, line.offset, line.size, words)
    found = density(trial)
    return found is not None and found <= LIKE_THE_PAGE * median


def recover_lines(engine: OcrEngine, image: Image.Image, dpi: int, languages: list[str],
                  ocr: OcrOutput) -> tuple[OcrOutput, dict[str, int]]:
    """``ocr`` with its fragmented lines read again or left out, and how many of each."""
    page = ocr.page
    counts = {"reread": 0, "left_out": 0}
    if page is None:
        return ocr, counts
    suspects, median = suspect_lines(page)
    if not suspects or median is None:
        return ocr, counts
    for line in suspects:
        words = _reread(engine, image, dpi, languages, line)
        if _accept(words, line, median):
            line.words = words
            line.bbox = (min(w.bbox[0] for w in words), min(w.bbox[1] for w in words),
                         max(w.bbox[2] for w in words), max(w.bbox[3] for w in words))
            counts["reread"] += 1
        elif _mean_word_length(line) < SHORT_WORDS:
            line.words = []
            counts["left_out"] += 1
    if not any(counts.values()):
        return ocr, counts
    hocr = hocr_of(page, _system(ocr.hocr))
    confidence, words = page.confidence()
    return OcrOutput(text=page.text(), hocr=hocr, confidence=confidence, words=words,
                     page=page), counts


def _system(hocr: str) -> str:
    marker = "name='ocr-system' content='"
    start = hocr.find(marker)
    if start < 0:
        return "tesseract"
    start += len(marker)
    return hocr[start:hocr.find("'", start)]
