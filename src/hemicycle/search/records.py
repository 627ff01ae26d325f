"""What the index knows about one document, read from the catalogue in bulk.

Plain SQL selects (no ORM objects) over batches of ids keep a full rebuild fast.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import (
    Document,
    DocumentSubject,
    DocumentSymbol,
    LanguageVersion,
)
from hemicycle.config import Settings
from hemicycle.describe.precision import edtf
from hemicycle.languages import CODES
from hemicycle.thesaurus import concept_labels

SNIPPET_SOURCE_CHARS = 50_000  # stored per language for snippets; all of it is indexed
UNKNOWN = "unknown"  # the facet value of a record without a type or body


@dataclass
class IndexRecord:
    id: int
    uid: str
    symbol: str
    doc_type: str | None
    body: str | None
    session: str | None
    year: int | None
    date: dt.date | None
    date_precision: str | None = None  # day | month | year: a hit shows "2015", no day
    symbols: list[str] = field(default_factory=list)
    symbol_keys: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    subjects: list[str] = field(default_factory=list)  # concept URIs (or bare labels)
    subject_labels: list[str] = field(default_factory=list)  # their labels, every language

    @property
    def languages(self) -> list[str]:
        have = set(self.titles) | set(self.texts)
        return [code for code in CODES if code in have]

    def session_label(self) -> str | None:
        if not self.session:
            return None
        return f"{self.body} {self.session}" if self.body else self.session

    def keywords(self) -> dict[str, list[str]]:
        values = {
            # a record without a body or type is counted and found as "unknown" (the home
            # page's facet links to ?type=unknown)
            "body": [self.body or UNKNOWN],
            "session": [self.session_label()] if self.session else [],
            "type": [self.doc_type or UNKNOWN],
            "language": self.languages,
            "subject": self.subjects,
        }
        return values

    def date_number(self) -> int:
        if self.date is not None:
            return self.date.year * 10000 + self.date.month * 100 + self.date.day
        return (self.year or 0) * 10000

    def payload(self) -> bytes:
        return json.dumps({
            "uid": self.uid,
            "symbol": self.symbol,
            "symbols": self.symbols,
            "doc_type": self.doc_type,
            "body": self.body,
            "session": self.session,
            "year": self.year,
            "date": edtf(self.date, self.date_precision),
            "titles": self.titles,
            "languages": self.languages,
        }, ensure_ascii=False).encode("utf-8")

    def snippet_sources(self) -> dict[str, bytes]:
        """Each language's text as stored for snippets (the start of a very long one)."""
        return {k: v[:SNIPPET_SOURCE_CHARS].encode("utf-8") for k, v in self.texts.items()}


def read_records(settings: Settings, ids: list[int]) -> list[IndexRecord]:
    """The published documents among ``ids``, in id order."""
    if not ids:
        return []
    d, s, v, sub = (Document.__table__, DocumentSymbol.__table__, LanguageVersion.__table__,
                    DocumentSubject.__table__)
    with session_scope(settings.database_url) as db:
        # whole result sets at once, unpacked as tuples: per-row attribute access and
        # row-by-row fetching cost more than the SQL itself on a full rebuild
        rows = db.execute(
            select(d.c.id, d.c.uid, d.c.symbol, d.c.doc_type, d.c.body, d.c.session,
                   d.c.year, d.c.publication_date, d.c.date_precision, d.c.action_date)
            .where(d.c.id.in_(ids), d.c.status == "published").order_by(d.c.id)
        ).all()
        records = {
            id_: IndexRecord(id=id_, uid=uid, symbol=symbol, doc_type=doc_type, body=body,
                             session=session, year=year, date=published or acted,
                             date_precision=precision if published else None)
            for id_, uid, symbol, doc_type, body, session, year, published, precision, acted
            in rows
        }
        if not records:
            return []
        wanted = list(records)
        for document_id, symbol, key in db.execute(
                select(s.c.document_id, s.c.symbol, s.c.key)
                .where(s.c.document_id.in_(wanted)).order_by(s.c.position)).all():
            record = records[document_id]
            record.symbols.append(symbol)
            record.symbol_keys.append(key)
        for document_id, language, title, text in db.execute(
                select(v.c.document_id, v.c.language, v.c.title, v.c.text)
                .where(v.c.document_id.in_(wanted))).all():
            if language not in CODES:
                continue
            record = records[document_id]
            if title and not title.isspace():
                record.titles[language] = title
            if text and not text.isspace():
                record.texts[language] = text
        concepts: dict[int, list[str]] = {}
        for document_id, concept, label in db.execute(
                select(sub.c.document_id, sub.c.concept, sub.c.label)
                .where(sub.c.document_id.in_(wanted))).all():
            record = records[document_id]
            if concept not in record.subjects:
                record.subjects.append(concept)
                concepts.setdefault(document_id, []).append(concept)
            if label and label not in record.subject_labels:
                record.subject_labels.append(label)
        # a subject is found by its thesaurus label in any of the six languages
        uris = sorted({c for cs in concepts.values() for c in cs})
        labels = {code: concept_labels(db, uris, code) for code in CODES} if uris else {}
        for document_id, cs in concepts.items():
            record = records[document_id]
            for by_uri in labels.values():
                for concept in cs:
                    label = by_uri.get(concept)
                    if label and label not in record.subject_labels:
                        record.subject_labels.append(label)
    for record in records.values():
        if record.symbol not in record.symbols:
            record.symbols.insert(0, record.symbol)
    return list(records.values())
