"""The cataloguer's review in real headless Chromium, against the live app:
sign in, accept one suggestion, reject another, see both recorded; Arabic mirrors."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSubject, DocumentSymbol, LanguageVersion
from hemicycle.subjects.service import suggest_for_document
from hemicycle.subjects.vocabulary import install_vocabulary

OIL = "http://example.org/unbis-2015/T0001209"


@pytest.fixture
def review_server(settings, unbis13, live_server):
    install_vocabulary(settings, unbis13)
    add_user(settings.database_url, "cat", "cataloguer-pw", "cataloguer")
    with session_scope(settings.database_url) as db:
        doc = Document(symbol="S/2015/305", status="draft")
        doc.symbols.append(DocumentSymbol(symbol="S/2015/305", key="S/2015/305", position=0))
        doc.versions.append(LanguageVersion(
            language="en", text="Oil spills and humanitarian assistance after the floods."))
        db.add(doc)
        db.flush()
        uid, doc_id = doc.uid, doc.id
    suggest_for_document(settings, doc_id, vocab="unbis13")
    return live_server.base_url, uid


def test_cataloguer_accepts_and_rejects_in_chromium(review_server, settings, browser):
    base, uid = review_server
    page = browser.new_context(locale="en-US").new_page()
    page.goto(f"{base}/documents/{uid}/subjects?vocab=unbis13")
    assert "awaiting review" in page.content()  # a draft: not for the public
    page.goto(f"{base}/signin?next=/documents/{uid}/subjects%3Fvocab%3Dunbis13&ui=en")
    page.fill("input[name=name]", "cat")
    page.fill("input[name=password]", "cataloguer-pw")
    page.click("form[action='/signin'] button[type=submit]")
    page.wait_for_load_state()
    rows = page.locator("tr.suggestion")
    assert rows.count() >= 2
    first = page.locator(f"tr[data-concept='{OIL}']")
    first.locator("button[value=accepted]").click()
    page.wait_for_load_state()
    assert "Accepted" in page.locator(f"tr[data-concept='{OIL}']").inner_text()
    other = page.locator("tr.suggestion.pending").first
    other_uri = other.get_attribute("data-concept")
    other.locator("button[value=rejected]").click()
    page.wait_for_load_state()
    assert "Rejected" in page.locator(f"tr[data-concept='{other_uri}']").inner_text()
    page.goto(f"{base}/documents/{uid}/subjects?vocab=unbis13&ui=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "مقبول" in page.locator(f"tr[data-concept='{OIL}']").inner_text()
    with session_scope(settings.database_url) as db:
        subjects = {s.concept: s for s in db.scalars(select(DocumentSubject))}
    assert set(subjects) == {OIL}
    assert (subjects[OIL].origin, subjects[OIL].assigned_by) == ("machine", "cat")


@pytest.mark.parametrize("ui", ["en", "ar"])
def test_record_subjects_at_390_px(review_server, settings, browser, ui):
    """A reader's record page: machine subjects and suggestions with their provenance fit
    a phone's width, in both directions."""
    from hemicycle.subjects.service import accept_above

    base, uid = review_server
    with session_scope(settings.database_url) as db:
        db.scalar(select(Document).where(Document.uid == uid)).status = "published"
    accept_above(settings, "unbis13", 1.0, best=1)
    page = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
    page.goto(f"{base}/documents/{uid}?ui={ui}")
    assert page.locator("tr.subjects li[data-origin=machine] .origin").is_visible()
    assert page.locator("tr.suggested-subjects li").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
