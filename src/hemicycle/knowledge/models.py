"""Knowledge-service tables: research guides, the FAQ, inquiries, training sessions and the
log of every change staff make to them.

A guide is one subject written in up to six languages: each language version (a *page*)
has a working copy that goes draft -> review -> published, and every publication is kept
as a numbered *revision* (what readers see is the latest one). FAQ entries follow the same
shape with one text per language. Inquiries and registrations hold personal data only as
long as the configured retention says (``hemicycle inquiries purge``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hemicycle.catalogue.models import Base, utcnow


class Guide(Base):
    """A research guide, whatever languages it is written in."""

    __tablename__ = "knowledge_guides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(48), unique=True)
    # the language the guide was written in; the others are translations of it
    original_language: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    pages: Mapped[list[GuidePage]] = relationship(
        back_populates="guide", cascade="all, delete-orphan", order_by="GuidePage.language")


class GuidePage(Base):
    """One language version of a guide: its working copy and where it stands."""

    __tablename__ = "knowledge_guide_pages"
    __table_args__ = (UniqueConstraint("guide_id", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("knowledge_guides.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # Markdown, as the editor wrote it
    # of the working copy: draft | review | published (working copy == latest revision)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    published_number: Mapped[int | None] = mapped_column(Integer)  # latest revision shown
    version: Mapped[int] = mapped_column(Integer, default=1)  # bumps on every save
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(80))

    guide: Mapped[Guide] = relationship(back_populates="pages")
    revisions: Mapped[list[GuideRevision]] = relationship(
        back_populates="page", cascade="all, delete-orphan", order_by="GuideRevision.number")


class GuideRevision(Base):
    """A published version of a page, kept for its history and diffs."""

    __tablename__ = "knowledge_guide_revisions"
    __table_args__ = (UniqueConstraint("page_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_guide_pages.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    # the sanitised HTML cut at the live blocks: [{"html": ...} | {"block": {...}}]
    rendered: Mapped[list] = mapped_column(JSON, default=list)
    text: Mapped[str] = mapped_column(Text, default="")  # plain words, for guide search
    note: Mapped[str] = mapped_column(String(500), default="")
    submitted_by: Mapped[str | None] = mapped_column(String(80))
    published_by: Mapped[str] = mapped_column(String(80))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    page: Mapped[GuidePage] = relationship(back_populates="revisions")


class FaqTopic(Base):
    __tablename__ = "knowledge_faq_topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(48), unique=True)
    labels: Mapped[dict] = mapped_column(JSON, default=dict)  # language -> label
    position: Mapped[int] = mapped_column(Integer, default=0)


class FaqEntry(Base):
    """One question and its answer, in as many languages as it has texts."""

    __tablename__ = "knowledge_faq_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(48), unique=True)
    topics: Mapped[list] = mapped_column(JSON, default=list)  # topic slugs
    related: Mapped[list] = mapped_column(JSON, default=list)  # entry slugs
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    texts: Mapped[list[FaqText]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="FaqText.language")


class FaqText(Base):
    __tablename__ = "knowledge_faq_texts"
    __table_args__ = (UniqueConstraint("entry_id", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_faq_entries.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)  # Markdown
    html: Mapped[str] = mapped_column(Text, default="")  # the answer, sanitised
    state: Mapped[str] = mapped_column(String(10), default="draft")  # draft | published
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(80))

    entry: Mapped[FaqEntry] = relationship(back_populates="texts")


class FaqFeedback(Base):
    """One "was this helpful?" answer: the day and the vote, nothing about the reader."""

    __tablename__ = "knowledge_faq_feedback"
    __table_args__ = (Index("ix_knowledge_faq_feedback_entry", "entry_id", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_faq_entries.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(2))
    day: Mapped[dt.date] = mapped_column(Date)
    helpful: Mapped[bool] = mapped_column(Boolean)


class FaqSearch(Base):
    """How often a question was asked in a month, and whether an answer matched it."""

    __tablename__ = "knowledge_faq_searches"
    __table_args__ = (UniqueConstraint("month", "language", "query"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    language: Mapped[str] = mapped_column(String(2))
    query: Mapped[str] = mapped_column(String(200))  # trimmed, lower case
    count: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)


class Inquiry(Base):
    """A question sent through "Ask a librarian": the question, the page it came from,
    the reply. No name, address or e-mail: the reader follows the private link."""

    __tablename__ = "knowledge_inquiries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # of the private link
    language: Mapped[str] = mapped_column(String(2))
    question: Mapped[str] = mapped_column(Text)
    page: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(10), default="new", index=True)
    assignee: Mapped[str | None] = mapped_column(String(80))
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    replied_by: Mapped[str | None] = mapped_column(String(80))
    faq_slug: Mapped[str | None] = mapped_column(String(48))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    notes: Mapped[list[InquiryNote]] = relationship(
        back_populates="inquiry", cascade="all, delete-orphan", order_by="InquiryNote.id")


class InquiryNote(Base):
    """A note staff keep on an inquiry; never shown to the reader."""

    __tablename__ = "knowledge_inquiry_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_inquiries.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    text: Mapped[str] = mapped_column(Text)

    inquiry: Mapped[Inquiry] = relationship(back_populates="notes")


class TrainingSession(Base):
    __tablename__ = "knowledge_training_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(48), unique=True)
    topic: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2))
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)  # UTC
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    waitlist: Mapped[bool] = mapped_column(Boolean, default=True)  # when full: wait or refuse
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    registrations: Mapped[list[TrainingRegistration]] = relationship(
        back_populates="session", cascade="all, delete-orphan",
        order_by="TrainingRegistration.id")


class TrainingRegistration(Base):
    __tablename__ = "knowledge_training_registrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_training_sessions.id", ondelete="CASCADE"), index=True)
    # name and e-mail are cleared once the session is past the retention period
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    audience: Mapped[str] = mapped_column(String(20))  # mission | un_staff | ... | public
    status: Mapped[str] = mapped_column(String(10))  # registered | waitlisted | cancelled
    attended: Mapped[bool | None] = mapped_column(Boolean)
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    session: Mapped[TrainingSession] = relationship(back_populates="registrations")


class Change(Base):
    """Who changed what in the knowledge services, and when."""

    __tablename__ = "knowledge_changes"
    __table_args__ = (Index("ix_knowledge_changes_subject", "kind", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    who: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(12))  # guide | faq | topic | inquiry | training
    subject: Mapped[str] = mapped_column(String(80))  # slug/lang, reference, ...
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
