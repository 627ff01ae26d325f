"""Exporting documents chosen by a search as MARC21 (ISO 2709), MARCXML or Dublin Core XML,
and voting records or speeches as MARC21/MARCXML.

``*`` (or an empty query) exports every published document straight from the
catalogue; any other query is run by ``hemicycle.search.query.search`` (date order)
and the hits are exported in that order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.config import Settings
from hemicycle.interop import dublin_core, marc
from hemicycle.marc21.files import write_binary, write_xml
from hemicycle.search.query import MAX_PER_PAGE, MAX_RESULTS_REACHABLE, search

FORMATS = ("marc", "marcxml", "dc")
BATCH = 500
_RELATIONS = (Document.symbols, Document.versions, Document.subjects, Document.agenda_items,
              Document.related, Document.files)


class ExportError(ValueError):
    pass


def _load(settings: Settings, where, order, after=None) -> list[Document]:
    with session_scope(settings.database_url) as db:
        query = select(Document).where(where).options(*(selectinload(r) for r in _RELATIONS))
        if after is not None:
            query = query.where(Document.id > after)
        return list(db.scalars(query.order_by(order).limit(BATCH)).all())


def matching_documents(settings: Settings, query: str) -> Iterator[Document]:
    """Published documents matching ``query``, in batches so memory stays flat."""
    if query.strip() in ("", "*"):
        after = None
        while True:
            batch = _load(settings, Document.status == "published", Document.id, after)
            yield from batch
            if len(batch) < BATCH:
                return
            after = batch[-1].id
    page = 1
    while True:
        try:
            results = search(settings, query, sort="date", page=page, per_page=MAX_PER_PAGE,
                             exact=True)
        except ValueError as exc:  # QueryError: a query the search cannot run
            raise ExportError(f"invalid search {query[:80]!r}: {exc}") from None
        if results.total > MAX_RESULTS_REACHABLE:
            raise ExportError(f"{query!r} matches {results.total} documents, more than the "
                              f"{MAX_RESULTS_REACHABLE} a search can page through: narrow the "
                              f"query, or export everything with '*'")
        uids = [hit.uid for hit in results.hits]
        if not uids:
            return
        docs = {d.uid: d for d in _load(settings, Document.uid.in_(uids), Document.id)}
        yield from (docs[u] for u in uids if u in docs)
        if page * MAX_PER_PAGE >= results.total:
            return
        page += 1


def export_documents(settings: Settings, query: str, fmt: str, out: BinaryIO,
                     progress: Callable[[], None] | None = None) -> int:
    """Write the documents matching ``query`` to ``out`` in ``fmt``; return how many."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")

    def documents() -> Iterator[Document]:
        for doc in matching_documents(settings, query):
            if progress:
                progress()
            yield doc

    if fmt == "marc":
        return write_binary((marc.document_to_record(d) for d in documents()), out)
    if fmt == "marcxml":
        return write_xml((marc.document_to_record(d) for d in documents()), out)
    return write_dc(settings, documents(), out)


def export_proceedings(settings: Settings, kind: str, query: str, fmt: str, out: BinaryIO,
                       progress: Callable[[], None] | None = None) -> int:
    """Voting records (``votes``) or ``speeches`` as MARC or MARCXML; query '*', 'GA', 'GA:74'."""
    from hemicycle.marc21.records import MappingError
    from hemicycle.proceedings.marc import proceedings_records

    if kind not in ("votes", "speeches"):
        raise ExportError(f"unknown record kind {kind!r}: expected documents, votes or speeches")
    if fmt not in ("marc", "marcxml"):
        raise ExportError(f"{kind} are exported as marc or marcxml, not {fmt!r}")

    def records():
        try:
            for record in proceedings_records(settings, kind, query):
                if progress:
                    progress()
                yield record
        except MappingError as exc:
            raise ExportError(str(exc)) from None

    writer = write_binary if fmt == "marc" else write_xml
    return writer(records(), out)


def write_dc(settings: Settings, docs, out: BinaryIO) -> int:
    """``<records>`` holding one ``oai_dc:dc`` element per document."""
    from hemicycle.interop.oai import FORMATS as OAI_FORMATS

    render = OAI_FORMATS["oai_dc"].render
    count = 0
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("records", nsmap={"oai_dc": dublin_core.OAI_DC_NS,
                                          "dc": dublin_core.DC_NS}):
            for doc in docs:
                xf.write(render(doc, settings))
                count += 1
    return count
