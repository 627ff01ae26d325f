"""The meeting a document was adopted at or records, as the six languages print it.

"at its 3116th meeting", "7439th meeting", "à sa 7439e séance", "en su 7439ª sesión",
"на своем 7439-м заседании", "في جلسته 7439", "第7439次会议". The meeting's record has a
symbol of its own (``S/PV.3116``), which the record links as its meeting record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hemicycle.describe.dates import SCHEDULE, parse_dates
from hemicycle.describe.numbers import ascii_digits
from hemicycle.symbols import SymbolError, parse_symbol

_KIND = r"(?:\([^()\d]{1,20}\)\s*)?"  # "7429th (closed) meeting", "7429м (закрытом) заседании"
_PATTERNS = (
    re.compile(rf"\b(\d{{1,5}})(?:st|nd|rd|th)\s+{_KIND}(plenary\s+)?meeting\b", re.I),
    re.compile(r"\b(\d{1,5})(?:e|ème|re|er)\s+séance(\s+plénière)?\b", re.I),
    re.compile(r"\b(\d{1,5})\s*[ªa]\.?\s+sesión(\s+plenaria)?\b", re.I),
    re.compile(rf"(?<!\d)(\d{{1,5}})-?(?:[ем]|го|й|ом)\s+{_KIND}(пленарн\w+\s+)?заседани\w*",
               re.I),
    # "في جلسته 7439", "جدول الأعمال المؤقت لجلسة مجلس الأمن 7403"
    re.compile(r"(?:الجلسة|جلسته|جلستها|جلسة)\s+(?:(العامة)\s+|مجلس\s+الأمن\s+)?(\d{1,5})(?!\d)"),
    re.compile(rf"第\s*(\d{{1,5}})\s*次{_KIND}(全体)?会议"),
)
# "Adopted at the 2nd meeting", "adopted by the Security Council at its 3116th meeting"
_ADOPTED = re.compile(r"adopt|принят|adoptée?|aprobad|اتخذ|اعتمد|通过", re.I)
_LINES = 25
_BROKEN = re.compile(r"(\w)-\n([a-z]+)")
_DIGIT = re.compile(r"\d")
# a word every pattern above holds, with the same flag: a line without one names no meeting
_MEETING_WORD = re.compile(r"meeting|séance|sesión|заседани|جلس|会议", re.I)


@dataclass(frozen=True)
class Meeting:
    number: int
    plenary: bool
    line: int
    adopted: bool  # the text says it was adopted there

    @property
    def confidence(self) -> float:
        return 0.9 if self.adopted else 0.65


def meetings(text: str) -> list[Meeting]:
    """Every meeting the text names, in reading order."""
    out = []
    # "Adopted at the 127th meet-\ning": the broken word is mended on its first line
    lines = _BROKEN.sub(r"\1\2\n", ascii_digits(text)).splitlines()
    for number, line in enumerate(lines):
        if not _DIGIT.search(line) or not _MEETING_WORD.search(line):
            continue  # every pattern holds the meeting's number and one of these words
        for index, pattern in enumerate(_PATTERNS):
            for m in pattern.finditer(line):
                digits, plenary = (m.group(2), m.group(1)) if index == 4 else m.groups()
                before = (lines[number - 1] + " " if number else "") + line[:m.start()]
                near = before[-80:] + line[m.start():m.end() + 20]
                # "1976th plenary meeting,\n25 October 1971.": how a General Assembly
                # resolution says where and when it was adopted
                # (not "... meeting\nTo be held on 16 March 2015": an agenda's)
                dated = bool(parse_dates(line[m.end():])) or (
                    number + 1 < len(lines) and bool(parse_dates(lines[number + 1])) and
                    not line[m.end():].strip(" ,.;") and not SCHEDULE.match(lines[number + 1]))
                out.append(Meeting(int(digits), bool(plenary), number,
                                   bool(_ADOPTED.search(near)) or dated))
    return sorted(out, key=lambda m: m.line)


def own_meeting(text: str) -> Meeting | None:
    """The meeting that adopted the document (anywhere: old resolutions say so at the
    end), else one the masthead names."""
    found = meetings(text)
    adopted = [m for m in found if m.adopted]
    if adopted:
        return adopted[0]
    near_top = [m for m in found if m.line < _LINES]
    return near_top[0] if near_top else None


def meeting_record(body: str | None, session: str | None, meeting: int) -> str | None:
    """The symbol of a meeting's verbatim record: S/PV.n for the Security Council, the
    General Assembly's A/<session>/PV.n (A/PV.n before its 31st session)."""
    if body == "SC":
        candidate = f"S/PV.{meeting}"
    elif body == "GA" and session and session.isdigit():
        candidate = f"A/{session}/PV.{meeting}" if int(session) >= 31 else f"A/PV.{meeting}"
    else:
        return None
    try:
        return parse_symbol(candidate).canonical
    except SymbolError:
        return None
