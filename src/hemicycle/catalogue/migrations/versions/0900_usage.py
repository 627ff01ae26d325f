"""usage: COUNTER events, daily counts, spool positions

Revision ID: 0900_usage
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0900_usage"
down_revision = "0001_core"
branch_labels = ("usage",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("ts", sa.Float(), nullable=False),
        sa.Column("reader", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=1), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("view", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_usage_events_day", "usage_events", ["day"])
    op.create_table(
        "usage_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "item", "metric"),
    )
    op.create_index("ix_usage_daily_month", "usage_daily", ["month"])
    op.create_table(
        "usage_monthly",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "item", "metric"),
    )
    op.create_table(
        "usage_dirty_months",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("month"),
    )
    op.create_table(
        "usage_dirty_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("day"),
    )
    op.create_table(
        "usage_spool_positions",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("offset", sa.BigInteger(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("usage_spool_positions")
    op.drop_table("usage_dirty_days")
    op.drop_table("usage_dirty_months")
    op.drop_table("usage_monthly")
    op.drop_index("ix_usage_daily_month", table_name="usage_daily")
    op.drop_table("usage_daily")
    op.drop_index("ix_usage_events_day", table_name="usage_events")
    op.drop_table("usage_events")
