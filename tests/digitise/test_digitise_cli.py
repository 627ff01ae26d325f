"""The commands: ``hemicycle digitise`` and ``hemicycle ocr-eval``."""

from __future__ import annotations

import json

from digitise_helpers import masthead, page_image, save_png
from typer.testing import CliRunner

from hemicycle.cli import app

runner = CliRunner()


def test_digitise_reports_drafts_and_failures_and_exits_non_zero_on_failure(settings, tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    save_png(page_image(masthead("A/70/30", "Marker NOVEMBER"))[0], scans / "good.png")
    (scans / "empty.tif").write_bytes(b"")
    result = runner.invoke(app, ["digitise", str(scans), "--lang", "en", "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [d["symbols"] for d in report["done"]] == [["A/70/30"]]
    assert report["pages"] == {"done": 1}
    assert report["failed"][0]["file"].endswith("empty.tif")
    assert report["failed"][0]["error"].startswith("empty-file:")
    assert "empty.tif" in result.stderr and "pages" in result.stderr
    # rerun: nothing to do, the same failure is still reported
    again = runner.invoke(app, ["digitise", str(scans), "--lang", "en", "--json"])
    assert again.exit_code == 1 and json.loads(again.stdout)["pages_run"] == 0


def test_digitise_rejects_bad_arguments(settings, tmp_path):
    missing = runner.invoke(app, ["digitise", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    bad_lang = runner.invoke(app, ["digitise", str(tmp_path), "--lang", "klingon"])
    assert bad_lang.exit_code == 1 and "unknown language 'klingon'" in bad_lang.stderr
    workers = runner.invoke(app, ["digitise", str(tmp_path), "--workers", "0"])
    assert workers.exit_code == 1 and "--workers" in workers.stderr
    batch = runner.invoke(app, ["digitise", str(tmp_path), "--batch", "../x"])
    assert batch.exit_code == 1 and "batch name '../x'" in batch.stderr


def test_ocr_eval_beats_the_embedded_ocr_layer_of_A_L_632(settings):
    result = runner.invoke(app, ["ocr-eval", "--synthetic", "0", "--json"])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    ours = next(r for r in rows if r["set"] == "real" and r["item"].startswith("1971-09-29_A_L"))
    layer = next(r for r in rows if r["set"] == "baseline")
    assert ours["cer"] < layer["cer"]
    assert ours["bow"] < layer["bow"]
    assert all(r["cer"] < 0.1 for r in rows if r["set"] == "real")


def test_ocr_eval_on_synthetic_pages(settings):
    result = runner.invoke(app, ["ocr-eval", "--no-real", "--synthetic", "1", "--lines", "3",
                                 "--lang", "ar", "--lang", "zh", "--json"])
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["language"] for r in rows] == ["ar", "zh"]
    assert all(r["set"] == "synthetic" and r["chars"] > 20 and r["cer"] < 0.1 for r in rows)
