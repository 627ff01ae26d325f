"""Costly work is for staff, or for anonymous callers within a strict quota; and no error
shows a path on the server (temporary files included)."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from security_helpers import BOSS, CAT

from hemicycle.subjects.vocabulary import install_vocabulary, read_vocabulary
from hemicycle.web.app import create_app

UNBIS13 = Path(__file__).resolve().parents[1] / "data" / "subjects" / "unbis-domain13" / \
    "unbis-domain13.ttl"
OIL = "http://example.org/unbis-2015/T0001209"
CORPUS = f"Oil spills at sea\t<{OIL}>\nMarine pollution by oil spills\t<{OIL}>\n"


@pytest.fixture
def indexed(staffed):
    install_vocabulary(staffed, read_vocabulary("unbis13", UNBIS13))
    return staffed


def _no_server_path(settings, text: str) -> None:
    for path in (str(settings.data_dir), tempfile.gettempdir() + "/", "/tmp/"):
        assert path not in text, text


def test_evaluation_needs_a_cataloguer(indexed) -> None:
    client = TestClient(create_app(indexed))
    files = {"corpus": ("c.tsv", CORPUS.encode())}
    anonymous = client.post("/api/subjects/unbis13/eval", data={"lang": "en"}, files=files)
    assert anonymous.status_code == 401
    scores = client.post("/api/subjects/unbis13/eval", data={"lang": "en"}, files=files,
                         auth=CAT)
    assert scores.status_code == 200 and scores.json()["P@1"] == 1.0


def test_upload_errors_name_the_upload_not_the_server_path(indexed) -> None:
    client = TestClient(create_app(indexed))
    broken = {"corpus": ("my-corpus.tsv", b"no tab here\n")}
    for path, data, auth in (("/api/subjects/unbis13/eval", {"lang": "en"}, CAT),
                             ("/api/subjects/unbis13/train", {"backend": "tfidf"}, BOSS)):
        reply = client.post(path, data=data, files=broken, auth=auth)
        assert reply.status_code == 400, reply.text
        detail = reply.json()["error"]["detail"]
        assert "my-corpus.tsv" in detail and "line 1" in detail
        _no_server_path(indexed, reply.text)
    not_utf8 = client.post("/api/subjects/unbis13/eval", files={
        "corpus": ("latin.tsv", "é\t<x>\n".encode("latin-1"))}, auth=CAT)
    assert not_utf8.status_code == 400 and "latin.tsv" in not_utf8.text
    _no_server_path(indexed, not_utf8.text)
    vocab = client.post("/api/subjects/other/vocabulary", files={
        "file": ("terms.ttl", b"@prefix broken")}, auth=BOSS)
    assert vocab.status_code == 400 and "terms.ttl" in vocab.text
    _no_server_path(indexed, vocab.text)


def test_anonymous_suggest_has_a_strict_quota(indexed) -> None:
    strict = dataclasses.replace(indexed, costly_per_minute=3)
    app = create_app(strict)
    client = TestClient(app, client=("203.0.113.5", 50000))
    body = {"text": "Oil spills at sea", "lang": "en", "limit": 3}
    codes = [client.post("/api/subjects/unbis13/suggest", json=body).status_code
             for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    refused = client.post("/api/subjects/unbis13/suggest", json=body)
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"]["status"] == 429
    # staff are not counted, and other readers have their own quota
    assert all(client.post("/api/subjects/unbis13/suggest", json=body, auth=CAT).status_code
               == 200 for _ in range(5))
    other = TestClient(app, client=("192.0.2.7", 50000))
    assert other.post("/api/subjects/unbis13/suggest", json=body).status_code == 200
    # this host itself is exempt (a proxy not configured as trusted would share one quota)
    local = TestClient(app, client=("127.0.0.1", 50000))
    assert all(local.post("/api/subjects/unbis13/suggest", json=body).status_code == 200
               for _ in range(5))


@pytest.mark.parametrize(("method", "path"), [
    ("POST", "/api/subjects/unbis/suggest"),
    ("GET", "/api/thesaurus/sparql"), ("POST", "/api/thesaurus/sparql"),
    ("POST", "/thesaurus/sparql"),
    ("GET", "/api/votes/export"), ("GET", "/api/speeches/export"),
    ("GET", "/proceedings/index/GA/74.docx"), ("GET", "/proceedings/index/GA/74.mrc"),
    ("GET", "/thesaurus/unbis/download.ttl"),
    ("GET", "/iiif/3/abc~en~pdf~p1/full/max/0/default.jpg"),
    ("GET", "/iiif/3/abc~en~pdf~p1/full/^max/0/default.png"),
    ("GET", "/iiif/3/abc~en~pdf~p1/full/3000,/0/default.jpg"),
    ("GET", "/iiif/3/abc~en~pdf~p1/full/pct:80/0/default.jpg"),
])
def test_costly_endpoints_are_counted(method, path) -> None:
    from hemicycle.web.ratelimit import rate_class

    assert rate_class(method, path, "") == "costly"


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/iiif/3/abc~en~pdf~p1/0,0,1024,1024/512,/0/default.jpg"),
    ("GET", "/iiif/3/abc~en~pdf~p1/info.json"), ("GET", "/documents/abc"),
    ("GET", "/thesaurus/sparql"), ("GET", "/api/documents/abc"),
])
def test_ordinary_reading_is_not(method, path) -> None:
    from hemicycle.web.ratelimit import rate_class

    assert rate_class(method, path, "") != "costly"
