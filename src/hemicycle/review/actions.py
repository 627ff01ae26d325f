"""Changing a draft: correct its fields, publish it, or reject it.

One function per action, each one transaction (whole or not at all). Validation is the
ingest rules' own (``check_input``: symbols through ``hemicycle.symbols``, body, session
and year derived from the first symbol, distribution codes; languages through
``hemicycle.languages``), so a reviewed record obeys what an ingested one obeys. Every
action is kept in ``extra["review"]["history"]`` with who and when. The form carries the
record's version (its ``updated_at``): a save made from a page that someone else has
saved since is refused rather than silently overwriting their corrections.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hemicycle.catalogue.changes import record_changes
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSymbol, LanguageVersion
from hemicycle.characters import check_metadata
from hemicycle.config import Settings
from hemicycle.describe.precision import date_of
from hemicycle.documents import DocumentInput, RecordError, check_input
from hemicycle.languages import CODES, UnknownLanguage, normalise_language
from hemicycle.messages import Message, message_of
from hemicycle.review.confidence import FIELDS, forget_draft, record_drafts
from hemicycle.review.tasks import record_tasks
from hemicycle.symbols import is_symbol, parse_symbol

MAX_REASON = 2000


class ReviewError(ValueError):
    """An action on a draft that cannot be done; names the document, the field and why
    (``reason``, a Message where the review page can show it in the reader's language)."""

    code = "review"

    def __init__(self, document: str, field: str | None, reason: str):
        where = f"{document}: {field}" if field else document
        self.message = Message("review.error", "{where}: {reason}", where=where, reason=reason)
        super().__init__(self.message)
        self.document = document
        self.field = field
        self.reason = reason


class DraftNotFound(ReviewError):
    code = "not-found"


class NotADraft(ReviewError):
    code = "not-draft"


class InvalidField(ReviewError):
    code = "invalid-field"


class StaleDraft(ReviewError):
    code = "stale"


class SymbolTaken(ReviewError):
    code = "symbol-taken"

    def __init__(self, document: str, reason: str, other_uid: str):
        super().__init__(document, "symbols", reason)
        self.other_uid = other_uid


class PublishRefused(ReviewError):
    code = "cannot-publish"


@dataclass(frozen=True)
class ReviewResult:
    uid: str
    symbol: str
    status: str
    version: str
    changes: dict = field(default_factory=dict)


def version_of(doc: Document) -> str:
    """The token a form carries to detect that someone else saved in between."""
    return doc.updated_at.isoformat()


def _name(doc: Document) -> str:
    return f"draft {doc.symbol} ({doc.uid})" if doc.status == "draft" else \
        f"document {doc.symbol} ({doc.uid})"


def _review_data(doc: Document) -> dict:
    return dict((doc.extra or {}).get("review") or {})


def reviewed_version(doc: Document) -> LanguageVersion | None:
    """The language version under review: the one the scan was read in."""
    extra = doc.extra or {}
    for lang in (_review_data(doc).get("language"),
                 (extra.get("extraction") or {}).get("language", {}).get("value")):
        if lang and (v := doc.version(lang)) is not None:
            return v
    versions = sorted(doc.versions, key=lambda v: CODES.index(v.language)
                      if v.language in CODES else len(CODES))
    return versions[0] if versions else None


def local_identifier(doc: Document) -> str | None:
    """The record's identifier when it has no symbol (``scan-…`` for a digitised draft)."""
    remembered = _review_data(doc).get("identifier")
    if remembered:
        return remembered
    return next((s.symbol for s in doc.symbols if not is_symbol(s.symbol)), None)


def draft_fields(doc: Document) -> dict[str, object]:
    """The reviewed fields' current values (what the form is filled with)."""
    v = reviewed_version(doc)
    return {
        "symbols": [s.symbol for s in doc.symbols if is_symbol(s.symbol)],
        "date": date_of(doc),  # "2015" where only the year is known
        "distribution": doc.distribution,
        "language": v.language if v else None,
        "title": v.title if v else None,
        "doc_type": doc.doc_type,
    }


# ---- reading what a cataloguer typed -------------------------------------------------

def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _symbols(value) -> list[str]:
    if value is None:
        return []
    items = value.replace(";", "\n").splitlines() if isinstance(value, str) else list(value)
    out = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(Message("review.not_text", "{value} is not text",
                                     value=repr(item)))
        if item.strip():
            out.append(item.strip())
    return out


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(Message("review.bad_date",
                                 "{value} is not a date in ISO form (YYYY-MM-DD)",
                                 value=repr(text))) from None


def normalise_changes(name: str, changes: dict) -> dict:
    """The changes with each value in its stored form; InvalidField names the bad one."""
    out: dict[str, object] = {}
    for key, value in changes.items():
        try:
            if key == "symbols":
                out[key] = _symbols(value)
            elif key == "date":
                out[key] = _date(value)
            elif key == "distribution":
                out[key] = _text(value).upper() if _text(value) else None
            elif key == "language":
                if _text(value) is None:
                    raise ValueError(Message("review.language_required",
                                             "a language is required"))
                out[key] = normalise_language(_text(value))
            elif key in ("title", "doc_type"):
                out[key] = _text(value)
                check_metadata(out[key])  # a ControlCharacter is a ValueError
                if key == "doc_type" and out[key] and len(out[key]) > 40:
                    raise ValueError(Message("review.too_long", "at most {limit} characters",
                                             limit=40))
            else:
                raise ValueError(Message("review.not_a_field",
                                         "not a field of a draft (fields: {fields})",
                                         fields=", ".join(FIELDS)))
        except (ValueError, UnknownLanguage) as exc:
            raise InvalidField(name, key, message_of(exc)) from None
    return out


# ---- one transaction per action ------------------------------------------------------

def _lock_and_load(db: Session, uid: str) -> Document:
    """The document, its row held for this transaction (SQLite: the write lock; PostgreSQL:
    the row lock), so two cataloguers' saves are serialised and the second sees the first."""
    table = Document.__table__
    found = db.execute(table.update().where(table.c.uid == uid)
                       .values(updated_at=table.c.updated_at)).rowcount
    if not found:
        raise DraftNotFound(f"document {uid}", None,
                            Message("review.no_such_document", "no such document"))
    return db.scalar(select(Document).where(Document.uid == uid).options(
        selectinload(Document.symbols), selectinload(Document.versions),
        selectinload(Document.files)).execution_options(populate_existing=True))


def _require_draft(doc: Document) -> None:
    if doc.status != "draft":
        raise NotADraft(_name(doc), "status", Message(
            "review.not_a_draft", "is {status}, not a draft: only drafts are reviewed here",
            status=doc.status))


def _check_version(doc: Document, expected: str | None) -> None:
    if expected is None:
        return
    try:
        wanted = dt.datetime.fromisoformat(expected.strip())
    except ValueError:
        raise InvalidField(_name(doc), "version", Message(
            "review.bad_version", "{value} is not a version (the record's updated_at)",
            value=repr(expected))) from None
    if wanted.replace(tzinfo=None) != doc.updated_at:
        history = _review_data(doc).get("history") or []
        last = history[-1] if history else None
        values = {"at": doc.updated_at.isoformat(), "version": expected}
        if last and last.get("by"):
            reason = Message("review.stale_by", "someone else saved it by {user} at {at} after "
                             "you opened it (your version {version}); reload it and make your "
                             "corrections again", user=last["by"], **values)
        else:
            reason = Message("review.stale", "someone else saved it at {at} after you opened "
                             "it (your version {version}); reload it and make your "
                             "corrections again", **values)
        raise StaleDraft(_name(doc), None, reason)


def _record(doc: Document, entry: dict, review: dict) -> None:
    """Add ``entry`` to the history and give the record a new version."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if doc.updated_at is not None and now <= doc.updated_at:
        now = doc.updated_at + dt.timedelta(microseconds=1)
    review["history"] = [*(review.get("history") or []),
                         {**entry, "at": now.isoformat(timespec="seconds")}]
    doc.extra = {**(doc.extra or {}), "review": review}
    # microseconds, set explicitly: the column's own onupdate keeps whole seconds only, and
    # two saves within a second must still be two versions
    doc.updated_at = now


def _set_symbols(db: Session, doc: Document, checked) -> None:
    for canonical, key in checked.symbols:
        other = db.scalar(select(DocumentSymbol).where(DocumentSymbol.key == key,
                                                       DocumentSymbol.document_id != doc.id))
        if other is not None:
            owner = db.get(Document, other.document_id)
            raise SymbolTaken(_name(doc), Message(
                "review.symbol_taken", "{symbol} is already the symbol of document {other} "
                "({uid}, {status}); a draft is never merged into it silently",
                symbol=canonical, other=owner.symbol, uid=owner.uid, status=owner.status),
                owner.uid)
    wanted = {key: (position, canonical)
              for position, (canonical, key) in enumerate(checked.symbols)}
    for row in list(doc.symbols):
        if row.key not in wanted:
            doc.symbols.remove(row)
    db.flush()  # the old keys go before new rows could clash with them
    have = {row.key: row for row in doc.symbols}
    for key, (position, canonical) in wanted.items():
        row = have.get(key)
        if row is None:
            doc.symbols.append(DocumentSymbol(symbol=canonical, key=key, position=position))
        else:
            row.symbol, row.position = canonical, position
    doc.symbol = checked.primary


def _apply_changes(db: Session, doc: Document, changes: dict, user: str) -> dict:
    """Apply ``changes`` (field -> value) to the draft; return {field: [old, new]}."""
    name = _name(doc)
    if doc.date_precision in ("year", "month") and changes.get("date") == date_of(doc):
        changes = {k: v for k, v in changes.items() if k != "date"}  # left as it was
    wanted = normalise_changes(name, changes)
    current = draft_fields(doc)
    current_date = doc.publication_date
    new = {**current, "date": current_date, **wanted}
    review = _review_data(doc)
    identifier = local_identifier(doc) or f"draft-{doc.uid}"
    try:
        checked = check_input(DocumentInput(
            symbols=new["symbols"], identifier=identifier, distribution=new["distribution"],
            publication_date=new["date"], status="draft"))
    except RecordError as exc:
        field_name = "symbols" if exc.field == "symbol" else exc.field
        raise InvalidField(name, field_name, exc.reason) from None

    diff: dict[str, list] = {}
    old_keys = [s.key for s in doc.symbols]
    if [k for _, k in checked.symbols] != old_keys:
        if not is_symbol(doc.symbol) and "identifier" not in review:
            review["identifier"] = doc.symbol
        _set_symbols(db, doc, checked)
        diff["symbols"] = [current["symbols"], [c for c, _ in checked.symbols
                                                if is_symbol(c)]]
    if new["date"] != current_date:
        doc.publication_date = new["date"]
        doc.date_precision = "day" if new["date"] else None  # a cataloguer gives the day
        diff["date"] = [current["date"], new["date"].isoformat() if new["date"] else None]
    if "symbols" in diff or "date" in diff:
        doc.body, doc.session, doc.year = checked.body, checked.session, checked.year
    if new["distribution"] != current["distribution"]:
        doc.distribution = new["distribution"]
        diff["distribution"] = [current["distribution"], new["distribution"]]
    # an emptied type is derived from the symbol again, as at ingest; a corrected symbol
    # re-derives the type unless one is chosen
    if "doc_type" in wanted:
        doc_type = wanted["doc_type"] or checked.doc_type
    else:
        doc_type = checked.doc_type if "symbols" in diff and checked.doc_type else \
            current["doc_type"]
    if doc_type != current["doc_type"]:
        doc.doc_type = doc_type
        diff["doc_type"] = [current["doc_type"], doc_type]

    version = reviewed_version(doc)
    if version is None and ("language" in wanted or "title" in wanted):
        raise InvalidField(name, "language", Message(
            "review.no_text", "the draft has no text to set a language or title on"))
    if version is not None and new["language"] != version.language:
        if doc.version(new["language"]) is not None:
            raise InvalidField(name, "language", Message(
                "review.language_taken", "the draft already has a {language} version",
                language=new["language"]))
        for f in doc.files:
            if f.language == version.language:
                f.language = new["language"]
        diff["language"] = [version.language, new["language"]]
        version.language = new["language"]
        review["language"] = new["language"]
    if version is not None and new["title"] != version.title:
        diff["title"] = [version.title, new["title"]]
        version.title = new["title"]

    checked_fields = set(review.get("checked") or [])
    if diff or not set(wanted) <= checked_fields:
        review["checked"] = [f for f in FIELDS if f in checked_fields | set(wanted)]
        _record(doc, {"action": "edit", "by": user, "changes": diff}, review)
    return diff


def _check_publishable(doc: Document) -> None:
    name = _name(doc)
    symbols = [s.symbol for s in doc.symbols]
    if not any(is_symbol(s) for s in symbols):
        raise PublishRefused(name, "symbols", Message(
            "review.no_symbol", "the draft has no document symbol (only the local identifier "
            "{identifier}); add its symbol before publishing", identifier=doc.symbol))
    for s in symbols:
        try:
            parse_symbol(s)
        except ValueError as exc:
            raise PublishRefused(name, "symbols", Message(
                "review.bad_symbol", "{value} is not a valid document symbol ({reason})",
                value=repr(s), reason=message_of(exc))) from None
    if not doc.versions:
        raise PublishRefused(name, "language", Message(
            "review.no_language_version", "the draft has no language version"))


def _result(doc: Document, diff: dict | None = None) -> ReviewResult:
    return ReviewResult(uid=doc.uid, symbol=doc.symbol, status=doc.status,
                        version=version_of(doc), changes=diff or {})


def update_draft(settings: Settings, uid: str, changes: dict, user: str, *,
                 version: str | None = None) -> ReviewResult:
    """Correct fields of a draft; it stays a draft. ``version`` guards against overwriting
    a save made since the form was opened."""
    with session_scope(settings.database_url) as db, db.no_autoflush:
        doc = _lock_and_load(db, uid)
        _require_draft(doc)
        _check_version(doc, version)
        diff = _apply_changes(db, doc, changes, user)
        db.flush()
        record_drafts(db, [doc.id])
        record_tasks(db, [doc.id])
        result = _result(doc, diff)
    return result


def publish(settings: Settings, uid: str, user: str, *, version: str | None = None,
            changes: dict | None = None) -> ReviewResult:
    """Publish a draft (with last corrections, if given, in the same transaction): it
    becomes visible and, through the change log, searchable once the index catches up.
    Refused without a valid symbol."""
    with session_scope(settings.database_url) as db, db.no_autoflush:
        doc = _lock_and_load(db, uid)
        _require_draft(doc)
        _check_version(doc, version)
        diff = _apply_changes(db, doc, changes, user) if changes else {}
        db.flush()
        _check_publishable(doc)
        doc.status = "published"
        _record(doc, {"action": "publish", "by": user}, _review_data(doc))
        db.flush()
        forget_draft(db, doc.id)
        record_tasks(db, [doc.id])
        record_changes(db, [doc.id])
        result = _result(doc, diff)
    return result


def reject(settings: Settings, uid: str, reason: str, user: str, *,
           version: str | None = None) -> ReviewResult:
    """Reject a draft (status rejected, kept with the reason); it never becomes visible, is
    never harvested, and stays findable by staff."""
    with session_scope(settings.database_url) as db, db.no_autoflush:
        doc = _lock_and_load(db, uid)
        _require_draft(doc)
        _check_version(doc, version)
        text = _text(reason)
        if text is None:
            raise InvalidField(_name(doc), "reason", Message(
                "review.reason_required", "a reason is required to reject a draft"))
        if len(text) > MAX_REASON:
            raise InvalidField(_name(doc), "reason", Message(
                "review.too_long", "at most {limit} characters", limit=MAX_REASON))
        doc.status = "rejected"
        _record(doc, {"action": "reject", "by": user, "reason": text}, _review_data(doc))
        db.flush()
        forget_draft(db, doc.id)
        record_tasks(db, [doc.id])
        record_changes(db, [doc.id])
        result = _result(doc)
    return result
