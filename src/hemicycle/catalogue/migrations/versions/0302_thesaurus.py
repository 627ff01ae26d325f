"""thesaurus: label keys folded as search and subject indexing fold (one rule, in languages)

Revision ID: 0302_thesaurus
Revises: 0301_thesaurus

Label keys now come from ``hemicycle.languages.folding``, the fold search and subject
indexing use too, which adds two rules to the thesaurus's own: Arabic-Indic digits as
ASCII digits (Arabic labels), and œ æ ø ł đ ð þ spelt oe ae o l d d th where accents are
folded (en fr es pt it de nl ca la). Only labels whose key changes are written. Both
folds are written out here as they were at this revision (a migration never imports the
code it migrates: that code moves on, this step must not).
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0302_thesaurus"
down_revision = "0301_thesaurus"
branch_labels = None
depends_on = None

_CHUNK = 5000
_labels = sa.table("thesaurus_labels", sa.column("id", sa.Integer),
                   sa.column("lang", sa.String), sa.column("text", sa.Text),
                   sa.column("folded", sa.String))

_FOLDED_MAX = 400
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC = {"\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",
           "\u0629": "\u0647", "\u0649": "\u064a", "\u0624": "\u0648", "\u0626": "\u064a"}
_ARABIC_BEFORE = str.maketrans(_ARABIC)
_ARABIC_AFTER = str.maketrans(_ARABIC | {chr(0x0660 + i): str(i) for i in range(10)}
                              | {chr(0x06f0 + i): str(i) for i in range(10)})
_LATIN_AFTER = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
                              "þ": "th"})
_ARTICLE = re.compile(
    r"(?<!\S)(?:[\u0648\u0628\u0643\u0641]?\u0627\u0644|\u0644\u0644)(?=\S\S)")
_SPACES = re.compile(r"\s+")
_ACCENT_INSENSITIVE = frozenset({"en", "fr", "es", "pt", "it", "de", "nl", "ca", "la", ""})


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def _fold(text: str, lang: str, after: bool) -> str:
    key = unicodedata.normalize("NFKC", text).casefold()
    if lang == "ar":
        key = _MARKS.sub("", key).translate(_ARABIC_AFTER if after else _ARABIC_BEFORE)
        key = _ARTICLE.sub("", key)
    elif lang == "ru":
        key = key.replace("ё", "е")
    elif lang in _ACCENT_INSENSITIVE:
        key = _strip_marks(key)
        if after:
            key = key.translate(_LATIN_AFTER)
    return _SPACES.sub(" ", key).strip()[:_FOLDED_MAX]


def _refold(after: bool) -> None:
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(sa.select(_labels.c.id, _labels.c.lang, _labels.c.text,
                                      _labels.c.folded)
                            .where(_labels.c.id > last).order_by(_labels.c.id)
                            .limit(_CHUNK)).all()
        if not rows:
            return
        updates = [{"key": row.id, "value": key} for row in rows
                   if (key := _fold(row.text, row.lang, after)) != row.folded]
        if updates:
            bind.execute(_labels.update().where(_labels.c.id == sa.bindparam("key"))
                         .values(folded=sa.bindparam("value")), updates)
        last = rows[-1].id


def upgrade() -> None:
    _refold(after=True)


def downgrade() -> None:
    _refold(after=False)
