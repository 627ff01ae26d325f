"""thesaurus: vocabularies, concepts, labels, notes, relations, T-codes, changes, reports

Revision ID: 0300_thesaurus
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0300_thesaurus"
down_revision = "0001_core"
branch_labels = ("thesaurus",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "thesaurus_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vocab", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("issues", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_thesaurus_reports_vocab"), "thesaurus_reports", ["vocab"], unique=False
    )
    op.create_table(
        "thesaurus_vocabularies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("title", sa.JSON(), nullable=False),
        sa.Column("scheme_uri", sa.String(length=400), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("concept_count", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "thesaurus_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vocab_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("uri", sa.String(length=400), nullable=False),
        sa.Column("change", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["vocab_id"], ["thesaurus_vocabularies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_thesaurus_changes_vocab_version",
        "thesaurus_changes",
        ["vocab_id", "version"],
        unique=False,
    )
    op.create_table(
        "thesaurus_concepts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vocab_id", sa.Integer(), nullable=False),
        sa.Column("uri", sa.String(length=400), nullable=False),
        sa.Column("local_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("notation", sa.String(length=100), nullable=True),
        sa.Column("deprecated", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("first_version", sa.Integer(), nullable=False),
        sa.Column("updated_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["vocab_id"], ["thesaurus_vocabularies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vocab_id", "uri"),
    )
    op.create_index(op.f("ix_thesaurus_concepts_uri"), "thesaurus_concepts", ["uri"], unique=False)
    op.create_index(
        "ix_thesaurus_concepts_vocab_local",
        "thesaurus_concepts",
        ["vocab_id", "local_id"],
        unique=False,
    )
    op.create_table(
        "thesaurus_tcodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vocab_id", sa.Integer(), nullable=False),
        sa.Column("tcode", sa.String(length=20), nullable=False),
        sa.Column("uri", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(["vocab_id"], ["thesaurus_vocabularies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vocab_id", "tcode"),
    )
    op.create_index(op.f("ix_thesaurus_tcodes_tcode"), "thesaurus_tcodes", ["tcode"], unique=False)
    op.create_table(
        "thesaurus_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vocab_id", sa.Integer(), nullable=False),
        sa.Column("concept_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=35), nullable=False),
        sa.Column("tag", sa.String(length=35), nullable=False),
        sa.Column("kind", sa.String(length=6), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "folded",
            sa.String(length=400).with_variant(sa.String(length=400, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("sort_key", sa.LargeBinary(), nullable=False),
        sa.Column("letter", sa.String(length=20), nullable=False),
        sa.Column("sort_key_alt", sa.LargeBinary(), nullable=True),
        sa.Column("letter_alt", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["concept_id"], ["thesaurus_concepts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["vocab_id"], ["thesaurus_vocabularies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_thesaurus_labels_az",
        "thesaurus_labels",
        ["vocab_id", "lang", "letter", "sort_key"],
        unique=False,
    )
    op.create_index(
        "ix_thesaurus_labels_az_alt",
        "thesaurus_labels",
        ["vocab_id", "lang", "letter_alt", "sort_key_alt"],
        unique=False,
    )
    op.create_index(
        op.f("ix_thesaurus_labels_concept_id"), "thesaurus_labels", ["concept_id"], unique=False
    )
    op.create_index(
        "ix_thesaurus_labels_folded",
        "thesaurus_labels",
        ["vocab_id", "lang", "folded"],
        unique=False,
    )
    op.create_table(
        "thesaurus_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concept_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("lang", sa.String(length=35), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["concept_id"], ["thesaurus_concepts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_thesaurus_notes_concept_id"), "thesaurus_notes", ["concept_id"], unique=False
    )
    op.create_table(
        "thesaurus_relations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vocab_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("target_uri", sa.String(length=400), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["thesaurus_concepts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["vocab_id"], ["thesaurus_vocabularies.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_thesaurus_relations_source", "thesaurus_relations", ["source_id", "kind"], unique=False
    )
    op.create_index(
        "ix_thesaurus_relations_target",
        "thesaurus_relations",
        ["vocab_id", "target_uri", "kind"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_thesaurus_relations_target", table_name="thesaurus_relations")
    op.drop_index("ix_thesaurus_relations_source", table_name="thesaurus_relations")
    op.drop_table("thesaurus_relations")
    op.drop_index(op.f("ix_thesaurus_notes_concept_id"), table_name="thesaurus_notes")
    op.drop_table("thesaurus_notes")
    op.drop_index("ix_thesaurus_labels_folded", table_name="thesaurus_labels")
    op.drop_index(op.f("ix_thesaurus_labels_concept_id"), table_name="thesaurus_labels")
    op.drop_index("ix_thesaurus_labels_az_alt", table_name="thesaurus_labels")
    op.drop_index("ix_thesaurus_labels_az", table_name="thesaurus_labels")
    op.drop_table("thesaurus_labels")
    op.drop_index(op.f("ix_thesaurus_tcodes_tcode"), table_name="thesaurus_tcodes")
    op.drop_table("thesaurus_tcodes")
    op.drop_index("ix_thesaurus_concepts_vocab_local", table_name="thesaurus_concepts")
    op.drop_index(op.f("ix_thesaurus_concepts_uri"), table_name="thesaurus_concepts")
    op.drop_table("thesaurus_concepts")
    op.drop_index("ix_thesaurus_changes_vocab_version", table_name="thesaurus_changes")
    op.drop_table("thesaurus_changes")
    op.drop_table("thesaurus_vocabularies")
    op.drop_index(op.f("ix_thesaurus_reports_vocab"), table_name="thesaurus_reports")
    op.drop_table("thesaurus_reports")
