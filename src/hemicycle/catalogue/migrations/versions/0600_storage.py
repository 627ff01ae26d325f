"""storage: PREMIS events

Revision ID: 0600_storage
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0600_storage"
down_revision = "0001_core"
branch_labels = ("storage",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "storage_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("object_id", sa.String(length=200), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("outcome_detail", sa.Text(), nullable=True),
        sa.Column("agent", sa.String(length=120), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    with op.batch_alter_table("storage_events", schema=None) as batch_op:
        batch_op.create_index("ix_storage_events_object_time", ["object_id", "occurred_at"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_storage_events_event_type"), ["event_type"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("storage_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_storage_events_event_type"))
        batch_op.drop_index("ix_storage_events_object_time")
    op.drop_table("storage_events")
