"""Indexes the OAI-PMH provider needs on the core tables.

Harvests page through documents in (datestamp, id) order; this composite index
makes every page an index range scan, however deep the harvest is.
"""

from __future__ import annotations

from sqlalchemy import Index

from hemicycle.catalogue.models import Document

DATESTAMP_ID_INDEX = Index("ix_documents_updated_at_id", Document.updated_at, Document.id)
