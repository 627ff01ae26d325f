"""Reading the thesaurus back: concepts, labels, hierarchy, A-Z, search, autocomplete.

Pages, the JSON API and the CLI all call these functions, so they give the same
answers. Every lookup is an indexed SQL query on the catalogue tables.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from hemicycle.languages import CODES
from hemicycle.messages import Message
from hemicycle.thesaurus.keys import letters, prefix_keys, prefix_upper_bound
from hemicycle.thesaurus.models import Concept, Label, Note, Relation, TCode, Vocabulary

MAX_LIMIT = 200
AUTOCOMPLETE_WINDOW = 300


class NotFound(LookupError):
    pass


@dataclass
class Hit:
    uri: str
    id: str  # local id, for /thesaurus/{vocab}/{id}
    vocab: str
    label: str  # the label that matched
    kind: str  # pref | alt | hidden
    pref: str | None  # the concept's prefLabel in the language (None: it has none)
    lang: str

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Ref:
    """A link to a concept with its label in one language (None: no label in it).
    ``outside``: the vocabulary links to it but does not describe it (not in this
    thesaurus: no page, no label; ``id`` is the last part of its URI, a T-code say)."""

    uri: str
    id: str
    label: str | None
    kind: str = "concept"
    deprecated: bool = False
    notation: str | None = None  # domains and microthesauri: 13, 13.01.00
    outside: bool = False


@dataclass
class ConceptView:
    vocab: str
    uri: str
    id: str
    kind: str
    notation: str | None
    deprecated: bool
    pref: dict[str, str | None]  # language -> prefLabel (None: missing)
    alt: dict[str, list[str]]
    hidden: dict[str, list[str]]
    notes: dict[str, dict[str, list[str]]]  # kind -> language -> texts
    broader: list[Ref] = field(default_factory=list)
    narrower: list[Ref] = field(default_factory=list)
    related: list[Ref] = field(default_factory=list)
    members: list[Ref] = field(default_factory=list)
    breadcrumbs: list[list[Ref]] = field(default_factory=list)  # domain > microthesaurus
    mappings: dict[str, list[str]] = field(default_factory=dict)
    external: dict[str, list[str]] = field(default_factory=dict)  # links outside the vocab
    tcodes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def vocabularies(session: Session) -> list[Vocabulary]:
    return list(session.scalars(select(Vocabulary).order_by(Vocabulary.name)))


def vocabulary(session: Session, name: str) -> Vocabulary:
    vocab = session.scalar(select(Vocabulary).where(Vocabulary.name == name))
    if vocab is None:
        raise NotFound(Message("thesaurus.no_vocabulary", "no vocabulary '{name}'", name=name))
    return vocab


def concept_by_id(session: Session, vocab: Vocabulary, local: str) -> Concept:
    concept = session.scalar(select(Concept).where(
        Concept.vocab_id == vocab.id, Concept.local_id == local).order_by(Concept.id).limit(1))
    if concept is None:
        raise NotFound(Message("thesaurus.no_concept", "no concept '{id}' in {vocab}", id=local,
                               vocab=vocab.name))
    return concept


def concept_by_uri(session: Session, uri: str, vocab: str | None = None
                   ) -> tuple[Vocabulary, Concept]:
    stmt = select(Vocabulary, Concept).join(Concept, Concept.vocab_id == Vocabulary.id).where(
        Concept.uri == uri)
    if vocab:
        stmt = stmt.where(Vocabulary.name == vocab)
    row = session.execute(stmt.order_by(Concept.deprecated, Vocabulary.name).limit(1)).first()
    if row is None:
        raise NotFound(Message("thesaurus.no_uri", "no concept <{uri}>", uri=uri))
    return row[0], row[1]


def uri_for_tcode(session: Session, tcode: str, vocab: str | None = None) -> str | None:
    stmt = select(TCode.uri).where(TCode.tcode == tcode.strip().upper())
    if vocab:
        stmt = stmt.join(Vocabulary, Vocabulary.id == TCode.vocab_id).where(
            Vocabulary.name == vocab)
    return session.scalar(stmt.limit(1))


def _pref_labels(session: Session, concept_ids: list[int], lang: str) -> dict[int, str]:
    out: dict[int, str] = {}
    for start in range(0, len(concept_ids), 5000):
        ids = concept_ids[start:start + 5000]
        for cid, text in session.execute(
                select(Label.concept_id, Label.text).where(
                    Label.concept_id.in_(ids), Label.lang == lang, Label.kind == "pref")
                .order_by(Label.concept_id, Label.tag)):
            out.setdefault(cid, text)
    return out


def _refs(session: Session, vocab: Vocabulary, uris: list[str], lang: str,
          outside: bool = False) -> list[Ref]:
    """Refs for the URIs that belong to the vocabulary, sorted by their label; with
    ``outside``, the others follow, marked as not in the vocabulary."""
    if not uris:
        return []
    rows = []
    for start in range(0, len(uris), 5000):
        rows += session.execute(select(Concept.id, Concept.uri, Concept.local_id, Concept.kind,
                                       Concept.deprecated, Concept.notation).where(
            Concept.vocab_id == vocab.id, Concept.uri.in_(uris[start:start + 5000]))).all()
    labels = _pref_labels(session, [r.id for r in rows], lang)
    refs = [Ref(r.uri, r.local_id, labels.get(r.id), r.kind, r.deprecated,
                r.notation if r.kind in ("domain", "microthesaurus") else None)
            for r in rows]
    from hemicycle.thesaurus.keys import sort_keys
    from hemicycle.thesaurus.store import local_id

    refs.sort(key=lambda r: (r.label is None, sort_keys(r.label or r.id, lang).sort_key))
    if outside:
        known = {r.uri for r in refs}
        refs += [Ref(uri, local_id(uri), None, outside=True)
                 for uri in sorted(set(uris) - known)]
    return refs


def _hits(session: Session, vocab: Vocabulary, rows, lang: str) -> list[Hit]:
    prefs = _pref_labels(session, list({r.concept_id for r in rows}), lang)
    return [Hit(r.uri, r.local_id, vocab.name, r.text, r.kind, prefs.get(r.concept_id), lang)
            for r in rows]


def _label_query(vocab: Vocabulary, lang: str, hidden: bool = True):
    """Labels of current concepts in ``lang``; hidden labels (misspellings, old forms)
    are matched by search and autocomplete but never listed in A-Z."""
    stmt = (select(Label.concept_id, Label.text, Label.kind, Concept.uri, Concept.local_id)
            .join(Concept, Concept.id == Label.concept_id)
            .where(Label.vocab_id == vocab.id, Label.lang == lang,
                   Concept.deprecated.is_(False)))
    return stmt if hidden else stmt.where(Label.kind != "hidden")


def autocomplete(session: Session, vocab: Vocabulary, text: str, lang: str,
                 limit: int = 10) -> list[Hit]:
    """Labels in ``lang`` that start with ``text`` (folded), shortest first."""
    keys = prefix_keys(text, lang)
    if not keys:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    # the first labels in key order (the prefix itself comes first), shortest of those first:
    # a bounded index range scan however common the prefix is
    rows = []
    for key in keys:
        rows += session.execute(
            _label_query(vocab, lang).add_columns(Label.folded)
            .where(Label.folded >= key, Label.folded < prefix_upper_bound(key))
            .order_by(Label.folded).limit(AUTOCOMPLETE_WINDOW)).all()
    rows.sort(key=lambda r: (len(r.folded), r.folded, r.kind != "pref"))
    seen: set[int] = set()
    out = []
    for row in rows:  # one suggestion per concept
        if row.concept_id not in seen:
            seen.add(row.concept_id)
            out.append(row)
    return _hits(session, vocab, out[:limit], lang)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search(session: Session, vocab: Vocabulary, text: str, lang: str, limit: int = 50,
           offset: int = 0) -> list[Hit]:
    """Labels in ``lang`` containing ``text`` (folded): exact first, then prefixes, then
    the rest; one hit per concept."""
    keys = prefix_keys(text, lang)
    if not keys:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    rows = []
    for key in keys:
        starts = and_(Label.folded >= key, Label.folded < prefix_upper_bound(key))
        rank = case((Label.folded == key, 0), (starts, 1), else_=2)
        rows += session.execute(
            _label_query(vocab, lang).add_columns(Label.folded)
            .where(or_(starts, Label.folded.like(f"%{_like_escape(key)}%", escape="\\")))
            .order_by(rank, func.length(Label.folded), Label.folded)
            .limit((offset + limit) * 3)).all()

    def place(row) -> int:
        return min(0 if row.folded == key else 1 if row.folded.startswith(key) else 2
                   for key in keys)

    ordered = sorted(rows, key=lambda r: (place(r), r.kind != "pref", len(r.folded), r.folded))
    seen: set[int] = set()
    out = []
    for row in ordered:
        if row.concept_id not in seen:
            seen.add(row.concept_id)
            out.append(row)
    return _hits(session, vocab, out[offset:offset + limit], lang)


@dataclass
class AzPage:
    lang: str
    order: str
    letter: str
    letters: list[str]
    entries: list[Hit]
    page: int
    more: bool
    present: list[str] = field(default_factory=list)  # letters that have entries


def az(session: Session, vocab: Vocabulary, lang: str, letter: str | None = None,
       order: str = "default", page: int = 1, per_page: int = 100) -> AzPage:
    """One page of the A-Z list of ``lang`` (pref and alt labels, ICU order)."""
    stroke = order == "stroke" and lang == "zh"
    order = "stroke" if stroke else "default"
    buckets = letters(lang, order)
    per_page = max(1, min(per_page, MAX_LIMIT))
    page = max(1, page)
    letter_col, key_col = ((Label.letter_alt, Label.sort_key_alt) if stroke
                           else (Label.letter, Label.sort_key))
    present = [b for b in buckets if session.scalar(
        select(Label.id).where(Label.vocab_id == vocab.id, Label.lang == lang,
                               letter_col == b).limit(1)) is not None]
    if letter not in buckets:
        letter = present[0] if present else buckets[0]
    rows = session.execute(
        _label_query(vocab, lang, hidden=False).where(letter_col == letter)
        .order_by(key_col, Label.id).offset((page - 1) * per_page).limit(per_page + 1)).all()
    entries = _hits(session, vocab, rows[:per_page], lang)
    return AzPage(lang, order, letter, buckets, entries, page, len(rows) > per_page, present)


def _links(session: Session, concept: Concept) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for kind, target in session.execute(select(Relation.kind, Relation.target_uri).where(
            Relation.source_id == concept.id)):
        out.setdefault(kind, []).append(target)
    return out


def _incoming(session: Session, vocab: Vocabulary, uri: str, kind: str) -> list[str]:
    return list(session.scalars(
        select(Concept.uri).join(Relation, Relation.source_id == Concept.id).where(
            Relation.vocab_id == vocab.id, Relation.target_uri == uri, Relation.kind == kind)))


def concept_view(session: Session, vocab: Vocabulary, concept: Concept, lang: str
                 ) -> ConceptView:
    """Everything a concept page shows, labels of linked concepts in ``lang``."""
    shown = list(CODES) + [c for c in vocab.languages if c not in CODES]
    pref: dict[str, str | None] = {code: None for code in shown}
    alt: dict[str, list[str]] = {}
    hidden: dict[str, list[str]] = {}
    for lab in session.scalars(select(Label).where(Label.concept_id == concept.id)
                               .order_by(Label.kind, Label.tag, Label.id)):
        if lab.kind == "pref":
            if pref.get(lab.lang) is None:
                pref[lab.lang] = lab.text
        else:
            (alt if lab.kind == "alt" else hidden).setdefault(lab.lang, []).append(lab.text)
    notes: dict[str, dict[str, list[str]]] = {}
    for note in session.scalars(select(Note).where(Note.concept_id == concept.id)
                                .order_by(Note.kind, Note.lang, Note.id)):
        notes.setdefault(note.kind, {}).setdefault(note.lang, []).append(note.text)
    links = _links(session, concept)
    broader = links.get("broader", [])
    narrower = _incoming(session, vocab, concept.uri, "broader") + links.get("narrower", [])
    related = links.get("related", [])
    members = links.get("member", [])
    view = ConceptView(
        vocab.name, concept.uri, concept.local_id, concept.kind, concept.notation,
        concept.deprecated, pref, alt, hidden, notes,
        broader=_refs(session, vocab, broader, lang, outside=True),
        narrower=_refs(session, vocab, narrower, lang, outside=True),
        related=_refs(session, vocab, related, lang, outside=True),
        members=_refs(session, vocab, members, lang, outside=True),
        mappings={k: v for k, v in links.items() if k.endswith("Match")},
        tcodes=list(session.scalars(select(TCode.tcode).where(
            TCode.vocab_id == vocab.id, TCode.uri == concept.uri))),
    )
    known = {r.uri for r in view.broader + view.narrower + view.related + view.members
             if not r.outside}
    for kind, targets in (("broader", broader), ("narrower", narrower), ("related", related),
                          ("member", members)):
        outside = sorted(t for t in targets if t not in known)
        if outside:
            view.external[kind] = outside
    view.breadcrumbs = breadcrumbs(session, vocab, concept.uri, lang)
    return view


def breadcrumbs(session: Session, vocab: Vocabulary, uri: str, lang: str) -> list[list[Ref]]:
    """Each path domain > microthesaurus (> ...) that leads to the concept."""
    paths: list[list[Ref]] = []

    def parents(target: str) -> list[Ref]:
        return _refs(session, vocab, _incoming(session, vocab, target, "member"), lang)

    for parent in parents(uri):
        chain = [parent]
        seen = {uri, parent.uri}
        while True:
            above = [p for p in parents(chain[0].uri) if p.uri not in seen]
            if not above or len(chain) > 6:
                break
            chain.insert(0, above[0])
            seen.add(above[0].uri)
        paths.append(chain)
    return paths


def groups(session: Session, vocab: Vocabulary, lang: str, kind: str = "domain") -> list[Ref]:
    """The domains (or other top collections) of a vocabulary, by notation or label."""
    rows = session.execute(select(Concept.uri, Concept.notation).where(
        Concept.vocab_id == vocab.id, Concept.kind == kind)).all()
    refs = _refs(session, vocab, [r.uri for r in rows], lang)
    notation = {r.uri: r.notation or "" for r in rows}
    return sorted(refs, key=lambda r: (notation[r.uri] or r.id))


def top_concepts(session: Session, vocab: Vocabulary, lang: str) -> list[Ref]:
    uris = list(session.scalars(select(Concept.uri).join(
        Relation, Relation.source_id == Concept.id).where(
        Relation.vocab_id == vocab.id, Relation.kind == "topConceptOf").distinct()))
    return _refs(session, vocab, uris, lang)


def changes(session: Session, vocab: Vocabulary, version: int | None = None,
            limit: int = 200) -> list[tuple[int, str, str]]:
    from hemicycle.thesaurus.models import Change

    stmt = select(Change.version, Change.change, Change.uri).where(Change.vocab_id == vocab.id)
    if version is not None:
        stmt = stmt.where(Change.version == version)
    return [tuple(r) for r in session.execute(
        stmt.order_by(Change.version.desc(), Change.change, Change.uri).limit(limit))]
