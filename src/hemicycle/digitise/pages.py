"""One page, start to finish: the unit of work a process pool or a Dask worker runs.

``run_page`` takes a picklable ``PageTask`` and returns a plain dict, so the same
function runs in a local process or on a cluster node. It writes the page's
outputs (text, hOCR, a PDF page with the image and an invisible text layer, and a
JSON summary) into the task's folder, each file complete or not at all; a failure
comes back as ``{"error": code, "message": ...}`` and writes nothing.
"""

from __future__ import annotations

import io
import json
import os
import resource
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from hemicycle.digitise.detection import LATIN, latin_language, script_language
from hemicycle.digitise.engines import OcrEngine, OcrOutput, get_engine
from hemicycle.digitise.errors import DigitiseError
from hemicycle.digitise.geometry import MIN_CORRECTION, deskew, estimate_skew, rotate_quarter
from hemicycle.digitise.hocr import parse_hocr
from hemicycle.digitise.recovery import recover_lines
from hemicycle.digitise.sources import DEFAULT_DPI, PageImage, image_bytes, load_page
from hemicycle.digitise.textlayer import add_text_layer
from hemicycle.digitise.textorder import fix_text

# below this mean word confidence a page may be on its side: ask OSD
LOW_CONFIDENCE = 50.0
# below this a detected language is doubtful enough to try the other alphabet
DOUBTFUL = 70.0
OUTPUTS = ("txt", "hocr", "pdf", "json")


@dataclass(frozen=True)
class PageTask:
    source: str  # path of the scan file
    format: str  # tiff | png | jpeg | pdf
    index: int  # 0-based page number in the file
    out_dir: str  # where this document's page outputs go
    languages: tuple[str, ...] | None = None  # None: detect
    dpi: int = DEFAULT_DPI
    engine: str = "tesseract"

    @property
    def stem(self) -> str:
        return f"page-{self.index + 1:04d}"


def output_paths(out_dir: Path, index: int) -> dict[str, Path]:
    stem = f"page-{index + 1:04d}"
    return {ext: out_dir / f"{stem}.{ext}" for ext in OUTPUTS}


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _page_pdf(page: PageImage, task: PageTask, changed: bool, ocr: OcrOutput) -> bytes:
    """The page image (untouched PNG/JPEG bytes where possible) with invisible text on top."""
    import img2pdf
    import pikepdf

    # A PDF's own page is not reused: it may carry an old text layer, unembedded fonts or
    # JPEG 2000 that PDF/A refuses; the original file is kept beside the PDF/A anyway.
    layout = img2pdf.get_fixed_dpi_layout_fun((page.dpi, page.dpi))
    out = None
    if page.original and not changed:
        kept = img2pdf.get_fixed_dpi_layout_fun((page.original_dpi, page.original_dpi))
        try:
            out = pikepdf.open(io.BytesIO(img2pdf.convert(page.original, layout_fun=kept)))
        except (img2pdf.ImageOpenError, img2pdf.AlphaChannelError, ValueError):
            out = None  # e.g. a PNG with transparency: PDF/A wants it flattened
    if out is None:
        data = image_bytes(page.image, bilevel_check=task.format == "pdf")
        out = pikepdf.open(io.BytesIO(img2pdf.convert(data, layout_fun=layout)))
    with out:
        add_text_layer(out, out.pages[0], ocr.page or parse_hocr(ocr.hocr))
        buf = io.BytesIO()
        out.save(buf)
    return buf.getvalue()


def _recognise(engine: OcrEngine, page: PageImage, languages: list[str]) -> OcrOutput:
    return engine.recognise(page.image, languages, page.dpi)


def _read_latin(engine: OcrEngine, page: PageImage):
    """Read with the English, French and Spanish models; choose by function words."""
    ocr = _recognise(engine, page, LATIN)
    chosen, share = latin_language(ocr.text)
    return ocr, [chosen or "en"], share


def _detect(engine: OcrEngine, page: PageImage, where: str):
    """(languages, confidence, orientation) of a page whose language nobody gave."""
    osd = engine.orientation(page.image, page.dpi)
    if osd is None:
        raise DigitiseError("unknown-language",
                            f"{where}: too little text to detect the script")
    known, language = script_language(osd.script)
    if not known:
        raise DigitiseError("unknown-language",
                            f"{where}: script {osd.script} is not one of the six languages'")
    return ([language] if language else None), osd


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def process_page(task: PageTask, engine: OcrEngine | None = None) -> dict:
    """OCR one page and write its outputs; raise DigitiseError on a bad page."""
    engine = engine or get_engine(task.engine)
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    where = f"{task.source} page {task.index + 1}"
    out_dir = Path(task.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    page = load_page(Path(task.source), task.format, task.index, task.dpi)
    changed = False
    rotated = 0
    skew = estimate_skew(page.image)
    if abs(skew) >= MIN_CORRECTION:
        page.image = deskew(page.image, skew)
        changed = True
    languages = list(task.languages) if task.languages else None
    language_confidence = 1.0
    if languages is None:
        languages, osd = _detect(engine, page, where)
        language_confidence = round(min(1.0, osd.script_confidence / 10), 2)
        if osd.rotate % 360 and osd.confidence >= 1.5:
            page.image, rotated, changed = rotate_quarter(page.image, osd.rotate), \
                osd.rotate, True
    detected = not task.languages
    if languages is None:  # Latin script: read with all three, then choose
        ocr, languages, language_confidence = _read_latin(engine, page)
    else:
        ocr = _recognise(engine, page, languages)
    if detected and languages == ["ru"] and ocr.confidence < DOUBTFUL:
        # OSD confuses Cyrillic and Latin on small or faint type: let the better read win
        latin, chosen, share = _read_latin(engine, page)
        if latin.confidence > ocr.confidence:
            ocr, languages, language_confidence = latin, chosen, share
    if ocr.confidence < LOW_CONFIDENCE and not rotated:
        osd = engine.orientation(page.image, page.dpi)
        if osd is not None and osd.rotate % 360 and osd.confidence >= 1.5:
            turned = PageImage(rotate_quarter(page.image, osd.rotate), page.dpi, None,
                               page.dpi)
            second = _recognise(engine, turned, languages)
            if second.confidence > ocr.confidence:
                page, ocr, rotated, changed = turned, second, osd.rotate, True
    ocr, recovered = recover_lines(engine, page.image, page.dpi, languages, ocr)
    text = fix_text(ocr.text, languages)
    summary = {
        "page": task.index + 1,
        "languages": languages,
        "language": languages[0],
        "language_confidence": language_confidence,
        "confidence": ocr.confidence,
        "words": ocr.words,
        "skew": skew,
        "rotated": rotated,
        "width": page.image.width,
        "height": page.image.height,
        "dpi": page.dpi,
        "engine": engine.name,
        "lines_reread": recovered["reread"],
        "lines_left_out": recovered["left_out"],
    }
    pdf = _page_pdf(page, task, changed, ocr)
    # what the page cost, Tesseract included: the figures a capacity plan needs
    summary["seconds"] = round(time.perf_counter() - started, 3)
    summary["cpu_seconds"] = round(_cpu_seconds() - cpu_started, 3)
    paths = output_paths(out_dir, task.index)
    _write_atomic(paths["txt"], text.encode("utf-8"))
    _write_atomic(paths["hocr"], ocr.hocr.encode("utf-8"))
    _write_atomic(paths["pdf"], pdf)
    # the summary last: its presence says the page's outputs are all there
    _write_atomic(paths["json"], json.dumps(summary, ensure_ascii=False).encode("utf-8"))
    return summary


def run_page(task: PageTask) -> dict:
    """``process_page`` for workers: failures come back as data, not exceptions."""
    try:
        return {"ok": True, **process_page(task)}
    except DigitiseError as exc:
        return {"ok": False, "error": exc.code, "message": exc.message, "task": asdict(task)}
    except Exception as exc:  # a worker must report, never die silently
        return {"ok": False, "error": "ocr-failed", "message": f"{task.source} page "
                f"{task.index + 1}: {type(exc).__name__}: {exc}", "task": asdict(task)}
