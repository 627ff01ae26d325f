"""From RDF triples to the SKOS resources a thesaurus is made of.

``collect`` gathers, per subject, its SKOS types, labels, notes, notation and links,
and keeps the raw link statements so that validation can see exactly what the file
said (narrower as narrower, matches as matches) before storage normalises them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from hemicycle.thesaurus.rdfparse import Lit, Triple

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
OWL_DEPRECATED = "http://www.w3.org/2002/07/owl#deprecated"
DCT_TITLE = "http://purl.org/dc/terms/title"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

LABEL_KINDS = {SKOS + "prefLabel": "pref", SKOS + "altLabel": "alt", SKOS + "hiddenLabel": "hidden"}
NOTE_KINDS = {SKOS + k: k for k in (
    "scopeNote", "definition", "note", "example", "historyNote", "editorialNote", "changeNote")}
LINK_KINDS = {SKOS + k: k for k in (
    "broader", "narrower", "related", "broaderTransitive", "narrowerTransitive",
    "member", "inScheme", "topConceptOf", "hasTopConcept",
    "exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch", "mappingRelation")}
TYPES = {SKOS + "Concept": "Concept", SKOS + "ConceptScheme": "ConceptScheme",
         SKOS + "Collection": "Collection", SKOS + "OrderedCollection": "Collection"}
# links that imply the subject is a concept / a collection (SKOS domains)
CONCEPT_LINKS = {"broader", "narrower", "related", "broaderTransitive", "narrowerTransitive",
                 "topConceptOf", "exactMatch", "closeMatch", "broadMatch", "narrowMatch",
                 "relatedMatch"}


@dataclass
class Resource:
    uri: str
    types: set[str] = field(default_factory=set)
    labels: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, tag, text)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, tag, text)
    links: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    notation: str | None = None
    deprecated: bool = False
    titles: dict[str, str] = field(default_factory=dict)  # dct:title / rdfs:label

    @property
    def kind(self) -> str:
        if "ConceptScheme" in self.types:
            return "scheme"
        if "Collection" in self.types or ("member" in self.links and "Concept" not in self.types):
            return "collection"
        return "concept"

    def digest(self) -> str:
        """A fingerprint of what is said about this resource, to notice changes on reload."""
        parts = [self.kind, self.notation or "", str(self.deprecated)]
        parts += sorted("L" + "\x1f".join(x) for x in self.labels)
        parts += sorted("N" + "\x1f".join(x) for x in self.notes)
        parts += sorted(f"R{k}\x1f{v}" for k, vs in self.links.items() for v in vs)
        return hashlib.sha256("\x1e".join(parts).encode()).hexdigest()


@dataclass
class VocabData:
    resources: dict[str, Resource] = field(default_factory=dict)
    triple_count: int = 0
    untagged_labels: list[tuple[str, str, str]] = field(default_factory=list)  # (uri, kind, text)
    tcodes: dict[str, str] = field(default_factory=dict)  # T-code -> URI

    def get(self, uri: str) -> Resource:
        res = self.resources.get(uri)
        if res is None:
            res = self.resources[uri] = Resource(uri)
        return res

    def concepts(self) -> list[Resource]:
        return [r for r in self.resources.values() if r.kind == "concept"]

    def merge(self, other: VocabData) -> None:
        """Add ``other``'s resources. Where both describe one, this one's statements win
        and ``other`` only fills gaps: prefLabels in missing languages, notes when there
        are none, and links (a microthesaurus listing a member, say) are added."""
        for uri, res in other.resources.items():
            mine = self.resources.get(uri)
            if mine is None:
                self.resources[uri] = res
                continue
            have = {tag for kind, tag, _ in mine.labels if kind == "pref"}
            mine.labels += [lab for lab in res.labels if lab[0] == "pref" and lab[1] not in have]
            if not mine.notes:
                mine.notes = list(res.notes)
            if not mine.types & {"Concept"}:
                mine.types |= res.types
            for kind, targets in res.links.items():
                mine.links[kind] |= targets
            mine.notation = mine.notation or res.notation
        self.triple_count += other.triple_count
        self.untagged_labels += other.untagged_labels
        for code, uri in other.tcodes.items():
            self.tcodes.setdefault(code, uri)


def _ordered_members(lists: dict[str, tuple[str | None, str | None]], head: str) -> list[str]:
    out, seen = [], set()
    node = head
    while node in lists and node not in seen:
        seen.add(node)
        first, rest = lists[node]
        if first:
            out.append(first)
        node = rest or ""
    return out


def collect(triples: Iterable[Triple]) -> VocabData:
    data = VocabData()
    lists: dict[str, list] = defaultdict(lambda: [None, None])
    member_lists: list[tuple[str, str]] = []
    titles: dict[str, dict[str, str]] = defaultdict(dict)
    for s, p, o in triples:
        data.triple_count += 1
        if p == RDF_TYPE:
            if isinstance(o, str) and o in TYPES:
                data.get(s).types.add(TYPES[o])
        elif p in LABEL_KINDS:
            if isinstance(o, Lit):
                if o.lang:
                    data.get(s).labels.append((LABEL_KINDS[p], o.lang, o.value))
                else:
                    data.untagged_labels.append((s, LABEL_KINDS[p], o.value))
                    data.get(s).labels.append((LABEL_KINDS[p], "", o.value))
        elif p in NOTE_KINDS:
            if isinstance(o, Lit):
                data.get(s).notes.append((NOTE_KINDS[p], o.lang or "", o.value))
        elif p in LINK_KINDS:
            if isinstance(o, str):
                data.get(s).links[LINK_KINDS[p]].add(o)
        elif p == SKOS + "memberList" and isinstance(o, str):
            member_lists.append((s, o))
        elif p == SKOS + "notation" and isinstance(o, Lit):
            data.get(s).notation = o.value
        elif p == OWL_DEPRECATED and isinstance(o, Lit):
            data.get(s).deprecated = o.value.strip().lower() in ("true", "1")
        elif p in (DCT_TITLE, RDFS_LABEL) and isinstance(o, Lit):
            titles[s].setdefault(o.lang or "", o.value)
        elif p == RDF_FIRST:
            lists[s][0] = o if isinstance(o, str) else None
        elif p == RDF_REST:
            lists[s][1] = o if isinstance(o, str) else None
    for coll, head in member_lists:
        res = data.get(coll)
        res.types.add("Collection")
        res.links["member"].update(_ordered_members(lists, head))
    for uri, names in titles.items():
        if uri in data.resources:
            data.resources[uri].titles.update(names)
    # blank nodes of lists are not resources of the vocabulary
    for uri in [u for u, r in data.resources.items() if u.startswith("_:") and not (
            r.types or r.labels or r.links)]:
        del data.resources[uri]
    return data
