"""knowledge: research guides (pages, revisions), FAQ (topics, entries, texts, feedback,
searches), inquiries and their notes, training sessions and registrations, change log

Revision ID: 1200_knowledge
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "1200_knowledge"
down_revision = "0001_core"
branch_labels = ("knowledge",)
depends_on = None


def upgrade() -> None:
    op.create_table("knowledge_changes",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("at", sa.DateTime(), nullable=False),
    sa.Column("who", sa.String(length=80), nullable=False),
    sa.Column("kind", sa.String(length=12), nullable=False),
    sa.Column("subject", sa.String(length=80), nullable=False),
    sa.Column("action", sa.String(length=40), nullable=False),
    sa.Column("detail", sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_knowledge_changes_at"), "knowledge_changes", ["at"], unique=False)
    op.create_index("ix_knowledge_changes_subject", "knowledge_changes", ["kind", "subject"], unique=False)
    op.create_table("knowledge_faq_entries",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=48), nullable=False),
    sa.Column("topics", sa.JSON(), nullable=False),
    sa.Column("related", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("created_by", sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("slug")
    )
    op.create_table("knowledge_faq_searches",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("month", sa.String(length=7), nullable=False),
    sa.Column("language", sa.String(length=2), nullable=False),
    sa.Column("query", sa.String(length=200), nullable=False),
    sa.Column("count", sa.Integer(), nullable=False),
    sa.Column("answered", sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("month", "language", "query")
    )
    op.create_table("knowledge_faq_topics",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=48), nullable=False),
    sa.Column("labels", sa.JSON(), nullable=False),
    sa.Column("position", sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("slug")
    )
    op.create_table("knowledge_guides",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=48), nullable=False),
    sa.Column("original_language", sa.String(length=2), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("created_by", sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("slug")
    )
    op.create_table("knowledge_inquiries",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("reference", sa.String(length=20), nullable=False),
    sa.Column("token_hash", sa.String(length=64), nullable=False),
    sa.Column("language", sa.String(length=2), nullable=False),
    sa.Column("question", sa.Text(), nullable=False),
    sa.Column("page", sa.String(length=500), nullable=False),
    sa.Column("status", sa.String(length=10), nullable=False),
    sa.Column("assignee", sa.String(length=80), nullable=True),
    sa.Column("reply", sa.Text(), nullable=False),
    sa.Column("replied_at", sa.DateTime(), nullable=True),
    sa.Column("replied_by", sa.String(length=80), nullable=True),
    sa.Column("faq_slug", sa.String(length=48), nullable=True),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.Column("updated_at", sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("reference"),
    sa.UniqueConstraint("token_hash")
    )
    op.create_index(op.f("ix_knowledge_inquiries_created_at"), "knowledge_inquiries", ["created_at"], unique=False)
    op.create_index(op.f("ix_knowledge_inquiries_status"), "knowledge_inquiries", ["status"], unique=False)
    op.create_table("knowledge_training_sessions",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("slug", sa.String(length=48), nullable=False),
    sa.Column("topic", sa.String(length=300), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("language", sa.String(length=2), nullable=False),
    sa.Column("starts_at", sa.DateTime(), nullable=False),
    sa.Column("minutes", sa.Integer(), nullable=False),
    sa.Column("place", sa.String(length=300), nullable=False),
    sa.Column("online_url", sa.String(length=500), nullable=False),
    sa.Column("capacity", sa.Integer(), nullable=False),
    sa.Column("waitlist", sa.Boolean(), nullable=False),
    sa.Column("cancelled", sa.Boolean(), nullable=False),
    sa.Column("created_by", sa.String(length=80), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("slug")
    )
    op.create_index(op.f("ix_knowledge_training_sessions_starts_at"), "knowledge_training_sessions", ["starts_at"], unique=False)
    op.create_table("knowledge_faq_feedback",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("entry_id", sa.Integer(), nullable=False),
    sa.Column("language", sa.String(length=2), nullable=False),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("helpful", sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(["entry_id"], ["knowledge_faq_entries.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index("ix_knowledge_faq_feedback_entry", "knowledge_faq_feedback", ["entry_id", "language"], unique=False)
    op.create_table("knowledge_faq_texts",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("entry_id", sa.Integer(), nullable=False),
    sa.Column("language", sa.String(length=2), nullable=False),
    sa.Column("question", sa.String(length=500), nullable=False),
    sa.Column("answer", sa.Text(), nullable=False),
    sa.Column("html", sa.Text(), nullable=False),
    sa.Column("state", sa.String(length=10), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("updated_at", sa.DateTime(), nullable=False),
    sa.Column("updated_by", sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(["entry_id"], ["knowledge_faq_entries.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("entry_id", "language")
    )
    op.create_table("knowledge_guide_pages",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("guide_id", sa.Integer(), nullable=False),
    sa.Column("language", sa.String(length=2), nullable=False),
    sa.Column("title", sa.String(length=300), nullable=False),
    sa.Column("summary", sa.Text(), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("state", sa.String(length=10), nullable=False),
    sa.Column("published_number", sa.Integer(), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("updated_at", sa.DateTime(), nullable=False),
    sa.Column("updated_by", sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(["guide_id"], ["knowledge_guides.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("guide_id", "language")
    )
    op.create_table("knowledge_inquiry_notes",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("inquiry_id", sa.Integer(), nullable=False),
    sa.Column("author", sa.String(length=80), nullable=False),
    sa.Column("at", sa.DateTime(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(["inquiry_id"], ["knowledge_inquiries.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_knowledge_inquiry_notes_inquiry_id"), "knowledge_inquiry_notes", ["inquiry_id"], unique=False)
    op.create_table("knowledge_training_registrations",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("session_id", sa.Integer(), nullable=False),
    sa.Column("name", sa.String(length=200), nullable=False),
    sa.Column("email", sa.String(length=254), nullable=False),
    sa.Column("audience", sa.String(length=20), nullable=False),
    sa.Column("status", sa.String(length=10), nullable=False),
    sa.Column("attended", sa.Boolean(), nullable=True),
    sa.Column("registered_at", sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(["session_id"], ["knowledge_training_sessions.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id")
    )
    op.create_index(op.f("ix_knowledge_training_registrations_session_id"), "knowledge_training_registrations", ["session_id"], unique=False)
    op.create_table("knowledge_guide_revisions",
    sa.Column("id", sa.Integer(), nullable=False),
    sa.Column("page_id", sa.Integer(), nullable=False),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(length=300), nullable=False),
    sa.Column("summary", sa.Text(), nullable=False),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("rendered", sa.JSON(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("note", sa.String(length=500), nullable=False),
    sa.Column("submitted_by", sa.String(length=80), nullable=True),
    sa.Column("published_by", sa.String(length=80), nullable=False),
    sa.Column("published_at", sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(["page_id"], ["knowledge_guide_pages.id"], ondelete="CASCADE"),
    sa.PrimaryKeyConstraint("id"),
    sa.UniqueConstraint("page_id", "number")
    )
    op.create_index(op.f("ix_knowledge_guide_revisions_page_id"), "knowledge_guide_revisions", ["page_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_knowledge_guide_revisions_page_id"), table_name="knowledge_guide_revisions")
    op.drop_table("knowledge_guide_revisions")
    op.drop_index(op.f("ix_knowledge_training_registrations_session_id"), table_name="knowledge_training_registrations")
    op.drop_table("knowledge_training_registrations")
    op.drop_index(op.f("ix_knowledge_inquiry_notes_inquiry_id"), table_name="knowledge_inquiry_notes")
    op.drop_table("knowledge_inquiry_notes")
    op.drop_table("knowledge_guide_pages")
    op.drop_table("knowledge_faq_texts")
    op.drop_index("ix_knowledge_faq_feedback_entry", table_name="knowledge_faq_feedback")
    op.drop_table("knowledge_faq_feedback")
    op.drop_index(op.f("ix_knowledge_training_sessions_starts_at"), table_name="knowledge_training_sessions")
    op.drop_table("knowledge_training_sessions")
    op.drop_index(op.f("ix_knowledge_inquiries_status"), table_name="knowledge_inquiries")
    op.drop_index(op.f("ix_knowledge_inquiries_created_at"), table_name="knowledge_inquiries")
    op.drop_table("knowledge_inquiries")
    op.drop_table("knowledge_guides")
    op.drop_table("knowledge_faq_topics")
    op.drop_table("knowledge_faq_searches")
    op.drop_table("knowledge_faq_entries")
    op.drop_index("ix_knowledge_changes_subject", table_name="knowledge_changes")
    op.drop_index(op.f("ix_knowledge_changes_at"), table_name="knowledge_changes")
    op.drop_table("knowledge_changes")
