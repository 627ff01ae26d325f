"""Cite and share (UN style, BibTeX, RIS, CSL-JSON; by link and by content negotiation),
assets served locally, the API docs page without a CDN, the page texts of the viewer."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hemicycle.documents import DocumentInput, FileInput, VersionInput, save_document
from hemicycle.interop.citation import Citable, bibtex, ris
from hemicycle.web.i18n import translate

PDF = Path(__file__).resolve().parents[1] / "data" / "digitise" / "1971-09-29_A_L.632-EN.pdf"


@pytest.fixture
def site(catalogue_settings):
    from hemicycle.search.index import catch_up
    from hemicycle.web.app import create_app

    saved = save_document(catalogue_settings, DocumentInput(
        symbols=["A/RES/70/1"], doc_type="resolution", publication_date=dt.date(2015, 10, 21),
        versions={"en": VersionInput(title="Transforming our world: the 2030 Agenda for "
                                           "Sustainable Development & {more}",
                                     text="page one\fpage two"),
                  "fr": VersionInput(title="Transformer notre monde : le Programme de "
                                           "développement durable à l’horizon 2030",
                                     text="première page")},
        files=[FileInput("en", "pdf", PDF)],
    ))
    catch_up(catalogue_settings)
    return TestClient(create_app(catalogue_settings)), saved.uid


def test_record_page_shows_permalink_and_citations(site):
    client, uid = site
    page = client.get(f"/documents/{uid}?ui=fr").text
    assert f'value="http://127.0.0.1:8000/documents/{uid}"' in page
    un = re.search(r'data-citation="un" dir="auto">(.*?)</p>', page, re.S).group(1)
    assert un.startswith("Nations Unies, Assemblée générale, Transformer notre monde")
    assert "A/RES/70/1 (2015-10-21)" in un
    for fmt in ("bibtex", "ris", "csl"):
        assert f'data-citation-format="{fmt}"' in page
    assert "data-viewer" in page and "/assets/openseadragon/openseadragon.min.js" in page


@pytest.mark.parametrize(("fmt", "media", "start"), [
    ("bibtex", "application/x-bibtex", "@misc{A_RES_70_1,"),
    ("ris", "application/x-research-info-systems", "TY  - GOVDOC"),
    ("csl", "application/vnd.citationstyles.csl+json", "["),
    ("un", "text/plain", "United Nations, General Assembly, "),
])
def test_each_format_by_link_and_the_api_by_content_negotiation(site, fmt, media, start):
    client, uid = site
    by_link = client.get(f"/documents/{uid}/cite.{fmt}?ui=en")
    assert by_link.status_code == 200
    assert by_link.headers["content-type"].startswith(media)
    assert by_link.text.startswith(start)
    if fmt != "un":
        negotiated = client.get(f"/api/documents/{uid}", headers={"Accept": media})
        assert negotiated.headers["content-type"].startswith(media)
        assert negotiated.text == by_link.text
    assert client.get(f"/api/documents/{uid}").json()["uid"] == uid  # JSON stays the default


def test_formats_escape_and_structure_their_fields(site):
    client, uid = site
    csl = json.loads(client.get(f"/documents/{uid}/cite.csl?lang=en").text)[0]
    assert csl["number"] == "A/RES/70/1" and csl["type"] == "legislation"
    assert csl["issued"] == {"date-parts": [[2015, 10, 21]]}
    assert csl["author"] == [{"literal": "United Nations. General Assembly"}]
    bib = client.get(f"/documents/{uid}/cite.bibtex?lang=en").text
    assert r"Development \& \{more\}" in bib  # LaTeX specials escaped
    assert bib.count("{") == bib.count("}")
    lines = client.get(f"/documents/{uid}/cite.ris?lang=en").text.split("\r\n")
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines if line)
    assert lines[-2] == "ER  - "


def test_a_result_list_exports_the_same_formats(site):
    client, uid = site
    listed = client.get("/search/cite.ris?q=transforming")
    assert listed.status_code == 200 and listed.text.count("TY  - GOVDOC") == 1
    assert client.get("/api/search?q=transforming",
                      headers={"Accept": "application/x-bibtex"}).text.startswith("@misc{")


def test_broken_citation_requests(site):
    client, uid = site
    unknown = client.get(f"/documents/{uid}/cite.docx?ui=ru")
    assert unknown.status_code == 404 and "нет формата цитирования «docx»" in unknown.text
    assert client.get("/documents/nothere/cite.ris").status_code == 404
    bad = client.get("/search/cite.ris?q=x&page=abc")
    assert bad.status_code == 400


def test_citations_in_other_languages_fall_back_to_english_titles():
    item = Citable(uid="u", symbol="S/RES/2347 (2017)", symbols=["S/RES/2347 (2017)"],
                   body="SC", doc_type="resolution", date="2017-03-24", year=2017,
                   titles={"en": "Resolution 2347"}, url="http://x/documents/u")
    assert "author = {{Организация Объединенных Наций. Совет Безопасности}}" in bibtex(
        item, "ru", translate)
    assert "TI  - Resolution 2347" in ris(item, "zh", translate)
    assert "LA  - en" in ris(item, "zh", translate)


def test_page_texts_for_the_viewer(site):
    client, uid = site
    assert client.get(f"/api/documents/{uid}/pages/en").json()["pages"] == ["page one",
                                                                           "page two"]
    assert client.get(f"/api/documents/{uid}/pages/ar").status_code == 404


def test_assets_are_served_locally_and_nothing_else(site):
    client, _uid = site
    js = client.get("/assets/openseadragon/openseadragon.min.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert client.get("/assets/swagger-ui/swagger-ui.css").status_code == 200
    assert client.get("/assets/swagger-ui/../axe-core/axe.min.js").status_code == 404
    assert client.get("/assets/axe-core/axe.min.js").status_code == 404  # tests only
    assert client.get("/assets/swagger-ui/package.json").status_code == 404


def test_missing_assets_say_what_to_run(catalogue_settings, tmp_path):
    import dataclasses

    from hemicycle.web.app import create_app

    bare = dataclasses.replace(catalogue_settings, assets_dir=tmp_path / "none")
    answer = TestClient(create_app(bare)).get("/assets/openseadragon/openseadragon.min.js")
    assert answer.status_code == 503 and "make setup" in answer.text


def test_api_docs_and_every_page_load_nothing_from_elsewhere(site):
    client, uid = site
    for path in ("/api/docs", "/", f"/documents/{uid}", "/search?q=world", "/search/advanced"):
        page = client.get(path).text
        for url in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page):
            assert url.startswith("/"), f"{path} loads {url}"
        assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)[^>]*>",
                             page), f"{path} has an inline script"
        assert not re.search(r"\son[a-z]+=", page) and "javascript:" not in page
    docs = client.get("/api/docs").text
    assert 'data-spec-url="/api/openapi.json"' in docs
