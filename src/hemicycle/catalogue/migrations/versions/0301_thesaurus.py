"""thesaurus: Arabic label keys without the definite article (found by the bare word)

Revision ID: 0301_thesaurus
Revises: 0300_thesaurus

The folded key of every Arabic label is computed again with ``thesaurus.keys.fold``,
which now takes the article off each word; the key is derived data, so the rule
lives in that one function and this migration only re-applies it.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0301_thesaurus"
down_revision = "0300_thesaurus"
branch_labels = None
depends_on = None

_labels = sa.table("thesaurus_labels", sa.column("id", sa.Integer),
                   sa.column("lang", sa.String), sa.column("text", sa.Text),
                   sa.column("folded", sa.String))


def _refold(fold) -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(_labels.c.id, _labels.c.text)
                        .where(_labels.c.lang == "ar")).all()
    updates = [{"key": row.id, "value": fold(row.text)} for row in rows]
    if updates:
        bind.execute(_labels.update().where(_labels.c.id == sa.bindparam("key"))
                     .values(folded=sa.bindparam("value")), updates)


def upgrade() -> None:
    from hemicycle.thesaurus.keys import fold

    _refold(lambda text: fold(text, "ar"))


def downgrade() -> None:
    from hemicycle.thesaurus import keys

    def without_article_rule(text: str) -> str:
        key = unicodedata.normalize("NFKC", text).casefold()
        key = keys._ARABIC_MARKS.sub("", key).translate(keys._ARABIC_LETTERS)
        return keys._SPACES.sub(" ", key).strip()[:keys.FOLDED_MAX]

    _refold(without_article_rule)
