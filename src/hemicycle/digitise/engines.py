"""OCR engines behind one small interface; Tesseract is the one we ship.

An engine reads one page image and returns, from one run, its text, hOCR and a
confidence (the PDF text layer is written from the hOCR, see textlayer.py); it
can also say how a page is turned and in which script it is written. Adding an
engine is adding a class here and a line in ENGINES.
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from hemicycle.digitise.errors import DigitiseError
from hemicycle.digitise.hocr import HocrPage, hocr_document, parse_hocr
from hemicycle.languages import BY_CODE

if TYPE_CHECKING:
    from PIL import Image

# Tesseract's OpenMP threads make it several times slower when pages already run in
# parallel, one per core: every engine process is pinned to one thread.
SINGLE_THREAD_ENV = {"OMP_THREAD_LIMIT": "1"}


@dataclass(frozen=True)
class OcrOutput:
    text: str
    hocr: str
    confidence: float  # mean word confidence 0..100; 0 when no word was read
    words: int
    page: HocrPage | None = None  # the hOCR, parsed: words and boxes for the text layer


@dataclass(frozen=True)
class Orientation:
    rotate: int  # degrees clockwise that make the page upright (Tesseract's 'Rotate')
    confidence: float
    script: str | None
    script_confidence: float


class OcrEngine(ABC):
    name: str

    @abstractmethod
    def recognise(self, image: Image.Image, languages: list[str], dpi: int) -> OcrOutput:
        """Read ``image`` in ``languages`` (two-letter codes)."""

    @abstractmethod
    def orientation(self, image: Image.Image, dpi: int) -> Orientation | None:
        """How the page is turned and its script; None when there is too little text."""

    @abstractmethod
    def recognise_line(self, image: Image.Image, languages: list[str], dpi: int) -> OcrOutput:
        """Read ``image`` as one line of text (a strip cut from a page)."""


@cache
def tesserocr():
    """The Tesseract library, loaded once per process with OpenMP held to one thread
    (OpenMP reads its limit when the library loads, so it is set first)."""
    os.environ.update(SINGLE_THREAD_ENV)
    import tesserocr as module

    return module


def tessdata() -> str:
    """The folder of Tesseract's models (and of pdf.ttf, its glyph-less font)."""
    path, _languages = tesserocr().get_languages()
    return path


class TesseractEngine(OcrEngine):
    """Tesseract through its C++ API (tesserocr, built against Debian's libtesseract):
    the models of a language set are loaded once per process and kept, where the
    command line loads them for every page (~0.06 CPU s, 4% of an A4 page)."""

    name = "tesseract"
    KEEP = 4  # language sets whose models stay loaded in one process

    def __init__(self, timeout: float = 600) -> None:
        self.timeout = timeout
        self._apis: OrderedDict[str, object] = OrderedDict()

    def _api(self, models: str, osd: bool = False, line: bool = False):
        key = f"{models}|osd" if osd else f"{models}|line" if line else models
        api = self._apis.pop(key, None)
        if api is None:
            module = tesserocr()
            psm = (module.PSM.OSD_ONLY if osd else module.PSM.SINGLE_LINE if line
                   else module.PSM.AUTO)
            try:
                api = module.PyTessBaseAPI(lang=models, psm=psm)
            except RuntimeError as exc:
                raise DigitiseError("ocr-failed",
                                    f"Tesseract cannot load the models {models}: {exc}") from None
            while len(self._apis) >= self.KEEP:
                _key, old = self._apis.popitem(last=False)
                old.End()
        self._apis[key] = api  # most recently used last
        return api

    def _set_image(self, api, image: Image.Image, dpi: int) -> None:
        try:
            api.SetImage(image)
        except RuntimeError as exc:
            raise DigitiseError("ocr-failed", f"Tesseract cannot take the image: {exc}") \
                from None
        api.SetSourceResolution(dpi)

    def recognise(self, image: Image.Image, languages: list[str], dpi: int) -> OcrOutput:
        return self._read(self._api(self._models(languages)), image, dpi)

    def recognise_line(self, image: Image.Image, languages: list[str], dpi: int) -> OcrOutput:
        return self._read(self._api(self._models(languages), line=True), image, dpi)

    @staticmethod
    def _models(languages: list[str]) -> str:
        return "+".join(BY_CODE[code].tesseract for code in languages)

    def _read(self, api, image: Image.Image, dpi: int) -> OcrOutput:
        self._set_image(api, image, dpi)
        try:
            if not api.Recognize(int(self.timeout * 1000)):
                raise DigitiseError("ocr-failed",
                                    f"Tesseract ran over {self.timeout:g} s on the page")
            # hOCR only: text, confidence and the PDF layer are derived from it, which
            # costs less than Tesseract's own text and PDF renderers (~0.1 CPU s a page)
            hocr = hocr_document(api.GetHOCRText(0), f"tesseract {api.Version()}")
        finally:
            api.Clear()  # the page's image and results are not kept in the process
        page = parse_hocr(hocr)
        confidence, words = page.confidence()
        return OcrOutput(text=page.text(), hocr=hocr, confidence=confidence, words=words,
                         page=page)

    def orientation(self, image: Image.Image, dpi: int) -> Orientation | None:
        api = self._api("osd", osd=True)
        self._set_image(api, image, dpi)
        try:
            found = api.DetectOrientationScript()
        finally:
            api.Clear()
        if not found:
            return None  # too few characters
        return Orientation(
            # the library gives how the image is turned; make it what turns it upright
            rotate=(360 - int(found["orient_deg"])) % 360,
            confidence=float(found["orient_conf"]),
            script=found.get("script_name"),
            script_confidence=float(found["script_conf"]),
        )


ENGINES: dict[str, type[OcrEngine]] = {"tesseract": TesseractEngine}
# one engine per thread: a Tesseract API object must not serve two pages at once, and a
# Dask worker may run several page tasks in threads of one process
_ENGINES_IN_THREAD = threading.local()


def get_engine(name: str = "tesseract") -> OcrEngine:
    """The engine ``name`` of this thread: its loaded models serve every page it reads."""
    if name not in ENGINES:
        raise ValueError(f"unknown OCR engine {name!r}: expected one of {', '.join(ENGINES)}")
    engines = _ENGINES_IN_THREAD.__dict__.setdefault("engines", {})
    if name not in engines:
        engines[name] = ENGINES[name]()
    return engines[name]
