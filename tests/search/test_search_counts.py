"""Totals and facet counts at a bounded cost: exact up to a threshold, estimated on the
index's sample beyond (and said to be), exact on request, cached per index generation,
and a result page that never waits for its facets.

The threshold is lowered for these tests (``search_exact_up_to`` 40: the corpus has 280
documents), so that the same rules run on a small real index.
"""

from __future__ import annotations

import dataclasses
import threading

import pytest
from fastapi.testclient import TestClient
from search_corpus import catalogue, unpc_sources
from sqlalchemy import select
from typer.testing import CliRunner

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.cli import app
from hemicycle.config import ConfigError, load_settings
from hemicycle.search import counts
from hemicycle.search.index import rebuild_index, update_documents
from hemicycle.search.query import facets, search
from hemicycle.search.schema import SAMPLE_BUCKETS, sample_bucket
from hemicycle.web.app import create_app


@pytest.fixture
def small(corpus):
    """The shared corpus, counted exactly up to 40 matches only."""
    settings, _, _ = corpus
    counts.CACHE.clear()
    yield dataclasses.replace(settings, search_exact_up_to=40)
    counts.CACHE.clear()


def test_sample_buckets_spread_consecutive_ids():
    buckets = [sample_bucket(i) for i in range(1, 6401)]
    assert set(buckets) == set(range(SAMPLE_BUCKETS))
    assert max(buckets.count(b) for b in range(SAMPLE_BUCKETS)) < 2 * 6400 / SAMPLE_BUCKETS


def test_about_keeps_two_significant_digits():
    assert [counts.about(v) for v in (3.4, 87, 123, 12_345, 987_654)] == \
        [3, 87, 120, 12_000, 990_000]


def test_a_big_result_set_is_estimated_and_marked(small):
    settings = small
    exact = search(settings, "the", lang="en", exact=True, wait_for_facets=True)
    assert exact.total_exact and exact.facets_exact and exact.total > 100

    estimated = search(settings, "the", lang="en", wait_for_facets=True)
    assert not estimated.total_exact and not estimated.facets_exact
    assert estimated.total == counts.about(estimated.total)
    assert 0.5 * exact.total < estimated.total < 1.5 * exact.total
    assert [h.uid for h in estimated.hits] == [h.uid for h in exact.hits]
    assert set(estimated.facets) == set(exact.facets)


def test_a_small_result_set_stays_exact(small):
    settings = small
    few = search(settings, "Gibraltar", wait_for_facets=True)
    assert few.total_exact and few.facets_exact
    assert few.total == search(settings, "Gibraltar", exact=True).total > 0
    everything = search(settings, "", wait_for_facets=True)
    assert everything.total_exact and everything.total == 280


def test_each_facet_is_exact_or_estimated_on_its_own(small):
    """A filter narrows the hits, but its own facet counts without it (multi-select)."""
    settings = small
    narrowed = search(settings, "the", lang="en", filters={"year": ["1966"]},
                      wait_for_facets=True)
    assert narrowed.total_exact and narrowed.total < 40
    assert not narrowed.facets_exact  # the year facet counts every year's matches


def test_the_page_says_about_and_links_to_exact_counts(small):
    settings = small
    client = TestClient(create_app(settings))
    page = client.get("/search", params={"q": "the", "lang": "en", "facets": "wait"}).text
    assert 'data-total-exact="false"' in page and "about " in page
    assert "data-facets-estimated" in page and "exact=1" in page
    exact = client.get("/search", params={"q": "the", "lang": "en", "exact": "1",
                                          "facets": "wait"}).text
    assert 'data-total-exact="true"' in exact and "data-facets-estimated" not in exact
    french = client.get("/search", params={"q": "the", "lang": "en", "ui": "fr"}).text
    assert "environ " in french

    api = client.get("/api/search", params={"q": "the", "lang": "en"}).json()
    assert api["total_exact"] is False and api["facets_exact"] is False
    api_exact = client.get("/api/search", params={"q": "the", "lang": "en",
                                                  "exact": "true"}).json()
    assert api_exact["total_exact"] is True and api_exact["total"] > api["total"] * 0.5


def test_the_command_line_says_about(small, monkeypatch):
    settings = small
    monkeypatch.setenv("HEMICYCLE_DATA", str(settings.data_dir))
    monkeypatch.setenv("HEMICYCLE_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HEMICYCLE_SEARCH_EXACT_UP_TO", "40")
    out = CliRunner().invoke(app, ["search", "the", "--lang", "en"])
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("about ")
    exact = CliRunner().invoke(app, ["search", "the", "--lang", "en", "--exact"])
    assert exact.stdout.split()[0].replace(",", "").isdigit()


def test_the_first_page_does_not_wait_for_its_facets(corpus):
    """While the counting threads are busy, the page goes out with its hits and a sidebar
    that its script fills from /search/facets (or a link, without the script)."""
    settings, _, _ = corpus
    counts.CACHE.clear()
    client = TestClient(create_app(settings))
    release = threading.Event()
    blockers = [counts._POOL.submit(release.wait) for _ in range(counts._POOL._max_workers)]
    try:
        page = client.get("/search", params={"q": "refugees"}).text
        assert 'class="result"' in page
        assert "data-facets-src=" in page and "data-facets-pending" in page
        assert "facets=wait" in page and "/static/search-facets.js" in page
    finally:
        release.set()
        for blocker in blockers:
            blocker.result()
    fragment = client.get("/search/facets", params={"q": "refugees"}).text
    assert 'data-facet="body"' in fragment and "<html" not in fragment
    waited = client.get("/search", params={"q": "refugees", "facets": "wait"}).text
    assert 'data-facet="body"' in waited and "data-facets-src=" not in waited
    counts.CACHE.clear()


def test_counts_are_cached_per_index_generation(settings):
    counts.CACHE.clear()
    ids = catalogue(settings, unpc_sources()[:12])
    rebuild_index(settings)
    before = facets(settings, "")
    bodies = dict(before.facets["body"])
    assert len(counts.CACHE.entries) == 1
    again = facets(settings, "")
    assert again.facets == before.facets and len(counts.CACHE.entries) == 1

    doc_id = next(iter(ids.values()))
    with session_scope(settings.database_url) as db:
        document = db.scalars(select(Document).where(Document.id == doc_id)).one()
        body = document.body
        document.status = "draft"
    update_documents(settings, [doc_id])
    after = facets(settings, "")
    assert after.total == before.total - 1
    assert dict(after.facets["body"]).get(body, 0) == bodies[body] - 1
    assert len(counts.CACHE.entries) == 2  # a new commit is a new generation

    rebuild_index(settings)
    assert facets(settings, "").total == after.total
    assert len(counts.CACHE.entries) == 3  # so is a new index directory
    counts.CACHE.clear()


def test_the_threshold_is_a_setting(tmp_path, monkeypatch):
    assert load_settings(tmp_path).search_exact_up_to == 10_000
    monkeypatch.setenv("HEMICYCLE_SEARCH_EXACT_UP_TO", "500")
    assert load_settings(tmp_path).search_exact_up_to == 500
    monkeypatch.setenv("HEMICYCLE_SEARCH_EXACT_UP_TO", "many")
    with pytest.raises(ConfigError, match="HEMICYCLE_SEARCH_EXACT_UP_TO: 'many'"):
        load_settings(tmp_path)
