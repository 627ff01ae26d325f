"""accounts: a session version per user, so that signing out, a new password, a new role
or a removed account end every session at once (see hemicycle.accounts)

Revision ID: 1500_accounts
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "1500_accounts"
down_revision = "0001_core"
branch_labels = ("accounts",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_version", sa.Integer(), nullable=False,
                                   server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_version")
