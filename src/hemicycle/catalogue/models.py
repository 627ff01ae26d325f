"""Catalogue tables: documents, their symbols, language versions and files.

The catalogue is the source of truth for metadata. Other packages (thesaurus,
proceedings, storage, subjects, usage) declare their own tables on the same
``Base`` so that one Alembic history and one database hold everything.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def new_uid() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass


# statuses of records only staff see (one rule for pages, API, files, IIIF, OAI-PMH)
UNPUBLISHED: tuple[str, ...] = ("draft", "rejected")


class Document(Base):
    """One UN document, whatever languages it exists in."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True, default=new_uid)
    symbol: Mapped[str] = mapped_column(String(200), unique=True)  # canonical primary
    doc_type: Mapped[str | None] = mapped_column(String(40))
    body: Mapped[str | None] = mapped_column(String(40), index=True)
    session: Mapped[str | None] = mapped_column(String(20))
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    publication_date: Mapped[dt.date | None] = mapped_column(Date)
    # day | month | year: a date known only to its year is kept as its first day
    # (hemicycle.describe.precision); shown and exported as "2015", never as 2015-01-01
    date_precision: Mapped[str | None] = mapped_column(String(5))
    action_date: Mapped[dt.date | None] = mapped_column(Date)
    distribution: Mapped[str | None] = mapped_column(String(10))
    # published | draft (awaiting review) | rejected (a draft turned down at review) |
    # deleted (withdrawn after publication, kept for OAI-PMH "persistent")
    status: Mapped[str] = mapped_column(String(12), default="published", index=True)
    source: Mapped[str | None] = mapped_column(String(80))
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, index=True
    )

    @property
    def unpublished(self) -> bool:
        """Never shown to readers, nor harvested: a draft, or a draft turned down."""
        return self.status in UNPUBLISHED

    symbols: Mapped[list[DocumentSymbol]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentSymbol.position"
    )
    versions: Mapped[list[LanguageVersion]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )
    files: Mapped[list[File]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )
    subjects: Mapped[list[DocumentSubject]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )
    related: Mapped[list[RelatedDocument]] = relationship(
        back_populates="document", cascade="all, delete-orphan"
    )

    def version(self, language: str) -> LanguageVersion | None:
        return next((v for v in self.versions if v.language == language), None)

    @property
    def languages(self) -> list[str]:
        from hemicycle.languages import CODES

        have = {v.language for v in self.versions}
        return [c for c in CODES if c in have]


class DocumentSymbol(Base):
    """Every symbol a document carries (joint documents have several)."""

    __tablename__ = "document_symbols"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    symbol: Mapped[str] = mapped_column(String(200))  # canonical form
    key: Mapped[str] = mapped_column(String(200), unique=True)  # comparison key
    position: Mapped[int] = mapped_column(Integer, default=0)

    document: Mapped[Document] = relationship(back_populates="symbols")


class LanguageVersion(Base):
    __tablename__ = "language_versions"
    __table_args__ = (UniqueConstraint("document_id", "language"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    # how the text was obtained: one of hemicycle.documents.TEXT_SOURCES
    text_source: Mapped[str | None] = mapped_column(String(20))

    document: Mapped[Document] = relationship(back_populates="versions")


class File(Base):
    """A file of one language version, addressed by (document, language, format)."""

    __tablename__ = "files"
    __table_args__ = (UniqueConstraint("document_id", "language", "format"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(2))
    format: Mapped[str] = mapped_column(String(20))  # pdf, txt, pdfa, hocr, alto, tiff ...
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha512: Mapped[str] = mapped_column(String(128))
    filename: Mapped[str] = mapped_column(String(300))  # name offered on download
    # where the bytes are: path relative to the data directory's file store or
    # "ocfl:<object id>/<logical path>" once the storage package owns them
    location: Mapped[str] = mapped_column(String(600))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="files")


class AgendaItem(Base):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    agenda_symbol: Mapped[str | None] = mapped_column(String(200))
    item_number: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)

    document: Mapped[Document] = relationship(back_populates="agenda_items")


class DocumentSubject(Base):
    """A subject of a document, with provenance (who or what assigned it)."""

    __tablename__ = "document_subjects"
    __table_args__ = (UniqueConstraint("document_id", "vocab", "concept"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    vocab: Mapped[str] = mapped_column(String(40), default="unbis")
    concept: Mapped[str] = mapped_column(String(300), index=True)  # URI or, if unknown, label
    label: Mapped[str | None] = mapped_column(String(300))  # label as given at import
    origin: Mapped[str] = mapped_column(String(12), default="human")  # human | machine
    backend: Mapped[str | None] = mapped_column(String(40))
    model: Mapped[str | None] = mapped_column(String(80))  # machine: the model version
    score: Mapped[float | None] = mapped_column(Float)
    assigned_by: Mapped[str | None] = mapped_column(String(80))  # a user, or "policy: ..."
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    document: Mapped[Document] = relationship(back_populates="subjects")


class RelatedDocument(Base):
    __tablename__ = "related_documents"
    __table_args__ = (UniqueConstraint("document_id", "symbol", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    symbol: Mapped[str] = mapped_column(String(200))  # canonical symbol of the other one
    role: Mapped[str] = mapped_column(String(40))  # draft, report, meeting record, ...

    document: Mapped[Document] = relationship(back_populates="related")


class Change(Base):
    """One change to a document, numbered in the order it was made: the change log the
    search index replicas follow (see ``hemicycle.catalogue.changes``)."""

    __tablename__ = "changes"
    __table_args__ = {"sqlite_autoincrement": True}  # a number is never given out twice

    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                     primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(Integer, index=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # cataloguer | admin
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # a session cookie carries the version it was made at; bumping it ends them all
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Job(Base):
    """A unit of resumable work (a page to OCR, a file to ingest): never lost, never doubled."""

    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("kind", "key"), Index("ix_jobs_kind_state", "kind", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(600))
    batch: Mapped[str | None] = mapped_column(String(100), index=True)
    state: Mapped[str] = mapped_column(String(12), default="pending")  # pending|done|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
