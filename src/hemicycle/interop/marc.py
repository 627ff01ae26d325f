"""The DHL MARC21 mapping, both ways: a catalogue document to a pymarc ``Record``
and a ``Record`` to the ``DocumentInput`` the ingest layer saves.

| element | MARC |
|---|---|
| symbols | 191 $a symbol, $b body, $c session, $q punctuation-stripped (one per symbol) |
| titles | 245 00 $a English; 246 1_ $a title $y MARC language code, other languages |
| dates | 008/07-10, 264 _1 $c year; 269 $a date as precise as known; 992 $a action date |
| type, distribution | 089 __ $b type; 091 __ $a distribution |
| languages | 041 __ $a MARC language codes (ara chi eng fre rus spa) |
| subjects | 650 _7 $a label $0 concept URI $2 unbist (or the vocabulary's code) |
| agenda | 991 $a agenda symbol $b item number $c item title $d agenda subject |
| related | 993 $a symbol; first indicator is the role (ROLE_INDICATORS), $r when none fits |

Only the mapping lives here; fields, MARCXML elements and files are ``hemicycle.marc21``,
saving is ``marc_import``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pymarc import Field, Record

from hemicycle.catalogue.models import Document
from hemicycle.characters import xml_text
from hemicycle.describe.precision import date_of, parse_edtf
from hemicycle.languages import CODES
from hemicycle.marc21.records import (
    FROM_MARC_LANGUAGE,
    TO_MARC_LANGUAGE,
    MappingError,
    datafield,
    subfield,
)
from hemicycle.symbols import parse_symbol

VOCAB_TO_MARC = {"unbis": "unbist"}
VOCAB_FROM_MARC = {v: k for k, v in VOCAB_TO_MARC.items()}
ROLE_INDICATORS = {
    "draft": "2",
    "meeting record": "3",
    "report": "4",
    "presidential statement": "5",
    "resolution": "6",
}
ROLES_BY_INDICATOR = {v: k for k, v in ROLE_INDICATORS.items()}


def stripped_symbol(symbol: str) -> str:
    """191 $q: the symbol without punctuation or spaces (``A/RES/74/1`` -> ``ARES741``)."""
    return re.sub(r"[^0-9A-Za-z]", "", symbol).upper()


def _symbol_parts(symbol: str) -> tuple[str | None, str | None]:
    try:
        parsed = parse_symbol(symbol)
    except ValueError:
        return None, None
    return parsed.body, parsed.session


def document_to_record(document: Document) -> Record:
    """The DHL MARC21 bibliographic record of ``document`` (UTF-8, leader/09 = a)."""
    record = Record(force_utf8=True)
    leader = list(str(record.leader))
    leader[5] = "d" if document.status == "deleted" else "n"
    leader[6], leader[7] = "a", "m"
    record.leader = "".join(leader)
    record.add_field(Field(tag="001", data=document.uid))
    if document.updated_at:
        record.add_field(Field(tag="005", data=document.updated_at.strftime("%Y%m%d%H%M%S.0")))
    fields: list[Field | None] = []
    versions = {v.language: v for v in document.versions}
    languages = [c for c in CODES if c in versions]
    record.add_field(Field(tag="008", data=fixed_length_data(document, languages)))
    if languages:
        fields.append(datafield("041", "  ", [("a", TO_MARC_LANGUAGE[c]) for c in languages]))
    fields.append(datafield("089", "  ", [("b", document.doc_type)]))
    fields.append(datafield("091", "  ", [("a", document.distribution)]))
    symbols = [s.symbol for s in document.symbols] or [document.symbol]
    for position, symbol in enumerate(symbols):
        if position == 0:
            body, session = document.body, document.session
        else:
            body, session = _symbol_parts(symbol)
        fields.append(datafield("191", "  ", [("a", symbol), ("b", body), ("c", session),
                                               ("q", stripped_symbol(symbol))]))
    english = versions.get("en")
    if english is not None and english.title:
        fields.append(datafield("245", "00", [("a", english.title)]))
    for code in languages:
        if code != "en" and versions[code].title:
            fields.append(datafield("246", "1 ", [("a", versions[code].title),
                                                   ("y", TO_MARC_LANGUAGE[code])]))
    if document.publication_date:
        fields.append(datafield("264", " 1", [("c", str(document.publication_date.year))]))
        fields.append(datafield("269", "  ", [("a", date_of(document))]))
    for subject in sorted(document.subjects, key=lambda s: (s.vocab, s.concept)):
        label = subject.label or subject.concept
        uri = subject.concept if subject.concept != label else None
        fields.append(datafield("650", " 7", [("a", label), ("0", uri),
                                               ("2", VOCAB_TO_MARC.get(subject.vocab,
                                                                       subject.vocab))]))
    for item in document.agenda_items:
        fields.append(datafield("991", "  ", [("a", item.agenda_symbol), ("b", item.item_number),
                                               ("c", item.title), ("d", item.subject)]))
    if document.action_date:
        fields.append(datafield("992", "  ", [("a", document.action_date.isoformat())]))
    for rel in sorted(document.related, key=lambda r: (r.role, r.symbol)):
        indicator = ROLE_INDICATORS.get(rel.role)
        pairs = [("a", rel.symbol)] if indicator else [("a", rel.symbol), ("r", rel.role)]
        fields.append(datafield("993", (indicator or " ") + " ", pairs))
    for field in fields:
        if field is not None:
            # neither MARC (whose delimiters they are) nor XML holds control characters
            field.subfields = [s._replace(value=xml_text(s.value)) for s in field.subfields]
            record.add_field(field)
    return record


def fixed_length_data(document: Document, languages: list[str]) -> str:
    """008, the 40 fixed positions catalogues sort and filter on: date entered, a single
    known date (its year) or none, place unknown, an international intergovernmental
    publication, and the language of 245 (English when there is an English title)."""
    entered = (document.created_at or document.updated_at or dt.datetime.now(dt.UTC))
    if document.publication_date:
        date_type, date1 = "s", f"{document.publication_date.year:04d}"
    else:
        date_type, date1 = "n", "uuuu"
    english = next((v for v in document.versions if v.language == "en" and v.title), None)
    language = "en" if english is not None else (languages[0] if languages else None)
    code = TO_MARC_LANGUAGE[language] if language else "und"
    # 18-34, books: no illustrations, audience, form, contents; 28 "i" international
    # intergovernmental; not a conference publication, festschrift, index or fiction
    material = "    " + "  " + "    " + "i000 0 "
    return f"{entered:%y%m%d}{date_type}{date1}    xx {material}{code} d"


def _fixed_year(record: Record) -> tuple[dt.date, str] | None:
    """008/07-10 as a year-precise date, when 269 says nothing and 008 gives one year."""
    control = record.get("008")
    data = control.data if control is not None and control.data else ""
    if len(data) >= 11 and data[6] in "sert" and data[7:11].isdigit() and data[7:11] != "0000":
        return dt.date(int(data[7:11]), 1, 1), "year"
    return None


_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d")


def _parse_date(value: str, where: str) -> dt.date:
    text = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise MappingError(f"{where}: {value!r} is not a date (expected YYYY-MM-DD or YYYYMMDD)")


def _parse_dated(value: str, where: str) -> tuple[dt.date, str]:
    """A 269 date as precise as it is written: 1967-11-22, 19671122, 1967-11 or 1967."""
    try:
        return parse_edtf(value)
    except ValueError:
        return _parse_date(value, where), "day"


def _title(field: Field) -> str | None:
    parts = [v.strip() for v in field.get_subfields("a", "b") if v.strip()]
    text = " ".join(parts).rstrip(" /:;,.=").strip()
    return text or None


def _record_language(record: Record) -> str:
    """The language 245 is in: English for DHL records, else 008/35-37 when it is one of ours."""
    control = record.get("008")
    if control is not None and control.data and len(control.data) >= 38:
        code = FROM_MARC_LANGUAGE.get(control.data[35:38].lower())
        if code:
            return code
    return "en"


def record_to_fields(record: Record) -> dict[str, Any]:
    """The document described by ``record``, as keyword arguments for ``DocumentInput``.

    Raises MappingError naming the field when the record cannot be a document.
    """
    symbols: list[str] = []
    for field in record.get_fields("191"):
        value = subfield(field, "a")
        if value and value not in symbols:
            symbols.append(value)
    if not symbols:
        control = record.get("001")
        if control is not None and control.data and control.data.strip():
            symbols.append(control.data.strip())
    if not symbols:
        raise MappingError("no symbol: neither 191 $a nor 001 is present")
    titles: dict[str, str] = {}
    for field in record.get_fields("245"):
        title = _title(field)
        if title:
            titles.setdefault(_record_language(record), title)
    for field in record.get_fields("246"):
        code = subfield(field, "y")
        title = _title(field)
        if not code or not title:
            continue
        language = FROM_MARC_LANGUAGE.get(code.lower())
        if language is None:
            raise MappingError(f"246 $y: unknown language code {code!r}")
        titles.setdefault(language, title)
    languages = [FROM_MARC_LANGUAGE[v.strip().lower()]
                 for f in record.get_fields("041") for v in f.get_subfields("a")
                 if v.strip().lower() in FROM_MARC_LANGUAGE]
    doc_type = next((subfield(f, "b") for f in record.get_fields("089") if subfield(f, "b")), None)
    distribution = next((subfield(f, "a") for f in record.get_fields("091") if subfield(f, "a")),
                        None)
    publication_date = date_precision = None
    for field in record.get_fields("269"):
        value = subfield(field, "a")
        if value:
            publication_date, date_precision = _parse_dated(value, "269 $a")
            break
    if publication_date is None and (fixed := _fixed_year(record)):
        publication_date, date_precision = fixed
    action_date = None
    for field in record.get_fields("992"):
        value = subfield(field, "a")
        if value:
            action_date = _parse_date(value, "992 $a")
            break
    subjects = []
    for field in record.get_fields("650"):
        label = subfield(field, "a")
        if not label:
            continue
        if field.indicator2 == "7":
            source = subfield(field, "2")
            if not source:
                raise MappingError("650 _7: $2 (thesaurus) is missing")
            vocab = VOCAB_FROM_MARC.get(source.lower(), source.lower())
        elif field.indicator2 == "0":
            vocab = "lcsh"
        else:
            continue
        subjects.append({"concept": subfield(field, "0") or label, "label": label, "vocab": vocab})
    agenda = [{"agenda_symbol": subfield(f, "a"), "item_number": subfield(f, "b"),
               "title": subfield(f, "c"), "subject": subfield(f, "d")}
              for f in record.get_fields("991")]
    related = []
    for field in record.get_fields("993"):
        symbol = subfield(field, "a")
        if not symbol:
            continue
        role = ROLES_BY_INDICATOR.get(field.indicator1) or subfield(field, "r") or "related"
        related.append((symbol, role))
    status = "deleted" if str(record.leader)[5:6] == "d" else "published"
    return {
        "symbols": symbols,
        "doc_type": doc_type,
        "distribution": distribution,
        "publication_date": publication_date,
        "date_precision": date_precision,
        "action_date": action_date,
        "status": status,
        "titles": titles,
        "languages": [c for c in CODES if c in set(languages) | set(titles)],
        "subjects": subjects,
        "agenda_items": [a for a in agenda if any(a.values())],
        "related": related,
    }
