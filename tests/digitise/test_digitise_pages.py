"""One page through real Tesseract: outputs, script defects, orientation, bad input."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from digitise_helpers import DATA, page_image, save_pdf, save_png, save_tiff, unpc
from PIL import Image

from hemicycle.digitise.evaluate import cer, plain_tesseract
from hemicycle.digitise.pages import PageTask, process_page, run_page
from hemicycle.digitise.sources import MAX_PIXELS, inspect_scan


def _run(path: Path, out: Path, languages=("en",), fmt="png", index=0) -> dict:
    return process_page(PageTask(source=str(path), format=fmt, index=index, out_dir=str(out),
                                 languages=tuple(languages) if languages else None))


def test_a_page_gets_text_hocr_pdf_and_a_confidence(tmp_path):
    image, truth = page_image(unpc("en", 0, 3))
    summary = _run(save_png(image, tmp_path / "p.png"), tmp_path / "out")
    out = tmp_path / "out"
    text = (out / "page-0001.txt").read_text(encoding="utf-8")
    assert cer(text, truth, "en") < 0.03
    hocr = (out / "page-0001.hocr").read_text(encoding="utf-8")
    assert "ocr_page" in hocr and "x_wconf" in hocr
    assert 60 < summary["confidence"] <= 100 and summary["words"] > 10
    assert json.loads((out / "page-0001.json").read_text())["confidence"] == summary["confidence"]
    # the PDF page carries the scan and an invisible, extractable text layer
    with pikepdf.open(out / "page-0001.pdf") as pdf:
        assert len(pdf.pages) == 1 and pdf.pages[0].get_images()
    layer = subprocess.run(["pdftotext", str(out / "page-0001.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert cer(layer, truth, "en") < 0.05
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no leftovers


def test_arabic_comes_out_in_logical_order(tmp_path):
    image, truth = page_image(unpc("ar", 1, 2), "ar")
    _run(save_png(image, tmp_path / "ar.png"), tmp_path / "out", ["ar"])
    text = (tmp_path / "out" / "page-0001.txt").read_text(encoding="utf-8")
    assert cer(text, truth, "ar") < 0.1
    # written backwards, the same text would be far off
    assert cer("\n".join(line[::-1] for line in text.splitlines()), truth, "ar") > 0.5
    assert text.split()[:3] == truth.split()[:3]  # the first words first, each the right way


def test_chinese_comes_out_without_spaces_between_characters(tmp_path):
    image, truth = page_image(unpc("zh", 1, 2), "zh")
    _run(save_png(image, tmp_path / "zh.png"), tmp_path / "out", ["zh"])
    text = (tmp_path / "out" / "page-0001.txt").read_text(encoding="utf-8")
    assert cer(text, truth, "zh") < 0.1
    assert not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text)
    assert re.search(r"[\u4e00-\u9fff]{4}", text)


def test_skewed_page_is_straightened_and_sideways_page_turned(tmp_path):
    image, truth = page_image(unpc("en", 3, 3), skew=2.0, seed=1)
    summary = _run(save_png(image, tmp_path / "skew.png"), tmp_path / "a")
    assert abs(abs(summary["skew"]) - 2.0) <= 0.3
    assert cer((tmp_path / "a" / "page-0001.txt").read_text(), truth, "en") < 0.05
    upright, truth = page_image(unpc("en", 6, 3))
    sideways = upright.rotate(90, expand=True)  # lying on its side, turned to the left
    summary = _run(save_png(sideways, tmp_path / "side.png"), tmp_path / "b")
    assert summary["rotated"] == 90  # turned back 90 degrees clockwise
    assert cer((tmp_path / "b" / "page-0001.txt").read_text(), truth, "en") < 0.05


@pytest.mark.parametrize("language", ["ru", "fr", "es"])
def test_unknown_language_is_detected_from_script_then_words(tmp_path, language):
    image, truth = page_image(unpc(language, 0, 4), language)
    summary = _run(save_png(image, tmp_path / "x.png"), tmp_path / "out", languages=None)
    assert summary["language"] == language
    assert cer((tmp_path / "out" / "page-0001.txt").read_text(), truth, language) < 0.05


def test_a_script_outside_the_six_languages_fails_the_page_with_its_reason(tmp_path):
    greek = ["Η Γενική Συνέλευση των Ηνωμένων Εθνών αποφασίζει να συγκαλέσει",
             "διεθνή διάσκεψη για την ειρήνη και την ασφάλεια στην περιοχή της",
             "Μεσογείου και καλεί όλα τα κράτη μέλη να συμμετάσχουν ενεργά."] * 3
    image, _ = page_image(greek, "en")
    out = tmp_path / "out"
    result = run_page(PageTask(str(save_png(image, tmp_path / "el.png")), "png", 0, str(out)))
    assert result["ok"] is False and result["error"] == "unknown-language"
    assert "el.png page 1" in result["message"]
    assert not list(out.glob("page-*"))  # nothing half-written


def test_multipage_tiff_and_image_only_pdf_pages(tmp_path):
    pages = [page_image(unpc("en", i * 3, 2), seed=i) for i in range(2)]
    tiff = save_tiff([p[0] for p in pages], tmp_path / "two.tif")
    pdf = save_pdf([p[0] for p in pages], tmp_path / "two.pdf")
    assert inspect_scan(tiff).pages == 2 and inspect_scan(pdf).pages == 2
    for path, fmt in ((tiff, "tiff"), (pdf, "pdf")):
        _run(path, tmp_path / fmt, fmt=fmt, index=1)
        text = (tmp_path / fmt / "page-0002.txt").read_text(encoding="utf-8")
        assert cer(text, pages[1][1], "en") < 0.05


def test_low_resolution_scan_is_read_and_its_pdf_page_keeps_its_size(tmp_path):
    scan = DATA / "1992-09-19_UN_SC_Resolution_777_1992_en.png"  # 743 x 524 at 88 dpi
    summary = _run(scan, tmp_path / "out")
    truth = (DATA / "1992-09-19_UN_SC_Resolution_777_1992_en.gt.txt").read_text()
    assert summary["dpi"] > 200
    assert cer((tmp_path / "out" / "page-0001.txt").read_text(), truth, "en") < 0.08
    with pikepdf.open(tmp_path / "out" / "page-0001.pdf") as pdf:
        width = float(pdf.pages[0].mediabox[2])
    assert width == pytest.approx(743 / 88.011 * 72, rel=0.01)


@pytest.mark.parametrize("scan", ["1992-09-19_UN_SC_Resolution_777_1992_en.png",
                                  "1950-07-07_UN_SC_Resolution_84_1950_en.png",
                                  "1971-09-29_A_L.632-EN.pdf"])
def test_real_scans_read_no_worse_than_plain_tesseract(tmp_path, scan):
    path = DATA / scan
    truth = path.with_suffix(".gt.txt").name
    summary = _run(path, tmp_path / "out", fmt=path.suffix.lstrip("."))
    text = (tmp_path / "out" / "page-0001.txt").read_text(encoding="utf-8")
    expected = (DATA / truth).read_text(encoding="utf-8")
    plain = plain_tesseract(path, "en", tmp_path / "plain")
    assert cer(text, expected, "en") <= cer(plain, expected, "en")
    if "777" in scan:
        # the underlined adoption line came out as "A h i il ati 16th m" / "19 § er 1"
        assert "Adopted by the Security Council at its 3116th meeting\non 19 September 1992" \
            in text
        assert summary["lines_reread"] == 2 and "A h i" not in text
        hocr = (tmp_path / "out" / "page-0001.hocr").read_text(encoding="utf-8")
        assert ">3116th</span>" in hocr and ">ati</span>" not in hocr
    if "A_L" in scan:
        assert summary["lines_left_out"] >= 1  # a stamp's fragments ("ee"), not words


def test_chinese_keeps_the_space_after_a_paragraph_number(tmp_path):
    lines = ["(a) 关于安全理事会第2207(2015)号决议的执行情况；", "1. 通过议程。",
             *unpc("zh", 3, 2)]
    image, truth = page_image(lines, "zh")
    _run(save_png(image, tmp_path / "zh.png"), tmp_path / "out", ["zh"])
    text = (tmp_path / "out" / "page-0001.txt").read_text(encoding="utf-8")
    assert re.search(r"^\(\w{1,2}\) 关于", text, re.M) and "1. 通过议程" in text
    assert "2015)号" in text and not re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text)
    plain = plain_tesseract(tmp_path / "zh.png", "zh", tmp_path / "plain")
    assert cer(text, truth, "zh") <= cer(plain, truth, "zh")


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    image, _ = page_image(["A few words"])
    good = save_png(image, tmp_path / "good.png").read_bytes()
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(good[: len(good) // 3])
    garbage = tmp_path / "garbage.tif"
    garbage.write_bytes(b"II*\x00" + b"\x13" * 200)
    bomb = tmp_path / "bomb.png"
    side = int(MAX_PIXELS ** 0.5) + 100
    Image.new("1", (side, side), 1).save(bomb)  # tiny file, huge when decoded
    locked = tmp_path / "locked.pdf"
    save_pdf([image], tmp_path / "open.pdf")
    with pikepdf.open(tmp_path / "open.pdf") as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="secret"))
    other = tmp_path / "notes.docx"
    other.write_bytes(b"PK\x03\x04")
    return {"empty-file": empty, "corrupt-image": truncated, "decompression-bomb": bomb,
            "password-protected": locked, "unsupported-format": other, "garbage": garbage}


def test_bad_scans_fail_with_their_reason(tmp_path):
    from hemicycle.digitise.errors import DigitiseError

    for expected, path in _bad_inputs(tmp_path).items():
        with pytest.raises(DigitiseError) as info:
            scan = inspect_scan(path)
            _run(path, tmp_path / "out", fmt=scan.format)
        code = "corrupt-image" if expected == "garbage" else expected
        assert info.value.code == code, (path, info.value)
        assert path.name in str(info.value)
    assert not list((tmp_path / "out").glob("page-*")) if (tmp_path / "out").exists() else True


def test_language_of_a_real_low_resolution_scan_is_detected(tmp_path):
    # OSD alone calls this small 1971 print crop Cyrillic; the better read must win
    scan = DATA / "1971-10-25_UN_GA_Resolution_2758_en.png"
    summary = _run(scan, tmp_path / "out", languages=None)
    assert summary["language"] == "en" and summary["confidence"] > 80
    text = (tmp_path / "out" / "page-0001.txt").read_text(encoding="utf-8")
    assert "Restoration of the lawful rights" in text


def test_a_jpeg_scan_goes_into_the_pdf_page_untouched(tmp_path):
    image, truth = page_image(unpc("es", 2, 3), "es")
    path = tmp_path / "scan.jpg"
    image.save(path, format="JPEG", quality=90, dpi=(300, 300))
    summary = _run(path, tmp_path / "out", ["es"], fmt="jpeg")
    assert summary["skew"] == 0 or abs(summary["skew"]) < 0.5
    assert cer((tmp_path / "out" / "page-0001.txt").read_text(), truth, "es") < 0.05
    with pikepdf.open(tmp_path / "out" / "page-0001.pdf") as pdf:
        [raw] = [img for img in pdf.pages[0].get_images().values()]
        assert raw.Filter == pikepdf.Name.DCTDecode
        assert raw.read_raw_bytes() == path.read_bytes()


def test_a_16_bit_grey_scan_is_read(tmp_path):
    import numpy as np

    image, truth = page_image(unpc("ru", 2, 2), "ru")
    deep = Image.fromarray(np.asarray(image, dtype=np.uint16) * 257)
    path = tmp_path / "deep.png"
    deep.save(path)
    assert Image.open(path).mode.startswith("I")
    _run(path, tmp_path / "out", ["ru"])
    assert cer((tmp_path / "out" / "page-0001.txt").read_text(), truth, "ru") < 0.05
