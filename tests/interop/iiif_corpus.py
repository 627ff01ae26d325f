"""Documents with page images for the IIIF tests, made through the real ingest and digitise code.

* A/RES/2758 (XXVI): Russian = the real Official Records scan (1-bit CCITT PDF); English =
  the real printed crop of the same resolution, wrapped in a PDF; Arabic = UN Parallel
  Corpus sentences printed on a page by the digitisation code's page renderer, as a PDF.
* A/C.1/212: the real two-page 1947 colour photo-scan (PDF), English.
* A/74/TEXT: a plain-text document (no page images).
* S/1588 (the real SC res. 84 crop, PNG) through ``hemicycle digitise``: a draft whose
  original scan is the PNG.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import img2pdf
from PIL import Image

from hemicycle.config import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "digitise"
RU_PDF = DATA / "1971-10-25_GA_Resolution_2758_ru.pdf"
EN_PNG = DATA / "1971-10-25_UN_GA_Resolution_2758_en.png"
LETTER_PDF = DATA / "1947-10-08_Sixth_Commitee_Letter.pdf"
SC84_PNG = DATA / "1950-07-07_UN_SC_Resolution_84_1950_en.png"
UNPC_AR = DATA / "unpc" / "UNv1.0.testset.ar"
RESOLUTION = "A/RES/2758 (XXVI)"
LETTER = "A/C.1/212"
TEXT_ONLY = "A/74/100"


def _image_pdf(image: Image.Image, path: Path, dpi: int) -> Path:
    buf = io.BytesIO()
    image.convert("L").save(buf, format="PNG", dpi=(dpi, dpi))
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    path.write_bytes(img2pdf.convert(buf.getvalue(), layout_fun=layout))
    return path


def _arabic_page() -> Image.Image:
    from hemicycle.digitise.synthetic import Defects, render_page

    lines = [x for x in UNPC_AR.read_text(encoding="utf-8").splitlines() if x.strip()][:4]
    image, _ = render_page(lines, "ar", size=(1000, 700), seed=1,
                           defects=Defects(skew=0.0, blur=0.3, noise=4.0))
    return image


def write_manifest(folder: Path) -> Path:
    """A manifest folder (files + manifest.jsonl) for ``hemicycle ingest``."""
    files = folder / "files"
    files.mkdir(parents=True, exist_ok=True)
    shutil.copy(RU_PDF, files / "a_res_2758-ru.pdf")
    shutil.copy(LETTER_PDF, files / "a_c1_212-en.pdf")
    with Image.open(EN_PNG) as img:
        _image_pdf(img, files / "a_res_2758-en.pdf", 150)
    _image_pdf(_arabic_page(), files / "a_res_2758-ar.pdf", 300)
    (files / "a_74_text-en.txt").write_text("A plain text document.\n", encoding="utf-8")
    rows = [
        {"symbol": RESOLUTION, "language": "ar", "file": "files/a_res_2758-ar.pdf",
         "title": "إعادة الحقوق المشروعة لجمهورية الصين الشعبية", "date": "1971-10-25",
         "doc_type": "resolution", "distribution": "GEN"},
        {"symbol": RESOLUTION, "language": "en", "file": "files/a_res_2758-en.pdf",
         "title": "Restoration of the lawful rights of the People's Republic of China"},
        {"symbol": RESOLUTION, "language": "ru", "file": "files/a_res_2758-ru.pdf",
         "title": "Восстановление законных прав Китайской Народной Республики"},
        {"symbol": LETTER, "language": "en", "file": "files/a_c1_212-en.pdf",
         "title": "Letter", "date": "1947-10-11"},
        {"symbol": TEXT_ONLY, "language": "en", "file": "files/a_74_text-en.txt",
         "title": "Text only"},
    ]
    manifest = folder / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
    return folder


def ingest_corpus(settings: Settings, folder: Path) -> dict[str, str]:
    """Ingest the manifest folder; return symbol -> uid."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.queries import find_document
    from hemicycle.ingest.run import ingest_folder

    summary = ingest_folder(settings, write_manifest(folder))
    assert not summary.errors, summary.errors
    with session_scope(settings.database_url) as db:
        return {s: find_document(db, s).uid for s in (RESOLUTION, LETTER, TEXT_ONLY)}


def digitise_scan(settings: Settings, folder: Path) -> str:
    """Digitise the SC res. 84 crop; return the draft's uid."""
    from hemicycle.digitise.batch import run_batch
    from hemicycle.digitise.executors import LocalPool

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SC84_PNG, folder / SC84_PNG.name)
    report = run_batch(settings, folder, executor=LocalPool(1), languages=["en"],
                       batch="iiif-test")
    assert len(report.documents_done) == 1, report
    return report.documents_done[0]["uid"]


def set_status(settings: Settings, uid: str, status: str) -> None:
    """What a cataloguer's review (publish) or an administrator (withdraw) does."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.queries import document_by_uid

    with session_scope(settings.database_url) as db:
        document_by_uid(db, uid).status = status
