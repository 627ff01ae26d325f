"""Read-side queries over the catalogue used by pages, API and commands."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hemicycle.catalogue.models import Document, DocumentSymbol, LanguageVersion
from hemicycle.symbols import symbol_key


@dataclass(frozen=True)
class CatalogueCounts:
    documents: int
    by_body: list[tuple[str, int]]
    by_language: list[tuple[str, int]]
    by_type: list[tuple[str, int]]


def published(stmt):
    return stmt.where(Document.status == "published")


def counts(db: Session) -> CatalogueCounts:
    total = db.scalar(published(select(func.count(Document.id)))) or 0
    by_body = db.execute(
        published(select(Document.body, func.count(Document.id)))
        .group_by(Document.body).order_by(func.count(Document.id).desc())
    ).all()
    by_type = db.execute(
        published(select(Document.doc_type, func.count(Document.id)))
        .group_by(Document.doc_type).order_by(func.count(Document.id).desc())
    ).all()
    by_language = db.execute(
        published(select(LanguageVersion.language, func.count(LanguageVersion.id))
                  .join(Document))
        .group_by(LanguageVersion.language)
    ).all()
    return CatalogueCounts(
        documents=total,
        by_body=[(b or "", n) for b, n in by_body],
        by_language=[(lang, n) for lang, n in by_language],
        by_type=[(t or "", n) for t, n in by_type],
    )


def _with_everything(stmt):
    return stmt.options(
        selectinload(Document.symbols), selectinload(Document.versions),
        selectinload(Document.files), selectinload(Document.subjects),
        selectinload(Document.agenda_items), selectinload(Document.related),
    )


def document_by_uid(db: Session, uid: str) -> Document | None:
    return db.scalar(_with_everything(select(Document).where(Document.uid == uid)))


def lookup_key(text: str) -> str:
    """The key a document is found by: the symbol's comparison key, or for a record
    without a UN symbol (a speech, a scan) its local identifier in upper case."""
    try:
        return symbol_key(text)
    except ValueError:
        return text.strip().upper()


def find_document(db: Session, ref: str) -> Document | None:
    """The document a reference names: its uid, any variant of any of its symbols, or its
    local identifier (a speech, a scan). The one look-up every command and page uses."""
    ref = ref.strip()
    if not ref:
        return None
    doc = document_by_uid(db, ref)
    if doc is not None:
        return doc
    return db.scalar(_with_everything(
        select(Document).join(DocumentSymbol).where(DocumentSymbol.key == lookup_key(ref))))


def uids_for_symbols(db: Session, symbols: list[str]) -> dict[str, str]:
    """Map each of ``symbols`` that is catalogued to its document uid."""
    keys = {}
    for s in symbols:
        try:
            keys[symbol_key(s)] = s
        except ValueError:
            continue
    if not keys:
        return {}
    rows = db.execute(
        select(DocumentSymbol.key, Document.uid).join(Document)
        .where(DocumentSymbol.key.in_(list(keys)))
    ).all()
    return {keys[k]: uid for k, uid in rows}
