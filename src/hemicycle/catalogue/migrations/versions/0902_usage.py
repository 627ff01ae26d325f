"""usage: readers' places (country, region, city) and counts by place

Revision ID: 0902_usage
Revises: 0901_usage
"""

import sqlalchemy as sa
from alembic import op

revision = "0902_usage"
down_revision = "0901_usage"
branch_labels = None
depends_on = None

_PLACE = ("country", "region", "city")


def _place_columns() -> list[sa.Column]:
    return [sa.Column("country", sa.String(2), nullable=False),
            sa.Column("region", sa.String(80), nullable=False),
            sa.Column("city", sa.String(80), nullable=False)]


def upgrade() -> None:
    with op.batch_alter_table("usage_events") as batch:
        batch.add_column(sa.Column("country", sa.String(2), nullable=False,
                                   server_default="ZZ"))
        batch.add_column(sa.Column("region", sa.String(80), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("city", sa.String(80), nullable=False, server_default=""))
    op.create_table(
        "usage_geo_daily",
        sa.Column("day", sa.Date(), nullable=False),
        *_place_columns(),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", *_PLACE, "item", "language", "metric"),
    )
    op.create_index("ix_usage_geo_daily_month", "usage_geo_daily", ["month"])
    op.create_table(
        "usage_geo_monthly",
        sa.Column("month", sa.String(7), nullable=False),
        *_place_columns(),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", *_PLACE, "item", "language", "metric"),
    )
    op.create_index("ix_usage_geo_monthly_item", "usage_geo_monthly", ["item"])
    op.create_table(
        "usage_country_monthly",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "country", "language", "metric"),
    )
    op.create_table(
        "usage_city_monthly",
        sa.Column("month", sa.String(7), nullable=False),
        *_place_columns(),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", *_PLACE, "metric"),
    )
    op.create_table(
        "usage_geo_sources",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "source"),
    )


def downgrade() -> None:
    for table in ("usage_geo_sources", "usage_city_monthly", "usage_country_monthly",
                  "usage_geo_monthly"):
        if table == "usage_geo_monthly":
            op.drop_index("ix_usage_geo_monthly_item", table_name=table)
        op.drop_table(table)
    op.drop_index("ix_usage_geo_daily_month", table_name="usage_geo_daily")
    op.drop_table("usage_geo_daily")
    with op.batch_alter_table("usage_events") as batch:
        for column in ("city", "region", "country"):
            batch.drop_column(column)
