"""records: how precisely a document's publication date is known (day, month, year)

A speech of the General Debate states its year, not its day: its date is kept as the
first day of that year with precision "year" and shown as "1946" (hemicycle.describe
.precision). NULL for records without a date; "day" for every date read before.

Revision ID: 1600_records
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "1600_records"
down_revision = "0001_core"
branch_labels = ("records",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("date_precision", sa.String(5), nullable=True))
    op.execute("UPDATE documents SET date_precision = 'day' "
               "WHERE publication_date IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("date_precision")
