"""Pages, linked data, JSON API, SPARQL and the CLI, on a catalogue loaded from the corpus."""

from __future__ import annotations

import json
import re
import warnings
from urllib.parse import quote

import pytest
import rdflib
from fastapi.testclient import TestClient
from sqlalchemy import select
from thesaurus_helpers import DOMAIN13, YSO
from typer.testing import CliRunner

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSubject
from hemicycle.cli import app as cli_app
from hemicycle.thesaurus import lookup
from hemicycle.thesaurus.models import Label, TCode
from hemicycle.thesaurus.sparql import SparqlError, run_query
from hemicycle.thesaurus.store import load_vocabulary
from hemicycle.web.app import create_app

SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")


@pytest.fixture
def loaded(settings):
    load_vocabulary(settings, "unbis", DOMAIN13)
    load_vocabulary(settings, "yso", [YSO], required=("fi", "sv", "en"))
    return settings


@pytest.fixture
def client(loaded):
    return TestClient(create_app(loaded))


def _a_tcode(settings) -> tuple[str, str]:
    with session_scope(settings.database_url) as db:
        row = db.execute(select(TCode.tcode, TCode.uri).order_by(TCode.tcode)).first()
    return row.tcode, row.uri


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_concept_page_in_interface_language(client, loaded) -> None:
    tcode, uri = _a_tcode(loaded)
    local = uri.rsplit("/", 1)[1]
    with session_scope(loaded.database_url) as db:
        vocab = lookup.vocabulary(db, "unbis")
        view = lookup.concept_view(db, vocab, lookup.concept_by_uri(db, uri)[1], "ru")
    page = client.get(f"/thesaurus/unbis/{local}?ui=ru")
    assert page.status_code == 200
    assert f"<h1><span lang=\"ru\">{view.pref['ru']}</span></h1>" in page.text
    for code in ("ar", "zh", "en", "fr", "ru", "es"):
        assert f'data-lang="{code}"' in page.text
        assert view.pref[code] in page.text
    assert tcode in page.text
    crumbs = page.text.split('class="breadcrumbs"')[1].split("</nav>")[0]
    assert [r.label for r in view.breadcrumbs[0]] == re.findall(
        r'<span lang="ru">([^<]+)</span></a>', crumbs)[:len(view.breadcrumbs[0])]
    arabic = client.get(f"/thesaurus/unbis/{local}?ui=ar")
    assert 'dir="rtl"' in arabic.text and view.pref["ar"] in arabic.text


def test_missing_label_is_shown_as_missing_never_another_language(client, loaded) -> None:
    graph = rdflib.Graph().parse(YSO)
    concept = next(s for s in graph.subjects(SKOS.prefLabel, None)
                   if (s, rdflib.RDF.type, SKOS.Concept) in graph)
    finnish = next(str(o) for o in graph.objects(concept, SKOS.prefLabel) if o.language == "fi")
    page = client.get(f"/thesaurus/yso/{str(concept).rsplit('/', 1)[1]}?ui=fr")
    assert page.status_code == 200
    h1 = page.text.split("<h1>")[1].split("</h1>")[0]
    assert finnish not in h1 and "pas de libellé en Français" in h1
    have = {o.language for o in graph.objects(concept, SKOS.prefLabel)}
    missing = [c for c in ("ar", "zh", "en", "fr", "ru", "es") if c not in have]
    assert missing and page.text.count('<span class="missing">manquant</span>') == len(missing)
    assert finnish in page.text  # the Finnish row of the table


def test_content_negotiation_and_suffixes(client, loaded) -> None:
    _tcode, uri = _a_tcode(loaded)
    local = uri.rsplit("/", 1)[1]
    for accept, suffix, fmt in (("text/turtle", "ttl", "turtle"),
                                ("application/ld+json", "json", "json-ld"),
                                ("application/rdf+xml", "xml", "xml")):
        redirect = client.get(f"/thesaurus/unbis/{local}", headers={"accept": accept},
                              follow_redirects=False)
        assert redirect.status_code == 303
        assert redirect.headers["location"] == f"/thesaurus/unbis/{local}.{suffix}"
        doc = client.get(f"/thesaurus/unbis/{local}.{suffix}")
        assert doc.headers["content-type"].startswith(accept)
        graph = rdflib.Graph().parse(data=doc.content, format=fmt)
        labels = {(o.language, str(o)) for o in graph.objects(rdflib.URIRef(uri),
                                                              SKOS.prefLabel)}
        with session_scope(loaded.database_url) as db:
            stored = set(db.execute(select(Label.tag, Label.text).join(
                lookup.Concept).where(lookup.Concept.uri == uri, Label.kind == "pref")).all())
        assert labels == stored
    html = client.get(f"/thesaurus/unbis/{local}",
                      headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert html.headers["content-type"].startswith("text/html")


def test_uris_and_legacy_tcodes_resolve(client, loaded) -> None:
    tcode, uri = _a_tcode(loaded)
    local = uri.rsplit("/", 1)[1]
    r = client.get(f"/thesaurus/{tcode}", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"/thesaurus/unbis/{local}"
    r = client.get(f"/thesaurus/{local}.ttl", follow_redirects=False)
    assert r.headers["location"] == f"/thesaurus/unbis/{local}.ttl"
    r = client.get("/thesaurus/resolve", params={"uri": uri}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/thesaurus/unbis/{local}"
    assert client.get("/thesaurus/T9999999").status_code == 404
    assert client.get("/thesaurus/resolve", params={"uri": "http://x/none"}).status_code == 404
    assert client.get("/thesaurus/unbis/nope").status_code == 404


def test_whole_vocabulary_download(client, loaded) -> None:
    with session_scope(loaded.database_url) as db:
        count = lookup.vocabulary(db, "yso").concept_count
    for suffix, fmt in (("ttl", "turtle"), ("nt", "nt"), ("xml", "xml"), ("json", "json-ld")):
        r = client.get(f"/thesaurus/yso/download.{suffix}")
        assert r.status_code == 200
        graph = rdflib.Graph().parse(data=r.content, format=fmt)
        assert len(set(graph.subjects(rdflib.RDF.type, SKOS.Concept))) == count
    assert client.get("/thesaurus/yso/download.pdf").status_code == 404


def test_az_pages_and_api_agree(client, loaded) -> None:
    api = client.get("/api/thesaurus/unbis/az", params={"lang": "zh", "order": "stroke"}).json()
    assert api["letters"][0] == "1画" and api["entries"]
    page = client.get("/thesaurus/unbis/az", params={"lang": "zh", "order": "stroke"})
    shown = re.findall(r'<li>(?:<a href="/thesaurus/unbis/\d+">([^<]+)</a>|<i>([^<]+)</i>)',
                       page.text)
    assert [a or b for a, b in shown] == [e["label"] for e in api["entries"]]
    letter = api["letters"][3]
    stroke = client.get("/api/thesaurus/unbis/az",
                        params={"lang": "zh", "order": "stroke", "letter": letter}).json()
    from hemicycle.thesaurus.keys import sort_keys

    labels = [e["label"] for e in stroke["entries"]]
    assert labels == sorted(labels, key=lambda t: sort_keys(t, "zh").sort_key_alt)
    assert all(sort_keys(t, "zh").letter_alt == letter for t in labels)
    french = client.get("/api/thesaurus/unbis/az", params={"lang": "fr", "letter": "E"}).json()
    assert all(e["label"][0] in "EÉÈÊË" for e in french["entries"])


def test_cli_and_api_give_the_same_answers(client, loaded, monkeypatch) -> None:
    monkeypatch.setenv("HEMICYCLE_DATA", str(loaded.data_dir))
    runner = CliRunner()
    for text, lang in (("réfug", "fr"), ("لاجئ", "ar"), ("难民", "zh"), ("REFUG", "en")):
        cli = runner.invoke(cli_app, ["thesaurus", "search", text, "--lang", lang, "--json"])
        assert cli.exit_code == 0, cli.output
        api = client.get("/api/thesaurus/unbis/search", params={"q": text, "lang": lang})
        assert json.loads(cli.stdout)["hits"] == api.json()["hits"]
        assert api.json()["hits"]
        cli = runner.invoke(cli_app, ["thesaurus", "search", text, "--lang", lang, "--prefix",
                                      "--json", "--limit", "10"])
        api = client.get("/api/thesaurus/unbis/autocomplete", params={"q": text, "lang": lang})
        assert json.loads(cli.stdout)["hits"] == api.json()["hits"]
        page = client.get("/thesaurus/unbis/search", params={"q": text, "lang": lang})
        hits = client.get("/api/thesaurus/unbis/search",
                          params={"q": text, "lang": lang, "limit": 100}).json()["hits"]
        assert re.findall(r'href="/thesaurus/unbis/(\d+)"', page.text.split('class="hits"')[1]) \
            == [h["id"] for h in hits]


def test_documents_indexed_with_a_concept(client, loaded) -> None:
    _tcode, uri = _a_tcode(loaded)
    with session_scope(loaded.database_url) as db:
        for symbol, status in (("S/RES/2417 (2018)", "published"), ("S/2018/1", "draft")):
            doc = Document(symbol=symbol, status=status, year=2018)
            doc.subjects.append(DocumentSubject(vocab="unbis", concept=uri))
            db.add(doc)
        db.flush()
        uid = db.scalar(select(Document.uid).where(Document.symbol == "S/RES/2417 (2018)"))
    page = client.get(f"/thesaurus/unbis/{uri.rsplit('/', 1)[1]}")
    assert f'href="/documents/{uid}"' in page.text and "S/RES/2417 (2018)" in page.text
    assert "S/2018/1" not in page.text
    count = page.text.split('class="document-count"')[1].split("</p>")[0]
    assert "Documents: 1" in count and 'href="/search?subject=http' in count
    api = client.get(f"/api/thesaurus/unbis/concepts/{uri.rsplit('/', 1)[1]}").json()
    assert [d["uid"] for d in api["documents"]] == [uid]
    assert api["document_count"] == 1  # the published one
    assert api["documents_search"] == f"/search?subject={quote(uri, safe='')}"


def test_api_bad_input(client) -> None:
    assert client.get("/api/thesaurus/unbis/autocomplete",
                      params={"q": "x", "lang": "x!"}).status_code == 400
    assert client.get("/api/thesaurus/unbis/search", params={"q": "x" * 301}).status_code == 400
    assert client.get("/api/thesaurus/nope/search", params={"q": "x"}).status_code == 404
    assert client.get("/api/thesaurus/unbis/az", params={"page": 0}).status_code == 400
    assert client.get("/api/thesaurus/unbis/concepts/0000").status_code == 404
    r = client.get("/api/thesaurus/resolve", params={"q": "nothing like this"})
    assert r.status_code == 404 and "error" in r.json()
    assert client.get("/api/thesaurus/unbis/report").json()["counts"]["ALT_LABEL_COMMA"] > 0


def test_sparql_endpoint(client, loaded) -> None:
    query = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT (COUNT(?c) AS ?n) "
             "WHERE { ?c a skos:Concept }")
    r = client.get("/thesaurus/sparql", params={"query": query})
    assert r.status_code == 200
    with session_scope(loaded.database_url) as db:
        total = sum(v.concept_count for v in lookup.vocabularies(db))
    assert int(r.json()["results"]["bindings"][0]["n"]["value"]) == total
    posted = client.post("/api/thesaurus/sparql", content=query,
                         headers={"content-type": "application/sparql-query"})
    assert posted.json() == r.json()
    for update in ("INSERT DATA { <http://a> <http://b> <http://c> }",
                   "PREFIX x: <http://x/> DELETE WHERE { ?s ?p ?o }"):
        refused = client.get("/thesaurus/sparql", params={"query": update})
        assert refused.status_code == 403 and "read-only" in refused.json()["error"]["detail"]
    r = client.post("/thesaurus/sparql", data={"update": "CLEAR ALL"})
    assert r.status_code == 403
    bad = client.get("/thesaurus/sparql", params={"query": "SELECT ?x WHERE { ?x"})
    assert bad.status_code == 400 and "syntax" in bad.json()["error"]["detail"].lower()
    form = client.get("/thesaurus/sparql", headers={"accept": "text/html"})
    assert "<textarea" in form.text


def test_sparql_store_errors_keep_the_parser_detail_inside_a_translated_sentence(loaded):
    from html import unescape

    from hemicycle.languages import CODES
    from hemicycle.web.i18n import translate

    broken = {"query": "SELECT ?x WHERE { ?x"}
    english = TestClient(create_app(loaded)).get("/thesaurus/sparql", params=broken).json()
    assert english["error"]["code"] == "sparql.syntax"
    reason = english["error"]["detail"].removeprefix("SPARQL syntax error: ")
    assert reason and reason != english["error"]["detail"]  # the parser's own words
    for lang in CODES:
        client = TestClient(create_app(loaded))
        answer = client.get("/thesaurus/sparql", params=broken,
                            headers={"Accept-Language": lang})
        assert answer.status_code == 400
        assert answer.json()["error"] == {"status": 400, "code": "sparql.syntax",
                                          "detail": translate("msg.sparql.syntax", lang,
                                                              reason=reason)}
        page = client.get("/thesaurus/sparql", params=broken | {"ui": lang},
                          headers={"Accept": "text/html"})
        assert page.status_code == 400
        shown = re.search(r'<p class="alert" role="alert">(.*?)</p>', page.text, re.S)
        assert shown and reason in unescape(shown.group(1))
        if lang != "en":
            assert "SPARQL syntax error" not in page.text
    # a federated query is refused in the reader's language too
    refused = TestClient(create_app(loaded)).get(
        "/thesaurus/sparql", headers={"Accept-Language": "es"},
        params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }"})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "sparql.no_federation"
    assert refused.json()["error"]["detail"].startswith("las consultas federadas")


def _operation_ids(spec: dict) -> list[str]:
    return [op["operationId"] for item in spec["paths"].values()
            for op in item.values() if isinstance(op, dict) and "operationId" in op]


def test_openapi_operation_ids_are_unique(settings) -> None:
    # one function under GET and POST gives both methods one operation id (FastAPI warns
    # "Duplicate Operation ID"); the SPARQL API has one operation per method
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        spec = create_app(settings).openapi()
    ids = _operation_ids(spec)
    assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    sparql = spec["paths"]["/api/thesaurus/sparql"]
    assert set(sparql) >= {"get", "post"}
    assert sparql["get"]["operationId"] != sparql["post"]["operationId"]


def test_sparql_time_limit_and_result_cap(loaded) -> None:
    forever = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?d ?g"
    with pytest.raises(SparqlError) as err:
        run_query(loaded, forever, time_limit=1.5)
    assert err.value.status == 503 and "time limit" in str(err.value)
    capped = run_query(loaded, "SELECT * WHERE { ?s ?p ?o }", max_results=5, time_limit=60)
    assert capped.truncated
    assert len(json.loads(capped.body)["results"]["bindings"]) == 5


def test_cli_load_refuses_bad_files_with_position(settings, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HEMICYCLE_DATA", str(settings.data_dir))
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
                   "<http://e/a> skos:prefLabel \"a\"@en \n<http://e/b> .\n")
    runner = CliRunner()
    result = runner.invoke(cli_app, ["thesaurus", "load", str(bad), "--vocab", "t"])
    assert result.exit_code == 1
    assert f"{bad}:3:" in " ".join(result.output.split())
    result = runner.invoke(cli_app, ["thesaurus", "validate", str(bad), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["counts"] == {"SYNTAX": 1}
    ok = runner.invoke(cli_app, ["thesaurus", "load", *map(str, DOMAIN13), "--vocab", "unbis"])
    assert ok.exit_code == 0 and "unbis version 1" in " ".join(ok.output.split())
    show = runner.invoke(cli_app, ["thesaurus", "show", "T0003899", "--json"])
    assert show.exit_code == 0 and json.loads(show.stdout)["tcodes"] == ["T0003899"]
    missing = runner.invoke(cli_app, ["thesaurus", "show", "T0000000"])
    assert missing.exit_code == 1
