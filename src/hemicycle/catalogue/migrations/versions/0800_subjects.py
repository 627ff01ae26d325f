"""subjects: machine suggestions and cataloguer decisions

Revision ID: 0800_subjects
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0800_subjects"
down_revision = "0001_core"
branch_labels = ("subjects",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subject_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("vocab", sa.String(length=40), nullable=False),
        sa.Column("concept", sa.String(length=300), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=True),
        sa.Column("backend", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "vocab", "concept"),
    )
    op.create_index("ix_subject_suggestions_document_id", "subject_suggestions",
                    ["document_id"])
    op.create_table(
        "subject_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("vocab", sa.String(length=40), nullable=False),
        sa.Column("concept", sa.String(length=300), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("backend", sa.String(length=40), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "vocab", "concept"),
    )
    op.create_index("ix_subject_decisions_document_id", "subject_decisions", ["document_id"])
    op.create_index("ix_subject_decisions_vocab", "subject_decisions", ["vocab"])


def downgrade() -> None:
    op.drop_table("subject_decisions")
    op.drop_table("subject_suggestions")
