"""Proceedings tables: member states, meetings, voting records, votes, speeches and the
data-quality reports of the importers that fill them.

Votes are the one big table (about a million rows for the General Assembly alone), so a
vote is a narrow row of integers keyed by (record, state); everything readable lives on
the voting record or the state authority.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hemicycle.catalogue.models import Base, utcnow


class MemberState(Base):
    """One authority per state, whatever it was called over time (names are dated)."""

    __tablename__ = "member_states"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    iso3: Mapped[str] = mapped_column(String(3), unique=True)
    iso2: Mapped[str | None] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(12), default="member")  # member|observer|organisation
    admitted: Mapped[dt.date | None] = mapped_column(Date)
    admitted_source: Mapped[str | None] = mapped_column(String(12))  # curated | data
    ended: Mapped[dt.date | None] = mapped_column(Date)  # membership ended (merged, dissolved)
    note: Mapped[str | None] = mapped_column(Text)

    names: Mapped[list[StateName]] = relationship(
        back_populates="state", cascade="all, delete-orphan", order_by="StateName.valid_from"
    )


class StateName(Base):
    """A state's name between two dates, so that a vote sheet shows the name of its day."""

    __tablename__ = "member_state_names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state_id: Mapped[int] = mapped_column(
        ForeignKey("member_states.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)

    state: Mapped[MemberState] = relationship(back_populates="names")


class StateCode(Base):
    """A code or name a source uses for a state (ISO2, COW number, a bare name)."""

    __tablename__ = "member_state_codes"
    __table_args__ = (UniqueConstraint("scheme", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("member_states.id", ondelete="CASCADE"))
    scheme: Mapped[str] = mapped_column(String(12))  # iso2 | cow | name
    code: Mapped[str] = mapped_column(String(200))


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (UniqueConstraint("body", "number", "session"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(String(20))
    session: Mapped[str | None] = mapped_column(String(20))
    number: Mapped[str | None] = mapped_column(String(20))
    date: Mapped[dt.date | None] = mapped_column(Date)
    symbol: Mapped[str | None] = mapped_column(String(200))  # meeting record, e.g. S/PV.7439
    symbol_key: Mapped[str | None] = mapped_column(String(200), index=True)


class VotingRecord(Base):
    """How a body decided one text: outcome, tallies and (for a recorded vote) the votes."""

    __tablename__ = "voting_records"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_voting_records_body_session", "body", "session_no"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # unvotes | cr-unsc | ...
    source_id: Mapped[str] = mapped_column(String(40))  # rcid, resolution number
    body: Mapped[str] = mapped_column(String(20))  # GA | SC
    session_no: Mapped[int | None] = mapped_column(Integer)
    date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    resolution_symbol: Mapped[str | None] = mapped_column(String(200))
    resolution_key: Mapped[str | None] = mapped_column(String(200), index=True)
    draft_symbol: Mapped[str | None] = mapped_column(String(200))
    source_ref: Mapped[str | None] = mapped_column(String(200))  # as printed by the source
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    agenda_item: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    # recorded | without_vote | non_recorded | unknown (the source does not say)
    outcome: Mapped[str] = mapped_column(String(16), default="recorded")
    important: Mapped[bool] = mapped_column(Boolean, default=False)
    amendment: Mapped[bool | None] = mapped_column(Boolean)
    paragraph: Mapped[bool | None] = mapped_column(Boolean)
    # tallies as counted from the votes; stated_* as printed by the source (if it says)
    yes: Mapped[int] = mapped_column(Integer, default=0)
    no: Mapped[int] = mapped_column(Integer, default=0)
    abstain: Mapped[int] = mapped_column(Integer, default=0)
    non_voting: Mapped[int] = mapped_column(Integer, default=0)
    absent: Mapped[int] = mapped_column(Integer, default=0)
    stated_yes: Mapped[int | None] = mapped_column(Integer)
    stated_no: Mapped[int | None] = mapped_column(Integer)
    stated_abstain: Mapped[int | None] = mapped_column(Integer)
    record_url: Mapped[str | None] = mapped_column(String(300))  # Digital Library record
    voting_url: Mapped[str | None] = mapped_column(String(300))  # Digital Library vote record

    meeting: Mapped[Meeting | None] = relationship()

    @property
    def on_a_part(self) -> bool:
        """A separate vote on a paragraph or an amendment, not on the text as a whole."""
        return bool(self.paragraph or self.amendment)


class Vote(Base):
    """One state's vote on one record (codes in hemicycle.proceedings.codes.VOTES)."""

    __tablename__ = "votes"
    __table_args__ = (Index("ix_votes_state_record", "state_id", "record_id", "vote"),)

    record_id: Mapped[int] = mapped_column(
        ForeignKey("voting_records.id", ondelete="CASCADE"), primary_key=True
    )
    state_id: Mapped[int] = mapped_column(ForeignKey("member_states.id"), primary_key=True)
    vote: Mapped[int] = mapped_column(SmallInteger)


class RecordIssue(Base):
    """An issue tag of a voting record (unvotes: me, nu, di, hr, co, ec)."""

    __tablename__ = "voting_record_issues"
    __table_args__ = (Index("ix_voting_record_issues_issue", "issue", "record_id"),)

    record_id: Mapped[int] = mapped_column(
        ForeignKey("voting_records.id", ondelete="CASCADE"), primary_key=True
    )
    issue: Mapped[str] = mapped_column(String(8), primary_key=True)


class Speech(Base):
    """Who spoke, for whom, where, on what; the text itself or a link to it."""

    __tablename__ = "speeches"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_speeches_body_session", "body", "session_no"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(20))
    session_no: Mapped[int | None] = mapped_column(Integer)
    year: Mapped[int | None] = mapped_column(Integer)
    date: Mapped[dt.date | None] = mapped_column(Date)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    state_id: Mapped[int | None] = mapped_column(ForeignKey("member_states.id"), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200))  # as printed
    speaker: Mapped[str | None] = mapped_column(String(200), index=True)
    speaker_title: Mapped[str | None] = mapped_column(String(200))
    agenda_item: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(2))
    text: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(300))

    meeting: Mapped[Meeting | None] = relationship()
    state: Mapped[MemberState | None] = relationship()


class ImportRun(Base):
    """One run of an importer over one set of files (its checksum makes reruns no-ops)."""

    __tablename__ = "proceedings_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    importer: Mapped[str] = mapped_column(String(20), index=True)  # ga | sc | gdc
    files: Mapped[str] = mapped_column(Text)  # file names, one a line
    checksum: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    loaded: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[int] = mapped_column(Integer, default=0)
    current: Mapped[bool] = mapped_column(Boolean, default=True)


class QualityIssue(Base):
    """One finding of an importer's data-quality report (codes in codes.QUALITY)."""

    __tablename__ = "proceedings_quality"
    __table_args__ = (Index("ix_proceedings_quality_run_code", "run_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("proceedings_imports.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    file: Mapped[str] = mapped_column(String(300))
    row: Mapped[int | None] = mapped_column(Integer)  # 1 = header line; data start at 2
    field: Mapped[str | None] = mapped_column(String(60))
    value: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)
