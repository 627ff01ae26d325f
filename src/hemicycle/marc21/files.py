"""Reading and writing MARC21 files, ISO 2709 and MARCXML, record by record.

Reading never stops at a broken record: each one comes back as a ``MarcItem`` with
its number, byte offset (binary) or line (XML) and the problems found, so the
importer can keep the good records and report the others. Problems found:
bad leader or directory, text not valid in the encoding the leader declares,
MARC-8 records that hold UTF-8 (mixed encodings), invalid MARC-8, bad tags,
indicators or subfield codes.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree
from pymarc import MARCReader, MARCWriter, Record

from hemicycle.marc21.records import (
    MARC_NS,
    MARC_SCHEMA,
    XSI_NS,
    element_to_record,
    record_to_element,
)

# the patterns of the MARC21 slim schema
_TAG = re.compile(r"^(0[0-9A-Z][0-9A-Z]|0[1-9a-z][0-9a-z]|"
                  r"[1-9A-Z][0-9A-Z]{2}|[1-9a-z][0-9a-z]{2})$")
_INDICATOR = re.compile(r"^[0-9a-z ]$")
_SUBFIELD_CODE = re.compile(r"^[0-9A-Za-z!\"#$%&'()*+,\-./:;<=>?{}_^`~\[\]\\]$")
_LEADER = re.compile(r"^[\d ]{5}[\dA-Za-z ][\dA-Za-z][\dA-Za-z ]{3}(2| )(2| )[\d ]{5}"
                     r"[\dA-Za-z ]{3}(4500|    )$")

READER_ERRORS = {
    "RecordLengthInvalid": "bad leader: the record length (leader/00-04) is not five digits",
    "TruncatedRecord": "bad leader: the record length is longer than the data left in the file",
    "EndOfRecordNotFound": "the record does not end with the end-of-record mark (0x1D)",
    "BaseAddressInvalid": "bad leader: the base address of data (leader/12-16) is past the end "
                          "of the record",
    "BaseAddressNotFound": "bad leader: the base address of data (leader/12-16) is missing",
    "RecordDirectoryInvalid": "bad directory: its length is not a multiple of 12",
    "NoFieldsFound": "bad directory: no fields found",
    "UnicodeDecodeError": "text is not valid in the encoding the leader declares",
    "ValueError": "bad directory: an entry's length or offset is not a number",
}


@dataclass
class MarcItem:
    number: int  # 1-based position in the file
    record: Record | None
    problems: list[str] = field(default_factory=list)
    where: str = ""  # "byte 1234" or "line 56"
    end: int = 0  # ISO 2709: the byte offset just after the record (where to resume)

    @property
    def ok(self) -> bool:
        return self.record is not None and not self.problems


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _capture() -> Iterator[list[str]]:
    """pymarc reports some problems only as warnings, log lines or stderr text: collect them."""
    found: list[str] = []
    handler = _Collect()
    logger = logging.getLogger("pymarc")
    logger.addHandler(handler)
    stderr = io.StringIO()
    try:
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(stderr):
            warnings.simplefilter("always")
            yield found
    finally:
        logger.removeHandler(handler)
    for message in handler.messages:
        if "indicator" in message:
            found.append(f"bad indicators: {message}")
        else:
            found.append(message)
    for w in caught:
        if "subfield" in str(w.message).lower():
            found.append(f"bad subfield code: {w.message}")
    for line in stderr.getvalue().splitlines():
        if line.strip():
            found.append(f"invalid MARC-8: {line.strip()}")


def check_record(record: Record) -> list[str]:
    """Problems with tags, indicators and subfield codes that parsing let through."""
    problems = []
    leader = str(record.leader)
    if len(leader) != 24:
        problems.append(f"bad leader: {len(leader)} characters instead of 24")
    for position, f in enumerate(record.fields, 1):
        if not _TAG.match(f.tag or ""):
            problems.append(f"bad tag {f.tag!r} (field {position})")
            continue
        if f.is_control_field():
            continue
        for n, ind in ((1, f.indicator1), (2, f.indicator2)):
            if ind is None or not _INDICATOR.match(ind):
                problems.append(f"bad indicator {n} {ind!r} in field {f.tag}")
        for sub in f.subfields:
            if not _SUBFIELD_CODE.match(sub.code or ""):
                problems.append(f"bad subfield code {sub.code!r} in field {f.tag}")
    return problems


def _utf8_in_marc8(chunk: bytes) -> bool:
    """Whether a record declared MARC-8 (leader/09 blank) really holds UTF-8 text."""
    try:
        base = int(chunk[12:17])
        text = chunk[base:].decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return False
    return any(ord(ch) > 0x7F for ch in text)


def read_binary(handle: BinaryIO, after: int = 0, offset: int = 0) -> Iterator[MarcItem]:
    """The records from byte ``offset`` on, the first one numbered ``after`` + 1."""
    handle.seek(offset)
    reader = MARCReader(handle, to_unicode=True, force_utf8=False, utf8_handling="strict",
                        permissive=True)
    number = after
    while True:
        with _capture() as found:
            try:
                record = next(reader)
            except StopIteration:
                return
        number += 1
        chunk = reader.current_chunk or b""
        where = f"byte {offset}"
        offset += len(chunk)
        exc = reader.current_exception
        if record is None:
            name = type(exc).__name__ if exc is not None else "unknown"
            reason = READER_ERRORS.get(name, f"unreadable record ({name})")
            if exc is not None and name == "UnicodeDecodeError":
                reason += f" ({exc})"
            yield MarcItem(number, None, [reason], where, offset)
            if name == "RecordLengthInvalid":
                return  # no way to find where the next record starts
            continue
        problems = list(found)
        if str(record.leader)[9] == " " and _utf8_in_marc8(chunk):
            problems.insert(0, "mixed encodings: leader/09 says MARC-8 but the text is UTF-8")
        problems += check_record(record)
        yield MarcItem(number, record, problems, where, offset)


def read_xml(path: Path, after: int = 0) -> Iterator[MarcItem]:
    """The records after the first ``after`` (the file is parsed whole either way)."""
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise MarcFileError(f"{path}: not well-formed XML: {exc}") from None
    root = tree.getroot()
    elements = [root] if etree.QName(root).localname == "record" else [
        el for el in root if isinstance(el.tag, str) and etree.QName(el).localname == "record"]
    for number, element in enumerate(elements, 1):
        if number <= after:
            continue
        problems = []
        leader = element.findtext(f"{{{MARC_NS}}}leader") or element.findtext("leader")
        if leader is None or not _LEADER.match(leader):
            problems.append(f"bad leader {leader!r}")
        for child in element:
            tag = child.get("tag") if isinstance(child.tag, str) else None
            if tag is not None and not _TAG.match(tag):
                problems.append(f"bad tag {tag!r} (line {child.sourceline})")
        record = element_to_record(element)
        problems += [p for p in check_record(record) if not p.startswith("bad leader")]
        yield MarcItem(number, record, problems, f"line {element.sourceline}")


class MarcFileError(ValueError):
    """The file as a whole cannot be read (not MARC, not well-formed XML)."""


def is_xml(path: Path) -> bool:
    with path.open("rb") as fh:
        start = fh.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"<")


def read_marc(path: Path, after: int = 0, offset: int = 0) -> Iterator[MarcItem]:
    """Every record of a MARC file (ISO 2709 or MARCXML, told apart by content), or
    those after the first ``after`` (ISO 2709: they start at byte ``offset``)."""
    path = Path(path)
    if is_xml(path):
        yield from read_xml(path, after)
        return
    with path.open("rb") as fh:
        yield from read_binary(fh, after, offset)


def count_records(path: Path) -> int:
    """How many records the file holds, counted fast (end-of-record marks, or record
    elements) for a progress bar; a broken file may hold fewer readable ones."""
    mark = b"<record" if is_xml(path) else b"\x1d"
    count = 0
    tail = b""
    with Path(path).open("rb") as fh:
        while chunk := fh.read(1 << 22):
            data = tail + chunk
            count += data.count(mark)
            tail = data[-(len(mark) - 1):] if len(mark) > 1 else b""  # a mark cut in two
    return count


def write_binary(records: Iterable[Record], handle: BinaryIO) -> int:
    writer = MARCWriter(handle)
    count = 0
    for record in records:
        writer.write(record)
        count += 1
    return count


def write_xml(records: Iterable[Record], handle: BinaryIO) -> int:
    """A MARCXML collection, written record by record so memory stays flat."""
    count = 0
    with etree.xmlfile(handle, encoding="UTF-8") as xf:
        xf.write_declaration()
        attrs = {f"{{{XSI_NS}}}schemaLocation": f"{MARC_NS} {MARC_SCHEMA}"}
        with xf.element(f"{{{MARC_NS}}}collection", attrs,
                        nsmap={"marc": MARC_NS, "xsi": XSI_NS}):
            for record in records:
                xf.write(record_to_element(record))
                count += 1
    return count
