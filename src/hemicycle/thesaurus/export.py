"""The thesaurus as RDF again: one concept or a whole vocabulary, rebuilt from the
catalogue rows, in Turtle, JSON-LD, RDF/XML or N-Triples.

One concept is serialised with rdflib (readable prefixes); a whole vocabulary with
pyoxigraph (fast enough for 100,000 concepts) and cached per version in the data dir.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
from sqlalchemy import select
from sqlalchemy.orm import Session

from hemicycle.config import Settings
from hemicycle.thesaurus.models import Concept, Label, Note, Relation, Vocabulary
from hemicycle.thesaurus.rdfparse import Lit, Term
from hemicycle.thesaurus.skosgraph import OWL_DEPRECATED, RDF_TYPE, SKOS

MEDIA_TYPES = {
    "ttl": "text/turtle",
    "json": "application/ld+json",
    "xml": "application/rdf+xml",
    "nt": "application/n-triples",
}
OX_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "json": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
    "nt": ox.RdfFormat.N_TRIPLES,
}
RDFLIB_FORMATS = {"ttl": "turtle", "json": "json-ld", "xml": "pretty-xml", "nt": "nt"}
TYPE_OF_KIND = {"concept": SKOS + "Concept", "scheme": SKOS + "ConceptScheme",
                "domain": SKOS + "Collection", "microthesaurus": SKOS + "Collection",
                "collection": SKOS + "Collection"}
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
LABEL_PROPS = {"pref": "prefLabel", "alt": "altLabel", "hidden": "hiddenLabel"}


def media_type(fmt: str) -> str:
    return MEDIA_TYPES[fmt]


def vocab_triples(session: Session, vocab: Vocabulary,
                  concept_ids: list[int] | None = None) -> Iterator[tuple[str, str, Term]]:
    """SKOS statements of a vocabulary (or of some of its concepts), from the tables."""
    stmt = select(Concept.id, Concept.uri, Concept.kind, Concept.notation,
                  Concept.deprecated).where(Concept.vocab_id == vocab.id)
    if concept_ids is not None:
        stmt = stmt.where(Concept.id.in_(concept_ids))
    uri_of: dict[int, str] = {}
    for cid, uri, kind, notation, deprecated in session.execute(stmt.order_by(Concept.id)):
        uri_of[cid] = uri
        yield uri, RDF_TYPE, TYPE_OF_KIND.get(kind, SKOS + "Concept")
        if notation:
            yield uri, SKOS + "notation", Lit(notation)
        if deprecated:
            yield uri, OWL_DEPRECATED, Lit("true", datatype=XSD_BOOLEAN)
    ids = list(uri_of)

    def rows(query, column):
        if concept_ids is None:
            yield from session.execute(query.where(column.in_(
                select(Concept.id).where(Concept.vocab_id == vocab.id))))
            return
        for start in range(0, len(ids), 5000):
            yield from session.execute(query.where(column.in_(ids[start:start + 5000])))

    for cid, kind, tag, text in rows(select(Label.concept_id, Label.kind, Label.tag, Label.text),
                                     Label.concept_id):
        yield uri_of[cid], SKOS + LABEL_PROPS[kind], Lit(text, tag or None)
    for cid, kind, lang, text in rows(select(Note.concept_id, Note.kind, Note.lang, Note.text),
                                      Note.concept_id):
        yield uri_of[cid], SKOS + kind, Lit(text, lang or None)
    for cid, kind, target in rows(select(Relation.source_id, Relation.kind,
                                         Relation.target_uri), Relation.source_id):
        yield uri_of[cid], SKOS + kind, target
        if kind == "broader" and concept_ids is None:
            yield target, SKOS + "narrower", uri_of[cid]


def narrower_triples(session: Session, concept: Concept) -> Iterator[tuple[str, str, Term]]:
    """The narrower links of one concept, stated on it (stored as the inverse broader)."""
    for uri in session.scalars(select(Concept.uri).join(
            Relation, Relation.source_id == Concept.id).where(
            Relation.vocab_id == concept.vocab_id, Relation.kind == "broader",
            Relation.target_uri == concept.uri)):
        yield concept.uri, SKOS + "narrower", uri


def _ox_term(term: Term):
    if isinstance(term, Lit):
        if term.lang:
            return ox.Literal(term.value, language=term.lang)
        if term.datatype:
            return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
        return ox.Literal(term.value)
    if term.startswith("_:"):
        return ox.BlankNode(term[2:])
    return ox.NamedNode(term)


def ox_triples(triples) -> Iterator[ox.Triple]:
    for s, p, o in triples:
        yield ox.Triple(_ox_term(s), ox.NamedNode(p), _ox_term(o))


def concept_document(session: Session, concept: Concept, fmt: str) -> bytes:
    """One concept as an RDF document (rdflib)."""
    import rdflib

    vocab = session.get(Vocabulary, concept.vocab_id)
    graph = rdflib.Graph()
    graph.bind("skos", rdflib.Namespace(SKOS))
    for s, p, o in list(vocab_triples(session, vocab, [concept.id])) + list(
            narrower_triples(session, concept)):
        if isinstance(o, Lit):
            obj = rdflib.Literal(o.value, lang=o.lang,
                                 datatype=rdflib.URIRef(o.datatype) if o.datatype else None)
        else:
            obj = rdflib.URIRef(o)
        graph.add((rdflib.URIRef(s), rdflib.URIRef(p), obj))
    data = graph.serialize(format=RDFLIB_FORMATS[fmt], encoding="utf-8")
    return data


def vocab_dump_path(settings: Settings, session: Session, vocab: Vocabulary, fmt: str) -> Path:
    """The whole vocabulary in ``fmt``, written once per version (atomically) and reused."""
    folder = settings.data_dir / "thesaurus" / "dumps"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{vocab.name}-v{vocab.version}.{fmt}"
    if not path.is_file():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            ox.serialize(ox_triples(vocab_triples(session, vocab)), fh,
                         format=OX_FORMATS[fmt],
                         prefixes={"skos": SKOS} if fmt in ("ttl", "xml") else None)
        os.replace(tmp, path)
    return path
