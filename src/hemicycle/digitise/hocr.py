"""What Tesseract's hOCR says, read once: its words by line, its plain text, its confidence.

Tesseract writes only hOCR for a page; the plain text and the PDF text layer are
derived from it here. Asking Tesseract for its text and PDF renderers as well
costs it about 0.1 CPU second more per A4 page (measured), more than the derivation.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

# an hOCR element Tesseract writes, with its title (bbox, baseline, x_size, x_wconf)
_ELEMENT = re.compile(
    r"<(?:div|p|span) class='(ocr_page|ocr_carea|ocr_par|ocr_line|ocr_caption|ocr_header|"
    r"ocr_textfloat|ocrx_word)'[^>]*?title=(?:'([^']*)'|\"([^\"]*)\")[^>]*>(?:([^<]*)</span>)?"
)
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_XSIZE = re.compile(r"x_size ([\d.]+)")
_WCONF = re.compile(r"x_wconf (\d+)")
_CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u312f\u31a0-\u31bf\u3400-\u4dbf"
                  r"\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


# a paragraph number or list marker opening a line: 1. / 5.1 / 18A.128 / (a) / a)
_MARKER = re.compile(r"^(?:\d{1,3}[A-Z]?(?:\.\d{1,3})+\.?|\d{1,3}[A-Z]?\s?[.)]|\(\d{1,3}\)"
                     r"|\([a-z]{1,4}\)|[a-z]\))$")


def _join(words: list[Word]) -> str:
    """Words with a space between them, none next to a Chinese character (Chinese is set
    without spaces, "2015年"), except after the paragraph number or list marker that opens
    a line, where UN Chinese texts print one ("1. 通过议程", "(a) 关于")."""
    out = words[0].text
    for word in words[1:]:
        if not (_CJK.match(out[-1]) or _CJK.match(word.text[0])) or _MARKER.match(out):
            out += " "
        out += word.text
    return out


@dataclass
class Word:
    text: str
    bbox: tuple[int, int, int, int]
    confidence: int


@dataclass
class Line:
    bbox: tuple[int, int, int, int]
    slope: float  # baseline: y = bottom + offset + slope * (x - left), image pixels
    offset: float
    size: float  # x_size: the line's font height in pixels
    words: list[Word] = field(default_factory=list)


@dataclass
class Paragraph:
    lines: list[Line] = field(default_factory=list)


@dataclass
class HocrPage:
    width: int
    height: int
    paragraphs: list[Paragraph]

    @property
    def lines(self) -> list[Line]:
        return [line for par in self.paragraphs for line in par.lines]

    def text(self) -> str:
        """The page's text as Tesseract's text renderer writes it: a line per line, a blank
        line after each paragraph, words in logical order."""
        out = []
        for par in self.paragraphs:
            for line in par.lines:
                if line.words:
                    out.append(_join(line.words) + "\n")
            if any(line.words for line in par.lines):
                out.append("\n")
        return "".join(out)

    def confidence(self) -> tuple[float, int]:
        """Mean word confidence and the number of words."""
        values = [w.confidence for line in self.lines for w in line.words]
        if not values:
            return 0.0, 0
        return round(sum(values) / len(values), 1), len(values)


def _bbox(title: str) -> tuple[int, int, int, int]:
    _before, found, after = title.partition("bbox ")
    if found:
        parts = after.split(";", 1)[0].split()
        if len(parts) == 4:
            try:
                x0, y0, x1, y1 = map(int, parts)
                return x0, y0, x1, y1
            except ValueError:
                pass
    return 0, 0, 0, 0


def parse_hocr(hocr: str) -> HocrPage:
    """The words of a one-page hOCR from Tesseract, grouped by paragraph and line."""
    width = height = 0
    paragraphs: list[Paragraph] = []
    line: Line | None = None
    for kind, single, double, content in _ELEMENT.findall(hocr):
        title = single or double
        if kind == "ocrx_word":
            if line is None:
                line = Line(_bbox(title), 0.0, 0.0, 0.0)
                (paragraphs[-1] if paragraphs else _new(paragraphs)).lines.append(line)
            conf = _WCONF.search(title)
            text = html.unescape(content)
            if text.strip():
                line.words.append(Word(text, _bbox(title), int(conf.group(1)) if conf else 0))
        elif kind == "ocr_page":
            _x0, _y0, width, height = _bbox(title)
        elif kind in ("ocr_carea", "ocr_par"):
            if kind == "ocr_par" or not paragraphs or paragraphs[-1].lines:
                _new(paragraphs)
            line = None
        else:  # a line of some kind
            base = _BASELINE.search(title)
            size = _XSIZE.search(title)
            box = _bbox(title)
            line = Line(box, float(base.group(1)) if base else 0.0,
                        float(base.group(2)) if base else 0.0,
                        float(size.group(1)) if size else float(box[3] - box[1]))
            (paragraphs[-1] if paragraphs else _new(paragraphs)).lines.append(line)
    return HocrPage(width, height, [p for p in paragraphs if p.lines])


def _new(paragraphs: list[Paragraph]) -> Paragraph:
    paragraphs.append(Paragraph())
    return paragraphs[-1]


_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title></title>
  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>
  <meta name='ocr-system' content='{system}' />
  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf'/>
 </head>
 <body>
"""


def _box(box: tuple[int, int, int, int]) -> str:
    return "bbox {} {} {} {}".format(*box)


def _union(boxes: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def hocr_of(page: HocrPage, system: str) -> str:
    """A whole hOCR file for ``page`` in the shape Tesseract writes (one area per
    paragraph), for a page whose words were changed after Tesseract read it; lines left
    without words are not written."""
    out = [f"  <div class='ocr_page' id='page_1' title='{_box((0, 0, page.width, page.height))}"
           f"; ppageno 0'>\n"]
    number = {"block": 0, "line": 0, "word": 0}
    for paragraph in page.paragraphs:
        lines = [line for line in paragraph.lines if line.words]
        if not lines:
            continue
        number["block"] += 1
        area = _box(_union([line.bbox for line in lines]))
        out.append(f"   <div class='ocr_carea' id='block_1_{number['block']}' title=\"{area}\">\n"
                   f"    <p class='ocr_par' id='par_1_{number['block']}' title=\"{area}\">\n")
        for line in lines:
            number["line"] += 1
            out.append(f"     <span class='ocr_line' id='line_1_{number['line']}' title=\""
                       f"{_box(line.bbox)}; baseline {line.slope:g} {line.offset:g}; "
                       f"x_size {line.size:g}\">\n")
            for word in line.words:
                number["word"] += 1
                out.append(f"      <span class='ocrx_word' id='word_1_{number['word']}' "
                           f"title='{_box(word.bbox)}; x_wconf {word.confidence}'>"
                           f"{html.escape(word.text, quote=False)}</span>\n")
            out.append("     </span>\n")
        out.append("    </p>\n   </div>\n")
    out.append("  </div>\n")
    return hocr_document("".join(out), system)


def hocr_document(page: str, system: str) -> str:
    """A whole hOCR file around the one page the library returns, as Tesseract's own
    hOCR renderer writes it."""
    return _HEAD.format(system=html.escape(system, quote=True)) + page + " </body>\n</html>\n"
