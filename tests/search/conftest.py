"""Fixtures of the search tests: a shared real catalogue and index (read-only tests)."""

from __future__ import annotations

import pytest
from search_corpus import catalogue, cr_unsc_sources, make_settings, unpc_sources


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory):
    """A catalogue of 280 real documents and its index, shared by read-only tests."""
    from hemicycle.search.index import rebuild_index

    settings = make_settings(tmp_path_factory.mktemp("search-corpus") / "data")
    sources = unpc_sources() + cr_unsc_sources()
    ids = catalogue(settings, sources)
    rebuild_index(settings)
    return settings, sources, ids
