"""What else the catalogue holds about a document: the documents it names (drafts, its
meeting record, reports), those that name it, those of the same agenda item and those
sharing its subjects. Votes and speeches live in ``hemicycle.proceedings``; the pages
put the two together."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from hemicycle.catalogue.models import (
    AgendaItem,
    Document,
    DocumentSubject,
    DocumentSymbol,
    LanguageVersion,
    RelatedDocument,
)
from hemicycle.symbols import SymbolError, parse_symbol

LIMIT = 10


@dataclass(frozen=True)
class Link:
    symbol: str
    role: str
    uid: str | None  # None: not held here
    titles: dict[str, str]  # language -> title, where it has one

    def to_json(self) -> dict:
        return {"symbol": self.symbol, "role": self.role, "uid": self.uid,
                "titles": self.titles}


def _titles(db: Session, ids: list[int]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    if ids:
        for doc_id, lang, title in db.execute(
                select(LanguageVersion.document_id, LanguageVersion.language,
                       LanguageVersion.title)
                .where(LanguageVersion.document_id.in_(ids), LanguageVersion.title.is_not(None))):
            out.setdefault(doc_id, {})[lang] = title
    return out


def _keys(symbols: list[str]) -> dict[str, str]:
    out = {}
    for s in symbols:
        try:
            out[parse_symbol(s).key] = s
        except SymbolError:
            continue
    return out


def named_by(db: Session, doc: Document) -> list[Link]:
    """The documents ``doc`` names as related (its drafts, meeting record, ...), held or
    not."""
    keys = _keys([r.symbol for r in doc.related])
    held = dict(db.execute(
        select(DocumentSymbol.key, Document.id).join(Document)
        .where(DocumentSymbol.key.in_(list(keys)), Document.status == "published")).all()
    ) if keys else {}
    uids = dict(db.execute(select(Document.id, Document.uid)
                           .where(Document.id.in_(list(held.values())))).all()) if held else {}
    titles = _titles(db, list(held.values()))
    out = []
    for r in doc.related:
        key = next((k for k, s in keys.items() if s == r.symbol), None)
        doc_id = held.get(key) if key else None
        out.append(Link(r.symbol, r.role, uids.get(doc_id), titles.get(doc_id, {})))
    return out


def naming(db: Session, symbols: list[str], exclude: int | None = None) -> list[Link]:
    """The published documents that name any of ``symbols`` as related, with the role
    they give it ("draft": they were adopted from it)."""
    canonical = list(_keys(symbols).values())
    if not canonical:
        return []
    rows = db.execute(
        select(Document.id, Document.uid, Document.symbol, RelatedDocument.role)
        .join(RelatedDocument, RelatedDocument.document_id == Document.id)
        .where(RelatedDocument.symbol.in_(canonical), Document.status == "published",
               Document.id != (exclude or 0))
        .order_by(Document.symbol).limit(LIMIT)).all()
    titles = _titles(db, [r.id for r in rows])
    return [Link(r.symbol, r.role, r.uid, titles.get(r.id, {})) for r in rows]


def same_agenda_item(db: Session, doc: Document) -> list[Link]:
    """Published documents under the same agenda item: the same agenda document and item,
    or, without one, the same body, session and item number."""
    conditions = []
    for a in doc.agenda_items:
        if not a.item_number:
            continue
        if a.agenda_symbol:
            conditions.append(and_(AgendaItem.agenda_symbol == a.agenda_symbol,
                                   AgendaItem.item_number == a.item_number))
        elif doc.body and doc.session:
            conditions.append(and_(AgendaItem.agenda_symbol.is_(None),
                                   AgendaItem.item_number == a.item_number,
                                   Document.body == doc.body, Document.session == doc.session))
    if not conditions:
        return []
    rows = db.execute(
        select(Document.id, Document.uid, Document.symbol).join(AgendaItem)
        .where(or_(*conditions), Document.id != doc.id, Document.status == "published")
        .distinct().order_by(Document.symbol).limit(LIMIT)).all()
    titles = _titles(db, [r.id for r in rows])
    return [Link(r.symbol, "same agenda item", r.uid, titles.get(r.id, {})) for r in rows]


def sharing_subjects(db: Session, doc: Document) -> list[tuple[Link, int]]:
    """Published documents sharing subjects with ``doc``, most shared first (with how
    many they share)."""
    concepts = sorted({s.concept for s in doc.subjects})
    if not concepts:
        return []
    shared = func.count(DocumentSubject.concept).label("shared")
    rows = db.execute(
        select(Document.id, Document.uid, Document.symbol, shared)
        .join(DocumentSubject, DocumentSubject.document_id == Document.id)
        .where(DocumentSubject.concept.in_(concepts), Document.id != doc.id,
               Document.status == "published")
        .group_by(Document.id, Document.uid, Document.symbol)
        .order_by(shared.desc(), Document.symbol).limit(LIMIT)).all()
    titles = _titles(db, [r.id for r in rows])
    return [(Link(r.symbol, "shared subjects", r.uid, titles.get(r.id, {})), r.shared)
            for r in rows]
