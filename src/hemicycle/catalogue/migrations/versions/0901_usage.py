"""usage: days whose raw events were pruned

Revision ID: 0901_usage
Revises: 0900_usage
"""

import sqlalchemy as sa
from alembic import op

revision = "0901_usage"
down_revision = "0900_usage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_pruned_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )


def downgrade() -> None:
    op.drop_table("usage_pruned_days")
