"""documents: where each bulk load stands (resumed after its last committed batch)

Revision ID: 1100_documents
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "1100_documents"
down_revision = "0001_core"
branch_labels = ("documents",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "load_checkpoints",
        sa.Column("source", sa.String(length=600), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("position", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("source"),
    )


def downgrade() -> None:
    op.drop_table("load_checkpoints")
