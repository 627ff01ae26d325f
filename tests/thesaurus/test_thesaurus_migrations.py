"""Migrations of thesaurus data: keys computed again when the folding rule changes."""

from __future__ import annotations

import re

from alembic import command
from sqlalchemy import select, text, update
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


def test_keys_follow_the_shared_fold_up_and_down(catalogue_settings) -> None:
    """0302: keys folded as search and subjects fold (Arabic-Indic digits, œ as oe)."""
    load_vocabulary(catalogue_settings, "unbis", DOMAIN13)
    engine = make_engine(catalogue_settings.database_url)
    cfg = alembic_config(engine)
    labels = {"fr": "Main-d'œuvre étrangère", "ar": "القرار ١٣٢٥"}
    with engine.begin() as conn:
        ids = {lang: conn.execute(select(Label.id).where(Label.lang == lang)
                                  .order_by(Label.id).limit(1)).scalar()
               for lang in labels}
        for lang, label in labels.items():
            conn.execute(update(Label).where(Label.id == ids[lang])
                         .values(text=label, folded=fold(label, lang)))

    def key(lang: str) -> str:
        with engine.connect() as conn:
            return conn.execute(select(Label.folded).where(Label.id == ids[lang])).scalar()

    assert (key("fr"), key("ar")) == ("main-d'oeuvre etrangere", "قرار 1325")
    command.downgrade(cfg, "0301_thesaurus")
    assert (key("fr"), key("ar")) == ("main-d'œuvre etrangere", "قرار ١٣٢٥")
    command.upgrade(cfg, "heads")
    assert (key("fr"), key("ar")) == ("main-d'oeuvre etrangere", "قرار 1325")
