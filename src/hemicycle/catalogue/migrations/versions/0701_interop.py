"""interop: index document_symbols by document, so loading a page of records is a lookup

Revision ID: 0701_interop
Revises: 0700_interop
"""

from alembic import op

revision = "0701_interop"
down_revision = "0700_interop"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_interop_document_symbols_document", "document_symbols", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_interop_document_symbols_document", table_name="document_symbols")
