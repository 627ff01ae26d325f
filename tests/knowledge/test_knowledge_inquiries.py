"""Ask a librarian: filing, the staff queue, the private link, the reply turned into an
answer, purging; the form guard against robots and floods."""

from __future__ import annotations

import datetime as dt

import pytest

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.knowledge import audit, faq, inquiries
from hemicycle.knowledge.formguard import (
    MAX_AGE_S,
    AddressLimiter,
    FormRefused,
    check_submission,
    form_stamp,
)
from hemicycle.knowledge.models import Inquiry


def test_inquiry_from_question_to_faq_entry(catalogue_settings):
    s = catalogue_settings
    with session_scope(s.database_url) as db:
        inquiry, token = inquiries.file_inquiry(
            db, "Where can I find the voting record of resolution 2758 (XXVI)?", "fr",
            "/documents/abc?q=2758")
        reference = inquiry.reference
    assert reference.startswith("Q-") and len(token) >= 32
    with session_scope(s.database_url) as db:
        stored = inquiries.by_token(db, token)
        assert stored.reference == reference and stored.page == "/documents/abc?q=2758"
        assert stored.token_hash != token  # only a hash of the private link is kept
        other = token[:-1] + ("A" if token[-1] != "A" else "B")
        assert inquiries.by_token(db, other) is None
        with pytest.raises(inquiries.InquiryError, match="not on the inquiry staff"):
            inquiries.assign(db, reference, "librarian1", "librarian1")
    add_user(s.database_url, "librarian1", "a long password", "inquiries")
    with session_scope(s.database_url) as db:
        inquiries.assign(db, reference, "librarian1", "librarian1")
        inquiries.add_note(db, reference, "check the roll call R/26/…", "librarian1")
        with pytest.raises(inquiries.InquiryError):
            inquiries.set_status(db, reference, "answered", "librarian1")  # no reply yet
        inquiries.reply(db, reference, "Le vote est à la page /votes/resolution/2758.",
                        "librarian1")
    with session_scope(s.database_url) as db:
        shown = inquiries.by_token(db, token)
        assert shown.status == "answered" and shown.reply.startswith("Le vote")
        inquiries.to_faq(db, reference, "vote-2758", "librarian1")
    with session_scope(s.database_url) as db:
        text = faq.text_of(db, "vote-2758", "fr")
        assert text.state == "draft" and text.answer.startswith("Le vote")
        assert [c["action"] for c in reversed(audit.changes(db, kind="inquiry"))] == [
            "assigned", "note", "replied", "to-faq"]
        total, rows = inquiries.queue(db, status="answered")
        assert total == 1 and rows[0].reference == reference


@pytest.mark.parametrize(("question", "page", "words"), [
    ("short", "/", "at least"),
    ("x" * (inquiries.MAX_QUESTION + 1), "/", "at most"),
])
def test_bad_inquiries_are_refused(settings, question, page, words):
    with session_scope(settings.database_url) as db, pytest.raises(inquiries.InquiryError) as e:
        inquiries.file_inquiry(db, question, "en", page)
    assert words in str(e.value)
    with session_scope(settings.database_url) as db:
        assert db.query(Inquiry).count() == 0


def test_pages_from_elsewhere_are_not_kept():
    assert inquiries.same_site_path("https://evil.example/x") == ""
    assert inquiries.same_site_path("//evil.example/x") == ""
    assert inquiries.same_site_path("javascript:alert(1)") == ""
    assert inquiries.same_site_path("/guides/x/en#top") == "/guides/x/en"


def test_purge_after_the_retention_period(catalogue_settings):
    s = catalogue_settings
    with session_scope(s.database_url) as db:
        old, _ = inquiries.file_inquiry(db, "An old question about documents", "en", "/")
        inquiries.add_note(db, old.reference, "a note", "librarian1")  # goes with it
        db.flush()
        old.updated_at = old.created_at = dt.datetime(2020, 1, 1)
        inquiries.file_inquiry(db, "A question from this week", "en", "/")
    with session_scope(s.database_url) as db:
        assert inquiries.purge(db, s.inquiry_retention_days) == 1
    with session_scope(s.database_url) as db:
        assert db.query(Inquiry).count() == 1
        assert audit.changes(db, kind="inquiry")[0]["detail"]["count"] == 1


def test_form_guard():
    secret = "k" * 40
    now = 1_800_000_000.0
    stamp = form_stamp(secret, "ask", now)
    check_submission(secret, "ask", stamp, "", now + 10)
    cases = [
        (stamp, "http://spam", now + 10, "honeypot"),
        (stamp, "", now + 1, "too-fast"),
        (stamp, "", now + MAX_AGE_S + 1, "too-old"),
        (stamp.replace(".", ".0"), "", now + 10, "stamp"),
        (form_stamp("other-secret", "ask", now), "", now + 10, "stamp"),
        (form_stamp(secret, "training", now), "", now + 10, "stamp"),
        ("", "", now + 10, "stamp"),
        ("abc", "", now + 10, "stamp"),
    ]
    for given, honeypot, at, code in cases:
        with pytest.raises(FormRefused) as refused:
            check_submission(secret, "ask", given, honeypot, at)
        assert refused.value.code == code
    limiter = AddressLimiter(limit=3, window=60)
    for i in range(3):
        limiter.check("192.0.2.1", now=i)
    with pytest.raises(FormRefused) as flood:
        limiter.check("192.0.2.1", now=10)
    assert flood.value.code == "too-many"
    limiter.check("192.0.2.2", now=10)  # another address is not held back
    limiter.check("192.0.2.1", now=100)  # nor the same one after the window
