"""OCR engines behind one small interface; Tesseract is the one we ship.

An engine reads one page image and returns, from one run, its text, hOCR and a
confidence (the PDF text layer is written from the hOCR, see textlayer.py); it
can also say how a page is turned and in which script it is written. Adding an
engine is adding a class here and a line in ENGINES.
"""

from __future__ import annotations

import os
import re
import subprocess
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from hemicycle.digitise.errors import DigitiseError
from hemicycle.digitise.hocr import HocrPage, parse_hocr
from hemicycle.languages import BY_CODE

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
    def recognise(self, image: Path, languages: list[str], dpi: int, workdir: Path) -> OcrOutput:
        """Read ``image`` in ``languages`` (two-letter codes)."""

    @abstractmethod
    def orientation(self, image: Path, dpi: int) -> Orientation | None:
        """How the page is turned and its script; None when there is too little text."""


class TesseractEngine(OcrEngine):
    name = "tesseract"

    def __init__(self, binary: str = "tesseract", timeout: float = 600) -> None:
        self.binary = binary
        self.timeout = timeout

    def _run(self, args: list[str], what: str) -> subprocess.CompletedProcess:
        env = {**os.environ, **SINGLE_THREAD_ENV}
        try:
            return subprocess.run([self.binary, *args], capture_output=True, env=env,
                                  timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired:
            raise DigitiseError("ocr-failed", f"{what}: tesseract ran over {self.timeout} s") \
                from None
        except FileNotFoundError:
            raise DigitiseError("ocr-failed", f"{what}: {self.binary} is not installed") from None

    def recognise(self, image: Path, languages: list[str], dpi: int, workdir: Path) -> OcrOutput:
        models = "+".join(BY_CODE[code].tesseract for code in languages)
        base = workdir / (image.stem + ".ocr")
        # hOCR only: text, confidence and the PDF layer are derived from it, which costs
        # less than Tesseract's own text and PDF renderers (~0.1 CPU s per A4 page)
        proc = self._run([str(image), str(base), "-l", models, "--dpi", str(dpi), "hocr"],
                         str(image))
        path = base.with_suffix(base.suffix + ".hocr")
        if proc.returncode != 0 or not path.exists():
            detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise DigitiseError("ocr-failed", f"{image}: {detail[-1] if detail else 'no output'}")
        hocr = path.read_text(encoding="utf-8")
        path.unlink()
        page = parse_hocr(hocr)
        confidence, words = page.confidence()
        return OcrOutput(text=page.text(), hocr=hocr, confidence=confidence, words=words,
                         page=page)

    def orientation(self, image: Path, dpi: int) -> Orientation | None:
        proc = self._run([str(image), "-", "--psm", "0", "--dpi", str(dpi)], str(image))
        out = proc.stdout.decode("utf-8", "replace")
        fields = dict(re.findall(r"^([A-Za-z ]+):\s*(\S+)", out, flags=re.M))
        if proc.returncode != 0 or "Rotate" not in fields:
            return None
        return Orientation(
            rotate=int(fields["Rotate"]),
            confidence=float(fields.get("Orientation confidence", 0)),
            script=fields.get("Script"),
            script_confidence=float(fields.get("Script confidence", 0)),
        )


ENGINES: dict[str, type[OcrEngine]] = {"tesseract": TesseractEngine}


def get_engine(name: str = "tesseract") -> OcrEngine:
    try:
        return ENGINES[name]()
    except KeyError:
        raise ValueError(f"unknown OCR engine {name!r}: expected one of "
                         f"{', '.join(ENGINES)}") from None
