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
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *_place_columns(),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_usage_geo_daily_day", "usage_geo_daily", ["day"])
    op.create_table(
        "usage_geo_monthly",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        *_place_columns(),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_usage_geo_monthly_month", "usage_geo_monthly", ["month"])
    op.create_index("ix_usage_geo_monthly_item", "usage_geo_monthly", ["item"])
    op.create_table(
        "usage_totals_monthly",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("month", "metric"),
    )
    op.create_table(
        "usage_top_monthly",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "metric", "item"),
    )
    # months counted before this revision: their totals and kept tops, from their sums
    op.execute("INSERT INTO usage_totals_monthly (month, metric, count) "
               "SELECT month, metric, SUM(count) FROM usage_monthly GROUP BY month, metric")
    op.execute("INSERT INTO usage_top_monthly (month, metric, item, count) "
               "SELECT month, metric, item, count FROM (SELECT month, metric, item, count, "
               "ROW_NUMBER() OVER (PARTITION BY month, metric ORDER BY count DESC, item) AS r "
               "FROM usage_monthly WHERE item != '' AND metric IN "
               "('Total_Item_Investigations', 'Total_Item_Requests')) ranked WHERE r <= 200")
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
                  "usage_top_monthly", "usage_totals_monthly"):
        op.drop_table(table)
    for table, columns in (("usage_geo_monthly", ("month", "item")),
                           ("usage_geo_daily", ("day",))):
        for column in columns:
            op.drop_index(f"ix_{table}_{column}", table_name=table)
        op.drop_table(table)
    with op.batch_alter_table("usage_events") as batch:
        for column in ("city", "region", "country"):
            batch.drop_column(column)
