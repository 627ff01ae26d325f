"""The Library's past subject indexing: Index to Proceedings entries, read from a TSV file.

Each line gives a year, a heading as the Index prints it ("UKRAINE--POLITICAL
CONDITIONS": a thesaurus concept or name, then subdivisions after "--"), the section of
the Index it was listed under (the document type: "General documents", "Reports",
"Resolutions", ...) and the symbols of the documents it indexes ("|" between joint
documents). Columns by header name: ``year``, ``subject``, ``heading``, ``docsymbols``
(other columns are ignored), as the Dag Hammarskjöld Library's export gives them.

A line that cannot be used (no year, no heading, no symbol that parses) is reported with
its line number and left out; the rest is read. Heading parts that are not labels of the
vocabulary are reported by ``unknown_parts`` and kept: the heading is still suggested
whole, only those parts give no concept.
"""

from __future__ import annotations

import csv
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from hemicycle.subjects.corpus import Corpus
from hemicycle.subjects.errors import CorpusError
from hemicycle.subjects.vocabulary import Vocabulary
from hemicycle.symbols import SymbolError, symbol_key

COLUMNS = ("year", "subject", "heading", "docsymbols")
SEPARATOR = "--"
YEAR_MARK = "{year}"
# the Index's sections, by the kind of document listed in them
SECTIONS = {
    "general documents": "document", "reports": "document", "draft resolutions": "document",
    "resolutions": "resolution", "discussion in plenary": "meeting",
    "statements by the president of the security council": "statement",
}


@dataclass(frozen=True)
class ItpEntry:
    year: int
    heading: str  # as printed, with the year of a dated part left as {year}
    section: str  # document | resolution | meeting | statement
    symbols: tuple[str, ...]  # symbol keys (hemicycle.symbols)
    line: int = 0


@dataclass
class ItpFile:
    entries: list[ItpEntry]
    problems: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.entries)


def generic_heading(heading: str, year: int) -> str:
    """The heading with its own year as a mark: "UN. SECURITY COUNCIL (2015)--AGENDA" is
    the same heading every year."""
    return heading.replace(f"({year})", "(" + YEAR_MARK + ")")


def dated_heading(heading: str, year: int | None) -> str:
    """A generic heading for the year of a document (the mark dropped if it has none)."""
    if YEAR_MARK not in heading:
        return heading
    if year is None:
        return heading.replace(" (" + YEAR_MARK + ")", "").replace("(" + YEAR_MARK + ")", "")
    return heading.replace(YEAR_MARK, str(year))


def heading_parts(heading: str) -> list[str]:
    return [p.strip() for p in heading.split(SEPARATOR) if p.strip()]


def section_of(symbol_key_: str) -> str:
    """The section of the Index a symbol's document is listed under (by its type part)."""
    parts = symbol_key_.split("/")
    kind = parts[1] if len(parts) > 1 else ""
    if kind == "PRST":
        return "statement"
    if kind == "RES":
        return "resolution"
    if kind.startswith("PV"):
        return "meeting"
    return "document"


def read_itp(path: Path) -> ItpFile:
    """The entries of an Index to Proceedings TSV file; unusable lines are reported."""
    if not path.is_file():
        raise CorpusError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if not rows:
        raise CorpusError(f"{path}: empty file")
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise CorpusError(f"{path}, line 1: no column {', '.join(missing)} in the header "
                          f"(expected {', '.join(COLUMNS)})")
    col = {c: header.index(c) for c in COLUMNS}
    out = ItpFile([])
    for number, row in enumerate(rows[1:], 2):
        if not "".join(row).strip():
            continue
        if len(row) < len(header):
            out.problems.append(f"{path}, line {number}: {len(row)} columns, expected "
                                f"{len(header)}")
            continue
        year_text, heading = row[col["year"]].strip(), " ".join(row[col["subject"]].split())
        if not year_text.isdigit() or not 1945 <= int(year_text) <= 2100:
            out.problems.append(f"{path}, line {number}: year {year_text!r} is not a year")
            continue
        if not heading:
            out.problems.append(f"{path}, line {number}: no heading")
            continue
        keys = []
        for symbol in row[col["docsymbols"]].split("|"):
            if not symbol.strip():
                continue
            try:
                keys.append(symbol_key(symbol))
            except SymbolError as exc:
                out.problems.append(f"{path}, line {number}: symbol {symbol.strip()!r}: {exc}")
        if not keys:
            out.problems.append(f"{path}, line {number}: no document symbol")
            continue
        year = int(year_text)
        section = SECTIONS.get(row[col["heading"]].strip().lower(), section_of(keys[0]))
        out.entries.append(ItpEntry(year, generic_heading(heading, year), section,
                                    tuple(keys), number))
    if not out.entries:
        raise CorpusError(f"{path}: no usable entries ({len(out.problems)} lines reported)")
    return out


def unknown_parts(entries: Iterable[ItpEntry], vocab: Vocabulary) -> Counter[str]:
    """Heading parts that are not an English label of ``vocab``, with how many entries use
    them (names of missions and organs, "SITUATION" headings the thesaurus lacks)."""
    counts: Counter[str] = Counter()
    for entry in entries:
        for part in heading_parts(entry.heading):
            if vocab.find_label(part.replace(YEAR_MARK, ""), "en") is None:
                counts[part] += 1
    return counts


def headings_by_document(entries: Iterable[ItpEntry]) -> dict[str, set[str]]:
    """Symbol key -> the headings the Index gives it."""
    out: dict[str, set[str]] = {}
    for entry in entries:
        for key in entry.symbols:
            out.setdefault(key, set()).add(entry.heading)
    return out


def without_documents(entries: Iterable[ItpEntry], keys: Iterable[str]) -> list[ItpEntry]:
    """The entries that index none of the documents ``keys``: what a model may learn from
    before it is scored on those documents."""
    held = set(keys)
    return [e for e in entries if not held.intersection(e.symbols)]


def fold_of(key: str, folds: int) -> int:
    """A document's fold in a ``folds``-way cross-validation, fixed by its symbol key."""
    return zlib.crc32(key.encode("utf-8")) % folds


def label_corpus(corpus: Corpus, entries: Sequence[ItpEntry]) -> Corpus:
    """The corpus with each document's Index headings, found by its symbols."""
    by_key: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        for key in entry.symbols:
            by_key[key].add(entry.heading)
    out = Corpus([], list(corpus.problems))
    for doc in corpus:
        headings = set(doc.headings)
        for key in doc.symbols:
            headings |= by_key.get(key, set())
        out.documents.append(replace(doc, headings=frozenset(headings)))
    return out
