"""subjects: the model version that made each suggestion and each machine subject

Revision ID: 0801_subjects
Revises: 0800_subjects
"""

import sqlalchemy as sa
from alembic import op

revision = "0801_subjects"
down_revision = "0800_subjects"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subject_suggestions") as batch:
        batch.add_column(sa.Column("model", sa.String(length=80), nullable=True))
    with op.batch_alter_table("document_subjects") as batch:
        batch.add_column(sa.Column("model", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document_subjects") as batch:
        batch.drop_column("model")
    with op.batch_alter_table("subject_suggestions") as batch:
        batch.drop_column("model")
