"""review: a task keeps its finding's message as code and values

Revision ID: 1002_review
Revises: 1001_review

A finding's detail ("2031-01-01 is after today") was kept as English text only; with the
message's code and values beside it a page says it in the reader's language. NULL for
tasks computed before (they keep their English until ``hemicycle review tasks --refresh``)
and for tasks that are not findings.
"""

import sqlalchemy as sa
from alembic import op

revision = "1002_review"
down_revision = "1001_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_tasks") as batch:
        batch.add_column(sa.Column("said_as", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("review_tasks") as batch:
        batch.drop_column("said_as")
