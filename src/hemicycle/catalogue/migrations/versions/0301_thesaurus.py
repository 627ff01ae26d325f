"""thesaurus: Arabic label keys without the definite article (found by the bare word)

Revision ID: 0301_thesaurus
Revises: 0300_thesaurus

The folded key of every Arabic label is computed again: the article now comes off each
word. The Arabic fold is written out here as it was at this revision (a migration never
imports the code it migrates: that code moves on, this step must not).
"""

import re
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


# the Arabic fold at this revision: marks and tatweel out, alef/ta marbuta/alef maqsura
# and hamza seats as plain letters, whitespace collapsed, 400 characters kept
_FOLDED_MAX = 400
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_LETTERS = str.maketrans({
    "\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",
    "\u0629": "\u0647", "\u0649": "\u064a", "\u0624": "\u0648", "\u0626": "\u064a",
})
_ARTICLE = re.compile(r"(?<!\S)(?:[\u0648\u0628\u0643\u0641]?\u0627\u0644|\u0644\u0644)(?=\S\S)")
_SPACES = re.compile(r"\s+")


def _letters(text: str) -> str:
    return _MARKS.sub("", unicodedata.normalize("NFKC", text).casefold()).translate(_LETTERS)


def _with_article_rule(text: str) -> str:
    return _SPACES.sub(" ", _ARTICLE.sub("", _letters(text))).strip()[:_FOLDED_MAX]


def _without_article_rule(text: str) -> str:
    return _SPACES.sub(" ", _letters(text)).strip()[:_FOLDED_MAX]


def upgrade() -> None:
    _refold(_with_article_rule)


def downgrade() -> None:
    _refold(_without_article_rule)
