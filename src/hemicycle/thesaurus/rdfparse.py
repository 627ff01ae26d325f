"""Reading RDF files strictly: Turtle, N-Triples, RDF/XML and JSON-LD.

pyoxigraph's parsers reject what the W3C syntax tests reject (rdflib accepts some
of it) and say where: errors carry the file, line and column. Nothing remote is
fetched (JSON-LD contexts must be inline).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

MAX_LITERAL_CHARS = 100_000  # a literal longer than this is not a thesaurus value

FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}
FORMAT_NAMES = {"turtle": ".ttl", "ntriples": ".nt", "rdfxml": ".rdf", "jsonld": ".jsonld"}


class RdfError(ValueError):
    """A file that is not (acceptable) RDF, with where and why."""

    def __init__(self, path: str, message: str, line: int | None = None,
                 column: int | None = None, code: str = "SYNTAX") -> None:
        self.path, self.line, self.column, self.code = path, line, column, code
        where = path if line is None else f"{path}:{line}:{column}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Lit:
    value: str
    lang: str | None = None
    datatype: str | None = None


Term = str | Lit  # IRIs and blank nodes ("_:id") are str
Triple = tuple[str, str, Term]


def format_of(path: Path, declared: str | None = None) -> ox.RdfFormat:
    if declared:
        suffix = FORMAT_NAMES.get(declared.lower().replace("-", "").replace("/", ""))
        if suffix is None:
            raise RdfError(str(path), f"unknown format {declared!r}: expected one of "
                           f"{', '.join(FORMAT_NAMES)}", code="FORMAT_UNKNOWN")
        return FORMATS[suffix]
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise RdfError(str(path), f"cannot tell the RDF format from the suffix {path.suffix!r}; "
                       f"use one of {', '.join(sorted(FORMATS))} or --format",
                       code="FORMAT_UNKNOWN")
    return fmt


def _term(node) -> Term:
    if isinstance(node, ox.NamedNode):
        return node.value
    if isinstance(node, ox.BlankNode):
        return "_:" + node.value
    if isinstance(node, ox.Literal):
        return Lit(node.value, node.language, node.datatype.value if not node.language else None)
    raise TypeError(f"unsupported RDF term {node!r}")


def read_triples(path: Path, fmt: ox.RdfFormat | None = None,
                 base_iri: str | None = None) -> Iterator[Triple]:
    """Every triple of ``path``; raises RdfError at the first thing a strict reader refuses."""
    fmt = fmt or format_of(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RdfError(name, f"cannot read: {exc.strerror or exc}", code="UNREADABLE") from exc
    return parse_bytes(data, fmt, name, base_iri or path.resolve().as_uri())


def parse_bytes(data: bytes, fmt: ox.RdfFormat, name: str, base_iri: str) -> Iterator[Triple]:
    if fmt == ox.RdfFormat.RDF_XML:
        # pyoxigraph accepts a truncated document (unclosed elements): check the XML first
        line, column, problem = _xml_problem(data)
        if problem:
            raise RdfError(name, f"not well-formed XML: {problem}", line, column)
    try:
        quads = ox.parse(data, format=fmt, base_iri=base_iri)
        for quad in quads:
            obj = _term(quad.object)
            if isinstance(obj, Lit) and len(obj.value) > MAX_LITERAL_CHARS:
                raise RdfError(name, f"literal of {len(obj.value):,} characters on "
                               f"<{_term(quad.subject)}> {_term(quad.predicate)} "
                               f"(at most {MAX_LITERAL_CHARS:,})", code="LITERAL_TOO_LARGE")
            yield _term(quad.subject), quad.predicate.value, obj
    except SyntaxError as exc:
        message = exc.msg or str(exc)
        prefix = f"Parser error at line {exc.lineno} column {exc.offset}: "
        if message.startswith(prefix):
            message = message[len(prefix):]
        line, column = exc.lineno, exc.offset
        if line is None and fmt == ox.RdfFormat.RDF_XML:
            line, column, _problem = _xml_problem(data)
        raise RdfError(name, message, line, column) from None
    except (ValueError, OSError) as exc:
        if isinstance(exc, RdfError):
            raise
        raise RdfError(name, str(exc)) from None


def _xml_problem(data: bytes) -> tuple[int | None, int | None, str | None]:
    """Where and why an XML reader stops (None when the XML is well formed)."""
    from lxml import etree

    try:
        etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True,
                                               huge_tree=False))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        return line, column, exc.msg
    return None, None, None
