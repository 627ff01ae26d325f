"""Broken input to every knowledge endpoint the other tests do not already break: each is
refused with a status and a message naming the field, and nothing is written."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from knowledge_helpers import add_documents, save_guide

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.knowledge import audit, faq, inquiries, training
from hemicycle.web.app import create_app

PASSWORD = "a long password"


def _token(html: str, name: str = "csrf") -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def _staff(settings, name: str, role: str) -> tuple[TestClient, str]:
    add_user(settings.database_url, name, PASSWORD, role)
    client = TestClient(create_app(settings), follow_redirects=False)
    token = _token(client.get("/signin").text)
    assert client.post("/signin", data={"name": name, "password": PASSWORD, "csrf": token},
                       follow_redirects=False).status_code == 303
    return client, _token(client.get("/knowledge/changes").text
                          if role != "inquiries" else client.get("/knowledge/inquiries").text)


def _changes(settings) -> int:
    with session_scope(settings.database_url) as db:
        return len(audit.changes(db, limit=10_000))


@pytest.fixture
def editor(settings):
    add_documents(settings)
    save_guide(settings)
    with session_scope(settings.database_url) as db:
        faq.save_text(db, "country-vote", "en", question="How did a country vote?",
                      answer="See [the votes](/votes/records).", who="ed", publish=True)
    return _staff(settings, "ed", "editor")


@pytest.mark.parametrize("form, status, says", [
    ({"slug": "Bad Slug!", "lang": "en", "title": "T", "body": "x"}, 400, "slug"),
    ({"slug": "votes", "lang": "de", "title": "T", "body": "x"}, 400, "language"),
    ({"slug": "votes", "lang": "en", "title": "", "body": "x"}, 400, "title"),
    ({"slug": "sc-documents", "lang": "en", "title": "T", "body": "x"}, 409, "already has"),
])
def test_new_guide_refusals(editor, settings, form, status, says):
    client, csrf = editor
    before = _changes(settings)
    reply = client.post("/knowledge/guides/new", data=form | {"summary": "", "csrf": csrf})
    assert reply.status_code == status, reply.text[:300]
    assert "data-error" in reply.text and says in reply.text.split("data-error")[1][:400]
    assert _changes(settings) == before


def test_guide_edit_refusals(editor, settings):
    client, csrf = editor
    before = _changes(settings)
    assert client.post("/knowledge/guides/ghost/en/edit", data={
        "action": "save", "title": "T", "body": "x", "csrf": csrf}).status_code == 404
    assert client.post("/knowledge/guides/sc-documents/xx/edit", data={
        "action": "save", "title": "T", "body": "x", "csrf": csrf}).status_code == 404
    odd = client.post("/knowledge/guides/sc-documents/en/edit", data={
        "action": "launch", "title": "T", "body": "x", "csrf": csrf})
    assert odd.status_code == 400 and "action" in odd.text
    assert _changes(settings) == before


@pytest.mark.parametrize("query", ["from=1&to=x", "from=1&to=7", "from=-1&to=1"])
def test_diff_with_bad_revisions(editor, query):
    client, _csrf = editor
    assert client.get(f"/guides/sc-documents/en/diff?{query}").status_code in (400, 404)


@pytest.mark.parametrize("form, says", [
    ({"slug": "", "lang": "en", "question": "Q?", "answer": "A"}, "slug"),
    ({"slug": "new-one", "lang": "de", "question": "Q?", "answer": "A"}, "language"),
    ({"slug": "new-one", "lang": "en", "question": "", "answer": "A"}, "question"),
    ({"slug": "new-one", "lang": "en", "question": "Q?", "answer": "A",
      "related": "no-such-entry"}, "no-such-entry"),
    ({"slug": "new-one", "lang": "en", "question": "Q?", "answer": "A",
      "topics": "no-such-topic"}, "no-such-topic"),
    ({"slug": "new-one", "lang": "en", "question": "Q?", "action": "publish",
      "answer": "<script>alert(1)</script>"}, "unsafe-tag"),
])
def test_faq_edit_refusals(editor, settings, form, says):
    client, csrf = editor
    before = _changes(settings)
    reply = client.post("/knowledge/faq/edit", data={"csrf": csrf} | form)
    assert reply.status_code in (400, 409), reply.text[:300]
    assert says in reply.text
    assert _changes(settings) == before
    with session_scope(settings.database_url) as db:
        assert faq.entry_by_slug(db, "new-one") is None


def test_faq_search_refusals(editor):
    client, _csrf = editor
    for query in ("", "?q=", "?q=" + "x" * 1000):
        refused = client.get("/api/faq/search" + query)
        assert refused.status_code == 400 and "q" in refused.json()["error"]["detail"]
    wrong = client.get("/api/faq/search?q=vote&lang=de")
    assert wrong.status_code == 400 and "lang" in wrong.json()["error"]["detail"]


def test_inquiry_staff_refusals(settings):
    with session_scope(settings.database_url) as db:
        made, _token_ = inquiries.file_inquiry(db, "Where are the 1971 votes?", "en",
                                               page="/votes")
        reference = made.reference
    client, csrf = _staff(settings, "inq", "inquiries")
    before = _changes(settings)
    assert client.post("/knowledge/inquiries/Q-NOTHING1", data={
        "action": "note", "text": "x", "csrf": csrf}).status_code == 404
    for data, field in (({"action": "launch"}, "action"),
                        ({"action": "status", "status": "lost"}, "status"),
                        ({"action": "assign", "assignee": "nobody"}, "nobody"),
                        ({"action": "faq", "slug": "new-answer"}, "no reply"),
                        ({"action": "reply", "text": ""}, "reply")):
        reply = client.post(f"/knowledge/inquiries/{reference}", data=data | {"csrf": csrf})
        assert reply.status_code in (400, 404, 409), data
        assert field in reply.text, data
    assert client.post(f"/knowledge/inquiries/{reference}", data={
        "action": "note", "text": "x"}).status_code == 403  # no CSRF token
    assert _changes(settings) == before
    with session_scope(settings.database_url) as db:
        inquiries.reply(db, reference, "In the voting records of session 26.", "inq")
    bad_slug = client.post(f"/knowledge/inquiries/{reference}", data={
        "action": "faq", "slug": "Bad Slug!", "csrf": csrf})
    assert bad_slug.status_code == 400 and "slug" in bad_slug.text
    with session_scope(settings.database_url) as db:
        assert not faq.all_entries(db)
    assert client.get("/knowledge/inquiries?status=lost").status_code == 400


@pytest.mark.parametrize("form, field", [
    ({"capacity": "0"}, "capacity"),
    ({"capacity": "many"}, "capacity"),
    ({"minutes": "-5"}, "minutes"),
    ({"language": "de"}, "language"),
    ({"place": "", "online_url": ""}, "place"),
    ({"online_url": "javascript:alert(1)"}, "online"),
    ({"slug": "Bad Slug!"}, "slug"),
    ({"topic": ""}, "topic"),
])
def test_training_edit_refusals(editor, settings, form, field):
    client, csrf = editor
    good = {"slug": "intro", "topic": "UN documents", "language": "en",
            "starts_at": "2099-01-05T15:00", "capacity": "10", "minutes": "60",
            "place": "Library", "online_url": "", "csrf": csrf}
    reply = client.post("/knowledge/training/edit", data=good | form)
    assert reply.status_code == 400 and "data-error" in reply.text
    assert field in reply.text.split("data-error")[1][:400]
    with session_scope(settings.database_url) as db:
        assert not training.all_sessions(db)


def test_training_people_refusals(editor, settings):
    import datetime as dt

    client, csrf = editor
    with session_scope(settings.database_url) as db:
        training.announce(db, "intro", topic="UN documents", language="en",
                          starts_at=dt.datetime(2099, 1, 5, 15), capacity=5, who="ed",
                          place="Library")
    before = _changes(settings)
    assert client.post("/knowledge/training/ghost/people", data={
        "action": "attendance", "csrf": csrf}).status_code == 404
    odd = client.post("/knowledge/training/intro/people", data={
        "action": "attendance", "came": "12345", "csrf": csrf})
    assert odd.status_code == 400 and "12345" in odd.text
    assert client.post("/knowledge/training/intro/people", data={
        "action": "dance", "csrf": csrf}).status_code == 400
    assert client.post("/training/ghost/register", data={
        "name": "A", "email": "a@b.example", "audience": "public"}).status_code == 404
    assert _changes(settings) == before


@pytest.mark.parametrize("url", ["/states/12", "/states/" + "A" * 300, "/api/states/XYZ",
                                 "/guides/" + "x" * 300 + "/en", "/faq/%00", "/training/%2e%2e",
                                 "/ask/answers/" + "x" * 500])
def test_odd_reader_urls_are_not_found(settings, url):
    assert TestClient(create_app(settings)).get(url).status_code == 404
