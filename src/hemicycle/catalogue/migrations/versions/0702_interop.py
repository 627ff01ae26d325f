"""interop: (set, datestamp, id) indexes so selective OAI harvests page by index range

Revision ID: 0702_interop
Revises: 0701_interop
"""

from alembic import op

revision = "0702_interop"
down_revision = "0701_interop"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_interop_documents_body_datestamp": ["body", "updated_at", "id"],
    "ix_interop_documents_type_datestamp": ["doc_type", "updated_at", "id"],
    "ix_interop_documents_session_datestamp": ["body", "session", "updated_at", "id"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "documents", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="documents")
