"""What a reader and a cataloguer see of a described record: titles made and marked,
periods named as the body names them, provenance, findings, review tasks, related
documents, symbols not held, the type facet, text as paragraphs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.queries import find_document
from hemicycle.ingest.run import ingest_folder
from hemicycle.search.index import catch_up
from hemicycle.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
CR_UNSC = ROOT / "corpus" / "documents" / "cr-unsc" / "files"
UNPC = ROOT / "corpus" / "documents" / "unpc" / "files"
CAT, CAT_PW = "cat", "cataloguer-pw"


@pytest.fixture
def site(settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    rows = []
    for number, year in ((242, 1967), (542, 1983), (84, 1950)):
        name = f"S_RES_{number:04d}_{year}_EN.txt"
        shutil.copy(CR_UNSC / name, folder / name)
        rows.append({"symbol": f"S/RES/{number} ({year})", "language": "en", "file": name,
                     "doc_type": "resolution", "text_source": "ocr-corrected"})
    for lang in ("en", "fr", "ar"):
        shutil.copy(UNPC / f"s_2015_305-{lang}.txt", folder / f"s_2015_305-{lang}.txt")
        first = (UNPC / f"s_2015_305-{lang}.txt").read_text(encoding="utf-8").splitlines()[0]
        rows.append({"symbol": "s/2015/305", "language": lang, "file": f"s_2015_305-{lang}.txt",
                     "title": first, "extra": {"title_source": "first sentence"}})
    (folder / "manifest.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert ingest_folder(settings, folder).errors == []
    catch_up(settings)
    add_user(settings.database_url, CAT, CAT_PW, "cataloguer")
    return TestClient(create_app(settings))


def uid_of(settings, symbol):
    with session_scope(settings.database_url) as db:
        return find_document(db, symbol).uid


def test_a_record_without_a_title_shows_a_made_one_marked_in_six_languages(site, settings):
    uid = uid_of(settings, "S/2015/305")
    page = site.get(f"/documents/{uid}?ui=en").text
    assert 'class="title display-title" data-made="true"' in page
    assert "Security Council document S/2015/305" in page
    assert "the document states none" in page
    assert "ISIL itself has published" not in page.split('class="versions"')[0]
    assert "Document du Conseil de sécurité S/2015/305" in site.get(
        f"/documents/{uid}?ui=fr").text
    assert "安全理事会文件 S/2015/305" in site.get(f"/documents/{uid}?ui=zh").text
    api = site.get(f"/api/documents/{uid}").json()
    assert [v["title"] for v in api["versions"]] == [None, None, None]
    assert api["display_titles"]["ru"] == "Документ Совета Безопасности S/2015/305"


def test_security_council_records_name_their_year_not_a_session(site, settings):
    uid = uid_of(settings, "S/RES/242 (1967)")
    page = site.get(f"/documents/{uid}?ui=en").text
    row = re.search(r'<tr class="period" data-period="year"><th>Year</th><td>1967', page)
    assert row is not None and "Session" not in page.split('class="metadata"')[1][:1500]
    assert "1967-11-22" in page and "read in the text" in page  # where the date came from
    assert 'class="page-images"' not in page  # its text is shown, not pictures of it
    api = site.get(f"/api/documents/{uid}").json()
    assert api["period"] == {"name": "year", "value": "1967"}
    assert api["publication_date"] == "1967-11-22"
    assert api["extraction"]["date"]["source"] == "text"
    assert api["versions"][0]["text_source"] == "ocr-corrected"  # never "born-digital"
    assert "text read from the scans by OCR and corrected by hand" in page


def test_text_shown_as_paragraphs_and_as_printed(site, settings):
    uid = uid_of(settings, "S/RES/242 (1967)")
    page = site.get(f"/documents/{uid}?ui=en").text
    assert ("<p>Emphasizing the inadmissibility of the acquisition of territory by war and "
            "the need to work for a just and lasting peace") in page
    printed = site.get(f"/documents/{uid}?ui=en&layout=printed").text
    assert "<p>Emphasizing the inadmissibility of the acquisition</p>" in printed
    assert site.get(f"/api/documents/{uid}/text/en").json()["text"].startswith(
        "Resolution 242 (1967)\nof 22 November 1967")  # the original is kept


def test_findings_for_readers_tasks_for_cataloguers(site, settings):
    uid = uid_of(settings, "S/RES/542 (1983)")
    page = site.get(f"/documents/{uid}?ui=en").text
    assert 'data-code="symbol-contradicts-text"' in page and "S/RES/538 (1983)" in page
    assert 'class="tasks"' not in page
    staff = site.get(f"/documents/{uid}?ui=en", auth=(CAT, CAT_PW)).text
    task_id = re.search(r'data-task="(\d+)" data-code="symbol-contradicts-text"', staff).group(1)
    listed = site.get("/api/review/tasks?code=symbol-contradicts-text", auth=(CAT, CAT_PW))
    assert [t["symbol"] for t in listed.json()["items"]] == ["S/RES/542 (1983)"]
    assert site.get("/api/review/tasks").status_code == 401
    done = site.post(f"/api/review/tasks/{task_id}/resolve", auth=(CAT, CAT_PW),
                     json={"note": "the corpus file holds resolution 538"})
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    again = site.post(f"/api/review/tasks/{task_id}/resolve", auth=(CAT, CAT_PW), json={})
    assert again.status_code == 409
    assert site.post("/api/review/tasks/999999/resolve", auth=(CAT, CAT_PW),
                     json={}).status_code == 404
    assert 'class="tasks"' not in site.get(f"/documents/{uid}", auth=(CAT, CAT_PW)).text
    queue = site.get("/review?ui=en", auth=(CAT, CAT_PW)).text
    assert "Tasks on records" in queue


def test_related_documents_and_symbols_not_held(site, settings):
    uid = uid_of(settings, "S/RES/84 (1950)")
    page = site.get(f"/documents/{uid}?ui=en").text
    # the draft printed in brackets under its heading, and the meeting that adopted it
    assert '<a href="/symbol/S/1588" dir="ltr" class="not-held">S/1588</a>' in page
    assert "/symbol/S/PV.476" in page
    missing = site.get("/symbol/S/1588?ui=en")
    assert missing.status_code == 404
    assert "S/1588: not held here" in missing.text
    assert "adopted from this draft" in missing.text and f"/documents/{uid}" in missing.text
    assert 'href="https://digitallibrary.un.org/search?p=S/1588"' in missing.text
    unknown = site.get("/symbol/S/RES/9999(2099)?ui=fr")
    assert unknown.status_code == 404 and "Bibliothèque numérique" in unknown.text
    api = site.get("/api/symbols/S/RES/9999(2099)")
    assert api.status_code == 404
    detail = api.json()["error"]["known"]
    assert detail["symbol"] == "S/RES/9999 (2099)" and detail["voting_record"] is None
    assert detail["undl_search"].startswith("https://digitallibrary.un.org/search?p=")
    assert site.get("/symbol/not a symbol").status_code == 404


def test_unknown_type_facet_finds_the_records_without_a_type(site, settings):
    home = site.get("/?ui=en").text
    assert 'href="/search?type=unknown"' in home
    found = site.get("/api/search?type=unknown").json()
    assert [h["symbol"] for h in found["hits"]] == ["S/2015/305"]
    assert site.get("/api/search?type=resolution").json()["total"] == 3


def test_an_upload_is_described_and_its_findings_become_tasks(site, settings):
    # the text of S/RES/84 (1950) uploaded under another resolution's symbol
    text = (CR_UNSC / "S_RES_0084_1950_EN.txt").read_bytes()
    created = site.post("/api/documents", auth=(CAT, CAT_PW),
                        data={"symbol": "S/RES/85 (1950)", "language": "en"},
                        files={"file": ("85.txt", text, "text/plain")})
    assert created.status_code == 201, created.text
    api = created.json()
    assert [f["code"] for f in api["findings"]] == ["symbol-contradicts-text"]
    date = api["extraction"]["date"]
    assert (date["value"], date["source"], api["publication_date"]) == (
        "1950-07-07", "text", "1950-07-07")
    listed = site.get("/api/review/tasks?code=symbol-contradicts-text",
                      auth=(CAT, CAT_PW)).json()
    assert "S/RES/85 (1950)" in [t["symbol"] for t in listed["items"]]
    bad = site.get("/api/review/tasks?status=pending", auth=(CAT, CAT_PW))
    assert bad.status_code == 400 and "'pending'" in bad.text
    long_note = site.post(f"/api/review/tasks/{listed['items'][0]['id']}/resolve",
                          auth=(CAT, CAT_PW), json={"note": "x" * 5000})
    assert long_note.status_code == 400 and "note" in long_note.text
