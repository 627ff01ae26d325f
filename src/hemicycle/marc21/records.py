"""MARC21 records: building fields, reading subfields, MARCXML elements, language codes.

The codec every MARC mapping shares (documents in ``hemicycle.interop.marc``, voting
records and speeches in ``hemicycle.proceedings.marc``); it knows no table of ours.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from pymarc import Field, Indicators, Record, Subfield

MARC_NS = "http://www.loc.gov/MARC21/slim"
MARC_SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

TO_MARC_LANGUAGE = {"ar": "ara", "zh": "chi", "en": "eng", "fr": "fre", "ru": "rus", "es": "spa"}
FROM_MARC_LANGUAGE = {v: k for k, v in TO_MARC_LANGUAGE.items()} | {"zho": "zh", "fra": "fr"}


class MappingError(ValueError):
    """A record that cannot be mapped (to or from MARC); the message names the field."""


def datafield(tag: str, ind: str, pairs: list[tuple[str, Any]]) -> Field | None:
    """A data field of the non-empty values of ``pairs`` (None when all are empty)."""
    subfields = [Subfield(code, str(value)) for code, value in pairs if value not in (None, "")]
    if not subfields:
        return None
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subfields)


def subfield(field: Field, code: str) -> str | None:
    """The first value of subfield ``code``, stripped; None when absent or blank."""
    values = field.get_subfields(code)
    return values[0].strip() if values and values[0].strip() else None


def record_to_element(record: Record) -> etree._Element:
    """A MARCXML ``<marc:record>`` element (lxml) for ``record``."""
    root = etree.Element(f"{{{MARC_NS}}}record", nsmap={"marc": MARC_NS})
    leader = etree.SubElement(root, f"{{{MARC_NS}}}leader")
    leader.text = str(record.leader)
    for field in record.fields:
        if field.is_control_field():
            el = etree.SubElement(root, f"{{{MARC_NS}}}controlfield", tag=field.tag)
            el.text = field.data
            continue
        el = etree.SubElement(root, f"{{{MARC_NS}}}datafield", tag=field.tag,
                              ind1=field.indicator1, ind2=field.indicator2)
        for sub in field.subfields:
            sf = etree.SubElement(el, f"{{{MARC_NS}}}subfield", code=sub.code)
            sf.text = sub.value
    return root


def element_to_record(element: etree._Element) -> Record:
    """A pymarc ``Record`` from a MARCXML ``record`` element (namespaced or not)."""
    record = Record(force_utf8=True)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if name == "leader":
            record.leader = child.text or ""
        elif name == "controlfield":
            record.add_field(Field(tag=child.get("tag", ""), data=child.text or ""))
        elif name == "datafield":
            subs = [Subfield(sf.get("code", ""), sf.text or "") for sf in child
                    if isinstance(sf.tag, str) and etree.QName(sf).localname == "subfield"]
            record.add_field(Field(tag=child.get("tag", ""),
                                   indicators=Indicators(child.get("ind1", " "),
                                                         child.get("ind2", " ")),
                                   subfields=subs))
    return record
