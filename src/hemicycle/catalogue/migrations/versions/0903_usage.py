"""usage: counts by place read from the daily rows; page views and cities per year apart

``usage_geo_monthly`` copied nearly every row of ``usage_geo_daily`` (one per place and
item: they hardly ever repeat within a month) and kept an index on item that every
insert had to reach at random, so processing slowed down as events grew. The daily rows
get their month and become what the reports by item and place read; the views of pages
that are not documents get their own small table, and each year's cities theirs (with
the months they were seen in), so that the number of distinct cities is read from one
row per city. Months already folded (their daily rows pruned) are moved back into the
daily table on their first day.

Revision ID: 0903_usage
Revises: 0902_usage
"""

import sqlalchemy as sa
from alembic import op

revision = "0903_usage"
down_revision = "0902_usage"
branch_labels = None
depends_on = None

_PLACE = ("country", "region", "city")
_PAGES = "(item >= 'guide:' AND item < 'guide;' OR item >= 'faq:' AND item < 'faq;' " \
         "OR item >= 'page:' AND item < 'page;')"


def _place_columns() -> list[sa.Column]:
    return [sa.Column("country", sa.String(2), nullable=False),
            sa.Column("region", sa.String(80), nullable=False),
            sa.Column("city", sa.String(80), nullable=False)]


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    with op.batch_alter_table("usage_geo_daily") as batch:
        batch.add_column(sa.Column("month", sa.String(7), nullable=False, server_default=""))
    op.execute("UPDATE usage_geo_daily SET month = "
               + ("to_char(day, 'YYYY-MM')" if _postgres() else "substr(day, 1, 7)"))
    first_day = "to_date(month || '-01', 'YYYY-MM-DD')" if _postgres() else "month || '-01'"
    columns = "country, region, city, item, language, metric, count"
    op.execute(f"INSERT INTO usage_geo_daily (day, month, {columns}) "
               f"SELECT {first_day}, month, {columns} FROM usage_geo_monthly "
               "WHERE month NOT IN (SELECT DISTINCT month FROM usage_geo_daily)")
    op.create_table(
        "usage_page_monthly",
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("item", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "item", "language", "metric"),
    )
    op.execute("INSERT INTO usage_page_monthly (month, item, language, metric, count) "
               "SELECT month, item, language, metric, SUM(count) FROM usage_geo_monthly "
               f"WHERE {_PAGES} GROUP BY month, item, language, metric")
    op.create_table(
        "usage_city_yearly",
        sa.Column("year", sa.Integer(), nullable=False),
        *_place_columns(),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", *_PLACE),
    )
    masks: dict[tuple, int] = {}
    for month, country, region, city in op.get_bind().execute(sa.text(
            "SELECT DISTINCT month, country, region, city FROM usage_city_monthly "
            "WHERE metric = 'Total_Item_Investigations' AND city != '' "
            "AND country != 'ZZ'")):
        key = (int(month[:4]), country, region, city)
        masks[key] = masks.get(key, 0) | 1 << (int(month[5:7]) - 1)
    if masks:
        op.get_bind().execute(sa.text(
            "INSERT INTO usage_city_yearly (year, country, region, city, months) "
            "VALUES (:year, :country, :region, :city, :months)"),
            [{"year": y, "country": c, "region": r, "city": t, "months": m}
             for (y, c, r, t), m in masks.items()])
    for column in ("month", "item"):
        op.drop_index(f"ix_usage_geo_monthly_{column}", table_name="usage_geo_monthly")
    op.drop_table("usage_geo_monthly")


def downgrade() -> None:
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
    columns = "country, region, city, item, language, metric"
    op.execute(f"INSERT INTO usage_geo_monthly (month, {columns}, count) "
               f"SELECT month, {columns}, SUM(count) FROM usage_geo_daily "
               f"GROUP BY month, {columns}")
    op.drop_table("usage_city_yearly")
    op.drop_table("usage_page_monthly")
    with op.batch_alter_table("usage_geo_daily") as batch:
        batch.drop_column("month")
