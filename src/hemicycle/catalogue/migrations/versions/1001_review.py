"""review: tasks on any record (findings, low-confidence fields, what a draft lacks)

Revision ID: 1001_review
Revises: 0001_core

A branch of its own ("review_tasks"), beside the drafts' table: either can be taken
back without the other.

The table starts empty: ``hemicycle review tasks --refresh`` computes the tasks of
records catalogued before it (importers write them as they save).
"""

import sqlalchemy as sa
from alembic import op

revision = "1001_review"
down_revision = "0001_core"
branch_labels = ("review_tasks",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "code", "field"),
    )
    op.create_index("ix_review_tasks_document_id", "review_tasks", ["document_id"])
    op.create_index("ix_review_tasks_status", "review_tasks", ["status"])


def downgrade() -> None:
    op.drop_index("ix_review_tasks_status", table_name="review_tasks")
    op.drop_index("ix_review_tasks_document_id", table_name="review_tasks")
    op.drop_table("review_tasks")
