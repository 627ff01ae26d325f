"""Text, confidence and the PDF text layer derived from Tesseract's hOCR."""

from __future__ import annotations

import os
import re
import subprocess

import pikepdf
import pytest
from digitise_helpers import DATA

from hemicycle.digitise.hocr import hocr_of, parse_hocr
from hemicycle.digitise.textlayer import add_text_layer

HOCR = """<body>
  <div class='ocr_page' id='page_1' title='image "x.bmp"; bbox 0 0 1200 600; ppageno 0'>
   <div class='ocr_carea' id='block_1_1' title="bbox 100 100 900 300">
    <p class='ocr_par' id='par_1_1' lang='eng' title="bbox 100 100 900 160">
     <span class='ocr_line' id='line_1_1' title="bbox 100 100 900 160; baseline 0 -10; x_size 50">
   <span class='ocrx_word' id='word_1_1' title='bbox 100 105 400 150; x_wconf 90'>Security</span>
   <span class='ocrx_word' id='word_1_2' title='bbox 450 105 900 150; x_wconf 70'>A&amp;B&lt;</span>
     </span>
    </p>
    <p class='ocr_par' id='par_1_2' lang='chi_sim' title="bbox 100 200 900 300">
     <span class='ocr_line' id='line_1_2' title="bbox 100 200 900 260; baseline 0 -5; x_size 50">
   <span class='ocrx_word' id='word_1_3' title='bbox 100 205 300 255; x_wconf 80'>安全</span>
   <span class='ocrx_word' id='word_1_4' title='bbox 300 205 500 255; x_wconf 80'>理事会</span>
   <span class='ocrx_word' id='word_1_5' title='bbox 520 205 700 255; x_wconf 80'>2015</span>
     </span>
    </p>
   </div>
  </div>
 </body>"""


def test_text_and_confidence_come_from_the_words_in_their_lines_and_paragraphs():
    page = parse_hocr(HOCR)
    assert (page.width, page.height) == (1200, 600)
    assert page.text() == "Security A&B<\n\n安全理事会2015\n\n"
    assert page.confidence() == (80.0, 5)
    assert parse_hocr("<body></body>").confidence() == (0.0, 0)


def test_a_changed_page_is_written_back_as_hocr_of_the_same_shape():
    page = parse_hocr(HOCR)
    page.paragraphs[0].lines[0].words.pop()  # a word left out
    again = parse_hocr(hocr_of(page, "tesseract 5"))
    assert again.text() == "Security\n\n安全理事会2015\n\n"
    assert [w.bbox for ln in again.lines for w in ln.words] == \
        [w.bbox for ln in page.lines for w in ln.words]
    assert again.lines[0].size == 50 and again.lines[1].offset == -5
    assert "name='ocr-system' content='tesseract 5'" in hocr_of(page, "tesseract 5")


def test_a_paragraph_number_keeps_its_space_before_chinese():
    words = ("(a)", "关于", "2015", "年")
    line = "".join(f"<span class='ocrx_word' id='w{i}' title='bbox {i * 60} 0 {i * 60 + 50} 50; "
                   f"x_wconf 90'>{w}</span>" for i, w in enumerate(words))
    hocr = (f"<div class='ocr_page' id='page_1' title='bbox 0 0 600 60'><span class='ocr_line' "
            f"id='line_1' title='bbox 0 0 600 50; x_size 40'>{line}</span></div>")
    assert parse_hocr(hocr).text() == "(a) 关于2015年\n\n"


def test_text_from_hocr_is_what_tesseracts_text_renderer_writes(tmp_path):
    scan = DATA / "1950-07-07_UN_SC_Resolution_84_1950_en.png"
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    subprocess.run(["tesseract", str(scan), str(tmp_path / "out"), "-l", "eng", "hocr", "txt"],
                   env=env, capture_output=True, check=True)
    page = parse_hocr((tmp_path / "out.hocr").read_text(encoding="utf-8"))
    assert page.text() == (tmp_path / "out.txt").read_text(encoding="utf-8")
    assert page.confidence()[1] > 50


def test_text_layer_puts_each_word_over_its_box_invisibly(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(288, 144))  # 1200 x 600 px at 300 dpi
    add_text_layer(pdf, pdf.pages[0], parse_hocr(HOCR))
    pdf.save(tmp_path / "layer.pdf")
    out = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "layer.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    words = {w: (float(x0), float(x1)) for x0, x1, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)</word>',
        out)}
    assert words["Security"][0] == near(100 * 0.24)
    assert words["Security"][1] == near(400 * 0.24)
    assert words["A&amp;B&lt;"][0] == near(450 * 0.24)
    assert "安全" in "".join(words) and "2015" in words
    content = b"".join(c.read_bytes() for c in pdf.pages[0].Contents)
    assert b"3 Tr" in content  # rendering mode 3: drawn invisibly over the scan


def near(value: float):
    return pytest.approx(value, abs=3)  # points: a word's box within a character's width
