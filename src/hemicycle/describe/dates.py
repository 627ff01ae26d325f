"""Dates as UN documents print them, in the six languages, and what each date is.

"of 22 November 1967" under a resolution's heading is the day it was adopted; "Adopted
by the Security Council at its 3116th meeting on 19 September 1992" too; a date alone on
a masthead line is the day the document was issued; "held on 11 May 2015" a meeting's
day; "Letter dated 20 April 2015" the letter's. Any other date is only mentioned and
says little about the document. ``date_mentions`` finds every date with its role,
``document_date`` the one that dates the document.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from hemicycle.describe.numbers import ascii_digits

_MONTH_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    # Russian dates put the month in the genitive
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
           "сентября", "октября", "ноября", "декабря"),
    # the UN's Arabic writes the Egyptian name, often after the Levantine one:
    # "تشرين الثاني/نوفمبر"
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيه", "يوليه", "أغسطس",
           "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"),
    "ar-levant": ("كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب",
                  "أيلول", "تشرين الأول", "تشرين الثاني", "كانون الأول"),
}
_VARIANTS = {"fevrier": 2, "aout": 8, "decembre": 12, "setiembre": 9, "يونيو": 6,
             "يوليو": 7, "ابريل": 4, "اكتوبر": 10}
MONTHS: dict[str, int] = {**{name: i for names in _MONTH_NAMES.values()
                             for i, name in enumerate(names, 1)}, **_VARIANTS}

_LATIN_MONTH = "|".join(sorted((re.escape(m) for m in MONTHS if m.isascii() or
                                any("\u00c0" <= c <= "\u024f" for c in m)),
                               key=len, reverse=True))
_RU_MONTH = "|".join(_MONTH_NAMES["ru"])
_AR_EG = "|".join(sorted([*_MONTH_NAMES["ar"], "يونيو", "يوليو", "ابريل", "اكتوبر"],
                         key=len, reverse=True))
_AR_LEV = "|".join(sorted(_MONTH_NAMES["ar-levant"], key=len, reverse=True))

_PATTERNS = (
    # 22 November 1967, 1er mai 2015, 22 de noviembre de 1967, 22nd November 1967
    re.compile(rf"\b(\d{{1,2}})(?:er|st|nd|rd|th|º)?\s+(?:de\s+)?({_LATIN_MONTH})\.?,?\s+"
               rf"(?:de\s+)?(\d{{4}})\b", re.I),
    # November 22, 1967
    re.compile(rf"\b({_LATIN_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I),
    # 22 ноября 1967 года
    re.compile(rf"(?<!\w)(\d{{1,2}})\s+({_RU_MONTH})\s+(\d{{4}})(?!\d)", re.I),
    # 22 تشرين الثاني/نوفمبر 1967, 11 أيار/مايو 2015, 11 مايو 2015
    re.compile(rf"(?<!\d)(\d{{1,2}})\s+(?:(?:{_AR_LEV})\s*/\s*)?({_AR_EG}|{_AR_LEV})"
               rf"\s*(\d{{4}})(?!\d)"),
    # 1967年11月22日
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
)

# words before a date (or after it, in Chinese) that say what the date is
_CUES: tuple[tuple[str, re.Pattern], ...] = (
    ("adopted", re.compile(r"\b(?:adopted|adoptée?s?|aprobad[ao]s?|adoptad[ao]s?)\b"
                           r"|принят|اتخذ|اعتمد", re.I)),
    ("held", re.compile(r"\b(?:held|tenue?s?|celebrad[ao]s?)\b|состоявш|المعقودة|عقدت",
                        re.I)),
    ("dated", re.compile(r"\b(?:dated|datée?s?|de\s+fecha)\b|المؤرخة|المؤرخ", re.I)),
)
_ZH_AFTER = (("adopted", re.compile(r"^\s*(?:第\s*\d+\s*次(?:全体)?会议)?\s*通过(?!的)")),
             ("held", re.compile(r"^\s*举行")),
             ("dated", re.compile(r"^\s*(?:给|的信)")))
# "of 22 November 1967" under a heading; "Resolution of 7 July 1950"
_OF_LINE = re.compile(r"^\W{0,3}(?:of|du|de|от|المؤرخ|الصادر\s+في)\s*$", re.I)
_RESOLUTION_OF = re.compile(
    r"^\W{0,3}(?:\d+\s*\(\s*\d{4}\s*\)\s*[.,]?\s*)?(?:resolution|résolution|resolución|"
    r"резолюция)(?:\s+\d+\s*\(\s*\d{4}\s*\))?\s+(?:of|du|de|от)\s*$", re.I)

# the line under a provisional agenda's title: when the meeting is to be held
SCHEDULE = re.compile(r"^\W{0,3}(?:to\s+be\s+held|qui\s+se\s+tiendra|que\s+se\s+celebrar[áa]|"
                      r"которое\s+состоится|المقرر\s+عقدها|定于)", re.I)

# a resolution or document named just before the cue: the date is that one's
_REFERENCE = re.compile(r"\b(?:resolutions?|résolutions?|resoluci[óo]n(?:es)?)\s+\d"
                        r"|\(\s*(?:19|20)\d\d\s*\)|резолюци\w*\s+\d|القرار\s+\d|号决议", re.I)
# "held on" and "adopted on" date this document when they speak of a meeting
_MEETING_WORD = re.compile(r"meeting|séance|sesión|заседани|جلس|会议", re.I)

# a General Assembly resolution ends with the meeting and day that adopted it
_AFTER_MEETING = re.compile(
    r"\d+\s*(?:st|nd|rd|th|e|ª|a|-?е|-?м)?\.?\s+(?:plenary\s+|пленарное\s+)?(?:meeting|séance|"
    r"sesión|заседание)(?:\s+plénière|\s+plenaria)?\s*[,.]?\s*$|الجلسة\s+العامة\s+\d+\s*[،,]?\s*$",
    re.I)
_YEAR_WORD = re.compile(r"^\s*(?:года|г\.)", re.I)  # "11 мая 2015 года"

HEADER_LINES = 20
ROLE_CONFIDENCE = {"adopted": 0.9, "heading": 0.9, "issued": 0.85, "held": 0.8,
                   "dated": 0.6, "mentioned": 0.35}
_PRIORITY = ("heading", "adopted", "issued", "held", "dated", "mentioned")


@dataclass(frozen=True)
class DateMention:
    date: dt.date
    role: str  # adopted | heading | issued | held | dated | mentioned
    line: int
    text: str  # as printed

    @property
    def confidence(self) -> float:
        base = ROLE_CONFIDENCE[self.role]
        return base if self.role != "mentioned" or self.line < HEADER_LINES else 0.2


def _normalise(text: str) -> str:
    return ascii_digits(unicodedata.normalize("NFKC", text))


def _date(groups: tuple[str, ...], pattern_index: int) -> dt.date | None:
    try:
        if pattern_index == 4:
            year, month, day = (int(g) for g in groups)
        elif pattern_index == 1:
            month, day, year = MONTHS.get(groups[0].lower()), int(groups[1]), int(groups[2])
        else:
            day, name, year = int(groups[0]), groups[1], int(groups[2])
            month = MONTHS.get(name.lower()) or MONTHS.get(name)
        if not month:
            return None
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_dates(line: str) -> list[tuple[dt.date, int, int, str]]:
    """Every valid date in one line: (date, start, end, as printed), in order."""
    line = _normalise(line)
    found = []
    for index, pattern in enumerate(_PATTERNS):
        for m in pattern.finditer(line):
            date = _date(m.groups(), index)
            if date and not any(s <= m.start() < e for _, s, e, _ in found):
                found.append((date, m.start(), m.end(), m.group(0)))
    return sorted(found, key=lambda f: f[1])


def _starts_upper(text: str) -> bool:
    """A heading begins with a capital or a digit ("resolution 338 (1973) of ..." on a
    line of its own is a sentence broken across lines)."""
    first = next((c for c in text if c.isalnum()), "")
    return first.isdigit() or first.isupper()


def _role(lines: list[str], number: int, start: int, end: int, heading_above: bool) -> str:
    line = lines[number]
    before = line[:start]
    previous = lines[number - 1] if number > 0 else ""
    window = (previous + " " + before)[-160:]
    after = line[end:]
    for role, pattern in _ZH_AFTER:
        if pattern.search(after):
            if _REFERENCE.search(window[-60:]):
                return "mentioned"
            return role
    if _OF_LINE.match(before) and (heading_above or number < 3) or \
            _RESOLUTION_OF.search(before) and _starts_upper(before):
        return "heading"
    if _AFTER_MEETING.search(window):  # "1976th plenary meeting,\n25 October 1971."
        return "adopted"
    if SCHEDULE.match(line) and not _REFERENCE.search(before):
        return "held"  # "To be held on Monday, 16 March 2015": the meeting's day
    for role, pattern in _CUES:
        cues = list(pattern.finditer(window))
        if cues:
            cue = cues[-1]  # the nearest before the date
            # "its resolution 30 (1947), adopted on 25 August 1947": another document's date
            between = window[max(0, cue.start() - 60):cue.start()]
            if _REFERENCE.search(between) or (
                    role in ("held", "adopted") and not _MEETING_WORD.search(window)):
                return "mentioned"
            return role
    rest = re.sub(r"[\W\d_]+", "", before + _YEAR_WORD.sub("", after))
    if number < HEADER_LINES and len(rest) <= 3:
        return "issued"
    return "mentioned"


def date_mentions(text: str, heading_lines: frozenset[int] = frozenset()) -> list[DateMention]:
    """Every date in ``text`` with its role, in reading order. ``heading_lines``: lines
    that are a resolution's heading (a date on the line after one is its adoption)."""
    lines = _normalise(text).splitlines()
    out = []
    for number, line in enumerate(lines):
        for date, start, end, printed in parse_dates(line):
            role = _role(lines, number, start, end, number - 1 in heading_lines)
            out.append(DateMention(date, role, number, printed))
    return out


def document_date(text: str, heading_lines: frozenset[int] = frozenset()) -> DateMention | None:
    """The date that dates the document: under the heading or adopted before issued,
    before held, before dated. A date only mentioned never dates it."""
    mentions = [m for m in date_mentions(text, heading_lines) if m.role != "mentioned"]
    if not mentions:
        return None
    return min(mentions, key=lambda m: (_PRIORITY.index(m.role), m.line))
