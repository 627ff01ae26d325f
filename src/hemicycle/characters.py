"""Which characters the catalogue keeps: the one rule for control characters.

A control character in a title (U+0000, U+0001, an escape...) cannot be written in XML
1.0 at all, so one such title breaks every OAI-PMH harvest, feed and MARCXML export that
reaches it; PostgreSQL refuses U+0000 outright. Metadata (titles, names, labels) with one
is refused at the catalogue's door, naming the character; full text, which comes from
files and OCR, has them removed, but for the form feed: the page break of extracted text
(pdftotext, OCR), by which the page viewer splits a text into its pages; a vertical tab
becomes a line end. Tab, line feed and carriage return are ordinary text. XML writers pass
everything through ``xml_text`` anyway, for what was stored before this rule.
"""

from __future__ import annotations

import re

# C0 controls but tab, line feed and carriage return; DEL and the C1 controls; the two
# noncharacters XML 1.0 forbids; lone surrogates (only ever from a bad decoder)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# what XML 1.0 cannot hold at all (C1 controls and DEL it can)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# in full text: the same, but the form feed, the page break (\x0c), is kept
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


class ControlCharacter(ValueError):
    """A value holds a control character; says which and where."""

    def __init__(self, char: str, position: int):
        super().__init__(f"contains the control character U+{ord(char):04X} at position "
                         f"{position}")
        self.char = char
        self.position = position


def check_metadata(value: str | None) -> None:
    """Raise ControlCharacter for the first control character of ``value`` (position
    counted from 1), if it has one."""
    if value:
        found = _CONTROL.search(value)
        if found:
            raise ControlCharacter(found.group(), found.start() + 1)


def clean_text(value: str | None) -> str | None:
    """Full text without control characters but its page breaks; a vertical tab becomes a
    line end."""
    if not value:
        return value
    return _CONTROL_IN_TEXT.sub("", value.replace("\x0b", "\n"))


def xml_text(value: str | None) -> str | None:
    """``value`` with every character XML 1.0 cannot hold replaced by U+FFFD, so that a
    writer never fails and a reader sees that something was there."""
    if not value:
        return value
    return _NOT_XML.sub(REPLACEMENT, value)
