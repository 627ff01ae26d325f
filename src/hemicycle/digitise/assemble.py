"""A document's outputs from its pages: one PDF/A, one text, one hOCR.

The PDF pages already carry their images and invisible text (from the page
tasks); here they are concatenated with pikepdf and saved as PDF/A-2b through
``pikepdf.pdfa.save`` (the pikepdf path OCRmyPDF itself takes for "speculative"
PDF/A conversion): it adds the sRGB output intent and the XMP declaration, then
re-reads and validates the file it wrote. No Ghostscript pass, so the cost is a
few tens of milliseconds per document instead of seconds per page.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from hemicycle.digitise.errors import DigitiseError
from hemicycle.digitise.pages import output_paths

_BODY = re.compile(r"<body>(.*)</body>", re.S)
_IDS = re.compile(r"(id=['\"][a-z]+)_1(?=[_'\"])")


@dataclass(frozen=True)
class DocumentOutputs:
    pdfa: Path
    text: Path
    hocr: Path
    pages: list[dict]  # the page summaries, in order

    @property
    def text_content(self) -> str:
        return self.text.read_text(encoding="utf-8")


def _page_hocr_body(hocr: str, number: int) -> str:
    match = _BODY.search(hocr)
    body = match.group(1) if match else ""
    body = _IDS.sub(lambda m: f"{m.group(1)}_{number}", body)
    return body.replace("ppageno 0", f"ppageno {number - 1}")


def merge_hocr(pages: list[str]) -> str:
    """One hOCR document with every page's ``ocr_page``, ids numbered by page."""
    if not pages:
        return ""
    head = pages[0].split("<body>", 1)[0]
    bodies = "".join(_page_hocr_body(h, i) for i, h in enumerate(pages, start=1))
    return f"{head}<body>{bodies}</body>\n</html>\n"


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def assemble_document(page_dir: Path, page_count: int, out_dir: Path, stem: str,
                      title: str | None = None, language: str | None = None) -> DocumentOutputs:
    """Join pages 1..``page_count`` in ``page_dir`` into the document's three outputs."""
    import pikepdf
    from pikepdf.pdfa import PdfaError
    from pikepdf.pdfa import save as save_pdfa

    out_dir.mkdir(parents=True, exist_ok=True)
    summaries, texts, hocrs = [], [], []
    pdf = pikepdf.new()
    opened = []
    try:
        for index in range(page_count):
            paths = output_paths(page_dir, index)
            summaries.append(json.loads(paths["json"].read_text(encoding="utf-8")))
            texts.append(paths["txt"].read_text(encoding="utf-8").rstrip("\n"))
            hocrs.append(paths["hocr"].read_text(encoding="utf-8"))
            src = pikepdf.open(paths["pdf"])
            opened.append(src)
            pdf.pages.extend(src.pages)
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            if title:
                meta["dc:title"] = title
            if language:
                meta["dc:language"] = [language]
            meta["xmp:CreatorTool"] = "Hemicycle digitise (Tesseract)"
        pdfa = out_dir / f"{stem}.pdfa.pdf"
        try:
            save_pdfa(pdf, pdfa, "2b", output_intent="sRGB")
        except PdfaError as exc:
            raise DigitiseError("pdfa-failed", f"{stem}: {str(exc).splitlines()[0]}") from None
    finally:
        for src in opened:
            src.close()
        pdf.close()
    text = out_dir / f"{stem}.txt"
    _atomic_text(text, "\n\f\n".join(texts) + "\n")  # form feed between pages, as pdftotext
    hocr = out_dir / f"{stem}.hocr"
    _atomic_text(hocr, merge_hocr(hocrs))
    return DocumentOutputs(pdfa=pdfa, text=text, hocr=hocr, pages=summaries)
