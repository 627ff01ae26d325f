"""The subjects API and the cataloguer's review page, through the real app."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSubject, DocumentSymbol, LanguageVersion
from hemicycle.languages import CODES
from hemicycle.subjects.service import suggest_for_document
from hemicycle.subjects.vocabulary import install_vocabulary
from hemicycle.web.app import create_app

OIL = "http://example.org/unbis-2015/T0001209"


@pytest.fixture
def site(settings, unbis13):
    install_vocabulary(settings, unbis13)
    add_user(settings.database_url, "cat", "cataloguer-pw", "cataloguer")
    with session_scope(settings.database_url) as db:
        doc = Document(symbol="S/2015/305", status="published")
        doc.symbols.append(DocumentSymbol(symbol="S/2015/305", key="S/2015/305", position=0))
        doc.versions.append(LanguageVersion(language="en", title="Oil spills",
                                            text="Oil spills and floods on the coast."))
        db.add(doc)
        db.flush()
        uid, doc_id = doc.uid, doc.id
    client = TestClient(create_app(settings))
    client.uid, client.doc_id = uid, doc_id
    return client


def sign_in(client: TestClient) -> None:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text).group(1)
    client.post("/signin", data={"name": "cat", "password": "cataloguer-pw", "csrf": token})


def test_api_suggest_and_its_errors(site):
    ok = site.post("/api/subjects/unbis13/suggest",
                   json={"text": "Les marées noires", "lang": "fr", "limit": 3})
    assert ok.status_code == 200
    assert ok.json()["suggestions"][0]["uri"] == OIL
    assert site.get("/api/subjects").json() == [{"vocab": "unbis13", "trained": []}]
    assert site.post("/api/subjects/nope/suggest", json={"text": "x"}).status_code == 404
    assert site.post("/api/subjects/unbis13/suggest", json={"text": " "}).status_code == 400
    wrong = site.post("/api/subjects/unbis13/suggest", json={"text": "漏油", "lang": "en"})
    assert wrong.status_code == 400 and "script" in wrong.json()["error"]["detail"]
    assert site.post("/api/subjects/unbis13/suggest", json={}).status_code == 400
    untrained = site.post("/api/subjects/unbis13/suggest",
                          json={"text": "oil", "backend": "tfidf"})
    assert untrained.status_code == 409


def test_api_eval_and_train_need_valid_corpus_and_rights(site, tmp_path: Path):
    corpus = f"Oil spills at sea\t<{OIL}>\nMarine pollution by oil spills\t<{OIL}>\n"
    scores = site.post("/api/subjects/unbis13/eval", data={"lang": "en"},
                       files={"corpus": ("c.tsv", corpus.encode())})
    assert scores.status_code == 200 and scores.json()["P@1"] == 1.0
    broken = site.post("/api/subjects/unbis13/eval",
                       files={"corpus": ("c.tsv", b"no tab\n")})
    assert broken.status_code == 400 and "line 1" in broken.json()["error"]["detail"]
    assert site.post("/api/subjects/unbis13/train", data={"backend": "tfidf"}).status_code == 401
    assert site.post("/api/subjects/unbis13/train", data={"backend": "tfidf"},
                     auth=("cat", "cataloguer-pw")).status_code == 403
    add_user(site.app.state.settings.database_url, "boss", "administrator-pw", "admin")
    boss = ("boss", "administrator-pw")
    empty = site.post("/api/subjects/unbis13/train", data={"backend": "tfidf"}, auth=boss)
    assert empty.status_code == 400 and "no training documents" in empty.json()["error"]["detail"]
    flood = "http://example.org/unbis-2015/T0005736"
    lines = [f"Oil spills at sea number {i}\t<{OIL}>" for i in range(4)]
    lines += [f"Floods in the valley number {i}\t<{flood}>" for i in range(4)]
    trained = site.post("/api/subjects/unbis13/train", data={"backend": "tfidf", "lang": "en"},
                        files={"corpus": ("c.tsv", "\n".join(lines).encode())}, auth=boss)
    assert trained.status_code == 200 and trained.json()["documents"] == 8
    assert site.get("/api/subjects").json() == [{"vocab": "unbis13", "trained": ["tfidf"]}]
    unknown = site.post("/api/subjects/unbis13/train", data={"backend": "nope"}, auth=boss)
    assert unknown.status_code == 404


def test_review_page_accept_with_provenance(site, settings):
    suggest_for_document(settings, site.doc_id, vocab="unbis13")
    anonymous = site.get(f"/documents/{site.uid}/subjects?vocab=unbis13")
    assert anonymous.status_code == 200 and "OIL SPILLS" in anonymous.text
    assert 'value="accepted"' not in anonymous.text
    refused = site.post(f"/documents/{site.uid}/subjects",
                        data={"vocab": "unbis13", "concept": OIL, "decision": "accepted"})
    assert refused.status_code == 401

    sign_in(site)
    page = site.get(f"/documents/{site.uid}/subjects?vocab=unbis13&ui=ar")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert 'dir="rtl"' in page.text and "قبول" in page.text
    no_csrf = site.post(f"/documents/{site.uid}/subjects",
                        data={"vocab": "unbis13", "concept": OIL, "decision": "accepted"})
    assert no_csrf.status_code == 403
    done = site.post(f"/documents/{site.uid}/subjects", follow_redirects=False,
                     data={"vocab": "unbis13", "concept": OIL, "decision": "accepted",
                           "csrf": token})
    assert done.status_code == 303
    with session_scope(settings.database_url) as db:
        subject = db.scalar(select(DocumentSubject).where(DocumentSubject.concept == OIL))
        assert (subject.origin, subject.assigned_by, subject.backend) == ("machine", "cat",
                                                                          "lexical")
    state = site.get(f"/api/documents/{site.uid}/subjects?vocab=unbis13").json()
    assert {i["uri"]: i["status"] for i in state["items"]}[OIL] == "accepted"
    fragment = site.get(f"/documents/{site.uid}/subjects?vocab=unbis13",
                        headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "subjects-review" in fragment.text
    bad = site.post(f"/documents/{site.uid}/subjects",
                    data={"vocab": "unbis13", "concept": "http://x/y", "decision": "accepted",
                          "csrf": token})
    assert bad.status_code == 400


def test_api_decisions_with_basic_auth(site):
    auth = ("cat", "cataloguer-pw")
    made = site.post(f"/api/documents/{site.uid}/subjects/suggest?vocab=unbis13", auth=auth)
    assert made.status_code == 200 and made.json()["suggestions"]
    said = site.post(f"/api/documents/{site.uid}/subjects/decisions", auth=auth,
                     json={"vocab": "unbis13", "concept": OIL, "decision": "rejected"})
    assert said.status_code == 200 and said.json()["decided_by"] == "cat"
    assert site.post(f"/api/documents/{site.uid}/subjects/decisions", auth=auth,
                     json={"vocab": "unbis13", "concept": OIL,
                           "decision": "perhaps"}).status_code == 400
    assert site.get("/api/documents/nope/subjects").status_code == 404


def test_api_vocabulary_and_index(site, settings, unbis13_path):
    add_user(settings.database_url, "boss", "administrator-pw", "admin")
    boss = ("boss", "administrator-pw")
    assert site.post("/api/subjects/u2/vocabulary", auth=("cat", "cataloguer-pw"),
                     files={"file": ("v.ttl", unbis13_path.read_bytes())}).status_code == 403
    loaded = site.post("/api/subjects/u2/vocabulary", auth=boss,
                       files={"file": ("v.ttl", unbis13_path.read_bytes())})
    assert loaded.status_code == 200 and loaded.json()["concepts"] == 142
    bad = site.post("/api/subjects/u3/vocabulary", auth=boss,
                    files={"file": ("v.tsv", b"not-a-uri\tlabel\n")})
    assert bad.status_code == 400 and "line 1" in bad.json()["error"]["detail"]
    assert site.post("/api/subjects/u4/vocabulary", auth=boss).status_code == 404
    assert site.post("/api/subjects/Bad Name/vocabulary", auth=boss).status_code == 404
    done = site.post("/api/subjects/u2/index?status=published", auth=boss)
    assert done.status_code == 200 and done.json() == {"vocab": "u2", "looked_at": 1,
                                                       "stored": 1}
    assert site.post("/api/subjects/u2/index?status=published",
                     auth=boss).json()["looked_at"] == 0


def test_drafts_are_for_signed_in_staff_only(site, settings):
    with session_scope(settings.database_url) as db:
        doc = db.scalar(select(Document).where(Document.uid == site.uid))
        doc.status = "draft"
    assert site.get(f"/documents/{site.uid}/subjects").status_code == 404
    assert site.get(f"/api/documents/{site.uid}/subjects").status_code == 404
    sign_in(site)
    assert site.get(f"/documents/{site.uid}/subjects").status_code == 200


def test_interface_text_in_six_languages():
    path = Path(__file__).resolve().parents[2] / "src/hemicycle/web/i18n/subjects.json"
    for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
        assert set(texts) == set(CODES), key
        assert all(texts[c].strip() for c in CODES), key


def test_api_headings_from_an_uploaded_index_file(site):
    add_user(site.app.state.settings.database_url, "boss", "administrator-pw", "admin")
    boss = ("boss", "administrator-pw")
    missing = site.post("/api/subjects/unbis13/train", data={"backend": "headings"}, auth=boss)
    assert missing.status_code == 400 and "upload it as itp" in missing.json()["error"]["detail"]
    bad = site.post("/api/subjects/unbis13/train", data={"backend": "headings"}, auth=boss,
                    files={"itp": ("itp.tsv", b"year\tsubject\n2015\tOIL SPILLS\n")})
    assert bad.status_code == 400 and "line 1: no column" in bad.json()["error"]["detail"]
    index = ("sc_year_code\tyear\tsubject\theading\tdocsymbols\n"
             "S70\t2015\tOIL SPILLS--POLLUTION\tReports\tS/2015/305\n")
    trained = site.post("/api/subjects/unbis13/train", data={"backend": "headings"}, auth=boss,
                        files={"itp": ("itp.tsv", index.encode())})
    assert trained.status_code == 200 and trained.json()["backends"] == ["headings"]
    found = site.post("/api/subjects/unbis13/suggest", json={
        "text": "Oil spills again on the coast", "lang": "en", "symbols": ["S/2015/306"]})
    assert found.status_code == 200, found.text
    assert found.json()["backend"] == "headings"
    assert found.json()["headings"][0]["heading"] == "OIL SPILLS--POLLUTION"
    assert found.json()["suggestions"][0]["uri"] == OIL
    wrong = site.post("/api/subjects/unbis13/suggest", json={"text": "oil", "symbols": ["x"]})
    assert wrong.status_code == 400 and "not a document symbol" in wrong.json()["error"]["detail"]
