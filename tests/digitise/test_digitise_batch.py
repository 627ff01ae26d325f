"""Batches: drafts in the catalogue with their files, isolation of bad scans, resuming."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
from digitise_helpers import masthead, page_image, save_pdf, save_png, save_tiff, unpc
from sqlalchemy import func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, Job
from hemicycle.digitise import jobs
from hemicycle.digitise.batch import run_batch
from hemicycle.digitise.executors import DaskCluster, LocalPool
from hemicycle.storage import open_location


def _doc_pages(symbol: str, marker: str, count: int, seed: int = 0):
    """Page 1 with a masthead, later pages with running text; each with a unique marker."""
    pages = [page_image(masthead(symbol, f"{marker} page 1"), seed=seed)[0]]
    for n in range(2, count + 1):
        pages.append(page_image([f"{marker} page {n}", *unpc("en", n * 2, 2)], seed=seed + n)[0])
    return pages


def _drafts(settings) -> list[Document]:
    with session_scope(settings.database_url) as db:
        docs = db.scalars(select(Document).order_by(Document.symbol)).all()
        for d in docs:
            _ = d.files, d.versions, d.symbols
        return docs


def test_batch_catalogues_drafts_with_files_and_extracted_fields(catalogue_settings, tmp_path):
    settings = catalogue_settings
    scans = tmp_path / "scans"
    scans.mkdir()
    save_tiff(_doc_pages("S/2015/305", "ALPHA", 2), scans / "two-pages.tif")
    save_png(_doc_pages("A/70/1", "BRAVO", 1)[0], scans / "one.png")
    save_pdf(_doc_pages("E/2015/L.12", "CHARLIE", 2, seed=5), scans / "scanned.pdf")
    report = run_batch(settings, scans, executor=LocalPool(1), languages=["en"])
    assert not report.documents_failed and len(report.documents_done) == 3
    docs = {d.symbol: d for d in _drafts(settings)}
    assert set(docs) == {"S/2015/305", "A/70/1", "E/2015/L.12"}
    for symbol, doc in docs.items():
        assert doc.status == "draft" and doc.source == "digitise"
        extraction = doc.extra["extraction"]
        assert extraction["symbols"]["value"] == [symbol]
        assert extraction["date"]["value"] == "2015-05-12"
        assert doc.publication_date.isoformat() == "2015-05-12"
        assert doc.distribution == "GEN" and extraction["distribution"]["confidence"] > 0.5
        assert extraction["title"]["value"].startswith("REPORT OF THE SECRETARY-GENERAL")
        assert all(0 <= f["confidence"] <= 1 for f in extraction.values())
        ocr = doc.extra["ocr"]
        assert [p["page"] for p in ocr["pages"]] == list(range(1, len(ocr["pages"]) + 1))
        assert all(p["confidence"] > 50 for p in ocr["pages"]) and ocr["review"] is True
        formats = {f.format: f for f in doc.files}
        assert set(formats) >= {"pdfa", "txt", "hocr"} and len(formats) == 4
        version = doc.version("en")
        assert version.text_source == "ocr" and version.title
        pdfa = open_location(settings, formats["pdfa"].location)
        with pikepdf.open(pdfa) as pdf:
            assert len(pdf.pages) == len(ocr["pages"])
            meta = pdf.open_metadata()
            assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
            assert "/OutputIntents" in pdf.Root
        hocr = open_location(settings, formats["hocr"].location).read_text()
        assert hocr.count("class='ocr_page'") == len(ocr["pages"])
    original = next(f for f in docs["S/2015/305"].files if f.format == "tiff")
    assert open_location(settings, original.location).read_bytes() == \
        (scans / "two-pages.tif").read_bytes()  # the scan itself is kept, unchanged
    text = docs["E/2015/L.12"].version("en").text
    assert text.count("CHARLIE page 1") == 1 and text.count("CHARLIE page 2") == 1
    # a rerun finds everything done and changes nothing
    again = run_batch(settings, scans, executor=LocalPool(1), languages=["en"])
    assert again.pages_run == 0 and not again.documents_done and not again.documents_failed
    assert len(_drafts(settings)) == 3


def test_bad_scans_fail_alone_and_store_nothing(settings, tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    save_png(_doc_pages("A/70/2", "GOOD", 1)[0], scans / "good.png")
    (scans / "empty.png").write_bytes(b"")
    (scans / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    # a two-page TIFF whose second page is in a language the archive does not hold
    greek = page_image(["Η Γενική Συνέλευση των Ηνωμένων Εθνών αποφασίζει",
                        "να συγκαλέσει διεθνή διάσκεψη για την ειρήνη"] * 3)[0]
    save_tiff([_doc_pages("A/70/3", "HALF", 1)[0], greek], scans / "half.tif")
    report = run_batch(settings, scans, executor=LocalPool(1), languages=None)
    assert [d["file"].rsplit("/", 1)[1] for d in report.documents_done] == ["good.png"]
    failed = {Path(j.payload["path"]).name: j.error
              for j in jobs.document_jobs(settings, report.batch, state="failed")}
    assert set(failed) == {"empty.png", "broken.jpg", "half.tif"}
    assert failed["empty.png"].startswith("empty-file:")
    assert failed["broken.jpg"].startswith("corrupt-image:")
    assert "page 2: unknown-language:" in failed["half.tif"]
    assert [d.symbol for d in _drafts(settings)] == ["A/70/2"]  # nothing of half.tif stored
    stored = list((settings.data_dir).rglob("*.tif"))
    assert not [p for p in stored if p.read_bytes() == (scans / "half.tif").read_bytes()]


def test_a_batch_killed_with_sigkill_resumes_without_losing_or_repeating_pages(settings,
                                                                             tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    markers = {}
    for n, word in enumerate(("KILO", "LIMA", "MIKE")):
        marker = f"Marker {word}"
        markers[f"A/70/{10 + n}"] = marker
        save_tiff(_doc_pages(f"A/70/{10 + n}", marker, 2, seed=n * 7), scans / f"doc{n}.tif")
    env = {**os.environ, "HEMICYCLE_DATA": str(settings.data_dir)}
    command = [str(Path(sys.executable).parent / "hemicycle"), "digitise", str(scans),
               "--lang", "en", "--workers", "2"]
    proc = subprocess.Popen(command, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and done < 2:
        time.sleep(0.2)
        assert proc.poll() is None, proc.stderr.read().decode()
        try:
            with session_scope(settings.database_url) as db:
                done = db.scalar(select(func.count()).select_from(Job).where(
                    Job.kind == jobs.PAGE, Job.state == "done")) or 0
        except Exception:  # the schema may not exist yet
            done = 0
    os.killpg(proc.pid, signal.SIGKILL)  # the runner and its workers, mid-batch
    proc.wait()
    assert 2 <= done < 6, "the kill must land in the middle of the batch"
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    with session_scope(settings.database_url) as db:
        pages = db.scalars(select(Job).where(Job.kind == jobs.PAGE)).all()
        assert len(pages) == 6 and all(p.state == "done" for p in pages)
        # each page finished once: a page in flight at the kill is run again, never counted twice
        assert all(p.attempts == 1 for p in pages)
    docs = {d.symbol: d for d in _drafts(settings)}
    assert set(docs) == set(markers)
    for symbol, marker in markers.items():
        text = docs[symbol].version("en").text
        assert text.count(f"{marker} page 1") == 1 and text.count(f"{marker} page 2") == 1


def test_the_same_page_tasks_run_on_a_dask_cluster_of_two_workers(settings, tmp_path):
    from distributed import LocalCluster

    scans = tmp_path / "scans"
    scans.mkdir()
    save_tiff(_doc_pages("A/70/20", "DELTA", 2), scans / "d.tif")
    save_png(_doc_pages("A/70/21", "ECHO", 1)[0], scans / "e.png")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        executor = DaskCluster(cluster.scheduler_address)
        report = run_batch(settings, scans, executor=executor, languages=["en"])
    assert report.pages_run == 3 and not report.documents_failed
    docs = {d.symbol: d for d in _drafts(settings)}
    assert set(docs) == {"A/70/20", "A/70/21"}
    assert docs["A/70/20"].version("en").text.count("DELTA page 2") == 1


def test_unreachable_cluster_is_a_clear_error(settings, tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    save_png(_doc_pages("A/70/22", "FOXTROT", 1)[0], scans / "f.png")
    with pytest.raises(OSError):
        run_batch(settings, scans, executor=DaskCluster("tcp://127.0.0.1:9", timeout="2s"),
                  languages=["en"])
    # the page is still pending, ready for the next run
    assert jobs.batch_counts(settings, jobs_batch(scans)).pages == {"pending": 1}


def jobs_batch(scans: Path) -> str:
    from hemicycle.digitise.batch import batch_name

    return batch_name(scans)


def test_a_scan_without_a_symbol_becomes_a_draft_under_a_local_identifier(settings, tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    save_png(page_image(unpc("fr", 5, 3), "fr")[0], scans / "lettre.png")
    report = run_batch(settings, scans, executor=LocalPool(1), languages=None)
    assert not report.documents_failed
    [doc] = _drafts(settings)
    assert doc.symbol.startswith("scan-") and doc.status == "draft"
    assert "symbols" not in doc.extra["extraction"]
    assert doc.extra["extraction"]["language"]["value"] == "fr"
    assert doc.version("fr").text_source == "ocr"


def test_drafts_arrive_with_subject_suggestions(settings, tmp_path):
    from hemicycle.subjects.models import SubjectSuggestion
    from hemicycle.thesaurus.store import load_vocabulary

    vocab = tmp_path / "mini.ttl"
    vocab.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix t: <http://metadata.un.org/thesaurus/> .\n"
        "t:00 a skos:ConceptScheme .\n"
        "t:1000009 a skos:Concept ; skos:inScheme t:00 ; skos:prefLabel \"SECRETARY-GENERAL\"@en,"
        " \"SECRÉTAIRE GÉNÉRAL\"@fr, \"SECRETARIO GENERAL\"@es, \"ГЕНЕРАЛЬНЫЙ СЕКРЕТАРЬ\"@ru,"
        " \"الأمين العام\"@ar, \"秘书长\"@zh .\n", encoding="utf-8")
    load_vocabulary(settings, "unbis", [vocab])
    scans = tmp_path / "scans"
    scans.mkdir()
    save_png(_doc_pages("A/70/1", "BRAVO", 1)[0], scans / "one.png")
    report = run_batch(settings, scans, executor=LocalPool(1), languages=["en"])
    assert len(report.documents_done) == 1
    with session_scope(settings.database_url) as db:
        suggested = db.scalars(select(SubjectSuggestion.concept)).all()
    assert "http://metadata.un.org/thesaurus/1000009" in suggested


def test_real_resolution_scans_get_their_symbol_and_their_draft(catalogue_settings, tmp_path):
    """SC 777 prints "RESOLUTION 777 (1992)"; the 1950 volume prints "84 (1950). Resolution
    of 7 July 1950" over "[S/1588]", the draft it was adopted from."""
    import shutil

    from digitise_helpers import DATA

    scans = tmp_path / "scans"
    scans.mkdir()
    for name in ("1950-07-07_UN_SC_Resolution_84_1950_en.png",
                 "1992-09-19_UN_SC_Resolution_777_1992_en.png"):
        shutil.copy(DATA / name, scans / name)
    report = run_batch(catalogue_settings, scans, executor=LocalPool(1), languages=["en"])
    assert not report.documents_failed
    with session_scope(catalogue_settings.database_url) as db:
        docs = {d.symbol: d for d in db.scalars(select(Document))}
        assert set(docs) == {"S/RES/84 (1950)", "S/RES/777 (1992)"}
        assert [(r.symbol, r.role) for r in docs["S/RES/84 (1950)"].related] == \
            [("S/1588", "draft")]
        # no draft printed on the 777 crop; the meeting that adopted it is linked
        assert [(r.symbol, r.role) for r in docs["S/RES/777 (1992)"].related] == \
            [("S/PV.3116", "meeting record")]
        assert docs["S/RES/84 (1950)"].extra["extraction"]["drafts"]["value"] == ["S/1588"]
