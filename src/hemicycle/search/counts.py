"""How many documents match, and how many fall under each facet value, at a cost bounded by
what a page shows.

* Totals are exact up to ``Settings.search_exact_up_to`` matches (10,000 unless set).
  Beyond, they are estimated from a fixed random sample of the index (the documents of
  the first sample buckets, about as many as that setting, see ``schema.sample_bucket``)
  and given as "about N", rounded to two significant digits, unless exact counts are
  asked for. Whether a result set is
  that big is itself read from the sample, which costs a few hundred microseconds at a
  million documents: the sample's documents lie side by side in the index.
* Facet counts follow the same rule for each facet: exact on up to that many matches,
  else counted on the sample, scaled and marked approximate. They are counted in worker
  threads (Tantivy lets go of the GIL) and kept, with the total, in a cache keyed by the
  index generation (directory and last commit) and the query, so a second page, a return
  to the results or the facet request of the page's script find them counted. A page
  never waits for them: ``Counting.facets`` says whether they are ready yet.
"""

from __future__ import annotations

import math
import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import tantivy

from hemicycle.languages import CODES
from hemicycle.search.schema import (
    FACETS,
    LANGUAGE_SET,
    SAMPLE,
    SAMPLE_BUCKETS,
    languages_of_set,
)

CACHE_ENTRIES = 1024
FACET_SIZES = {"body": 30, "year": 100, "session": 50, "type": 30, "language": 6,
               "subject": 30}
_POOL = ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2),
                           thread_name_prefix="hemicycle-facets")

Facets = dict[str, list[tuple[str, int]]]


@dataclass(frozen=True)
class FacetCounts:
    facets: Facets
    exact: bool  # False: at least one facet was counted on the sample


@dataclass
class Counting:
    """The total of one query, and its facet counts (being) counted."""

    total: int | None  # None: count it in the top-hit search (cheap when few match)
    total_exact: bool
    job: Future[FacetCounts]


def about(value: float) -> int:
    """``value`` rounded to two significant digits (12,345 -> 12,000)."""
    if value < 100:
        return max(1, round(value))
    scale = 10 ** (int(math.log10(value)) - 1)
    return int(round(value / scale) * scale)


class _Sample:
    """The sample buckets of one searcher, and how many documents they hold: about
    ``exact_up_to`` (the whole index when it is not much bigger)."""

    def __init__(self, searcher: tantivy.Searcher, schema: tantivy.Schema,
                 exact_up_to: int) -> None:
        self.exact_up_to = exact_up_to
        self.num_docs = searcher.num_docs
        wanted = math.ceil(SAMPLE_BUCKETS * exact_up_to / max(1, self.num_docs))
        self.whole = wanted >= SAMPLE_BUCKETS
        self.buckets = list(range(min(wanted, SAMPLE_BUCKETS)))
        self.docs = sum(searcher.doc_freq(SAMPLE, b) for b in self.buckets) or 1
        self.query = tantivy.Query.term_set_query(schema, SAMPLE, self.buckets)

    @property
    def scale(self) -> float:
        return self.num_docs / self.docs

    def restrict(self, query: tantivy.Query) -> tantivy.Query:
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, query),
                                            (tantivy.Occur.Must, self.query)])


def all_of(queries: list[tantivy.Query]) -> tantivy.Query:
    """The documents every one of ``queries`` matches (all of them when none is given)."""
    if not queries:
        return tantivy.Query.all_query()
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])


def _aggregation(name: str) -> dict:
    if name == "language":  # one number per document: the set of its languages
        return {"terms": {"field": LANGUAGE_SET, "size": 2 ** len(CODES)}}
    return {"terms": {"field": name, "size": FACET_SIZES[name]}}


def _buckets(name: str, result: dict, scale: float | None) -> list[tuple[str, int]]:
    """A facet's (value, count) pairs; ``scale``: counted on the sample, scaled up."""

    def count(n: float) -> int:
        return int(n) if scale is None else about(n * scale)

    buckets = result.get(name, {}).get("buckets", [])
    if name == "language":
        counts = dict.fromkeys(CODES, 0.0)
        for bucket in buckets:
            for code in languages_of_set(int(bucket["key"])):
                counts[code] += float(bucket["doc_count"])
        return [(code, count(n)) for code, n in counts.items() if n]
    pairs = [(str(b["key"]), count(b["doc_count"])) for b in buckets if b["doc_count"]]
    if name in ("year", "session"):
        pairs.sort(key=lambda p: p[0], reverse=True)
    return pairs


def _count_group(searcher: tantivy.Searcher, sample: _Sample, names: list[str],
                 query: tantivy.Query, exact: bool) -> tuple[Facets, bool]:
    spec = {name: _aggregation(name) for name in names}
    if not exact and not sample.whole:
        counted = searcher.aggregate(sample.restrict(query),
                                     {**spec, "_n": {"value_count": {"field": "doc_id"}}})
        if (counted["_n"]["value"] or 0) * sample.scale > sample.exact_up_to:
            return {name: _buckets(name, counted, sample.scale) for name in names}, False
    counted = searcher.aggregate(query, spec)
    return {name: _buckets(name, counted, None) for name in names}, True


def _count_facets(searcher: tantivy.Searcher, sample: _Sample, text: tantivy.Query,
                  filters: dict[str, tantivy.Query], exact: bool) -> FacetCounts:
    """Every facet, a facet's own filter left out of its counts (multi-select)."""
    plain = [name for name in FACETS if name not in filters]
    groups: list[tuple[list[str], tantivy.Query]] = [(plain, all_of([text, *filters.values()]))]
    for name in filters:
        others = [q for other, q in filters.items() if other != name]
        groups.append(([name], all_of([text, *others])))
    facets: Facets = {}
    all_exact = True
    for names, query in groups:
        counted, group_exact = _count_group(searcher, sample, names, query, exact)
        facets.update(counted)
        all_exact = all_exact and group_exact
    return FacetCounts({name: facets[name] for name in FACETS if name in facets}, all_exact)


class _Cache:
    """Counting per (generation, query), least recently used first out."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[tuple, Counting] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> Counting | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: tuple, counting: Counting) -> Counting:
        with self.lock:
            found = self.entries.setdefault(key, counting)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
            return found

    def settle(self, key: tuple, total: int) -> None:
        """The exact total, once the top-hit search has counted it."""
        with self.lock:
            found = self.entries.get(key)
            if found is not None and found.total is None:
                found.total = total

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


CACHE = _Cache(CACHE_ENTRIES)


def start(searcher: tantivy.Searcher, schema: tantivy.Schema, key: tuple,
          text: tantivy.Query, filters: dict[str, tantivy.Query], *, exact_up_to: int,
          exact: bool = False, everything: bool = False) -> Counting:
    """The counts of ``text`` under ``filters`` (both as searched), from the cache or being
    counted. ``key`` names the generation, the query and the setting ``exact_up_to``;
    ``exact``: no estimates; ``everything``: ``text`` matches every document."""
    found = CACHE.get(key)
    if found is not None:
        return found
    sample = _Sample(searcher, schema, exact_up_to)
    full = all_of([text, *filters.values()])
    total: int | None = None
    total_exact = True
    if everything and not filters:
        total = searcher.num_docs
    elif not exact and not sample.whole:
        in_sample = searcher.search(sample.restrict(full), 1, count=True)
        estimate = (in_sample.count or 0) * sample.scale
        if estimate > exact_up_to:
            total, total_exact = about(estimate), False
    job = _POOL.submit(_count_facets, searcher, sample, text, filters, exact)
    return CACHE.put(key, Counting(total, total_exact, job))


def settle(key: tuple, total: int) -> None:
    CACHE.settle(key, total)
