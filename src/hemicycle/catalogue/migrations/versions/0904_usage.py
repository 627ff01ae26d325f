"""usage: places as small integer ids; cities per year with a count per month

The rows that grow with the events (``usage_events``, about one ``usage_geo_daily`` row
per counted event) repeated three place names each: they carry the id of a
``usage_places`` row instead (0: the unknown place), so inserting, sorting and grouping
them moves fewer bytes. ``usage_city_monthly`` (a row per month, city and metric) goes:
``usage_city_yearly`` holds per year, place and metric a count for each month and the
months with any, so the reports by city read one row per place and year. Existing rows
are carried over; the downgrade puts the names and the month rows back.

Revision ID: 0904_usage
Revises: 0903_usage
"""

import sqlalchemy as sa
from alembic import op

revision = "0904_usage"
down_revision = "0903_usage"
branch_labels = None
depends_on = None

_MONTHS = [f"m{n:02d}" for n in range(1, 13)]
_UNKNOWN = "country = 'ZZ' AND region = '' AND city = ''"
_PLACE_ID = ("COALESCE((SELECT p.id FROM usage_places p WHERE p.country = {t}.country "
             "AND p.region = {t}.region AND p.city = {t}.city), 0)")
_KNOWN_CITY = "p.city != '' AND p.country != 'ZZ'"
_UNKNOWN_NAMES = {"country": "ZZ", "region": "", "city": ""}


def upgrade() -> None:
    op.create_table(
        "usage_places",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("region", sa.String(80), nullable=False),
        sa.Column("city", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("country", "region", "city", name="uq_usage_places_place"),
    )
    op.execute("INSERT INTO usage_places (id, country, region, city) VALUES (0, 'ZZ', '', '')")
    op.execute(
        "INSERT INTO usage_places (id, country, region, city) "
        "SELECT ROW_NUMBER() OVER (ORDER BY country, region, city), country, region, city "
        "FROM (SELECT country, region, city FROM usage_events "
        "UNION SELECT country, region, city FROM usage_geo_daily "
        "UNION SELECT country, region, city FROM usage_city_monthly) known "
        f"WHERE NOT ({_UNKNOWN})")
    for table in ("usage_events", "usage_geo_daily"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("place", sa.Integer(), nullable=False,
                                       server_default="0"))
        op.execute(f"UPDATE {table} SET place = {_PLACE_ID.format(t=table)}")
        with op.batch_alter_table(table) as batch:
            for column in ("city", "region", "country"):
                batch.drop_column(column)
            if table == "usage_geo_daily":  # the model has no default: ids always given
                batch.alter_column("place", server_default=None)
    op.drop_table("usage_city_yearly")
    _create_yearly()
    year, number = "CAST(substr(c.month, 1, 4) AS INTEGER)", "substr(c.month, 6, 2)"
    counts = ", ".join(f"SUM(CASE WHEN {number} = '{name[1:]}' THEN c.count ELSE 0 END)"
                       for name in _MONTHS)
    bits = " ".join(f"WHEN '{name[1:]}' THEN {1 << n}" for n, name in enumerate(_MONTHS))
    op.execute(
        f"INSERT INTO usage_city_yearly (year, place, metric, months, {', '.join(_MONTHS)}) "
        f"SELECT {year}, p.id, c.metric, SUM(CASE WHEN c.count > 0 THEN "
        f"CASE {number} {bits} END ELSE 0 END), {counts} "
        "FROM usage_city_monthly c JOIN usage_places p ON p.country = c.country "
        "AND p.region = c.region AND p.city = c.city "
        f"GROUP BY {year}, p.id, c.metric")
    op.execute("DELETE FROM usage_city_yearly WHERE months = 0")
    op.drop_table("usage_city_monthly")


def _create_yearly() -> None:
    op.create_table(
        "usage_city_yearly",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("place", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in _MONTHS],
        sa.PrimaryKeyConstraint("year", "place", "metric"),
    )


def _place_columns(nullable: bool) -> list[sa.Column]:
    return [sa.Column("country", sa.String(2), nullable=nullable),
            sa.Column("region", sa.String(80), nullable=nullable),
            sa.Column("city", sa.String(80), nullable=nullable)]


def downgrade() -> None:
    op.create_table(
        "usage_city_monthly",
        sa.Column("month", sa.String(7), nullable=False),
        *_place_columns(False),
        sa.Column("metric", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("month", "country", "region", "city", "metric"),
    )
    for n, name in enumerate(_MONTHS, 1):
        op.execute(
            "INSERT INTO usage_city_monthly (month, country, region, city, metric, count) "
            f"SELECT CAST(y.year AS VARCHAR(4)) || '-{n:02d}', p.country, p.region, p.city, "
            f"y.metric, y.{name} FROM usage_city_yearly y "
            f"JOIN usage_places p ON p.id = y.place WHERE y.{name} > 0")
    op.rename_table("usage_city_yearly", "usage_city_yearly_0904")
    op.create_table(
        "usage_city_yearly",
        sa.Column("year", sa.Integer(), nullable=False),
        *_place_columns(False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "country", "region", "city"),
    )
    op.execute(
        "INSERT INTO usage_city_yearly (year, country, region, city, months) "
        "SELECT y.year, p.country, p.region, p.city, y.months FROM usage_city_yearly_0904 y "
        "JOIN usage_places p ON p.id = y.place "
        f"WHERE y.metric = 'Total_Item_Investigations' AND {_KNOWN_CITY}")
    op.drop_table("usage_city_yearly_0904")
    for table in ("usage_events", "usage_geo_daily"):
        with op.batch_alter_table(table) as batch:
            for column in _place_columns(True):
                batch.add_column(column)
        for column, unknown in _UNKNOWN_NAMES.items():
            op.execute(f"UPDATE {table} SET {column} = COALESCE((SELECT p.{column} "
                       f"FROM usage_places p WHERE p.id = {table}.place), '{unknown}')")
        with op.batch_alter_table(table) as batch:
            for column in _place_columns(False):
                batch.alter_column(column.name, existing_type=column.type, nullable=False,
                                   server_default=(_UNKNOWN_NAMES[column.name]
                                                   if table == "usage_events" else None))
            batch.drop_column("place")
    op.drop_table("usage_places")
