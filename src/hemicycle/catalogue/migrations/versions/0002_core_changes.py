"""core: the change log (documents changed, in order) that search index replicas follow

Revision ID: 0002_core_changes
Revises: 0001_core

Documents still waiting in the old outbox (``jobs`` rows of kind ``index``, pending) become
the first changes of the log, so that no index misses them; the outbox rows go.
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0002_core_changes"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_changes_document_id", "changes", ["document_id"])
    jobs = sa.table("jobs", sa.column("kind", sa.String), sa.column("key", sa.String),
                    sa.column("state", sa.String))
    changes = sa.table("changes", sa.column("document_id", sa.Integer),
                       sa.column("changed_at", sa.DateTime))
    conn = op.get_bind()
    pending = [int(key) for (key,) in conn.execute(
        sa.select(jobs.c.key).where(jobs.c.kind == "index", jobs.c.state == "pending")
        .order_by(jobs.c.key))]
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    if pending:
        conn.execute(changes.insert(), [{"document_id": d, "changed_at": now} for d in pending])
    conn.execute(jobs.delete().where(jobs.c.kind == "index"))


def downgrade() -> None:
    op.drop_index("ix_changes_document_id", table_name="changes")
    op.drop_table("changes")
