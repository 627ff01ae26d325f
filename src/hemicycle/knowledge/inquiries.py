"""Ask a librarian: inquiries from readers, the staff queue, replies, purging.

An inquiry keeps only what is needed to answer it: the question, the language, the page
it was asked from (a path of this site) and the staff's work on it. No name, address or
e-mail: the reader gets a reference number and a private link (an unguessable token of
which only a hash is stored) where the answer appears. Every inquiry is deleted
``inquiry_retention_days`` after it was last touched (``hemicycle inquiries purge``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from hemicycle.accounts import role_allows
from hemicycle.catalogue.models import User, utcnow
from hemicycle.knowledge import faq
from hemicycle.knowledge.audit import record_change
from hemicycle.knowledge.findings import KnowledgeError
from hemicycle.knowledge.guides import check_language
from hemicycle.knowledge.models import Inquiry, InquiryNote
from hemicycle.messages import Message

STATUSES = ("new", "assigned", "answered", "closed")
MIN_QUESTION = 10
MAX_QUESTION = 4000
MAX_PAGE = 500
MAX_NOTE = 4000
MAX_REPLY = 20_000
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone


def _bad_status(status: str) -> Message:
    return Message("kn.inquiry_status", "status {status}: expected one of {allowed}",
                   status=repr(status), allowed=", ".join(STATUSES))


class InquiryError(KnowledgeError):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _reference() -> str:
    return "Q-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def same_site_path(url: str | None) -> str:
    """The page an inquiry came from, kept only as a path of this site (anything else:
    nothing)."""
    parts = urlsplit((url or "").strip())
    if parts.scheme or parts.netloc or not parts.path.startswith("/") \
            or parts.path.startswith("//"):
        return ""
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path[:MAX_PAGE]


def file_inquiry(db: Session, question: str, lang: str, page: str | None) -> tuple[Inquiry, str]:
    """Save a reader's question; returns it and the private token (shown once)."""
    lang = check_language(lang)
    question = (question or "").replace("\r\n", "\n").strip()
    if len(question) < MIN_QUESTION:
        raise InquiryError("invalid-field", Message(
            "kn.question_short", "question: write at least {limit} characters",
            limit=MIN_QUESTION))
    if len(question) > MAX_QUESTION:
        raise InquiryError("invalid-field", Message(
            "kn.question_long", "question: at most {limit} characters",
            limit=f"{MAX_QUESTION:,}"))
    token = secrets.token_urlsafe(24)
    reference = _reference()
    while db.scalar(select(Inquiry.id).where(Inquiry.reference == reference)) is not None:
        reference = _reference()
    inquiry = Inquiry(reference=reference, token_hash=token_hash(token), language=lang,
                      question=question, page=same_site_path(page))
    db.add(inquiry)
    db.flush()
    return inquiry, token


def by_token(db: Session, token: str) -> Inquiry | None:
    if not token or len(token) > 100:
        return None
    return db.scalar(select(Inquiry).where(Inquiry.token_hash == token_hash(token)))


def by_reference(db: Session, reference: str) -> Inquiry:
    found = db.scalar(select(Inquiry).where(Inquiry.reference == reference.strip().upper())
                      .options(selectinload(Inquiry.notes)))
    if found is None:
        raise InquiryError("not-found", Message("kn.no_inquiry", "no inquiry {reference}",
                                                reference=repr(reference)))
    return found


def queue(db: Session, *, status: str | None = None, assignee: str | None = None,
          page: int = 1, per_page: int = 50) -> tuple[int, list[Inquiry]]:
    """Inquiries, oldest open first (answered and closed ones newest first)."""
    if status and status not in STATUSES:
        raise InquiryError("invalid-field", _bad_status(status))
    query = select(Inquiry)
    if status:
        query = query.where(Inquiry.status == status)
    if assignee:
        query = query.where(Inquiry.assignee == assignee)
    total = db.scalar(select(func.count()).select_from(query.subquery())) or 0
    open_first = query.order_by((Inquiry.status.in_(("answered", "closed"))),
                                Inquiry.created_at, Inquiry.id)
    return total, list(db.scalars(open_first.offset((page - 1) * per_page).limit(per_page)))


def counts(db: Session) -> dict[str, int]:
    return dict(db.execute(select(Inquiry.status, func.count()).group_by(Inquiry.status)).all())


def _touch(inquiry: Inquiry) -> None:
    inquiry.updated_at = utcnow()


def assign(db: Session, reference: str, assignee: str | None, who: str) -> Inquiry:
    """Give the inquiry to a member of the inquiry staff (None: to nobody)."""
    inquiry = by_reference(db, reference)
    name = (assignee or "").strip() or None
    if name is not None:
        role = db.scalar(select(User.role).where(User.name == name))
        if not role_allows(role, "inquiries"):
            raise InquiryError("invalid-field", Message(
                "kn.not_inquiry_staff", "assignee: {name} is not on the inquiry staff",
                name=repr(name)))
    inquiry.assignee = name
    if inquiry.status == "new" and inquiry.assignee:
        inquiry.status = "assigned"
    _touch(inquiry)
    record_change(db, who, "inquiry", inquiry.reference, "assigned", to=inquiry.assignee)
    return inquiry


def set_status(db: Session, reference: str, status: str, who: str) -> Inquiry:
    if status not in STATUSES:
        raise InquiryError("invalid-field", _bad_status(status))
    inquiry = by_reference(db, reference)
    if status == "answered" and not inquiry.reply:
        raise InquiryError("bad-state", Message("kn.no_reply_yet", "{reference} has no reply "
                                                "yet", reference=inquiry.reference))
    before = inquiry.status
    inquiry.status = status
    _touch(inquiry)
    record_change(db, who, "inquiry", inquiry.reference, "status", before=before, after=status)
    return inquiry


def add_note(db: Session, reference: str, text: str, who: str) -> InquiryNote:
    text = (text or "").strip()
    if not text or len(text) > MAX_NOTE:
        raise InquiryError("invalid-field", Message(
            "kn.note_length", "note: expected 1 to {limit} characters", limit=f"{MAX_NOTE:,}"))
    inquiry = by_reference(db, reference)
    note = InquiryNote(inquiry=inquiry, author=who, text=text)
    db.add(note)
    _touch(inquiry)
    record_change(db, who, "inquiry", inquiry.reference, "note")
    return note


def reply(db: Session, reference: str, text: str, who: str) -> Inquiry:
    """The answer the reader sees at the private link (the inquiry becomes answered)."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text or len(text) > MAX_REPLY:
        raise InquiryError("invalid-field", Message(
            "kn.reply_length", "reply: expected 1 to {limit} characters",
            limit=f"{MAX_REPLY:,}"))
    inquiry = by_reference(db, reference)
    inquiry.reply, inquiry.replied_by, inquiry.replied_at = text, who, utcnow()
    inquiry.status = "answered"
    if not inquiry.assignee:
        inquiry.assignee = who
    _touch(inquiry)
    record_change(db, who, "inquiry", inquiry.reference, "replied")
    return inquiry


def to_faq(db: Session, reference: str, slug: str, who: str, *, question: str | None = None,
           answer: str | None = None) -> str:
    """Turn the question and its reply into a draft FAQ entry (for an editor to finish)."""
    inquiry = by_reference(db, reference)
    if not inquiry.reply and not answer:
        raise InquiryError("bad-state", Message(
            "kn.no_reply_for_faq", "{reference} has no reply to turn into an answer yet",
            reference=inquiry.reference))
    if faq.text_of(db, slug, inquiry.language) is not None:
        raise InquiryError("exists", Message(
            "kn.faq_answer_exists", "FAQ entry {slug} already has a {lang} answer: choose "
            "another name", slug=slug, lang=inquiry.language))
    faq.save_text(db, slug, inquiry.language, question=question or inquiry.question[:500],
                  answer=answer or inquiry.reply, who=who, publish=False)
    inquiry.faq_slug = slug
    _touch(inquiry)
    record_change(db, who, "inquiry", inquiry.reference, "to-faq", entry=slug)
    return slug


def purge(db: Session, retention_days: int, now: dt.datetime | None = None) -> int:
    """Delete inquiries not touched for ``retention_days``; returns how many went."""
    cutoff = (now or utcnow()) - dt.timedelta(days=retention_days)
    ids = list(db.scalars(select(Inquiry.id).where(Inquiry.updated_at < cutoff)))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        db.execute(delete(InquiryNote).where(InquiryNote.inquiry_id.in_(chunk)))
        db.execute(delete(Inquiry).where(Inquiry.id.in_(chunk)))
    if ids:
        record_change(db, "purge", "inquiry", "*", "purged", count=len(ids),
                      retention_days=retention_days)
    return len(ids)
