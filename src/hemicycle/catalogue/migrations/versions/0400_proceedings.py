"""proceedings: member states, meetings, voting records, votes, speeches, quality reports

Revision ID: 0400_proceedings
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0400_proceedings"
down_revision = "0001_core"
branch_labels = ("proceedings",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=20), nullable=False),
        sa.Column("session", sa.String(length=20), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("symbol", sa.String(length=200), nullable=True),
        sa.Column("symbol_key", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("body", "number", "session"),
    )
    op.create_index(op.f("ix_meetings_symbol_key"), "meetings", ["symbol_key"], unique=False)
    op.create_table(
        "member_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iso3", sa.String(length=3), nullable=False),
        sa.Column("iso2", sa.String(length=2), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("admitted", sa.Date(), nullable=True),
        sa.Column("admitted_source", sa.String(length=12), nullable=True),
        sa.Column("ended", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("iso3"),
    )
    op.create_table(
        "proceedings_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("importer", sa.String(length=20), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("loaded", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_proceedings_imports_importer"), "proceedings_imports", ["importer"], unique=False
    )
    op.create_table(
        "member_state_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=12), nullable=False),
        sa.Column("code", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["state_id"], ["member_states.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scheme", "code"),
    )
    op.create_table(
        "member_state_names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["state_id"], ["member_states.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_member_state_names_state_id"), "member_state_names", ["state_id"], unique=False
    )
    op.create_table(
        "proceedings_quality",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("file", sa.String(length=300), nullable=False),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=60), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["proceedings_imports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_proceedings_quality_run_code", "proceedings_quality", ["run_id", "code"], unique=False
    )
    op.create_table(
        "speeches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("body", sa.String(length=20), nullable=False),
        sa.Column("session_no", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("state_id", sa.Integer(), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("speaker", sa.String(length=200), nullable=True),
        sa.Column("speaker_title", sa.String(length=200), nullable=True),
        sa.Column("agenda_item", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("url", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["state_id"],
            ["member_states.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "source_id"),
    )
    op.create_index("ix_speeches_body_session", "speeches", ["body", "session_no"], unique=False)
    op.create_index(op.f("ix_speeches_speaker"), "speeches", ["speaker"], unique=False)
    op.create_index(op.f("ix_speeches_state_id"), "speeches", ["state_id"], unique=False)
    op.create_table(
        "voting_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.String(length=40), nullable=False),
        sa.Column("body", sa.String(length=20), nullable=False),
        sa.Column("session_no", sa.Integer(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("resolution_symbol", sa.String(length=200), nullable=True),
        sa.Column("resolution_key", sa.String(length=200), nullable=True),
        sa.Column("draft_symbol", sa.String(length=200), nullable=True),
        sa.Column("source_ref", sa.String(length=200), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("agenda_item", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("important", sa.Boolean(), nullable=False),
        sa.Column("amendment", sa.Boolean(), nullable=True),
        sa.Column("paragraph", sa.Boolean(), nullable=True),
        sa.Column("yes", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("abstain", sa.Integer(), nullable=False),
        sa.Column("non_voting", sa.Integer(), nullable=False),
        sa.Column("absent", sa.Integer(), nullable=False),
        sa.Column("stated_yes", sa.Integer(), nullable=True),
        sa.Column("stated_no", sa.Integer(), nullable=True),
        sa.Column("stated_abstain", sa.Integer(), nullable=True),
        sa.Column("record_url", sa.String(length=300), nullable=True),
        sa.Column("voting_url", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "source_id"),
    )
    op.create_index(
        "ix_voting_records_body_session", "voting_records", ["body", "session_no"], unique=False
    )
    op.create_index(op.f("ix_voting_records_date"), "voting_records", ["date"], unique=False)
    op.create_index(
        op.f("ix_voting_records_resolution_key"), "voting_records", ["resolution_key"], unique=False
    )
    op.create_table(
        "votes",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("state_id", sa.Integer(), nullable=False),
        sa.Column("vote", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["voting_records.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["state_id"],
            ["member_states.id"],
        ),
        sa.PrimaryKeyConstraint("record_id", "state_id"),
    )
    op.create_index(
        "ix_votes_state_record", "votes", ["state_id", "record_id", "vote"], unique=False
    )
    op.create_table(
        "voting_record_issues",
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("issue", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["voting_records.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("record_id", "issue"),
    )
    op.create_index(
        "ix_voting_record_issues_issue",
        "voting_record_issues",
        ["issue", "record_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_voting_record_issues_issue", table_name="voting_record_issues")
    op.drop_table("voting_record_issues")
    op.drop_index("ix_votes_state_record", table_name="votes")
    op.drop_table("votes")
    op.drop_index(op.f("ix_voting_records_resolution_key"), table_name="voting_records")
    op.drop_index(op.f("ix_voting_records_date"), table_name="voting_records")
    op.drop_index("ix_voting_records_body_session", table_name="voting_records")
    op.drop_table("voting_records")
    op.drop_index(op.f("ix_speeches_state_id"), table_name="speeches")
    op.drop_index(op.f("ix_speeches_speaker"), table_name="speeches")
    op.drop_index("ix_speeches_body_session", table_name="speeches")
    op.drop_table("speeches")
    op.drop_index("ix_proceedings_quality_run_code", table_name="proceedings_quality")
    op.drop_table("proceedings_quality")
    op.drop_index(op.f("ix_member_state_names_state_id"), table_name="member_state_names")
    op.drop_table("member_state_names")
    op.drop_table("member_state_codes")
    op.drop_index(op.f("ix_proceedings_imports_importer"), table_name="proceedings_imports")
    op.drop_table("proceedings_imports")
    op.drop_table("member_states")
    op.drop_index(op.f("ix_meetings_symbol_key"), table_name="meetings")
    op.drop_table("meetings")
