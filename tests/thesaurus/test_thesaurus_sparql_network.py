"""No SPARQL query opens a network connection (SSRF), except SERVICE calls to endpoints an
administrator allowed. A real HTTP listener on 127.0.0.1 counts every connection."""

from __future__ import annotations

import dataclasses
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient
from thesaurus_helpers import PREFIXES, concept_ttl

from hemicycle.thesaurus.sparql import SparqlError, run_query
from hemicycle.thesaurus.store import load_vocabulary
from hemicycle.web.app import create_app

SECRET = "internal-secret-reply"


class _Listener:
    """An HTTP server that answers any request with one SPARQL JSON result (a secret) and
    remembers every connection it accepted."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                listener.paths.append(self.path)
                length = int(self.headers.get("content-length") or 0)
                self.rfile.read(length)
                body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": [
                    {"x": {"type": "literal", "value": SECRET}}]}}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/sparql-results+json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def verify_request(self, request, client_address) -> bool:
                listener.connections += 1
                return True

        self.connections = 0
        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def vocab(settings, tmp_path):
    path = tmp_path / "t.ttl"
    path.write_text(PREFIXES + concept_ttl("c1", {"en": "social services", "fr": "services"}),
                    encoding="utf-8")
    load_vocabulary(settings, "t", [path], required=("en",))
    return settings


def _attempts(url: str) -> list[str]:
    """Ways a query might make the server fetch ``url``."""
    host = url.removeprefix("http://")
    return [
        f"SELECT * WHERE {{ SERVICE <{url}/a> {{ ?s ?p ?o }} }}",
        f"select * where {{ service silent <{url}/b> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE\t# a comment\n <{url}/c> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE<{url}/d>{{ ?s ?p ?o }} }}",
        f"PREFIX e: <{url}/> SELECT * WHERE {{ SERVICE e:e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?u {{ <{url}/f> }} SERVICE ?u {{ ?s ?p ?o }} }}",
        f"BASE <{url}/> SELECT * WHERE {{ SERVICE <g> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <http://{host}/\\u0068> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <http://{host}/i> {{ ?s ?p ?o }} }} # \"",
        f"SELECT * FROM <{url}/j> FROM NAMED <{url}/k> WHERE {{ ?s ?p ?o }}",
        f"LOAD <{url}/l>",
        f"LOAD SILENT <{url}/m> INTO GRAPH <http://example.org/g>",
        f"DESCRIBE <{url}/n>",
    ]


def test_no_query_reaches_the_network(vocab) -> None:
    client = TestClient(create_app(vocab))
    with _Listener() as listener:
        for query in _attempts(listener.url):
            answers = [
                client.get("/api/thesaurus/sparql", params={"query": query}),
                client.get("/thesaurus/sparql", params={"query": query}),
                client.post("/api/thesaurus/sparql", data={"query": query}),
                client.post("/api/thesaurus/sparql", content=query,
                            headers={"content-type": "application/sparql-query"}),
            ]
            for r in answers:
                assert SECRET not in r.text, query
            assert listener.connections == 0, (query, listener.paths)
        refused = client.get("/api/thesaurus/sparql", params={"query": _attempts(listener.url)[0]})
        assert refused.status_code == 403
        assert "SERVICE" in refused.json()["error"]["detail"]
    # a query that merely mentions the word is a query like any other
    ok = client.get("/api/thesaurus/sparql", params={"query": (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?c WHERE { "
        "?c skos:prefLabel \"social services\"@en }")})
    assert ok.status_code == 200 and len(ok.json()["results"]["bindings"]) == 1


def test_workers_have_no_network_even_if_a_query_slips_through(vocab) -> None:
    """The check before the worker is not the only guard: the worker process itself
    cannot open an internet socket, so a SERVICE that got past it fails to connect."""
    from hemicycle.thesaurus import sparql

    with _Listener() as listener:
        query = f"SELECT * WHERE {{ SERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}"
        request = {"store": str(sparql.store_path(vocab)), "stamp": "t", "query": query,
                   "accept": "", "max": 10, "time_limit": 30}
        header, body = sparql._ask_pool(request, 30)
        assert "error" in header and SECRET.encode() not in body
        assert listener.connections == 0


def test_allowed_endpoint_only(vocab) -> None:
    with _Listener() as allowed, _Listener() as other:
        endpoint = f"{allowed.url}/sparql"
        settings = dataclasses.replace(vocab, sparql_service_allow=(endpoint,))
        result = run_query(settings, f"SELECT ?x WHERE {{ SERVICE <{endpoint}> {{ ?x ?p ?o }} }}",
                           time_limit=30)
        assert SECRET in result.body.decode() and allowed.paths == ["/sparql"]
        for query in (
                f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?x ?p ?o }} "
                f"SERVICE <{other.url}/sparql> {{ ?y ?p ?o }} }}",
                f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?x ?p ?o }} "
                f"FILTER(?x != \"SERVICE <{other.url}/sparql>\") }}",
                f"SELECT * WHERE {{ SERVICE <{endpoint}/../other> {{ ?x ?p ?o }} }}",
                f"SELECT * WHERE {{ SERVICE <{endpoint}\\u0030> {{ ?x ?p ?o }} }}"):
            with pytest.raises(SparqlError) as err:
                run_query(settings, query, time_limit=30)
            assert err.value.status == 403
        assert other.connections == 0 and allowed.paths == ["/sparql"]
        client = TestClient(create_app(settings))
        r = client.get("/api/thesaurus/sparql", params={"query": f"SELECT * WHERE {{ SERVICE "
                                                        f"<{other.url}/x> {{ ?s ?p ?o }} }}"})
        assert r.status_code == 403
        assert other.connections == 0


@pytest.mark.parametrize(("query", "targets"), [
    ("SELECT * { SERVICE <http://a/s> { ?s ?p ?o } }", ["http://a/s"]),
    ("SELECT * { ?s ?p \"SERVICE <http://b/>\" }", []),
    ("SELECT * { ?s ?p '''x\nSERVICE <http://b/>''' } # SERVICE <http://c/>", []),
    ("SELECT * { ?s <http://x/service> ?o }", []),
    ("select * { service silent <http://a/s> {} service <http://a/t> {} }",
     ["http://a/s", "http://a/t"]),
])
def test_service_targets_are_found_by_the_grammar(query, targets) -> None:
    from hemicycle.thesaurus.sparql_network import network_check

    assert network_check(query).targets == targets
