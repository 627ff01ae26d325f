"""The SKOS validation report: one table of stable codes, checks that refer to them.

Severity "fatal" stops a load (the file cannot be trusted as a whole), "error" is a
breach of the SKOS Reference integrity conditions (the W3C examples marked not
consistent), "warning" is a quality problem real exports have (dangling links,
missing translations, comma-joined alternative labels, cycles).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from hemicycle.languages import CODES
from hemicycle.thesaurus.keys import fold, known_language_tag, primary_language
from hemicycle.thesaurus.skosgraph import VocabData

MAX_LABEL_CHARS = 1_000

CODES_TABLE: dict[str, tuple[str, str]] = {
    # code: (severity, what it means)
    "SYNTAX": ("fatal", "the file is not valid RDF in its format"),
    "FORMAT_UNKNOWN": ("fatal", "the RDF format cannot be told from the file name"),
    "UNREADABLE": ("fatal", "the file cannot be read"),
    "LITERAL_TOO_LARGE": ("fatal", "a literal is far longer than any thesaurus value"),
    "LABEL_TOO_LONG": ("fatal", f"a label is longer than {MAX_LABEL_CHARS} characters"),
    "LANG_TAG_UNKNOWN": ("fatal", "a language tag is not a known ISO 639 language"),
    "NO_CONCEPTS": ("fatal", "the file describes no SKOS concept"),
    "PREF_LABEL_NOT_UNIQUE": ("error", "more than one prefLabel in one language (SKOS S14)"),
    "LABELS_NOT_DISJOINT": ("error", "one label is pref/alt/hidden at once (SKOS S13)"),
    "RELATED_CLASHES_BROADER": (
        "error", "related to a concept it is also broader/narrower to (SKOS S27)"),
    "EXACT_MATCH_CLASH": (
        "error", "exactMatch also broadMatch/narrowMatch/relatedMatch (SKOS S46)"),
    "CLASSES_NOT_DISJOINT": (
        "error", "a resource is a Concept and a Collection or ConceptScheme (SKOS S9, S37)"),
    "COLLECTION_IN_RELATION": (
        "error", "a Collection used as a concept in broader/narrower/related (SKOS S37)"),
    "RELATION_DANGLING": ("warning", "a link to a resource the vocabulary does not describe"),
    "BROADER_CYCLE": ("warning", "a cycle in the broader hierarchy"),
    "PREF_LABEL_MISSING": ("warning", "a concept without a prefLabel in a required language"),
    "PREF_LABEL_DUPLICATE": ("warning", "two concepts share a prefLabel in one language"),
    "ALT_LABEL_COMMA": ("warning", "an altLabel that looks like several labels joined by commas"),
    "LABEL_NO_LANGUAGE": ("warning", "a label without a language tag"),
}
SEVERITY_ORDER = {"fatal": 0, "error": 1, "warning": 2}
MAX_ISSUES_PER_CODE = 1_000  # the counts stay exact; the list keeps the first ones


@dataclass
class Issue:
    code: str
    uri: str | None = None
    detail: str = ""
    line: int | None = None
    column: int | None = None

    @property
    def severity(self) -> str:
        return CODES_TABLE[self.code][0]

    def as_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if v not in (None, "")}
        out["severity"] = self.severity
        return out

    def __str__(self) -> str:
        where = f" <{self.uri}>" if self.uri else ""
        pos = f" line {self.line} column {self.column}" if self.line else ""
        return f"{self.severity.upper()} {self.code}{where}{pos}: {self.detail}"


@dataclass
class Report:
    source: str
    issues: list[Issue] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    def add(self, code: str, uri: str | None = None, detail: str = "", **where) -> None:
        if code not in CODES_TABLE:
            raise KeyError(code)
        self.counts[code] += 1
        if self.counts[code] <= MAX_ISSUES_PER_CODE:
            self.issues.append(Issue(code, uri, detail, **where))

    def codes(self) -> set[str]:
        return set(self.counts)

    def has(self, severity: str) -> bool:
        return any(CODES_TABLE[c][0] == severity for c in self.counts)

    @property
    def fatal(self) -> bool:
        return self.has("fatal")

    def sorted_issues(self) -> list[Issue]:
        return sorted(self.issues, key=lambda i: (SEVERITY_ORDER[i.severity], i.code, i.uri or ""))

    def as_dict(self) -> dict:
        return {"source": self.source, "counts": dict(sorted(self.counts.items())),
                "issues": [i.as_dict() for i in self.sorted_issues()]}


def _broader_edges(data: VocabData, matches: bool = True) -> dict[str, set[str]]:
    """Every 'A is narrower than B' the file states, directly or through its inverses
    (and through mapping links when ``matches``: broadMatch is a sub-property of broader)."""
    up: dict[str, set[str]] = defaultdict(set)
    ups = ("broader", "broaderTransitive") + (("broadMatch",) if matches else ())
    downs = ("narrower", "narrowerTransitive") + (("narrowMatch",) if matches else ())
    for uri, res in data.resources.items():
        for kind in ups:
            up[uri].update(res.links.get(kind, ()))
        for kind in downs:
            for target in res.links.get(kind, ()):
                up[target].add(uri)
    return up


def _ancestors(up: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = list(up.get(start, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(up.get(node, ()))
    return seen


def _check_labels(data: VocabData, report: Report, required: tuple[str, ...]) -> None:
    bad_tags: set[str] = set()
    by_pref: dict[tuple[str, str], set[str]] = defaultdict(set)
    for uri, res in data.resources.items():
        pref_tags = Counter()
        seen: dict[tuple[str, str], str] = {}
        for kind, tag, text in res.labels:
            if tag and tag not in bad_tags and not known_language_tag(tag):
                bad_tags.add(tag)
                report.add("LANG_TAG_UNKNOWN", uri, f"language tag {tag!r} on {text[:60]!r}")
            if len(text) > MAX_LABEL_CHARS:
                report.add("LABEL_TOO_LONG", uri, f"{kind}Label@{tag} of {len(text):,} characters")
            if kind == "pref":
                pref_tags[tag] += 1
                if res.kind == "concept" and tag:
                    by_pref[(primary_language(tag), fold(text, primary_language(tag)))].add(uri)
            other = seen.get((tag, text))
            if other and other != kind:
                report.add("LABELS_NOT_DISJOINT", uri,
                           f"{text!r}@{tag} is both {other}Label and {kind}Label")
            seen.setdefault((tag, text), kind)
            if kind == "alt" and "," in text:
                report.add("ALT_LABEL_COMMA", uri, f"altLabel {text!r}@{tag}")
        for tag, n in pref_tags.items():
            if n > 1:
                report.add("PREF_LABEL_NOT_UNIQUE", uri, f"{n} prefLabels in language {tag!r}")
        if res.kind == "concept" and not res.deprecated:
            have = {primary_language(tag) for kind, tag, _ in res.labels if kind == "pref"}
            missing = [lang for lang in required if lang not in have]
            if missing:
                report.add("PREF_LABEL_MISSING", uri, f"no prefLabel in {', '.join(missing)}")
    for uri, kind, text in data.untagged_labels:
        report.add("LABEL_NO_LANGUAGE", uri, f"{kind}Label {text[:60]!r} has no language tag")
    for (lang, _key), uris in by_pref.items():
        if len(uris) > 1:
            first, *others = sorted(uris)
            report.add("PREF_LABEL_DUPLICATE", first,
                       f"prefLabel@{lang} shared with {', '.join(others[:5])}")


def _check_structure(data: VocabData, report: Report) -> None:
    res_of = data.resources
    for uri, res in res_of.items():
        if "Concept" in res.types and ({"Collection", "ConceptScheme"} & res.types):
            report.add("CLASSES_NOT_DISJOINT", uri, f"typed {', '.join(sorted(res.types))}")
        for kind in ("broader", "narrower", "related", "broaderTransitive", "narrowerTransitive"):
            for target in res.links.get(kind, ()):
                other = res_of.get(target)
                if other is not None and other.kind == "collection":
                    report.add("COLLECTION_IN_RELATION", uri, f"{kind} <{target}> is a Collection")
                if res.kind == "collection" and "Collection" in res.types:
                    report.add("COLLECTION_IN_RELATION", uri, f"a Collection with {kind}")
    for uri, res in res_of.items():
        for kind in ("broader", "narrower", "related", "member", "topConceptOf",
                     "hasTopConcept", "inScheme"):
            for target in sorted(res.links.get(kind, ())):
                if target not in res_of:
                    report.add("RELATION_DANGLING", uri, f"{kind} <{target}> is not described")


def _check_relations(data: VocabData, report: Report) -> None:
    up = _broader_edges(data)
    related: dict[str, set[str]] = defaultdict(set)
    for uri, res in data.resources.items():
        for kind in ("related", "relatedMatch"):
            for target in res.links.get(kind, ()):
                related[uri].add(target)
                related[target].add(uri)
    cache: dict[str, set[str]] = {}
    for uri in sorted(related):
        anc = cache.setdefault(uri, _ancestors(up, uri))
        for target in sorted(related[uri]):
            if target in anc:
                report.add("RELATED_CLASHES_BROADER", uri,
                           f"related <{target}>, which is also broader (transitively)")
    # cycles within the vocabulary's own hierarchy (self-loops included)
    up = _broader_edges(data, matches=False)
    cache = {}
    reported: set[str] = set()
    for uri in sorted(up):
        if uri in reported:
            continue
        anc = cache.setdefault(uri, _ancestors(up, uri))
        if uri in anc:
            cycle = {n for n in anc if n in cache.setdefault(n, _ancestors(up, n))
                     and uri in cache[n]}
            reported |= cycle | {uri}
            report.add("BROADER_CYCLE", uri, f"cycle through {len(cycle)} concept(s): "
                       + ", ".join(sorted(cycle)[:5]))
    exact: dict[str, set[str]] = defaultdict(set)
    for uri, res in data.resources.items():
        for target in res.links.get("exactMatch", ()):
            exact[uri].add(target)
            exact[target].add(uri)
    for uri in sorted(exact):
        res = data.resources.get(uri)
        if res is None:
            continue
        for kind in ("broadMatch", "narrowMatch", "relatedMatch"):
            for target in res.links.get(kind, set()) & exact[uri]:
                report.add("EXACT_MATCH_CLASH", uri, f"exactMatch and {kind} <{target}>")


def validate(data: VocabData, source: str, required: tuple[str, ...] = CODES,
             report: Report | None = None) -> Report:
    """Check a collected vocabulary; returns the report (it never raises for bad data)."""
    report = report or Report(source)
    _check_labels(data, report, required)
    _check_structure(data, report)
    _check_relations(data, report)
    return report
