"""Migrations of thesaurus data: keys computed again when the folding rule changes."""

from __future__ import annotations

import re

from alembic import command
from sqlalchemy import select, text
from thesaurus_helpers import DOMAIN13

from hemicycle.catalogue.db import alembic_config, make_engine
from hemicycle.thesaurus.keys import fold
from hemicycle.thesaurus.models import Label
from hemicycle.thesaurus.store import load_vocabulary


def test_arabic_keys_are_refolded_up_and_down(catalogue_settings) -> None:
    load_vocabulary(catalogue_settings, "unbis", DOMAIN13)  # migrated to the heads
    engine = make_engine(catalogue_settings.database_url)
    cfg = alembic_config(engine)

    def keys(lang: str) -> dict[int, tuple[str, str]]:
        with engine.connect() as conn:
            return {row.id: (row.text, row.folded) for row in conn.execute(
                select(Label.id, Label.text, Label.folded).where(Label.lang == lang))}

    arabic, english = keys("ar"), keys("en")
    assert any(t.startswith("ال") for t, _ in arabic.values())
    assert all(folded == fold(t, "ar") for t, folded in arabic.values())

    command.downgrade(cfg, "0300_thesaurus")
    before = keys("ar")
    changed = [i for i in arabic if before[i][1] != arabic[i][1]]
    article = re.compile("(^| )([وبكف]?ال|لل)")
    assert changed and all(article.search(before[i][1]) for i in changed)
    assert keys("en") == english  # only Arabic keys are touched

    command.upgrade(cfg, "heads")
    assert keys("ar") == arabic
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() >= 1
