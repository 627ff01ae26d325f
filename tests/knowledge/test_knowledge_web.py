"""The knowledge pages through the real app: readers, editors, inquiry staff; roles, CSRF,
hostile input, floods; page views into the COUNTER spool; the box on the search page."""

from __future__ import annotations

import json
import re
import time

import pytest
from fastapi.testclient import TestClient
from knowledge_helpers import GUIDE_EN, add_documents, save_guide

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.knowledge import faq, guides, inquiries
from hemicycle.knowledge.formguard import form_stamp
from hemicycle.web.app import create_app

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
PASSWORD = "a long password"


def _token(html: str, name: str = "csrf") -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def _sign_in(client: TestClient, name: str) -> None:
    token = _token(client.get("/signin").text)
    reply = client.post("/signin", data={"name": name, "password": PASSWORD, "csrf": token},
                        follow_redirects=False)
    assert reply.status_code == 303


@pytest.fixture
def site(settings):
    add_documents(settings)
    for name, role in (("ed", "editor"), ("inq", "inquiries"), ("cat", "cataloguer"),
                       ("boss", "admin")):
        add_user(settings.database_url, name, PASSWORD, role)
    return TestClient(create_app(settings), headers={"User-Agent": FIREFOX})


def test_guide_pages_for_readers(site, settings):
    save_guide(settings)
    save_guide(settings, lang="fr", title="Le Conseil de sécurité", body=GUIDE_EN)
    listing = site.get("/guides?ui=fr")
    assert listing.status_code == 200 and "/guides/sc-documents/fr" in listing.text
    assert site.get("/guides/sc-documents?ui=fr", follow_redirects=False).headers[
        "location"] == "/guides/sc-documents/fr"
    assert site.get("/guides/sc-documents?ui=zh", follow_redirects=False).headers[
        "location"] == "/guides/sc-documents/en"  # no Chinese version: the original
    page = site.get("/guides/sc-documents/fr?ui=ar")
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in page.text
    assert 'lang="fr" dir="ltr" data-guide="sc-documents"' in page.text
    assert 'data-live="documents"' in page.text and 'data-live="search"' in page.text
    assert "Résolution 242 (1967) du 22 novembre 1967" in page.text  # the guide's language
    assert "<script" not in page.text.split("<main", 1)[1]
    assert site.get("/guides/sc-documents/de").status_code == 404
    assert site.get("/guides/nothing/en").status_code == 404
    assert site.get("/guides/sc-documents/en?revision=9").status_code == 404
    history = site.get("/guides/sc-documents/en/history")
    assert history.status_code == 200 and 'data-revision="1"' in history.text
    api = site.get("/api/guides/sc-documents/en").json()
    assert api["revision"] == 1 and [b["kind"] for b in api["blocks"]] == ["documents",
                                                                           "search"]
    assert {g["language"] for g in site.get("/api/guides").json()["guides"]} == {"en", "fr"}


def test_editors_write_review_and_publish(site, settings):
    assert site.get("/knowledge/guides", follow_redirects=False).status_code == 303
    _sign_in(site, "cat")
    assert site.get("/knowledge/guides").status_code == 403  # cataloguers are not editors
    site.cookies.clear()
    _sign_in(site, "ed")
    form = site.get("/knowledge/guides/new?ui=en")
    assert form.status_code == 200
    csrf = _token(form.text)
    assert site.post("/knowledge/guides/new", data={
        "slug": "votes", "lang": "en", "title": "Votes", "body": "x"}).status_code == 403
    hostile = "Intro\n\n<script>alert(1)</script>\n\n<a href='javascript:alert(2)'>x</a>\n"
    made = site.post("/knowledge/guides/new", data={
        "slug": "votes", "lang": "en", "title": "Votes", "summary": "", "body": hostile,
        "csrf": csrf}, follow_redirects=False)
    assert made.status_code == 303
    edit = site.get("/knowledge/guides/votes/en/edit")
    assert 'data-code="unsafe-tag"' in edit.text and 'data-code="unsafe-url"' in edit.text
    assert "alert(2)" not in edit.text.split("data-preview")[1]
    version = _token(edit.text, "version")
    refused = site.post("/knowledge/guides/votes/en/edit", data={
        "action": "submit", "title": "Votes", "summary": "", "body": hostile,
        "version": version, "csrf": csrf})
    assert refused.status_code == 200 and 'data-state="draft"' in refused.text
    assert 'data-notice="not-submitted"' in refused.text
    clean = GUIDE_EN
    ok = site.post("/knowledge/guides/votes/en/edit", data={
        "action": "submit", "title": "Votes", "summary": "s", "body": clean,
        "version": version, "csrf": csrf}, follow_redirects=False)
    assert ok.status_code == 303
    stale = site.post("/knowledge/guides/votes/en/edit", data={
        "action": "save", "title": "Votes", "summary": "", "body": "late",
        "version": version, "csrf": csrf})
    assert stale.status_code == 409 and "data-error" in stale.text
    assert site.get("/guides/votes/en").status_code == 404  # in review, not published
    published = site.post("/knowledge/guides/votes/en/edit", data={
        "action": "publish", "note": "first", "csrf": csrf}, follow_redirects=False)
    assert published.status_code == 303
    assert site.get("/guides/votes/en").status_code == 200
    with session_scope(settings.database_url) as db:
        revision = guides.published_revision(db, "votes", "en")
        assert revision.submitted_by == "ed" and revision.published_by == "ed"
    changes = site.get("/knowledge/changes?kind=guide").text
    assert "published" in changes and ">ed<" in changes


def test_faq_search_answers_and_votes_without_tracking(site, settings):
    with session_scope(settings.database_url) as db:
        faq.save_text(db, "country-vote", "en", question="How did a country vote on a "
                      "resolution?", answer="Open the [voting records](/votes/records).",
                      who="ed", publish=True)
        faq.save_text(db, "country-vote", "es", question="¿Cómo votó un país?",
                      answer="Abra los [registros de votación](/votes/records).", who="ed",
                      publish=True)
    found = site.get("/faq?q=how+did+countries+vote&ui=en")
    assert 'data-answer="country-vote"' in found.text and "voting records</a>" in found.text
    none = site.get("/faq?q=opening+hours&ui=en")
    assert "data-no-answer" in none.text
    assert site.get("/api/faq/search?q=votaron+los+países&lang=es").json()["answers"][0][
        "slug"] == "country-vote"
    site.cookies.clear()
    vote = site.post("/faq/country-vote/helpful", data={"vote": "no", "lang": "en"},
                     follow_redirects=False)
    assert vote.status_code == 303 and "set-cookie" not in vote.headers
    assert site.post("/faq/country-vote/helpful", data={"vote": "maybe"}).status_code == 400
    assert site.post("/faq/ghost/helpful", data={"vote": "yes"}).status_code == 404
    with session_scope(settings.database_url) as db:
        assert faq.unanswered(db)[0]["query"] == "opening hours"
        assert faq.answer(db, "country-vote", "en").not_helpful == 1
    missing = site.get("/faq/country-vote?ui=zh")
    assert missing.status_code == 404 and "data-missing-language" in missing.text
    _sign_in(site, "ed")
    desk = site.get("/knowledge")
    assert "opening hours" in desk.text


def test_ask_a_librarian_from_form_to_answer(site, settings):
    form = site.get("/ask?from=/guides/x/en&ui=fr")
    assert form.status_code == 200 and 'name="website"' in form.text
    assert 'value="/guides/x/en"' in form.text
    early = {"question": "Où sont les votes de 1971 ?", "page": "/guides/x/en",
             "stamp": _token(form.text, "stamp"), "website": ""}
    too_fast = site.post("/ask?ui=fr", data=early)
    assert too_fast.status_code == 400 and "data-error" in too_fast.text
    aged = form_stamp(settings.secret_key, "ask", time.time() - 30)
    robot = site.post("/ask", data=early | {"stamp": aged, "website": "http://spam"})
    assert robot.status_code == 400
    forged = site.post("/ask", data=early | {"stamp": "1." + "0" * 32})
    assert forged.status_code == 400
    sent = site.post("/ask?ui=fr", data=early | {"stamp": aged})
    assert sent.status_code == 201 and sent.headers["cache-control"] == "no-store"
    reference = re.search(r"data-reference>([^<]+)<", sent.text).group(1)
    private = re.search(r'href="(/ask/answers/[^"]+)" data-private-link', sent.text).group(1)
    assert site.get(private).status_code == 200
    assert site.get("/ask/answers/not-the-token").status_code == 404
    # staff: inquiries role only
    assert site.get("/knowledge/inquiries", follow_redirects=False).status_code == 303
    _sign_in(site, "ed")
    assert site.get("/knowledge/inquiries").status_code == 403
    site.cookies.clear()
    _sign_in(site, "inq")
    queue = site.get("/knowledge/inquiries?status=new")
    assert reference in queue.text
    csrf = _token(site.get(f"/knowledge/inquiries/{reference}").text)
    for data in ({"action": "assign", "assignee": ""}, {"action": "note", "text": "voir R/26"},
                 {"action": "reply", "text": "Voir /votes/records?session=26."},
                 {"action": "faq", "slug": "votes-1971"}):
        done = site.post(f"/knowledge/inquiries/{reference}", data=data | {"csrf": csrf},
                         follow_redirects=False)
        assert done.status_code == 303, data
    empty = site.post(f"/knowledge/inquiries/{reference}",
                      data={"action": "note", "text": "", "csrf": csrf})
    assert empty.status_code == 400
    answer = site.get(private)
    assert 'data-status="answered"' in answer.text and "Voir /votes/records" in answer.text
    assert "voir R/26" not in answer.text  # internal notes stay internal
    with session_scope(settings.database_url) as db:
        assert faq.text_of(db, "votes-1971", "fr").state == "draft"
        assert inquiries.by_reference(db, reference).assignee == "inq"


def test_ask_flood_is_refused(site, settings):
    aged = form_stamp(settings.secret_key, "ask", time.time() - 30)
    codes = [site.post("/ask", data={"question": f"Question number {i} about documents",
                                     "stamp": aged, "website": ""}).status_code
             for i in range(7)]
    assert codes[:5] == [201] * 5 and codes[5:] == [429, 429]
    with session_scope(settings.database_url) as db:
        assert inquiries.queue(db)[0] == 5


def test_training_registration_and_staff(site, settings):
    _sign_in(site, "ed")
    csrf = _token(site.get("/knowledge/training/edit").text)
    bad = site.post("/knowledge/training/edit", data={
        "slug": "intro", "topic": "Intro", "language": "en", "starts_at": "soon",
        "capacity": "1", "minutes": "60", "place": "Room", "csrf": csrf})
    assert bad.status_code == 400 and "data-error" in bad.text
    made = site.post("/knowledge/training/edit", data={
        "slug": "intro", "topic": "UN documents: an introduction", "language": "en",
        "starts_at": "2099-01-05T15:00", "capacity": "1", "minutes": "60",
        "place": "Library", "waitlist": "1", "csrf": csrf}, follow_redirects=False)
    assert made.status_code == 303
    site.cookies.clear()
    page = site.get("/training/intro")
    assert "data-places" in page.text
    aged = form_stamp(settings.secret_key, "training", time.time() - 30)
    first = site.post("/training/intro/register", data={
        "name": "Ana", "email": "ana@mission.example", "audience": "mission", "stamp": aged})
    second = site.post("/training/intro/register", data={
        "name": "Li", "email": "li@un.example", "audience": "un_staff", "stamp": aged})
    assert (first.status_code, second.status_code) == (201, 201)
    assert 'data-registered="registered"' in first.text
    assert 'data-registered="waitlisted"' in second.text
    bad_mail = site.post("/training/intro/register", data={
        "name": "X", "email": "nope", "audience": "public", "stamp": aged})
    assert bad_mail.status_code == 400
    _sign_in(site, "ed")
    people = site.get("/knowledge/training/intro/people")
    first_id = re.search(r'data-registration="(\d+)"', people.text).group(1)
    saved = site.post("/knowledge/training/intro/people", data={
        "action": "attendance", "came": first_id, "csrf": _token(people.text)},
        follow_redirects=False)
    assert saved.status_code == 303
    report = site.get("/knowledge/training").text
    assert re.search(r'data-audience="mission"><td>[^<]+</td><td>1</td><td>0</td><td>1</td>',
                     report)


def test_views_go_to_the_counter_spool(site, settings):
    save_guide(settings)
    assert site.get("/guides/sc-documents/en").status_code == 200
    assert site.get("/guides/sc-documents/en?ui=fr").status_code == 200  # a double click
    spooled = [json.loads(line) for p in (settings.data_dir / "usage" / "spool").glob("*")
               for line in p.read_text().splitlines()]
    assert [(e["kind"], e["item"], e["view"]) for e in spooled] == [
        ("i", "guide:/guides/sc-documents/en", "page/en")] * 2
    from hemicycle.knowledge.views import views_by_language
    from hemicycle.usage.process import process_spool

    process_spool(settings)
    with session_scope(settings.database_url) as db:
        rows = views_by_language(db)
    assert [(r.kind, r.language, r.views) for r in rows] == [("guide", "en", 1)]
    _sign_in(site, "ed")  # staff reading their own guide is not use
    site.get("/guides/sc-documents/en")
    assert sum(1 for p in (settings.data_dir / "usage" / "spool").glob("*")
               for _ in p.read_text().splitlines()) == 2


def test_search_page_shows_guides_beside_documents(site, settings):
    save_guide(settings)
    page = site.get("/search?q=security+council&ui=en")
    assert 'data-knowledge' in page.text and 'data-kind="guide"' in page.text
    assert "/guides/sc-documents/en" in page.text
    plain = site.get("/search?q=symbol:S/RES/2334&ui=en", follow_redirects=False)
    assert "data-knowledge" not in plain.text
