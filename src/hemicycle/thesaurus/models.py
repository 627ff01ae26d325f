"""Thesaurus tables: vocabularies, concepts, labels, notes, relations, T-codes,
change log and validation reports.

SKOS is kept as rows so that concept pages, A-Z lists and autocomplete are plain
indexed SQL lookups; the RDF graph is rebuilt from these rows for export and SPARQL.
Labels carry a folded key (for accent/case-insensitive prefix search) and ICU sort
keys (bytes compare the same on SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hemicycle.catalogue.models import Base, utcnow

# Prefix ranges on the folded key must compare code points, not a locale's rules.
FoldedKey = String(400).with_variant(String(400, collation="C"), "postgresql")


class Vocabulary(Base):
    __tablename__ = "thesaurus_vocabularies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[dict] = mapped_column(JSON, default=dict)  # lang -> title
    scheme_uri: Mapped[str | None] = mapped_column(String(400))
    version: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str | None] = mapped_column(Text)  # file names of the latest load
    languages: Mapped[list] = mapped_column(JSON, default=list)
    concept_count: Mapped[int] = mapped_column(Integer, default=0)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Concept(Base):
    """A concept, or a scheme / collection (domain, microthesaurus) of a vocabulary."""

    __tablename__ = "thesaurus_concepts"
    __table_args__ = (
        UniqueConstraint("vocab_id", "uri"),
        Index("ix_thesaurus_concepts_vocab_local", "vocab_id", "local_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vocab_id: Mapped[int] = mapped_column(
        ForeignKey("thesaurus_vocabularies.id", ondelete="CASCADE"))
    uri: Mapped[str] = mapped_column(String(400), index=True)
    local_id: Mapped[str] = mapped_column(String(200))
    # concept | scheme | domain | microthesaurus | collection
    kind: Mapped[str] = mapped_column(String(20), default="concept")
    notation: Mapped[str | None] = mapped_column(String(100))
    deprecated: Mapped[bool] = mapped_column(Boolean, default=False)
    digest: Mapped[str] = mapped_column(String(64))  # of its statements, to see changes
    first_version: Mapped[int] = mapped_column(Integer, default=1)
    updated_version: Mapped[int] = mapped_column(Integer, default=1)


class Label(Base):
    __tablename__ = "thesaurus_labels"
    __table_args__ = (
        Index("ix_thesaurus_labels_folded", "vocab_id", "lang", "folded"),
        Index("ix_thesaurus_labels_az", "vocab_id", "lang", "letter", "sort_key"),
        Index("ix_thesaurus_labels_az_alt", "vocab_id", "lang", "letter_alt", "sort_key_alt"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vocab_id: Mapped[int] = mapped_column(
        ForeignKey("thesaurus_vocabularies.id", ondelete="CASCADE"))
    concept_id: Mapped[int] = mapped_column(
        ForeignKey("thesaurus_concepts.id", ondelete="CASCADE"), index=True)
    lang: Mapped[str] = mapped_column(String(35))  # primary subtag, e.g. "en", "zh"
    tag: Mapped[str] = mapped_column(String(35))  # the full tag as written, e.g. "zh-Hans"
    kind: Mapped[str] = mapped_column(String(6))  # pref | alt | hidden
    text: Mapped[str] = mapped_column(Text)
    folded: Mapped[str] = mapped_column(FoldedKey)
    sort_key: Mapped[bytes] = mapped_column(LargeBinary)
    letter: Mapped[str] = mapped_column(String(20))
    # a second order where a language has one (Chinese by stroke count)
    sort_key_alt: Mapped[bytes | None] = mapped_column(LargeBinary)
    letter_alt: Mapped[str | None] = mapped_column(String(20))


class Note(Base):
    __tablename__ = "thesaurus_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    concept_id: Mapped[int] = mapped_column(
        ForeignKey("thesaurus_concepts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # scopeNote, definition, note, ...
    lang: Mapped[str] = mapped_column(String(35))
    text: Mapped[str] = mapped_column(Text)


class Relation(Base):
    """A link from a concept: broader, related, member (collection -> member), inScheme,
    topConceptOf, or a mapping (exactMatch ...). Narrower is stored as the inverse broader."""

    __tablename__ = "thesaurus_relations"
    __table_args__ = (
        Index("ix_thesaurus_relations_source", "source_id", "kind"),
        Index("ix_thesaurus_relations_target", "vocab_id", "target_uri", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vocab_id: Mapped[int] = mapped_column(
        ForeignKey("thesaurus_vocabularies.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(
        ForeignKey("thesaurus_concepts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    target_uri: Mapped[str] = mapped_column(String(400))


class TCode(Base):
    """A legacy UNBIS identifier (T0003917) kept so old links still resolve."""

    __tablename__ = "thesaurus_tcodes"
    __table_args__ = (UniqueConstraint("vocab_id", "tcode"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vocab_id: Mapped[int] = mapped_column(
        ForeignKey("thesaurus_vocabularies.id", ondelete="CASCADE"))
    tcode: Mapped[str] = mapped_column(String(20), index=True)
    uri: Mapped[str] = mapped_column(String(400))


class Change(Base):
    """What a (re)load did to each concept: added, changed or deprecated."""

    __tablename__ = "thesaurus_changes"
    __table_args__ = (Index("ix_thesaurus_changes_vocab_version", "vocab_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vocab_id: Mapped[int] = mapped_column(
        ForeignKey("thesaurus_vocabularies.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    uri: Mapped[str] = mapped_column(String(400))
    change: Mapped[str] = mapped_column(String(12))  # added | changed | deprecated
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ValidationReport(Base):
    __tablename__ = "thesaurus_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vocab: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int | None] = mapped_column(Integer)  # None: validated, not loaded
    source: Mapped[str] = mapped_column(Text)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # code -> number
    issues: Mapped[list] = mapped_column(JSON, default=list)  # [{code, severity, ...}]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
