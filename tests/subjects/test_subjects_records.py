"""Subjects on records: the model version on every suggestion, the operator's acceptance
policy (recorded as such, reversible, never over a cataloguer's decision), and what every
reader sees on the record page, its API and the concept page; SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSubject, DocumentSymbol, LanguageVersion
from hemicycle.subjects import service
from hemicycle.subjects.backends import backend_class
from hemicycle.subjects.errors import SubjectError, UnknownVocabulary
from hemicycle.subjects.models import SubjectSuggestion
from hemicycle.subjects.records import record_subjects
from hemicycle.subjects.vocabulary import install_vocabulary
from hemicycle.web.app import create_app

OIL = "http://example.org/unbis-2015/T0001209"
FLOOD = "http://example.org/unbis-2015/T0005732"  # FLOODS
TEXTS = ("Oil spills on the coast. Oil spills again. Floods. Drought and desertification, "
         "humanitarian assistance.",
         "Floods in the valley, floods again, oil spills once. Earthquakes and disaster relief.")


def add_document(settings, symbol: str, text: str, status: str = "published",
                 subjects=()) -> int:
    with session_scope(settings.database_url) as db:
        doc = Document(symbol=symbol, status=status)
        doc.symbols.append(DocumentSymbol(symbol=symbol, key=symbol, position=0))
        doc.versions.append(LanguageVersion(language="en", title=None, text=text))
        for concept in subjects:
            doc.subjects.append(DocumentSubject(vocab="unbis13", concept=concept,
                                                origin="human", assigned_by="librarian"))
        db.add(doc)
        db.flush()
        return doc.id


def subjects_of(settings, doc_id: int) -> dict[str, tuple[str, str | None]]:
    with session_scope(settings.database_url) as db:
        return {s.concept: (s.origin, s.assigned_by) for s in db.scalars(
            select(DocumentSubject).where(DocumentSubject.document_id == doc_id))}


@pytest.fixture
def catalogue(catalogue_settings, unbis13):
    install_vocabulary(catalogue_settings, unbis13)
    return catalogue_settings


def test_the_model_version_is_recorded_on_each_suggestion(catalogue, unbis13, tmp_path):
    doc_id = add_document(catalogue, "S/2015/1", TEXTS[0])
    service.suggest_for_document(catalogue, doc_id, vocab="unbis13")
    with session_scope(catalogue.database_url) as db:
        assert {s.model for s in db.scalars(select(SubjectSuggestion))} == {
            "lexical (untrained)"}
    backend = backend_class("lexical")(unbis13)
    backend.save(tmp_path / "m")
    again = backend.load(tmp_path / "m", unbis13)
    assert re.fullmatch(r"lexical \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", again.model_version)


def test_policy_accepts_above_a_threshold_and_is_reversible(catalogue):
    a = add_document(catalogue, "S/2015/1", TEXTS[0])
    b = add_document(catalogue, "S/2015/2", TEXTS[1], status="draft")
    kept = add_document(catalogue, "S/2015/3", "Oil spills.", subjects=[OIL])
    for doc_id in (a, b, kept):
        service.suggest_for_document(catalogue, doc_id, vocab="unbis13")
    with session_scope(catalogue.database_url) as db:
        scores = {(s.document_id, s.concept): s.score for s in db.scalars(
            select(SubjectSuggestion))}
    # each of a and b has at least two suggestions at or above it, and some fall below
    threshold = min(sorted((v for (d, _), v in scores.items() if d == doc), reverse=True)[1]
                    for doc in (a, b))
    assert any(v < threshold for v in scores.values())
    expected = {k for k, v in scores.items() if v >= threshold and k != (kept, OIL)}
    # a cataloguer already turned one down: the policy never overrules that
    turned_down = next(k for k in sorted(expected) if k[0] == b)
    service.decide(catalogue, turned_down[0], "unbis13", turned_down[1], "rejected", "cat")
    expected.discard(turned_down)

    done = service.accept_above(catalogue, "unbis13", threshold)
    assert done.accepted == len(expected) > 0
    got = {(d, c) for d in (a, b, kept) for c, (origin, by) in subjects_of(catalogue, d).items()
           if origin == "machine"}
    assert got == expected
    assert all(by == f"policy: score >= {threshold:g}"
               for d in (a, b) for origin, by in subjects_of(catalogue, d).values())
    assert subjects_of(catalogue, kept)[OIL] == ("human", "librarian")
    assert service.accept_above(catalogue, "unbis13", threshold).accepted == 0  # idempotent

    # the review panel says so; policy subjects are no training data until confirmed
    confirmed = next(k for k in sorted(expected) if k[0] == a)
    statuses = {i.uri: i.status for i in service.review_items(catalogue, a, "unbis13")}
    assert statuses[confirmed[1]] == "policy"
    assert not any(d.subjects for d in service.catalogue_corpus(catalogue, "unbis13")
                   if d.symbols == ("S/2015/1",))
    service.decide(catalogue, a, "unbis13", confirmed[1], "accepted", "cat")
    assert subjects_of(catalogue, a)[confirmed[1]] == ("machine", "cat")

    undone = service.undo_policy(catalogue, "unbis13")
    assert undone.undone == len(expected) - 1
    assert subjects_of(catalogue, a) == {confirmed[1]: ("machine", "cat")}
    assert subjects_of(catalogue, b) == {}
    assert subjects_of(catalogue, kept) == {OIL: ("human", "librarian")}


def test_policy_best_of_each_document(catalogue):
    a = add_document(catalogue, "S/2015/1", TEXTS[0])
    b = add_document(catalogue, "S/2015/2", TEXTS[1])
    tops = {d: service.suggest_for_document(catalogue, d, vocab="unbis13")[0].uri
            for d in (a, b)}
    done = service.accept_above(catalogue, "unbis13", 1.0, best=1)
    assert (done.accepted, done.documents) == (2, 2)
    for d in (a, b):
        assert subjects_of(catalogue, d) == {tops[d]: ("machine", "policy: best 1 or score >= 1")}


def test_policy_bad_input(catalogue):
    for threshold in (0.0, -1.0, 1.5):
        with pytest.raises(SubjectError, match="threshold"):
            service.accept_above(catalogue, "unbis13", threshold)
    with pytest.raises(SubjectError, match="best"):
        service.accept_above(catalogue, "unbis13", 0.5, best=-1)
    with pytest.raises(UnknownVocabulary):
        service.accept_above(catalogue, "nope", 0.5)
    assert service.accept_above(catalogue, "unbis13", 0.5).accepted == 0  # nothing stored


def test_record_subjects_marks_origin_and_leaves_out_decided_suggestions(catalogue):
    doc_id = add_document(catalogue, "S/2015/1", TEXTS[0], subjects=[FLOOD])
    found = service.suggest_for_document(catalogue, doc_id, vocab="unbis13")
    assert {f.uri for f in found} >= {OIL, FLOOD}
    rejected = next(f.uri for f in found if f.uri not in (OIL, FLOOD))
    service.decide(catalogue, doc_id, "unbis13", rejected, "rejected", "cat")
    service.decide(catalogue, doc_id, "unbis13", OIL, "accepted", "cat")
    with session_scope(catalogue.database_url) as db:
        subjects, pending = record_subjects(db, doc_id)
    assert [(s.concept, s.origin, s.policy) for s in subjects] == [
        (FLOOD, "catalogued", False), (OIL, "machine", False)]
    assert subjects[1].model == "lexical (untrained)" and subjects[1].score > 0
    assert {p.concept for p in pending} == {f.uri for f in found} - {OIL, FLOOD, rejected}
    assert all(p.model == "lexical (untrained)" and p.assigned_at for p in pending)


@pytest.fixture
def site(settings, unbis13):
    install_vocabulary(settings, unbis13)
    add_user(settings.database_url, "boss", "administrator-pw", "admin")
    add_user(settings.database_url, "cat", "cataloguer-pw", "cataloguer")
    doc_id = add_document(settings, "S/2015/305", TEXTS[0], subjects=[FLOOD])
    service.suggest_for_document(settings, doc_id, vocab="unbis13")
    client = TestClient(create_app(settings))
    client.app_settings = settings
    with session_scope(settings.database_url) as db:
        client.uid = db.get(Document, doc_id).uid
    return client


def test_record_page_and_api_show_machine_and_catalogued_subjects(site):
    page = site.get(f"/documents/{site.uid}")
    assert page.status_code == 200
    subjects = page.text.split('class="subjects"')[1].split("</tr>")[0]
    assert 'data-origin="catalogued"' in subjects and "catalogued" in subjects
    suggested = page.text.split('class="suggested-subjects"')[1].split("</tr>")[0]
    assert "OIL SPILLS" in suggested and "lexical (untrained)" in suggested
    assert "not subjects of this record" in suggested
    body = site.get(f"/api/documents/{site.uid}").json()
    assert [(s["concept"], s["origin"]) for s in body["subjects"]] == [(FLOOD, "human")]
    oil = next(s for s in body["suggested_subjects"] if s["concept"] == OIL)
    assert oil["model"] == "lexical (untrained)" and oil["score"] > 0 and oil["suggested_at"]

    boss = ("boss", "administrator-pw")
    assert site.post("/api/subjects/unbis13/accept?above=0.01",
                     auth=("cat", "cataloguer-pw")).status_code == 403
    assert site.post("/api/subjects/unbis13/accept", auth=boss).status_code == 400
    assert site.post("/api/subjects/unbis13/accept?above=2", auth=boss).status_code == 400
    assert site.post("/api/subjects/nope/accept?above=0.5", auth=boss).status_code == 404
    done = site.post("/api/subjects/unbis13/accept?above=0.01", auth=boss)
    assert done.status_code == 200 and done.json()["accepted"] >= 1

    body = site.get(f"/api/documents/{site.uid}").json()
    oil = next(s for s in body["subjects"] if s["concept"] == OIL)
    assert (oil["origin"], oil["accepted_by_policy"], oil["model"]) == (
        "machine", True, "lexical (untrained)")
    assert oil["assigned_by"] == "policy: score >= 0.01" and oil["score"] > 0
    assert not any(s["concept"] == OIL for s in body["suggested_subjects"])
    for ui, word in (("en", "machine"), ("fr", "machine"), ("ar", "آلي"), ("zh", "机器")):
        page = site.get(f"/documents/{site.uid}?ui={ui}").text
        row = page.split('class="subjects"')[1].split("</tr>")[0]
        assert 'data-origin="machine"' in row and word in row
    assert "accepted by the operator" in site.get(f"/documents/{site.uid}?ui=en").text

    # an Index heading the headings backend suggested is shown apart, with its provenance
    with session_scope(site.app_settings.database_url) as db:
        doc_id = db.scalar(select(Document.id).where(Document.uid == site.uid))
        db.add(SubjectSuggestion(document_id=doc_id, vocab="unbis13:headings",
                                 concept="OIL SPILLS--CARIBBEAN REGION", label=None,
                                 backend="headings", model="headings 2026-12-07T05:00:00",
                                 score=0.61, rank=1))
    row = site.get(f"/documents/{site.uid}?ui=en").text.split(
        'class="suggested-headings"')[1].split("</tr>")[0]
    assert "OIL SPILLS--CARIBBEAN REGION" in row and "headings 2026-12-07T05:00:00" in row
    body = site.get(f"/api/documents/{site.uid}").json()
    assert body["suggested_headings"] == [{
        "vocab": "unbis13", "heading": "OIL SPILLS--CARIBBEAN REGION", "backend": "headings",
        "model": "headings 2026-12-07T05:00:00", "score": 0.61,
        "suggested_at": body["suggested_headings"][0]["suggested_at"]}]
    assert all(s["vocab"] == "unbis13" for s in body["suggested_subjects"])

    undone = site.post("/api/subjects/unbis13/accept?undo=true", auth=boss)
    assert undone.status_code == 200 and undone.json()["undone"] == done.json()["accepted"]
    body = site.get(f"/api/documents/{site.uid}").json()
    assert [s["concept"] for s in body["subjects"]] == [FLOOD]


def test_policy_subjects_reach_search_through_the_change_log(settings, unbis13):
    """The policy records its changes; search catches up (the service never writes the
    index): the subject facet and filter find the record, and lose it on undo."""
    from hemicycle.search.index import catch_up
    from hemicycle.search.query import search

    install_vocabulary(settings, unbis13)
    doc_id = add_document(settings, "S/2015/1", TEXTS[0])
    top = service.suggest_for_document(settings, doc_id, vocab="unbis13")[0].uri
    catch_up(settings)
    assert search(settings, "", filters={"subject": [top]}).hits == []
    service.accept_above(settings, "unbis13", 1.0, best=1)
    assert search(settings, "", filters={"subject": [top]}).hits == []  # not caught up yet
    catch_up(settings)
    found = search(settings, "", filters={"subject": [top]}, wait_for_facets=True)
    assert [hit.symbol for hit in found.hits] == ["S/2015/1"]
    assert (top, 1) in found.facets["subject"]
    service.undo_policy(settings, "unbis13")
    catch_up(settings)
    assert search(settings, "", filters={"subject": [top]}).hits == []
