"""Index to Proceedings headings accepted onto records: by a cataloguer (review panel, on
the record page too) or by the operator's policy; shown on the record and in its API with
their provenance, printed in the generated Index, reversible, and training labels for
``subjects learn``. SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSubject, DocumentSymbol, LanguageVersion
from hemicycle.proceedings.itp import build_index
from hemicycle.subjects import service
from hemicycle.subjects.errors import SubjectError, UnknownVocabulary
from hemicycle.subjects.models import SubjectDecision, SubjectSuggestion
from hemicycle.subjects.vocabulary import install_vocabulary, read_vocabulary
from hemicycle.web.app import create_app

HAITI = "HAITI--POLITICAL CONDITIONS"
AGENDA = "UN. SECURITY COUNCIL (2015)--AGENDA"
HEADINGS = "unbis:headings"


@pytest.fixture
def catalogue(catalogue_settings, unbis13_path):
    """The domain-13 thesaurus installed as "unbis" (the name the Index is compiled for)
    and two Security Council documents of 2015 with suggested headings."""
    install_vocabulary(catalogue_settings, read_vocabulary("unbis", unbis13_path))
    ids = []
    with session_scope(catalogue_settings.database_url) as db:
        for number, text in ((400, "Letter on the political situation in Haiti."),
                             (401, "Letter on the agenda of the Council.")):
            symbol = f"S/2015/{number}"
            doc = Document(symbol=symbol, status="published", body="SC", session="70",
                           year=2015)
            doc.symbols.append(DocumentSymbol(symbol=symbol, key=symbol, position=0))
            doc.versions.append(LanguageVersion(language="en", title=None, text=text))
            db.add(doc)
            db.flush()
            ids.append(doc.id)
            for rank, (heading, score) in enumerate(((HAITI, 0.72), (AGENDA, 0.31)), 1):
                db.add(SubjectSuggestion(document_id=doc.id, vocab=HEADINGS, concept=heading,
                                         label=heading, backend="headings",
                                         model="headings 2026-12-07T05:00:00", score=score,
                                         rank=rank))
    return catalogue_settings, ids


def headings_of(settings, doc_id: int) -> dict[str, tuple[str, str | None, str | None]]:
    with session_scope(settings.database_url) as db:
        return {s.concept: (s.origin, s.assigned_by, s.model) for s in db.scalars(
            select(DocumentSubject).where(DocumentSubject.document_id == doc_id,
                                          DocumentSubject.vocab == HEADINGS))}


def index_headings(settings) -> dict[str, list[str]]:
    with session_scope(settings.database_url) as db:
        ix = build_index(db, "SC", 2015)
    return {h["heading"]: [d["symbol"] for d in h["documents"]]
            for h in ix["sections"]["subject_index"]["headings"]}


def test_a_cataloguer_accepts_a_heading_onto_the_record_and_the_index(catalogue):
    settings, (first, second) = catalogue
    service.decide(settings, first, HEADINGS, HAITI, "accepted", "cat")
    assert headings_of(settings, first) == {
        HAITI: ("machine", "cat", "headings 2026-12-07T05:00:00")}
    assert index_headings(settings) == {HAITI: ["S/2015/400"]}
    # a heading no machine suggested is the cataloguer's own; spaces tidied
    service.decide(settings, second, HEADINGS, "  HAITI--POLITICAL   CONDITIONS ", "accepted",
                   "cat")
    assert headings_of(settings, second) == {HAITI: ("machine", "cat",
                                                     "headings 2026-12-07T05:00:00")}
    assert index_headings(settings) == {HAITI: ["S/2015/400", "S/2015/401"]}
    # reversible: rejected, it leaves the record and the Index, and is kept as a decision
    service.decide(settings, first, HEADINGS, HAITI, "rejected", "cat")
    assert headings_of(settings, first) == {}
    assert index_headings(settings) == {HAITI: ["S/2015/401"]}
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(SubjectDecision.decision).where(
            SubjectDecision.document_id == first, SubjectDecision.vocab == HEADINGS)) == "rejected"
    # accepted headings teach `learn`: the documents come with them as labels; a rejected
    # one comes as a negative, never a label
    corpus = service.catalogue_corpus(settings, "unbis")
    assert [(d.symbols, set(d.headings), set(d.rejected_headings)) for d in corpus] == [
        (("S/2015/400",), set(), {"HAITI--POLITICAL CONDITIONS"}),
        (("S/2015/401",), {"HAITI--POLITICAL CONDITIONS"}, set())]


def test_the_policy_accepts_headings_above_a_score_and_undoes_them(catalogue):
    settings, (first, second) = catalogue
    service.decide(settings, second, HEADINGS, HAITI, "rejected", "cat")
    done = service.accept_above(settings, HEADINGS, 0.5)
    assert (done.accepted, done.documents) == (1, 1)  # never over a cataloguer's rejection
    assert headings_of(settings, first) == {HAITI: ("machine", "policy: score >= 0.5",
                                                    "headings 2026-12-07T05:00:00")}
    with session_scope(settings.database_url) as db:
        ix = build_index(db, "SC", 2015)
    (printed,) = ix["sections"]["subject_index"]["headings"]
    assert (printed["heading"], printed["policy_only"]) == (HAITI, True)
    # the policy's subjects are no training data (the rejection is: a negative)
    assert [(d.symbols, d.headings, set(d.rejected_headings)) for d in service.catalogue_corpus(
        settings, "unbis")] == [(("S/2015/401",), frozenset(), {HAITI})]
    undone = service.undo_policy(settings, HEADINGS)
    assert undone.undone == 1 and headings_of(settings, first) == {}
    assert index_headings(settings) == {}


def test_bad_headings_are_refused(catalogue):
    settings, (first, _second) = catalogue
    for bad, why in (("", "not an Index to Proceedings heading"),
                     ("----", "not an Index to Proceedings heading"),
                     ("HAITI\x00--X", "control characters"),
                     ("X" * 301, "longer than 300")):
        with pytest.raises(SubjectError, match=why):
            service.decide(settings, first, HEADINGS, bad, "accepted", "cat")
    with pytest.raises(UnknownVocabulary):
        service.decide(settings, first, "nope:headings", HAITI, "accepted", "cat")
    with pytest.raises(UnknownVocabulary):
        service.accept_above(settings, "nope:headings", 0.5)
    with pytest.raises(SubjectError, match="no document with id 999999"):
        service.decide(settings, 999999, HEADINGS, HAITI, "accepted", "cat")
    assert headings_of(settings, first) == {}


def test_record_page_review_panel_and_api_show_accepted_headings(catalogue):
    settings, (first, _second) = catalogue
    add_user(settings.database_url, "cat", "cataloguer-pw", "cataloguer")
    client = TestClient(create_app(settings))
    with session_scope(settings.database_url) as db:
        uid = db.get(Document, first).uid
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text).group(1)
    client.post("/signin", data={"name": "cat", "password": "cataloguer-pw", "csrf": token})
    panel = client.get(f"/documents/{uid}/subjects")
    table = panel.text.split('class="subjects headings"')[1].split("</table>")[0]
    assert HAITI in table and f'name="vocab" value="{HEADINGS}"' in table
    token = re.search(r'name="csrf" value="([^"]+)"', panel.text).group(1)
    refused = client.post(f"/documents/{uid}/subjects", data={
        "vocab": HEADINGS, "concept": HAITI, "decision": "accepted"}, follow_redirects=False)
    assert refused.status_code == 403 and headings_of(settings, first) == {}
    answer = client.post(f"/documents/{uid}/subjects", data={
        "vocab": HEADINGS, "concept": HAITI, "decision": "accepted", "csrf": token},
        follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/documents/{uid}/subjects?vocab=unbis"
    bad = client.post(f"/documents/{uid}/subjects", data={
        "vocab": HEADINGS, "concept": "\x01", "decision": "accepted", "csrf": token})
    assert bad.status_code == 400

    for ui, word in (("en", "Index to Proceedings headings"), ("fr", "Vedettes"),
                     ("ar", "عناوين فهرس الوقائع"), ("zh", "会议记录索引标目")):
        page = client.get(f"/documents/{uid}?ui={ui}").text
        row = page.split('class="record-headings"')[1].split("</tr>")[0]
        assert word in row and HAITI in row and 'data-origin="machine"' in row
        assert "headings 2026-12-07T05:00:00" in row
    body = client.get(f"/api/documents/{uid}").json()
    (heading,) = [s for s in body["subjects"] if s["vocab"] == HEADINGS]
    assert (heading["concept"], heading["origin"], heading["assigned_by"], heading["model"],
            heading["accepted_by_policy"]) == (HAITI, "machine", "cat",
                                               "headings 2026-12-07T05:00:00", False)
    assert AGENDA in [h["heading"] for h in body["suggested_headings"]]
    assert HAITI not in [h["heading"] for h in body["suggested_headings"]]
    itp = client.get("/proceedings/index/SC/2015?ui=fr")
    section = itp.text.split('id="subject_index"')[1].split("</section>")[0]
    assert itp.status_code == 200 and "Vedettes de l&#39;index" in section and HAITI in section
    assert client.get("/api/proceedings/index/SC/2015").json()["sections"]["subject_index"][
        "headings"][0]["heading"] == HAITI
