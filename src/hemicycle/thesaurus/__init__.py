"""SKOS vocabularies (UNBIS and others): load, validate, browse, serve as linked data.

The functions below are what other packages (search) call.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hemicycle.config import Settings

__all__ = ["concept_labels", "label_keys", "narrower_closure", "resolve_subject",
           "vocabulary_version"]


def concept_labels(settings_or_session: Settings | Session, uris: list[str] | set[str],
                   lang: str) -> dict[str, str]:
    """The prefLabel in ``lang`` of each known concept URI (absent: no label in ``lang``)."""
    from hemicycle.thesaurus.models import Concept, Label

    uris = list(dict.fromkeys(uris))
    if not uris:
        return {}

    def run(session: Session) -> dict[str, str]:
        out: dict[str, str] = {}
        for start in range(0, len(uris), 5000):
            for uri, text in session.execute(
                    select(Concept.uri, Label.text).join(Label, Label.concept_id == Concept.id)
                    .where(Concept.uri.in_(uris[start:start + 5000]), Label.lang == lang,
                           Label.kind == "pref").order_by(Concept.deprecated, Label.tag)):
                out.setdefault(uri, text)
        return out

    if isinstance(settings_or_session, Session):
        return run(settings_or_session)
    from hemicycle.catalogue.db import session_scope

    with session_scope(settings_or_session.database_url) as session:
        return run(session)


def narrower_closure(session: Session, uri: str) -> set[str]:
    """``uri`` and every concept below it (narrower, transitively; cycles are safe)."""
    from hemicycle.thesaurus.models import Concept, Relation

    found = {uri}
    frontier = [uri]
    while frontier:
        batch, frontier = frontier[:5000], frontier[5000:]
        below = set(session.scalars(
            select(Concept.uri).join(Relation, Relation.source_id == Concept.id)
            .where(Relation.kind == "broader", Relation.target_uri.in_(batch))))
        below |= set(session.scalars(
            select(Relation.target_uri).join(Concept, Relation.source_id == Concept.id)
            .where(Relation.kind == "narrower", Concept.uri.in_(batch))))
        new = below - found
        found |= new
        frontier += sorted(new)
    return found


def resolve_subject(session: Session, text_or_uri: str, vocab: str = "unbis") -> str | None:
    """The concept URI that ``text_or_uri`` names: a URI, a T-code, or a label in any
    language (prefLabel first, then alt/hidden; accent-, case- and Arabic-insensitive)."""
    from hemicycle.thesaurus.keys import fold
    from hemicycle.thesaurus.lookup import uri_for_tcode
    from hemicycle.thesaurus.models import Concept, Label, Vocabulary
    from hemicycle.thesaurus.unbis import TCODE

    text = (text_or_uri or "").strip()
    if not text:
        return None
    vocab_row = session.scalar(select(Vocabulary).where(Vocabulary.name == vocab))
    if vocab_row is None:
        return None
    if text.startswith(("http://", "https://")):
        return session.scalar(select(Concept.uri).where(
            Concept.vocab_id == vocab_row.id, Concept.uri == text))
    if TCODE.match(text.upper()):
        return uri_for_tcode(session, text, vocab)
    langs = list(dict.fromkeys(vocab_row.languages or [])) or [""]
    for kind_filter in (("pref",), ("alt", "hidden")):
        for lang in langs:
            uri = session.scalar(
                select(Concept.uri).join(Label, Label.concept_id == Concept.id).where(
                    Label.vocab_id == vocab_row.id, Label.lang == lang,
                    Label.folded == fold(text, lang), Label.kind.in_(kind_filter))
                .order_by(Concept.deprecated, Concept.id).limit(1))
            if uri:
                return uri
    return None



def vocabulary_version(session: Session, vocab: str = "unbis") -> tuple[int, int] | None:
    """(id, version) of a loaded vocabulary: a reload that changes it changes this."""
    from hemicycle.thesaurus.models import Vocabulary

    row = session.execute(select(Vocabulary.id, Vocabulary.version)
                          .where(Vocabulary.name == vocab)).first()
    return (row[0], row[1]) if row else None


def label_keys(session: Session, vocab: str = "unbis",
               ) -> list[tuple[str, str, str, str, str, str]]:
    """(language, key, kind, text, concept URI, local id) of every label of a current
    concept of ``vocab`` (the key folded by ``keys.fold``), prefLabels first, each
    language's tags in order: what a reader's words are matched against."""
    from hemicycle.thesaurus.models import Concept, Label

    version = vocabulary_version(session, vocab)
    if version is None:
        return []
    return [tuple(row) for row in session.execute(
        select(Label.lang, Label.folded, Label.kind, Label.text, Concept.uri, Concept.local_id)
        .join(Concept, Concept.id == Label.concept_id)
        .where(Label.vocab_id == version[0], Concept.kind == "concept",
               Concept.deprecated.is_(False))
        .order_by(Label.kind != "pref", Label.tag, Label.id))]
