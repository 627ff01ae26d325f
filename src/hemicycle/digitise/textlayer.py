"""The invisible text layer of a PDF page, written from Tesseract's hOCR.

The same layer Tesseract's PDF renderer writes (its embedded glyph-less font,
text render mode 3, each word stretched over its box), laid straight onto the
page that carries the image: Tesseract does not have to write a PDF, and no
second PDF is opened and overlaid. Text stays in logical order, one space after
each word, so copying and ``pdftotext`` give the words as the plain text has them.
"""

from __future__ import annotations

import math
import os
import zlib
from functools import cache
from pathlib import Path

from hemicycle.digitise.hocr import HocrPage

FONT = "/f-hc-0"
_CMAP = b"""/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
1 beginbfrange
<0000> <FFFF> <0000>
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
"""


@cache
def _glyphless_font() -> bytes:
    """Tesseract's own glyph-less TrueType font (pdf.ttf in its tessdata folder)."""
    from hemicycle.digitise.engines import tessdata

    candidates = [Path(tessdata()) / "pdf.ttf"]
    if os.environ.get("TESSDATA_PREFIX"):
        candidates.insert(0, Path(os.environ["TESSDATA_PREFIX"]) / "pdf.ttf")
    for path in candidates:
        if path.is_file():
            return path.read_bytes()
    raise FileNotFoundError("pdf.ttf (Tesseract's glyph-less font) not found in tessdata")


@cache
def _cid_to_gid() -> bytes:
    # every character code is drawn with glyph 1, the font's one (empty) glyph
    return zlib.compress(b"\x00\x01" * 65536)


def _font(pdf):
    import pikepdf

    Name, Dict, Array = pikepdf.Name, pikepdf.Dictionary, pikepdf.Array
    font_file = pikepdf.Stream(pdf, _glyphless_font())
    font_file.Length1 = len(_glyphless_font())
    cid_map = pikepdf.Stream(pdf, _cid_to_gid())
    cid_map.Filter = Name.FlateDecode
    descriptor = pdf.make_indirect(Dict(
        Type=Name.FontDescriptor, FontName=Name.GlyphLessFont, Flags=5,
        FontBBox=Array([0, 0, 500, 1000]), ItalicAngle=0, Ascent=1000, Descent=-1,
        CapHeight=1000, StemV=80, FontFile2=font_file))
    cid_font = pdf.make_indirect(Dict(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name.GlyphLessFont,
        CIDSystemInfo=Dict(Registry=pikepdf.String("Adobe"),
                           Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=descriptor, DW=500, CIDToGIDMap=cid_map))
    return pdf.make_indirect(Dict(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name.GlyphLessFont,
        Encoding=Name("/Identity-H"), DescendantFonts=Array([cid_font]),
        ToUnicode=pikepdf.Stream(pdf, _CMAP)))


def text_operators(hocr: HocrPage, width: float, height: float) -> bytes:
    """PDF content drawing the page's words invisibly on a ``width`` x ``height`` pt page."""
    if not hocr.width or not hocr.height:
        return b""
    sx, sy = width / hocr.width, height / hocr.height
    ops = ["BT 3 Tr"]
    for line in hocr.lines:
        if not line.words:
            continue
        size = max(1.0, line.size * sy)
        angle = math.atan(line.slope)
        cos, sin = math.cos(angle), -math.sin(angle)
        ops.append(f"{FONT} {size:.2f} Tf")
        left, bottom = line.bbox[0], line.bbox[3]
        for word in line.words:
            x0, _y0, x1, _y1 = word.bbox
            base = bottom + line.offset + line.slope * (x0 - left)
            text = word.text + " "
            units = len(text.encode("utf-16-be")) // 2
            # each glyph is 500/1000 em wide: stretch the word (space excluded) over its box
            stretch = 100 * (x1 - x0) * sx / max(0.5 * size * (units - 1), 0.01)
            ops.append(f"{stretch:.2f} Tz {cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} "
                       f"{x0 * sx:.2f} {height - base * sy:.2f} Tm "
                       f"<{text.encode('utf-16-be').hex()}> Tj")
    ops.append("ET")
    return "\n".join(ops).encode("ascii")


def add_text_layer(pdf, page, hocr: HocrPage) -> None:
    """Lay ``hocr``'s words invisibly over ``page`` (a pikepdf page of ``pdf``)."""
    import pikepdf

    box = [float(v) for v in page.mediabox]
    content = text_operators(hocr, box[2] - box[0], box[3] - box[1])
    if not content:
        return
    resources = page.obj.get("/Resources")
    if resources is None:
        page.obj.Resources = resources = pikepdf.Dictionary()
    if "/Font" not in resources:
        resources.Font = pikepdf.Dictionary()
    resources.Font[FONT] = _font(pdf)
    page.contents_add(pikepdf.Stream(pdf, b"q\n" + content + b"\nQ"), prepend=False)
