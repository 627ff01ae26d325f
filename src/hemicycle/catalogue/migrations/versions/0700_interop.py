"""interop: (updated_at, id) index for OAI-PMH keyset paging

Revision ID: 0700_interop
Revises: 0001_core
"""

from alembic import op

revision = "0700_interop"
down_revision = "0001_core"
branch_labels = ("interop",)
depends_on = None


def upgrade() -> None:
    op.create_index("ix_documents_updated_at_id", "documents", ["updated_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_documents_updated_at_id", table_name="documents")
