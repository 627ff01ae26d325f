"""What the Library's past headings say before a word of a new document is read.

Built from Index to Proceedings entries (``hemicycle.subjects.itp``), per heading:

* how often it was given, per year and per section of the Index (document type);
* its **anchors**: the vocabulary concepts among its parts and those named inside them
  ("UN MISSION IN LIBERIA" -> Liberia), through which a text that names them finds it;
* which headings a document that has an anchor also got ("ISRAEL" -> "MIDDLE EAST
  SITUATION"), and which headings come together;
* the headings of numbered documents by series, so that an addendum
  (``S/2015/10/Add.3``) finds what its base document was given.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

from hemicycle.subjects.itp import YEAR_MARK, ItpEntry, heading_parts
from hemicycle.subjects.matching import ConceptMatcher
from hemicycle.subjects.vocabulary import Vocabulary
from hemicycle.symbols import SymbolError, series_position


def english_labels(vocab: Vocabulary) -> dict[str, str]:
    """Case-folded English label -> concept (preferred labels win over alternative ones)."""
    out: dict[str, str] = {}
    for concept in vocab.concepts.values():
        label = concept.labels.get("en")
        if label:
            out.setdefault(label.casefold(), concept.uri)
    for concept in vocab.concepts.values():
        for label in concept.alt_labels.get("en", ()):
            out.setdefault(label.casefold(), concept.uri)
    return out


@lru_cache(maxsize=100_000)
def _position(key: str) -> tuple[str, int, bool] | None:
    """Where a document sits in its series (None for no number or no symbol)."""
    try:
        return series_position(key)
    except SymbolError:
        return None


def heading_concepts(heading: str, labels: dict[str, str]) -> tuple[str, ...]:
    """The concepts among a heading's parts (a part counts when it is an English label)."""
    found = []
    for part in heading_parts(heading):
        uri = labels.get(part.replace("(" + YEAR_MARK + ")", "").strip().casefold())
        if uri is not None:
            found.append(uri)
    return tuple(dict.fromkeys(found))


class HeadingTables:
    def __init__(self, entries: Iterable[ItpEntry], vocab: Vocabulary,
                 matcher: ConceptMatcher) -> None:
        labels = english_labels(vocab)
        by_doc: dict[str, set[str]] = defaultdict(set)
        year_of: dict[str, int] = {}
        section_of: dict[str, str] = {}
        for entry in entries:
            for key in entry.symbols:
                by_doc[key].add(entry.heading)
                year_of[key] = entry.year
                section_of[key] = entry.section
        self.documents = len(by_doc)
        self._recent: dict[int, tuple[Counter[str], int]] = {}
        self.count: Counter[str] = Counter()
        self.by_year: dict[int, Counter[str]] = defaultdict(Counter)
        self.docs_in_year: Counter[int] = Counter()
        self.by_section: dict[str, Counter[str]] = defaultdict(Counter)
        self.concepts: dict[str, tuple[str, ...]] = {}
        self.anchors: dict[str, frozenset[str]] = {}
        self.anchor_docs: Counter[str] = Counter()
        self.anchor_headings: dict[str, Counter[str]] = defaultdict(Counter)
        self.together: dict[str, Counter[str]] = defaultdict(Counter)
        self.series: dict[str, dict[int, frozenset[str]]] = defaultdict(dict)
        for key, headings in by_doc.items():
            self.docs_in_year[year_of[key]] += 1
            anchors: set[str] = set()
            for heading in headings:
                if heading not in self.anchors:
                    self._learn_heading(heading, labels, matcher)
                self.count[heading] += 1
                self.by_year[year_of[key]][heading] += 1
                self.by_section[section_of[key]][heading] += 1
                anchors |= self.anchors[heading]
                for other in headings:
                    if other != heading:
                        self.together[heading][other] += 1
            for anchor in anchors:
                self.anchor_docs[anchor] += 1
                self.anchor_headings[anchor].update(headings)
            place = _position(key)
            if place is not None and not place[2]:
                self.series[place[0]][place[1]] = frozenset(headings)
        # anchor -> headings that have it, and how specific it is (rare: specific)
        self.headings_of_anchor: dict[str, list[str]] = defaultdict(list)
        for heading, anchors in self.anchors.items():
            for anchor in anchors:
                self.headings_of_anchor[anchor].append(heading)
        total = max(len(self.anchors), 1)
        self.anchor_idf = {a: math.log(total / len(hs))
                           for a, hs in self.headings_of_anchor.items()}
        # anchor -> [(heading, share of its documents with the heading, times its idf)]
        self.anchor_share: dict[str, list[tuple[str, float]]] = {}
        for anchor, docs in self.anchor_docs.items():
            idf = math.log(self.documents / docs)
            self.anchor_share[anchor] = [(h, idf * n / (docs + 1))
                                         for h, n in self.anchor_headings[anchor].items()]

    def _learn_heading(self, heading: str, labels: dict[str, str],
                       matcher: ConceptMatcher) -> None:
        concepts: list[str] = []
        anchors: set[str] = set()
        for part in heading_parts(heading):
            bare = part.replace("(" + YEAR_MARK + ")", "").strip()
            uri = labels.get(bare.casefold())
            if uri is not None:
                concepts.append(uri)
                anchors.add(uri)
            anchors.update(matcher.match(bare, "en").concepts)
        self.concepts[heading] = tuple(dict.fromkeys(concepts))
        self.anchors[heading] = frozenset(anchors)

    # --- what the tables say about one document ---------------------------------------
    def recent(self, year: int | None) -> tuple[Counter[str], int]:
        """Headings of the document's year and the year before, and how many documents."""
        if year is None:
            year = max(self.docs_in_year, default=0)
        cached = self._recent.get(year)
        if cached is None:
            counts: Counter[str] = Counter()
            for y in (year - 1, year):
                counts.update(self.by_year.get(y, {}))
            cached = self._recent[year] = (counts, self.docs_in_year.get(year - 1, 0)
                                           + self.docs_in_year.get(year, 0))
        return cached

    def base_headings(self, symbols: Iterable[str]) -> set[str]:
        """Headings of the base document of an addendum, corrigendum or revision."""
        out: set[str] = set()
        for symbol in symbols:
            place = _position(symbol)
            if place is not None and place[2]:
                out |= self.series.get(place[0], {}).get(place[1], frozenset())
        return out

    def neighbour_headings(self, symbols: Iterable[str], reach: int = 10) -> Counter[str]:
        """Headings of the documents numbered near it in its series, nearer ones more."""
        out: Counter[str] = Counter()
        for symbol in symbols:
            place = _position(symbol)
            if place is None:
                continue
            series = self.series.get(place[0], {})
            for step in range(1, reach + 1):
                for number in (place[1] - step, place[1] + step):
                    for heading in series.get(number, ()):
                        out[heading] += 1.0 / step
        return out

    def associated(self, found: dict[str, float]) -> Counter[str]:
        """Headings given to past documents whose headings name the concepts ``found``
        (concept -> weight of the evidence), each weighted by how rare the concept is."""
        out: dict[str, float] = defaultdict(float)
        for uri, weight in found.items():
            for heading, share in self.anchor_share.get(uri, ()):
                out[heading] += weight * share
        return Counter(out)

    def unknown_concepts(self, vocab: Vocabulary) -> list[str]:
        """Concepts the tables hold that ``vocab`` does not (a different version)."""
        held = {uri for cs in self.concepts.values() for uri in cs} | set(self.anchor_docs)
        return sorted(uri for uri in held if uri not in vocab)
