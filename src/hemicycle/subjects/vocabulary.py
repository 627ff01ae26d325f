"""A subject vocabulary in memory: concepts with labels per language and broader links.

Backends take a plain ``Vocabulary`` so that they do not care where it came from: a
SKOS file read with rdflib, the six-language UNBIS label table, an Annif-style
``<uri>\\tlabel`` list, or (once the thesaurus package has them) catalogue tables.
A vocabulary is kept under ``data_dir/subjects/<name>/vocabulary.json`` once loaded.
"""

from __future__ import annotations

import csv
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from hemicycle.catalogue.db import session_scope
from hemicycle.config import Settings
from hemicycle.messages import Message
from hemicycle.subjects.errors import SubjectError, UnknownVocabulary
from hemicycle.thesaurus.models import Concept as ConceptRow
from hemicycle.thesaurus.models import Label, Relation
from hemicycle.thesaurus.models import Vocabulary as VocabRow

VOCAB_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass
class Concept:
    uri: str
    labels: dict[str, str] = field(default_factory=dict)  # preferred label per language
    alt_labels: dict[str, list[str]] = field(default_factory=dict)
    broader: list[str] = field(default_factory=list)

    def all_labels(self) -> list[tuple[str, str, bool]]:
        """(language, label, preferred) for every label of the concept."""
        out = [(lang, label, True) for lang, label in self.labels.items()]
        for lang, labels in self.alt_labels.items():
            out.extend((lang, label, False) for label in labels)
        return out


@dataclass
class Vocabulary:
    name: str
    concepts: dict[str, Concept]
    # the thesaurus package's version number when copied from the catalogue, else None
    thesaurus_version: int | None = None

    @property
    def languages(self) -> list[str]:
        seen: dict[str, None] = {}
        for concept in self.concepts.values():
            for lang in concept.labels:
                seen.setdefault(lang, None)
        return list(seen)

    def __len__(self) -> int:
        return len(self.concepts)

    def __contains__(self, uri: str) -> bool:
        return uri in self.concepts

    def label(self, uri: str, lang: str = "en") -> str:
        """The preferred label in ``lang``, else English, else any; the URI if unknown."""
        concept = self.concepts.get(uri)
        if concept is None or not concept.labels:
            return uri
        return (concept.labels.get(lang) or concept.labels.get("en")
                or next(iter(concept.labels.values())))

    def find_label(self, label: str, lang: str | None = None) -> str | None:
        """The concept whose preferred or alternative label is ``label`` (case-blind)."""
        index = getattr(self, "_label_index", None)
        if index is None:
            index = {}
            for concept in self.concepts.values():
                for label_lang, text, _pref in concept.all_labels():
                    index.setdefault((label_lang, text.casefold()), concept.uri)
                    index.setdefault((None, text.casefold()), concept.uri)
            self._label_index = index
        return index.get((lang, label.strip().casefold())) or index.get(
            (None, label.strip().casefold()))

    def to_json(self) -> dict:
        return {"name": self.name, "thesaurus_version": self.thesaurus_version, "concepts": [
            {"uri": c.uri, "labels": c.labels, "alt_labels": c.alt_labels, "broader": c.broader}
            for c in self.concepts.values()]}

    @classmethod
    def from_json(cls, data: dict) -> Vocabulary:
        concepts = {}
        for item in data["concepts"]:
            concepts[item["uri"]] = Concept(item["uri"], dict(item["labels"]),
                                            {k: list(v) for k, v in item["alt_labels"].items()},
                                            list(item["broader"]))
        return cls(data["name"], concepts, data.get("thesaurus_version"))


def _add_alt(concept: Concept, lang: str, label: str) -> None:
    label = label.strip()
    if not label or label == concept.labels.get(lang):
        return
    alts = concept.alt_labels.setdefault(lang, [])
    if label not in alts:
        alts.append(label)


def _lang(tag: str | None) -> str:
    return (tag or "").split("-")[0].lower() or "und"


def vocabulary_from_graph(name: str, graph) -> Vocabulary:
    """Concepts of an rdflib Graph holding SKOS (deprecated concepts left out)."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import OWL, RDF, SKOS

    concepts: dict[str, Concept] = {}
    for subject in sorted(set(graph.subjects(RDF.type, SKOS.Concept)), key=str):
        if not isinstance(subject, URIRef):
            continue
        if any(str(v).lower() == "true" for v in graph.objects(subject, OWL.deprecated)):
            continue
        concept = Concept(str(subject))
        for label in graph.objects(subject, SKOS.prefLabel):
            if isinstance(label, Literal):
                lang = _lang(label.language)
                if lang in concept.labels:
                    _add_alt(concept, lang, str(label))
                else:
                    concept.labels[lang] = str(label).strip()
        for label in graph.objects(subject, SKOS.altLabel):
            if isinstance(label, Literal):
                lang = _lang(label.language)
                _add_alt(concept, lang, str(label))
                # real exports join several alternative labels with commas
                if "," in str(label):
                    for part in str(label).split(","):
                        _add_alt(concept, lang, part)
        concept.broader = sorted(str(b) for b in graph.objects(subject, SKOS.broader))
        concepts[concept.uri] = concept
    if not concepts:
        raise SubjectError(f"vocabulary {name!r}: no skos:Concept found")
    return Vocabulary(name, concepts)


def vocabulary_from_skos(name: str, path: Path) -> Vocabulary:
    import rdflib

    graph = rdflib.Graph()
    try:
        graph.parse(str(path))
    except Exception as exc:  # rdflib raises many parser-specific types
        raise SubjectError(f"{path}: cannot read as RDF: {exc}") from exc
    return vocabulary_from_graph(name, graph)


def vocabulary_from_table(name: str, path: Path, lang: str | None = None) -> Vocabulary:
    """A TSV vocabulary: either a header ``uri<TAB>ar<TAB>zh...`` (one column per language,
    like the UNBIS label table) or Annif's ``<uri><TAB>label`` lines in language ``lang``."""
    concepts: dict[str, Concept] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        raise SubjectError(f"{path}: empty vocabulary file")
    header = [h.strip() for h in rows[0]]
    if header and header[0].lower() == "uri" and len(header) > 1:
        languages = [_lang(h) for h in header[1:]]
        body, first = rows[1:], 2
    else:
        languages, body, first = [lang or "und"], rows, 1
    for number, row in enumerate(body, first):
        if not row or not "".join(row).strip():
            continue
        uri = row[0].strip().strip("<>")
        if not uri.startswith(("http://", "https://", "urn:")):
            raise SubjectError(f"{path}, line {number}: {row[0]!r} is not a concept URI")
        if len(row) < 2:
            raise SubjectError(f"{path}, line {number}: no label after the URI")
        concept = concepts.setdefault(uri, Concept(uri))
        for code, label in zip(languages, row[1:], strict=False):
            label = label.strip()
            if not label:
                continue
            if code in concept.labels:
                _add_alt(concept, code, label)
            else:
                concept.labels[code] = label
    if not concepts:
        raise SubjectError(f"{path}: no concepts")
    return Vocabulary(name, concepts)


def read_vocabulary(name: str, path: Path, lang: str | None = None) -> Vocabulary:
    """Read a vocabulary file by its kind: .tsv/.csv tables, anything else as RDF."""
    if not path.is_file():
        raise SubjectError(f"{path}: no such file")
    if path.suffix.lower() in (".tsv", ".txt"):
        return vocabulary_from_table(name, path, lang)
    return vocabulary_from_skos(name, path)


# --- vocabularies kept in the data directory -----------------------------------------

def subjects_dir(settings: Settings) -> Path:
    return settings.data_dir / "subjects"


def check_name(name: str) -> str:
    if not VOCAB_NAME.match(name or ""):
        raise UnknownVocabulary(Message(
            "subjects.bad_vocabulary_name",
            "vocabulary name '{name}' is not valid: lower-case letters, digits, - and _",
            name=name))
    return name


def vocabulary_path(settings: Settings, name: str) -> Path:
    return subjects_dir(settings) / check_name(name) / "vocabulary.json"


def install_vocabulary(settings: Settings, vocab: Vocabulary) -> Path:
    """Keep ``vocab`` under the data directory (written whole, then renamed)."""
    path = vocabulary_path(settings, vocab.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(vocab.to_json(), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    _cache.pop((str(settings.data_dir), vocab.name), None)
    return path


def _catalogue_names(settings: Settings) -> list[str]:
    """Vocabularies the thesaurus package keeps in the catalogue (none if it has no tables)."""
    try:
        with session_scope(settings.database_url) as db:
            return list(db.scalars(select(VocabRow.name).order_by(VocabRow.name)))
    except SQLAlchemyError:
        return []


def vocabulary_from_catalogue(settings: Settings, name: str) -> Vocabulary | None:
    """The thesaurus package's copy of ``name`` (concepts with labels, not deprecated;
    hidden labels count as alternative ones), or None when the catalogue does not hold it."""
    try:
        with session_scope(settings.database_url) as db:
            row = db.scalar(select(VocabRow).where(VocabRow.name == name))
            if row is None:
                return None
            version = row.version
            concepts: dict[str, Concept] = {}
            by_id: dict[int, Concept] = {}
            for cid, uri in db.execute(
                    select(ConceptRow.id, ConceptRow.uri).where(
                        ConceptRow.vocab_id == row.id, ConceptRow.kind == "concept",
                        ConceptRow.deprecated.is_(False)).order_by(ConceptRow.uri)):
                by_id[cid] = concepts[uri] = Concept(uri)
            for cid, lang, kind, text in db.execute(
                    select(Label.concept_id, Label.lang, Label.kind, Label.text).where(
                        Label.vocab_id == row.id).order_by(Label.id)):
                concept = by_id.get(cid)
                if concept is None:
                    continue
                if kind == "pref" and lang not in concept.labels:
                    concept.labels[lang] = text
                else:
                    _add_alt(concept, lang, text)
            for cid, target in db.execute(
                    select(Relation.source_id, Relation.target_uri).where(
                        Relation.vocab_id == row.id, Relation.kind == "broader")):
                if cid in by_id:
                    by_id[cid].broader.append(target)
    except SQLAlchemyError:
        return None
    # concepts only named by links from elsewhere have no labels: nothing to match or show
    concepts = {uri: c for uri, c in concepts.items() if c.labels}
    return Vocabulary(name, concepts, version) if concepts else None


def vocabulary_names(settings: Settings) -> list[str]:
    """Loaded here with `subjects vocab`, or kept by the thesaurus package."""
    root = subjects_dir(settings)
    here = [p.parent.name for p in root.glob("*/vocabulary.json")] if root.is_dir() else []
    return sorted(set(here) | set(_catalogue_names(settings)))


_cache: dict[tuple[str, str], tuple[float, Vocabulary]] = {}
_checked: dict[tuple[str, str], float] = {}
RECHECK_S = 30.0  # how often a thesaurus copy asks whether the thesaurus was reloaded


def _thesaurus_version(settings: Settings, name: str) -> int | None:
    try:
        with session_scope(settings.database_url) as db:
            return db.scalar(select(VocabRow.version).where(VocabRow.name == name))
    except SQLAlchemyError:
        return None


def load_vocabulary(settings: Settings, name: str) -> Vocabulary:
    """The vocabulary called ``name``: the one loaded with `subjects vocab`, else the
    thesaurus package's copy in the catalogue (kept as a file, refreshed when the thesaurus
    is reloaded); UnknownVocabulary naming those there are."""
    path = vocabulary_path(settings, name)
    key = (str(settings.data_dir), name)
    if not path.is_file():
        vocab = vocabulary_from_catalogue(settings, name)
        if vocab is not None:
            install_vocabulary(settings, vocab)
            _checked[key] = time.monotonic()
            return load_vocabulary(settings, name)
        known = vocabulary_names(settings)
        raise UnknownVocabulary(Message(
            "subjects.unknown_vocabulary",
            "unknown vocabulary '{name}'; loaded: {known} (load one with `hemicycle subjects "
            "vocab NAME FILE` or `hemicycle thesaurus load`)",
            name=name, known=", ".join(known) or "none"))
    mtime = path.stat().st_mtime
    cached = _cache.get(key)
    if cached and cached[0] == mtime:
        vocab = cached[1]
    else:
        vocab = Vocabulary.from_json(json.loads(path.read_text(encoding="utf-8")))
        _cache[key] = (mtime, vocab)
    if vocab.thesaurus_version is not None and (
            time.monotonic() - _checked.get(key, 0.0) > RECHECK_S):
        _checked[key] = time.monotonic()
        current = _thesaurus_version(settings, name)
        if current is not None and current != vocab.thesaurus_version:
            fresh = vocabulary_from_catalogue(settings, name)
            if fresh is not None:
                install_vocabulary(settings, fresh)
                return load_vocabulary(settings, name)
    return vocab
