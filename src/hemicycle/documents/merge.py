"""Merging an input into a catalogue record: what conflicts, then what changes.

Saving the same thing twice changes nothing; new language versions, files and subjects
merge into an existing record; a value that disagrees with the one already catalogued is
a conflict unless ``replace`` is asked for. Conflicts are all found before the record is
touched, so a rejected input leaves its record (and the batch's session) as it was.

A document not catalogued yet is the same merge into an empty record; ``new_document``
gives it as plain rows, which a bulk load inserts many at a time without the cost of
one ORM object per row.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass, field

from hemicycle.catalogue.models import (
    AgendaItem,
    Document,
    DocumentSubject,
    DocumentSymbol,
    File,
    LanguageVersion,
    RelatedDocument,
    utcnow,
)
from hemicycle.documents.check import CheckedInput
from hemicycle.documents.inputs import DocumentConflict, DocumentInput, FileInput
from hemicycle.languages import normalise_language

_SCALARS = ("doc_type", "body", "session", "year", "distribution", "publication_date",
            "date_precision", "action_date", "source")
_VERSION_FIELDS = ("title", "text", "text_source")


def logical_path(f: FileInput) -> str:
    """Where a file lives inside its document's storage object."""
    return f"{f.language}/{f.filename}"


def _given(value) -> bool:
    return value is not None and value != {}


def find_conflicts(doc: Document | _EmptyRecord, data: DocumentInput, checked: CheckedInput,
                   replace: bool, owners: Mapping[str, str]) -> list[str]:
    """Every way ``data`` disagrees with ``doc`` (``owners``: symbol key -> uid of the
    document that holds it, for keys ``doc`` does not hold)."""
    conflicts: list[str] = []
    for name in _SCALARS:
        value, current = getattr(data, name), getattr(doc, name)
        if _given(value) and current != value and _given(current) and not replace:
            conflicts.append(f"{name}: catalogued {current!r}, input {value!r}")
    have_keys = {s.key for s in doc.symbols}
    for canonical, key in checked.symbols:
        if key not in have_keys and owners.get(key) not in (None, doc.uid):
            conflicts.append(f"symbol: {canonical} already belongs to another document")
    seen_versions: dict[str, dict] = {}
    for lang_raw, v in data.versions.items():
        lang = normalise_language(lang_raw)
        existing = doc.version(lang)
        if existing is None and lang not in seen_versions:
            seen_versions[lang] = vars(v)
            continue
        current = seen_versions.get(lang) or {n: getattr(existing, n) for n in _VERSION_FIELDS}
        for name in _VERSION_FIELDS:
            value = getattr(v, name)
            if value is None or current[name] == value:
                continue
            if current[name] is not None and not replace:
                conflicts.append(f"{lang} {name}: differs from the catalogued one")
    files = {(x.language, x.format): (x.sha512, x.filename) for x in doc.files}
    for f, _size, digest in checked.files:
        current = files.get((f.language, f.format))
        if current is not None and current[0] == digest:
            continue
        if current is not None and not replace:
            conflicts.append(f"file {f.language}/{f.format}: different bytes from the "
                             f"catalogued {current[1]}")
            continue
        files[(f.language, f.format)] = (digest, f.filename)
    return conflicts


@dataclass(frozen=True)
class _EmptyRecord:
    """What ``find_conflicts`` reads of a record that holds nothing yet (an ORM
    ``Document`` built only for this would cost more than the rest of a bulk insert)."""

    uid: str
    symbols: tuple = ()
    files: tuple = ()
    doc_type = body = session = year = distribution = publication_date = None
    date_precision = action_date = source = None

    def version(self, language: str) -> None:
        return None


@dataclass
class NewDocument:
    """A document to insert: its row and its children's rows (``document_id`` is filled
    in once the document row has its id)."""

    row: dict
    children: dict[type, list[dict]] = field(default_factory=dict)


def new_document(uid: str, data: DocumentInput, checked: CheckedInput,
                 locations: Mapping[str, str], replace: bool) -> NewDocument:
    """The rows of a document not catalogued yet: what ``merge_input`` makes of an empty
    record. Raises DocumentConflict when the input disagrees with itself (one language
    or one file given twice, differently)."""
    conflicts = find_conflicts(_EmptyRecord(uid), data, checked, replace, {})
    if conflicts:
        raise DocumentConflict(
            "document", f"{checked.primary} conflicts with the catalogued record: "
            + "; ".join(conflicts))
    now = utcnow()
    row = {"uid": uid, "symbol": checked.primary, "status": data.status,
           "extra": dict(data.extra) if data.extra else {}, "created_at": now,
           "updated_at": now}
    for name in _SCALARS:
        value = getattr(data, name)
        row[name] = value if _given(value) else None
    for name in ("doc_type", "body", "session", "year"):
        if row[name] is None:
            row[name] = getattr(checked, name)
    versions: dict[str, dict] = {}
    for lang_raw, v in data.versions.items():
        lang = normalise_language(lang_raw)
        current = versions.setdefault(lang, {"language": lang, "title": None, "text": None,
                                             "text_source": None})
        for name in _VERSION_FIELDS:
            if getattr(v, name) is not None:
                current[name] = getattr(v, name)
    files: dict[tuple[str, str], dict] = {}
    for f, size, digest in checked.files:
        files[(f.language, f.format)] = {
            "language": f.language, "format": f.format, "media_type": _media_type(f),
            "size": size, "sha512": digest, "filename": f.filename,
            "location": locations[logical_path(f)], "created_at": now}
    subjects = _first_of_each(data.subjects, lambda s: (s.vocab, s.concept))
    agenda = _first_of_each(data.agenda_items, lambda a: (a.agenda_symbol, a.item_number))
    return NewDocument(row, {
        DocumentSymbol: [{"symbol": canonical, "key": key, "position": position}
                         for position, (canonical, key) in enumerate(checked.symbols)],
        LanguageVersion: list(versions.values()),
        File: list(files.values()),
        DocumentSubject: [{"vocab": s.vocab, "concept": s.concept, "label": s.label,
                           "origin": s.origin, "backend": s.backend, "score": s.score,
                           "assigned_by": s.assigned_by, "assigned_at": now}
                          for s in subjects],
        AgendaItem: [{"agenda_symbol": a.agenda_symbol, "item_number": a.item_number,
                      "title": a.title, "subject": a.subject}
                     for a in agenda],
        RelatedDocument: [{"symbol": canonical, "role": role}
                          for canonical, role in dict.fromkeys(checked.related)],
    })


def _first_of_each(items: list, key) -> list:
    seen: dict = {}
    for item in items:
        seen.setdefault(key(item), item)
    return list(seen.values())


def _media_type(f: FileInput) -> str:
    return f.media_type or mimetypes.guess_type(f.filename)[0] or "application/octet-stream"


def merge_input(doc: Document, data: DocumentInput, checked: CheckedInput,
                locations: Mapping[str, str], replace: bool, owners: Mapping[str, str]) -> bool:
    """Merge ``data`` into ``doc``; return whether anything changed. Raises
    DocumentConflict (and changes nothing) when the input disagrees with the record."""
    conflicts = find_conflicts(doc, data, checked, replace, owners)
    if conflicts:
        raise DocumentConflict(
            "document", f"{checked.primary} conflicts with the catalogued record: "
            + "; ".join(conflicts))
    changed = False
    for name in _SCALARS:
        value = getattr(data, name)
        if _given(value) and getattr(doc, name) != value:
            setattr(doc, name, value)
            changed = True
    # Values derived from a symbol only fill gaps: a joint document's second symbol
    # (S/2017/14 beside A/ES-10/738) must not contradict what its first one says.
    for name in ("doc_type", "body", "session", "year"):
        derived = getattr(checked, name)
        if derived is not None and getattr(doc, name) is None:
            setattr(doc, name, derived)
            changed = True
    if data.status != doc.status and (doc.id is None or replace or doc.status == "draft"):
        doc.status = data.status
        changed = True
    if data.extra:
        merged = {**(doc.extra or {}), **data.extra}
        if merged != (doc.extra or {}):
            doc.extra = merged
            changed = True
    changed |= _merge_symbols(doc, checked)
    changed |= _merge_versions(doc, data)
    changed |= _merge_files(doc, checked, locations)
    changed |= _merge_lists(doc, data, checked)
    if changed and doc.id is not None:
        doc.updated_at = utcnow()
    return changed


def _merge_symbols(doc: Document, checked: CheckedInput) -> bool:
    have_keys = {s.key for s in doc.symbols}
    changed = False
    for canonical, key in checked.symbols:
        if key not in have_keys:
            doc.symbols.append(DocumentSymbol(symbol=canonical, key=key,
                                              position=len(doc.symbols)))
            changed = True
    return changed


def _merge_versions(doc: Document, data: DocumentInput) -> bool:
    changed = False
    for lang_raw, v in data.versions.items():
        lang = normalise_language(lang_raw)
        existing = doc.version(lang)
        if existing is None:
            doc.versions.append(LanguageVersion(language=lang, title=v.title, text=v.text,
                                                text_source=v.text_source))
            changed = True
            continue
        for name in _VERSION_FIELDS:
            value = getattr(v, name)
            if value is not None and getattr(existing, name) != value:
                setattr(existing, name, value)
                changed = True
    return changed


def _merge_files(doc: Document, checked: CheckedInput, locations: Mapping[str, str]) -> bool:
    changed = False
    for f, size, digest in checked.files:
        current = next((x for x in doc.files
                        if x.language == f.language and x.format == f.format), None)
        if current is not None and current.sha512 == digest:
            continue
        if current is None:
            current = File(language=f.language, format=f.format)
            doc.files.append(current)
        current.media_type, current.size, current.sha512 = _media_type(f), size, digest
        current.filename = f.filename
        current.location = locations[logical_path(f)]
        changed = True
    return changed


def _merge_lists(doc: Document, data: DocumentInput, checked: CheckedInput) -> bool:
    """Subjects, agenda items and related documents: added, never removed."""
    changed = False
    have_subjects = {(s.vocab, s.concept) for s in doc.subjects}
    for s in data.subjects:
        if (s.vocab, s.concept) in have_subjects:
            continue
        doc.subjects.append(DocumentSubject(
            vocab=s.vocab, concept=s.concept, label=s.label, origin=s.origin,
            backend=s.backend, score=s.score, assigned_by=s.assigned_by))
        have_subjects.add((s.vocab, s.concept))
        changed = True
    have_agenda = {(a.agenda_symbol, a.item_number) for a in doc.agenda_items}
    for a in data.agenda_items:
        if (a.agenda_symbol, a.item_number) not in have_agenda:
            doc.agenda_items.append(AgendaItem(agenda_symbol=a.agenda_symbol,
                                               item_number=a.item_number,
                                               title=a.title, subject=a.subject))
            have_agenda.add((a.agenda_symbol, a.item_number))
            changed = True
    have_related = {(r.symbol, r.role) for r in doc.related}
    for canonical, role in checked.related:
        if (canonical, role) not in have_related:
            doc.related.append(RelatedDocument(symbol=canonical, role=role))
            have_related.add((canonical, role))
            changed = True
    return changed
