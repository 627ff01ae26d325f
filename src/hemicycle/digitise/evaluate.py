"""How good the OCR is: character and word error rates against ground truth.

CER and WER are edit distances divided by the length of the ground truth, after
the same light normalisation of both sides (Unicode NFKC, typographic quotes and
dashes made plain, runs of whitespace made one space; no spaces at all in
Chinese, where a "word" is a character). Two sets: real UN scans with
hand-corrected texts, and synthetic pages printed from real UN sentences in all
six languages.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from hemicycle.digitise.pages import PageTask, process_page

REPO_DATA = Path(__file__).resolve().parents[3] / "tests" / "data" / "digitise"

_PLAIN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                        "‐": "-", "\u00a0": " "})


_CJK = (r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf"
        r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef")
_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")


def normalise(text: str, language: str) -> str:
    """Compare like with like: NFKC, plain quotes and dashes, one space for any run of
    whitespace; in Chinese no space between two Chinese characters (the script has none),
    while a space next to a digit, a Latin word or a paragraph number ("1. 通过议程")
    is kept and counted, as the page prints it."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).translate(_PLAIN)).strip()
    if language == "zh":
        return _BETWEEN_CJK.sub("", text)
    return text


def edit_distance(a: list, b: list) -> int:
    """Levenshtein distance, one numpy row at a time (fast enough for whole pages)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    codes: dict = {}
    xa = np.array([codes.setdefault(x, len(codes)) for x in a], dtype=np.int64)
    xb = np.array([codes.setdefault(x, len(codes)) for x in b], dtype=np.int64)
    offsets = np.arange(len(xb) + 1, dtype=np.int64)
    previous = offsets.copy()
    for i, symbol in enumerate(xa, start=1):
        current = np.empty_like(previous)
        current[0] = i
        substitute = previous[:-1] + (xb != symbol)
        current[1:] = np.minimum(previous[1:] + 1, substitute)
        # insertions run along the row: a running minimum of (cost - position) does them all
        current = np.minimum.accumulate(current - offsets) + offsets
        previous = current
    return int(previous[-1])


def words(text: str, language: str) -> list[str]:
    return list(text) if language == "zh" else text.split(" ")


def cer(hypothesis: str, truth: str, language: str) -> float:
    h, t = normalise(hypothesis, language), normalise(truth, language)
    return edit_distance(list(h), list(t)) / max(1, len(t))


def wer(hypothesis: str, truth: str, language: str) -> float:
    h, t = normalise(hypothesis, language), normalise(truth, language)
    return edit_distance(words(h, language), words(t, language)) / max(1, len(words(t, language)))


def bag_of_words_error(hypothesis: str, truth: str, language: str) -> float:
    """Share of the truth's words missing from the output, whatever their order.

    Reading order differs between OCR layouts (columns, mastheads) without any word
    being wrong; this number is blind to that, so it is reported beside WER.
    """
    h = Counter(words(normalise(hypothesis, language), language))
    t = Counter(words(normalise(truth, language), language))
    total = sum(t.values())
    return (total - sum((h & t).values())) / max(1, total)


@dataclass(frozen=True)
class EvalResult:
    set: str  # real | synthetic | baseline
    item: str
    language: str
    cer: float
    wer: float
    bow: float
    chars: int
    confidence: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def score(set_name: str, item: str, language: str, hypothesis: str, truth: str,
          confidence: float | None = None) -> EvalResult:
    return EvalResult(set_name, item, language, round(cer(hypothesis, truth, language), 4),
                      round(wer(hypothesis, truth, language), 4),
                      round(bag_of_words_error(hypothesis, truth, language), 4),
                      len(normalise(truth, language)), confidence)


# the real scans with ground truth: (scan, ground truth, language, baseline text or None)
REAL_SET = (
    ("1950-07-07_UN_SC_Resolution_84_1950_en.png",
     "1950-07-07_UN_SC_Resolution_84_1950_en.gt.txt", "en", None),
    ("1992-09-19_UN_SC_Resolution_777_1992_en.png",
     "1992-09-19_UN_SC_Resolution_777_1992_en.gt.txt", "en", None),
    ("1971-09-29_A_L.632-EN.pdf", "1971-09-29_A_L.632-EN.gt.txt", "en",
     "1971-09-29_A_L.632-EN.embedded-ocr-layer.txt"),
)


def ocr_file(path: Path, language: str | None, work: Path) -> tuple[str, float]:
    """Our OCR of page 1 of ``path`` (the same page task the batch runs)."""
    fmt = "pdf" if path.suffix.lower() == ".pdf" else path.suffix.lower().lstrip(".")
    fmt = {"jpg": "jpeg", "tif": "tiff"}.get(fmt, fmt)
    task = PageTask(source=str(path), format=fmt, index=0, out_dir=str(work),
                    languages=(language,) if language else None)
    summary = process_page(task)
    text = (work / f"{task.stem}.txt").read_text(encoding="utf-8")
    return text, summary["confidence"]


def plain_tesseract(path: Path, language: str, work: Path) -> str:
    """What the ``tesseract`` command prints for page 1 of ``path`` with the language's
    model and nothing else: the baseline OCR must not fall behind. A PDF page (which the
    command cannot read) is given to it rendered at the resolution we read PDFs at."""
    from hemicycle.digitise.sources import DEFAULT_DPI, load_page
    from hemicycle.languages import BY_CODE

    work.mkdir(parents=True, exist_ok=True)
    image = path
    if path.suffix.lower() == ".pdf":
        image = work / "page.png"
        load_page(path, "pdf", 0, DEFAULT_DPI).image.save(image, dpi=(DEFAULT_DPI,) * 2)
    done = subprocess.run(["tesseract", str(image), "-", "-l", BY_CODE[language].tesseract],
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    if done.returncode != 0:
        raise RuntimeError(f"tesseract failed on {path}: {done.stderr.strip()}")
    return done.stdout


def evaluate_real(data: Path | None = None, baseline: bool = False) -> list[EvalResult]:
    """Our OCR of the real scans, the embedded OCR layer where a scan has one, and with
    ``baseline`` what plain ``tesseract`` reads on each ("tesseract" rows)."""
    data = data or REPO_DATA
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for number, (scan, truth_name, language, layer_name) in enumerate(REAL_SET):
            scan_path, truth_path = data / scan, data / truth_name
            for needed in (scan_path, truth_path):
                if not needed.is_file():
                    raise FileNotFoundError(f"{needed}: missing from the evaluation set")
            truth = truth_path.read_text(encoding="utf-8")
            text, confidence = ocr_file(scan_path, language, Path(tmp) / str(number))
            results.append(score("real", scan, language, text, truth, confidence))
            if layer_name:
                layer = (data / layer_name).read_text(encoding="utf-8")
                results.append(score("baseline", layer_name, language, layer, truth))
            if baseline:
                plain = plain_tesseract(scan_path, language, Path(tmp) / f"{number}-plain")
                results.append(score("tesseract", scan, language, plain, truth))
    return results


def unpc_sentences(language: str, data: Path | None = None) -> list[str]:
    """The UN Parallel Corpus sentences of ``language`` in the folder ``data`` (default:
    the 120 lines per language under tests/data/digitise/unpc)."""
    path = (data or REPO_DATA / "unpc") / f"UNv1.0.testset.{language}"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: missing (UN Parallel Corpus sentences)")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def evaluate_synthetic(languages: list[str], pages: int = 1, lines: int = 12,
                       data: Path | None = None, size: tuple[int, int] | None = None,
                       offset: int = 0, baseline: bool = False) -> list[EvalResult]:
    """Render ``pages`` pages per language from UNPC sentences (from sentence ``offset``
    of the folder ``data``), OCR them, score them; with ``baseline``, plain ``tesseract``
    on the same pages too ("tesseract" rows)."""
    from hemicycle.digitise.synthetic import A4, render_page, save_page

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for language in languages:
            sentences = unpc_sentences(language, data)[offset:]
            for page in range(pages):
                start = (page * 17) % max(1, len(sentences) - 20)
                image, truth = render_page(sentences[start:], language, max_lines=lines,
                                           size=size or A4, seed=page + offset)
                work = Path(tmp) / f"{language}-{page}"
                work.mkdir()
                path = save_page(image, work / "scan.png")
                text, confidence = ocr_file(path, language, work / "out")
                item = f"unpc-{language}-{offset + page + 1}"
                results.append(score("synthetic", item, language, text, truth, confidence))
                if baseline:
                    plain = plain_tesseract(path, language, work / "plain")
                    results.append(score("tesseract", item, language, plain, truth))
    return results
