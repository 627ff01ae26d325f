"""Every record described before it is saved, the same way whichever way it came in.

``describe_input`` hands what an input states (manifest or MARC fields, its symbols,
its texts) to ``hemicycle.describe`` and fills the input from the description: dates,
type, body, agenda item, titles, the meeting record and drafts as related documents.
A published record takes only what is sure enough (``REVIEW_BELOW``); the rest is kept
in ``extra["extraction"]`` as a proposal for a cataloguer, like a draft's fields. A
title that is a sentence is dropped (kept as rejected in the extraction); the findings
(``extra["findings"]``) say what cannot be right.
"""

from __future__ import annotations

import datetime as dt

from hemicycle.describe import REVIEW_BELOW, Finding, Given, describe
from hemicycle.describe.precision import parse_edtf
from hemicycle.documents.inputs import AgendaInput, DocumentInput


def _date(value: object) -> dt.date | None:
    return _dated(value)[0]


def _dated(value: object) -> tuple[dt.date | None, str | None]:
    """(first day, precision) of an extracted date: "1967-11-22", "2015-05" or "2015"."""
    return parse_edtf(value) if isinstance(value, str) else (None, None)


def given_of(data: DocumentInput, origin: str) -> Given:
    """What the input states, as the describer takes it."""
    agenda = next(((a.item_number, a.title) for a in data.agenda_items), None)
    return Given(
        source=origin, symbols=list(data.symbols), date=data.publication_date,
        date_precision=data.date_precision,
        action_date=data.action_date, doc_type=data.doc_type, body=data.body,
        session=data.session, year=data.year, distribution=data.distribution,
        titles={lang: v.title for lang, v in data.versions.items() if v.title},
        titles_from_text=(data.extra or {}).get("title_source") == "first sentence",
        agenda=agenda)


def describe_input(data: DocumentInput, origin: str, *, text_source: str | None = None,
                   quality: float = 1.0, primary_language: str | None = None,
                   today: dt.date | None = None) -> DocumentInput:
    """Describe ``data`` and fill it in (in place; returned for convenience).

    ``origin``: who states the input's values (``manifest``, ``marc``); ``text_source``:
    ``ocr`` for a scan read with page confidence ``quality`` (0..1), else born-digital.
    """
    texts = {lang: v.text for lang, v in data.versions.items() if v.text}
    if text_source is None:
        text_source = "ocr" if any(v.text_source == "ocr" for v in data.versions.values()) \
            else "text"
    description = describe(given_of(data, origin), texts, text_source=text_source,
                           quality=quality, primary_language=primary_language, today=today)
    if data.files and not texts and text_source != "ocr":
        description.findings.append(Finding(
            "no-text", "text", f"{', '.join(f.path.name for f in data.files)}: no text "
            "layer (a scan? `hemicycle digitise` reads it)"))
    draft = data.status == "draft"

    def sure(name: str):
        f = description.fields.get(name)
        if f is None or f.source == origin:
            return None
        return f.value if draft or f.confidence >= REVIEW_BELOW else None

    dropped = {f.field for f in description.findings if f.code == "date-out-of-range"}
    if "date" in dropped:  # never kept; the text's own date, if it has one, takes its place
        data.publication_date = data.date_precision = None
    if "action_date" in dropped:
        data.action_date = None
    if data.publication_date is None:
        dated = description.fields.get("date")
        # the year the input states ("year": 1946) dates it to the year: stated, so sure
        stated = dated is not None and dated.source == origin
        data.publication_date, data.date_precision = _dated(
            dated.value if stated else sure("date"))
    elif data.date_precision is None:
        data.date_precision = "day"
    data.action_date = data.action_date or _date(sure("action_date"))
    data.doc_type = data.doc_type or sure("doc_type")
    period = description.fields.get("period")
    if data.session is None and period is not None and period.source == "date" and (
            value := sure("period")):
        data.session = value["value"]  # an early General Assembly symbol names no session
    if not data.symbols:
        data.body = data.body or sure("body")
    if data.distribution is None and (value := sure("distribution")):
        data.distribution = value
    for lang, title in description.rejected_titles.items():
        if lang in data.versions and data.versions[lang].title == title:
            data.versions[lang].title = None
    for lang, f in description.titles.items():
        version = data.versions.get(lang)
        if version is not None and version.title is None and (
                draft or f.confidence >= REVIEW_BELOW):
            version.title = f.value
    related = list(data.related)
    for name, role in (("drafts", "draft"), ("meeting_record", "meeting record")):
        value = sure(name)
        for symbol in [value] if isinstance(value, str) else value or []:
            if (symbol, role) not in related:
                related.append((symbol, role))
    data.related = related
    agenda = sure("agenda")
    if agenda and not data.agenda_items and agenda.get("item"):
        data.agenda_items = [AgendaInput(item_number=agenda["item"], title=agenda["title"])]
    if not data.symbols and text_source == "ocr" and (symbols := sure("symbols")):
        data.symbols = list(symbols)  # a scan's masthead: its own symbols
    data.extra = {**(data.extra or {}), "extraction": description.to_json(),
                  "findings": [f.to_json() for f in description.findings]}
    if titles := description.titles_json():
        data.extra["titles"] = titles
    return data
