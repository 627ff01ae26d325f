"""Indexes the OAI-PMH provider needs on the core tables.

Harvests page through documents in (datestamp, id) order; this composite index
makes every page an index range scan, however deep the harvest is. Loading the
symbols of a page of documents needs document_symbols indexed by document (the
core table has only its unique key), or every page scans the whole table.
"""

from __future__ import annotations

from sqlalchemy import Index

from hemicycle.catalogue.models import Document, DocumentSymbol

DATESTAMP_ID_INDEX = Index("ix_documents_updated_at_id", Document.updated_at, Document.id)
SYMBOLS_BY_DOCUMENT_INDEX = Index("ix_interop_document_symbols_document",
                                  DocumentSymbol.document_id)

# Selective harvests (set=body:SC, type:resolution, session:GA:74) page by range on these.
BODY_DATESTAMP_INDEX = Index("ix_interop_documents_body_datestamp",
                             Document.body, Document.updated_at, Document.id)
TYPE_DATESTAMP_INDEX = Index("ix_interop_documents_type_datestamp",
                             Document.doc_type, Document.updated_at, Document.id)
SESSION_DATESTAMP_INDEX = Index("ix_interop_documents_session_datestamp",
                                Document.body, Document.session, Document.updated_at,
                                Document.id)
