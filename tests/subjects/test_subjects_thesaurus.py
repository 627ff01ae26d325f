"""A vocabulary kept by the thesaurus package in the catalogue serves subject indexing
under the same name, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from hemicycle.subjects.service import suggest_text
from hemicycle.subjects.vocabulary import (
    load_vocabulary,
    vocabulary_from_catalogue,
    vocabulary_names,
)

store = pytest.importorskip("hemicycle.thesaurus.store")


def test_catalogue_thesaurus_is_a_vocabulary(catalogue_settings, unbis13, unbis13_path):
    assert vocabulary_from_catalogue(catalogue_settings, "unbis") is None
    store.load_vocabulary(catalogue_settings, "unbis", [unbis13_path])
    assert vocabulary_names(catalogue_settings) == ["unbis"]
    from_catalogue = load_vocabulary(catalogue_settings, "unbis")
    assert set(from_catalogue.concepts) == set(unbis13.concepts)
    oil = from_catalogue.concepts["http://example.org/unbis-2015/T0001209"]
    assert oil.labels == unbis13.concepts[oil.uri].labels
    assert sorted(oil.broader) == unbis13.concepts[oil.uri].broader
    result = suggest_text(catalogue_settings, "unbis", "Разливы нефти у побережья", "ru", 3)
    assert result.suggestions[0].uri == oil.uri


def test_copy_follows_a_thesaurus_reload(settings, unbis13_path, arch_dir, monkeypatch):
    import hemicycle.subjects.vocabulary as vocabulary

    store.load_vocabulary(settings, "unbis", [unbis13_path])
    first = load_vocabulary(settings, "unbis")
    assert "http://example.org/unbis-2015/T0001209" in first.concepts
    store.load_vocabulary(settings, "unbis", [arch_dir / "yso-archaeology.ttl"],
                          required=("en",))
    assert load_vocabulary(settings, "unbis") is first  # not asked again within RECHECK_S
    monkeypatch.setattr(vocabulary, "RECHECK_S", 0.0)
    second = load_vocabulary(settings, "unbis")
    assert second.thesaurus_version == first.thesaurus_version + 1
    assert "http://www.yso.fi/onto/yso/p2557" in second.concepts
    assert "http://example.org/unbis-2015/T0001209" not in second.concepts  # deprecated now
