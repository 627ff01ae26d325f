"""Sitemap, Atom feeds of a search, Dublin Core and JSON-LD of a document, over HTTP
against the real app, a real catalogue and a real Tantivy index."""

from __future__ import annotations

import json

import httpx
import rdflib
from interop_helpers import DOCUMENTS, make_catalogue
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.interop import sitemap
from hemicycle.interop.dublin_core import dc_meta
from hemicycle.interop.jsonld import document_jsonld

SM = {"s": sitemap.SITEMAP_NS}
ATOM = {"a": "http://www.w3.org/2005/Atom"}
PUBLISHED = [d for d in DOCUMENTS if d[4] == "published"]


def _load(settings, symbol) -> Document:
    with session_scope(settings.database_url) as db:
        return db.scalar(select(Document).where(Document.symbol == symbol).options(
            selectinload(Document.symbols), selectinload(Document.versions),
            selectinload(Document.subjects), selectinload(Document.agenda_items),
            selectinload(Document.related), selectinload(Document.files)))


def test_interop_sitemap_lists_published_documents(live_server):
    uids = make_catalogue(live_server)
    response = httpx.get(live_server.base_url + "/sitemap.xml")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert etree.QName(root).localname == "urlset"
    locs = [loc.text for loc in root.iterfind("s:url/s:loc", SM)]
    expected = [f"{live_server.base_url}/documents/{uid}"
                for uid, d in zip(uids, DOCUMENTS, strict=True) if d[4] == "published"]
    assert locs == expected
    lastmods = [m.text for m in root.iterfind("s:url/s:lastmod", SM)]
    assert lastmods[0] == "2016-12-23T18:00:00Z"


def test_interop_sitemap_index_when_large(live_server, monkeypatch):
    monkeypatch.setattr(sitemap, "PAGE_SIZE", 2)
    uids = make_catalogue(live_server)  # ids 1..6; ids 4 (deleted) and 5 (draft) hidden
    root = etree.fromstring(httpx.get(live_server.base_url + "/sitemap.xml").content)
    assert etree.QName(root).localname == "sitemapindex"
    pages = [loc.text for loc in root.iterfind("s:sitemap/s:loc", SM)]
    assert pages == [f"{live_server.base_url}/sitemap-{n}.xml" for n in (1, 2, 3)]
    seen = []
    for page in pages:
        r = httpx.get(page)
        assert r.status_code == 200
        seen += [loc.text.rsplit("/", 1)[1]
                 for loc in etree.fromstring(r.content).iterfind("s:url/s:loc", SM)]
    assert seen == [uid for uid, d in zip(uids, DOCUMENTS, strict=True) if d[4] == "published"]
    for bad in ("sitemap-0.xml", "sitemap-99.xml", "sitemap-x.xml"):
        assert httpx.get(f"{live_server.base_url}/{bad}").status_code == 404


def test_interop_atom_feed_of_a_search(live_server):
    from hemicycle.search.index import rebuild_index

    make_catalogue(live_server)
    rebuild_index(live_server)
    url = live_server.base_url + "/feeds/search.atom"
    response = httpx.get(url, params={"q": "resolution", "ui": "fr"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = etree.fromstring(response.content)
    assert "« resolution »" in feed.findtext("a:title", namespaces=ATOM)
    entries = feed.findall("a:entry", ATOM)
    titles = [e.findtext("a:title", namespaces=ATOM) for e in entries]
    assert titles and all("S/2015/305" not in t and "L.25" not in t for t in titles)
    updated = [e.findtext("a:updated", namespaces=ATOM) for e in entries]
    assert updated == sorted(updated, reverse=True)  # newest first
    assert feed.findtext("a:updated", namespaces=ATOM) == updated[0]
    for entry in entries:
        assert entry.findtext("a:id", namespaces=ATOM).startswith(
            live_server.base_url + "/documents/")
    everything = etree.fromstring(httpx.get(url).content)
    assert len(everything.findall("a:entry", ATOM)) == len(PUBLISHED)
    bad = httpx.get(url, params={"q": "x" * 5000}, headers={"accept": "application/json"})
    assert bad.status_code == 400


def test_interop_dublin_core_and_jsonld(settings):
    make_catalogue(settings)
    doc = _load(settings, "S/RES/2334 (2016)")
    meta = dc_meta(doc)
    assert ("DC.title", "Resolution 2334 (2016)") in meta
    assert ("DC.title", "Résolution 2334 (2016)") in meta
    assert ("DC.identifier", "S/RES/2334 (2016)") in meta
    assert ("DC.date", "2016-12-23") in meta
    assert ("DC.subject", "PEACEKEEPING") in meta
    assert ("DC.language", "fr") in meta and ("DC.language", "ar") not in meta
    data = document_jsonld(doc, "https://example.org/")
    assert data["@id"] == f"https://example.org/documents/{doc.uid}"
    assert {"@value": "Résolution 2334 (2016)", "@language": "fr"} in data["name"]
    assert data["identifier"][0]["value"] == "S/RES/2334 (2016)"
    assert data["about"][0]["@id"] == "http://metadata.un.org/thesaurus/1005155"
    assert data["inLanguage"] == ["en", "fr"]
    graph = rdflib.Graph().parse(data=json.dumps(data | {"@context": {"@vocab":
                                                          "https://schema.org/"}}),
                                 format="json-ld")
    assert len(graph) > 10


def test_interop_export_by_search_query(settings, tmp_path):
    from typer.testing import CliRunner

    from hemicycle.cli import app
    from hemicycle.marc21.files import read_marc
    from hemicycle.search.index import rebuild_index
    from hemicycle.search.query import search

    make_catalogue(settings)
    rebuild_index(settings)
    expected = [h.symbol for h in search(settings, "plenary OR scale", sort="date").hits]
    assert len(expected) == 2
    out = tmp_path / "hits.mrc"
    result = CliRunner().invoke(app, ["--data", str(settings.data_dir), "export", "marc",
                                      "plenary OR scale", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert [i.record.get("191")["a"] for i in read_marc(out)] == expected
    bad = CliRunner().invoke(app, ["--data", str(settings.data_dir), "export", "marc",
                                   "x" * 5000, "-o", str(tmp_path / "bad.mrc")])
    assert bad.exit_code == 1 and not (tmp_path / "bad.mrc").exists()
    assert "invalid search" in " ".join(bad.output.split())


def test_interop_sitemap_pages_on_both_databases(catalogue_settings, monkeypatch):
    monkeypatch.setattr(sitemap, "PAGE_SIZE", 2)
    uids = make_catalogue(catalogue_settings)
    index = etree.fromstring(sitemap.sitemap(catalogue_settings))
    pages = [loc.text.rsplit("/", 1)[1] for loc in index.iterfind("s:sitemap/s:loc", SM)]
    assert pages == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]
    seen = []
    for n in (1, 2, 3):
        page = etree.fromstring(sitemap.sitemap_page(catalogue_settings, n))
        seen += [loc.text.rsplit("/", 1)[1] for loc in page.iterfind("s:url/s:loc", SM)]
    assert seen == [u for u, d in zip(uids, DOCUMENTS, strict=True) if d[4] == "published"]


def test_interop_atom_feed_filters(live_server):
    from hemicycle.search.index import rebuild_index

    make_catalogue(live_server)
    rebuild_index(live_server)
    url = live_server.base_url + "/feeds/search.atom"
    feed = etree.fromstring(httpx.get(url, params={"body": "SC"}).content)
    titles = [e.findtext("a:title", namespaces=ATOM) for e in feed.findall("a:entry", ATOM)]
    assert titles == ["S/RES/2334 (2016): Resolution 2334 (2016)"]
    self_link = feed.find("a:link[@rel='self']", ATOM).get("href")
    assert "body=SC" in self_link
