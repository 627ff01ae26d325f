"""Pages per minute per core: `hemicycle digitise` (all outputs) against plain `tesseract`.

Baseline: the `tesseract` CLI, text output only, one process per core with
OMP_THREAD_LIMIT=1, on the very same page images. Ours: `run_batch` end to end on
multi-page TIFF documents: deskew, OCR to hOCR (text, confidence and PDF text
layer derived from it), per-page PDFs, PDF/A-2b per document (validated), metadata
extraction, storage, catalogue draft and search index. Optionally OCRmyPDF
(--output-type pdfa, --jobs 1) on one document, to show what running it per
document would cost.

    .venv/bin/python bench/digitise_throughput.py [--docs 3] [--pages 4] [--ocrmypdf]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from PIL import Image  # noqa: E402
from sqlalchemy import select  # noqa: E402

from hemicycle.catalogue.db import get_engine, session_scope  # noqa: E402
from hemicycle.catalogue.models import Job  # noqa: E402
from hemicycle.config import load_settings  # noqa: E402
from hemicycle.digitise import jobs  # noqa: E402
from hemicycle.digitise.batch import run_batch  # noqa: E402
from hemicycle.digitise.executors import LocalPool  # noqa: E402
from hemicycle.digitise.synthetic import Defects, render_page  # noqa: E402

DATA = ROOT / "tests" / "data" / "digitise"
GOLD = ROOT.parent / "shared" / "data" / "cr-unsc" / "res_en_gold"


def _texts() -> list[list[str]]:
    """Real English text: CR-UNSC resolutions if ../shared is there, else UNPC sentences."""
    if GOLD.is_dir():
        files = sorted(GOLD.glob("S_RES_*_EN_GOLD.txt"))[100:160]
        return [[p for p in f.read_text().split("\n\n") if p.strip()] for f in files]
    lines = (DATA / "unpc" / "UNv1.0.testset.en").read_text().splitlines()
    return [lines[i:i + 40] for i in range(0, len(lines) - 40, 7)]


def _real_pages() -> list[Image.Image]:
    import pypdfium2 as pdfium

    pages = []
    for name in ("1947-10-08_Sixth_Commitee_Letter.pdf", "1971-09-29_A_L.632-EN.pdf"):
        pdf = pdfium.PdfDocument(str(DATA / name))
        for page in pdf:
            pages.append(page.render(scale=300 / 72, grayscale=True).to_pil())
        pdf.close()
    return pages


def make_pages(count: int) -> list[Image.Image]:
    """Real scans first, then synthetic A4 pages of real resolution text (skew, blur, grain)."""
    pages = _real_pages()[:count]
    texts = _texts()
    n = 0
    while len(pages) < count:
        sentences = [s for block in texts[n % len(texts):] for s in block][:80]
        image, _ = render_page(sentences, "en", defects=Defects(skew=0.8 + (n % 3) * 0.4),
                               seed=n)
        pages.append(image)
        n += 1
    return pages


def cpu_seconds() -> float:
    """CPU time of this process and every child it has waited for (pool workers, tesseract)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measured(run) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of ``run()``."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    run()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def baseline(pages: list[Path], workers: int, out: Path) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(path: Path) -> None:
        subprocess.run(["tesseract", str(path), str(out / path.stem), "-l", "eng"],
                       env=env, check=True, capture_output=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - started


def ours(folder: Path, workers: int, data: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of a whole batch; CPU = this process + what each page task used."""
    os.environ["HEMICYCLE_DATA"] = str(data)
    settings = load_settings(data)
    get_engine(settings.database_url)  # schema creation is set-up, not per-page work
    wall, cpu = time.perf_counter(), cpu_seconds()
    report = run_batch(settings, folder, executor=LocalPool(workers), languages=["en"])
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    if report.documents_failed:
        raise SystemExit(f"documents failed: {report.documents_failed}")
    # pool workers are children of the fork server, not of this process: each page
    # reports the CPU it used (Tesseract included); starting the workers is not counted
    with session_scope(settings.database_url) as db:
        cpu += sum(j.result.get("cpu_seconds", 0) for j in db.scalars(
            select(Job).where(Job.kind == jobs.PAGE, Job.batch == report.batch)))
    return wall, cpu


def ocrmypdf_run(tiff: Path, out: Path) -> float:
    import img2pdf

    pdf = out / "input.pdf"
    pdf.write_bytes(img2pdf.convert(str(tiff)))
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ocrmypdf", "-l", "eng", "--output-type", "pdfa",
                    "--jobs", "1", "--sidecar", str(out / "side.txt"), str(pdf),
                    str(out / "out.pdf")], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=4, help="pages per document")
    parser.add_argument("--ocrmypdf", action="store_true", help="also time OCRmyPDF on one doc")
    args = parser.parse_args()
    total = args.docs * args.pages
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        images = make_pages(total)
        singles, docs = tmp / "singles", tmp / "docs"
        singles.mkdir()
        docs.mkdir()
        paths = []
        for i, image in enumerate(images):
            path = singles / f"p{i:03d}.tif"
            image.save(path, dpi=(300, 300), compression="tiff_lzw")
            paths.append(path)
        for d in range(args.docs):
            chunk = images[d * args.pages:(d + 1) * args.pages]
            chunk[0].save(docs / f"doc{d}.tif", save_all=True, append_images=chunk[1:],
                          dpi=(300, 300), compression="tiff_lzw")
        print(f"{total} pages ({len(_real_pages())} real scans, rest synthetic A4 at 300 dpi), "
              f"{args.docs} documents")
        # one page through the whole pipeline first: imports and first-call costs are paid
        # once per process, not per page, and are reported apart
        warm = tmp / "warm"
        warm.mkdir()
        images[0].crop((0, 0, 1200, 900)).save(warm / "w.tif", dpi=(300, 300))
        w_wall, w_cpu = ours(warm, 1, tmp / "warmdata")
        print(f"start-up (imports, first batch of one small page): {w_wall:.1f} s wall, "
              f"{w_cpu:.1f} s CPU, once per process")
        rows, rows_cpu = [], []
        for workers in (1, 2):
            out = tmp / f"base{workers}"
            out.mkdir()
            b, bcpu = measured(lambda: baseline(paths, workers, out))  # noqa: B023
            o, ocpu = ours(docs, workers, tmp / f"data{workers}")
            rows.append((workers, b, o))
            rows_cpu.append(ocpu)
            print(f"workers={workers}: tesseract CLI {b:.1f} s wall, {bcpu:.1f} s CPU = "
                  f"{total / (b / 60) / workers:.1f} pages/min/core (wall), "
                  f"{total / (bcpu / 60):.1f} (CPU); hemicycle digitise {o:.1f} s wall, "
                  f"{ocpu:.1f} s CPU = {total / (o / 60) / workers:.1f} pages/min/core (wall), "
                  f"{total / (ocpu / 60):.1f} (CPU); ratio ours/baseline wall {b / o:.3f}, "
                  f"CPU {bcpu / ocpu:.3f}", flush=True)
        (w1, b1, o1), (w2, b2, o2) = rows
        print(f"scaling 1 -> 2 workers: baseline x{b1 / b2:.2f}, ours x{o1 / o2:.2f}")
        rate = total / (cpu_rate_seconds := rows_cpu[-1]) * 60
        print(f"ours: {rate:.1f} pages per CPU-minute (all outputs), {cpu_rate_seconds:.1f} "
              f"CPU s for {total} pages")
        for cores in (2, 16, 64, 256, 1024):
            days = 13_000_000 / (rate * cores) / 60 / 24
            print(f"  13 million pages on {cores} cores: {days:,.1f} days")
        if args.ocrmypdf:
            out = tmp / "ocrmypdf"
            out.mkdir()
            seconds, cpu = measured(lambda: ocrmypdf_run(docs / "doc0.tif", out))
            one_doc = paths[:args.pages]
            b, bcpu = measured(lambda: baseline(one_doc, 1, tmp / "base1"))
            print(f"OCRmyPDF --output-type pdfa --jobs 1 on doc0 ({args.pages} pages): "
                  f"{seconds:.1f} s wall, {cpu:.1f} s CPU; tesseract CLI {b:.1f} s wall, "
                  f"{bcpu:.1f} s CPU; ratio OCRmyPDF/baseline wall {b / seconds:.3f}, "
                  f"CPU {bcpu / cpu:.3f}")


if __name__ == "__main__":
    main()
