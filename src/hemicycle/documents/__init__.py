"""The document service: the write side of the catalogue.

Every way a document enters or changes in Hemicycle (manifest ingest, MARC and BagIt
import, digitisation, upload, review) saves it through here: checked
(``check_input``), its bytes stored (``hemicycle.storage``), its record merged and
written with its change-log entry, one record (``save_document``) or a batch
(``save_batch``) at a time. Looking a document up by any reference is
``hemicycle.catalogue.queries.find_document``; the search index follows the change log
(``hemicycle.search.index.catch_up``). Every importer describes its inputs first
(``describe_input``: dates, type, titles and findings read by ``hemicycle.describe``).
"""

from hemicycle.documents.check import CheckedInput, check_input
from hemicycle.documents.described import describe_input
from hemicycle.documents.inputs import (
    TEXT_SOURCES,
    AgendaInput,
    DocumentConflict,
    DocumentInput,
    FileInput,
    RecordError,
    SaveResult,
    SubjectInput,
    VersionInput,
)
from hemicycle.documents.save import save_batch, save_document

__all__ = ["AgendaInput", "CheckedInput", "DocumentConflict", "DocumentInput", "FileInput",
           "RecordError", "SaveResult", "SubjectInput", "TEXT_SOURCES", "VersionInput",
           "check_input",
           "describe_input",
           "save_batch", "save_document"]
