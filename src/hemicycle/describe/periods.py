"""The period a document belongs to, named as its body names it.

The General Assembly and ECOSOC meet in sessions ("Sixty-ninth session", "2015
session"); the Security Council has no sessions and counts years ("Seventieth year",
the year in its symbols: S/2015/305, S/RES/2334 (2016)). ``period_of`` names a record's
period from its body, session and year; ``period_in_text`` reads one from a masthead in
any of the six languages, ordinal words included.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from hemicycle.describe.numbers import ascii_digits

SC_FIRST_YEAR = 1945  # the Council's "first year" is 1946


@dataclass(frozen=True)
class Period:
    name: str  # "session" or "year"
    value: str  # "69", "ES-10", "2015"

    def to_json(self) -> dict:
        return {"name": self.name, "value": self.value}


def period_of(body: str | None, session: str | None, year: int | None) -> Period | None:
    """How the record's body counts its periods: the Security Council by year, the
    General Assembly and ECOSOC (and others that meet in sessions) by session."""
    if body == "SC":
        return Period("year", str(year)) if year else None
    if session:
        return Period("session", str(session))
    if body == "ECOSOC" and year:
        return Period("session", str(year))
    return Period("year", str(year)) if year else None


# a regular session opens in the second half of September (16 September 1947, 21
# September 1948, ... 15 September 2015) and runs until the next one opens
_SESSION_OPENS = (9, 15)
# a date known this precisely can say which session it falls in (a year cannot)
SESSION_DATED = ("day", "month")
SESSION_FROM_DATE_CONFIDENCE = 0.7  # a special session meets within a regular one


def ga_session_on(value: dt.date) -> int | None:
    """The regular General Assembly session in progress on ``value``: the one opened in
    the September before it (the first, 1946, met from January). A special or emergency
    special session meeting at the same time is not told apart, hence the confidence
    below a symbol's."""
    if value < dt.date(1946, 1, 10):  # the first session opened in London on 10 January
        return None
    opened = value.year - (0 if (value.month, value.day) >= _SESSION_OPENS else 1)
    return max(1, opened - 1945)


# ---- ordinal words, 1-99 -------------------------------------------------------------

_EN_UNITS = ("first second third fourth fifth sixth seventh eighth ninth").split()
_EN_TEENS = ("tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth "
             "seventeenth eighteenth nineteenth").split()
_EN_TENS = ("twenty thirty forty fifty sixty seventy eighty ninety").split()
_EN_TENS_ORD = ("twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth "
                "ninetieth").split()

_FR_CARD = ("un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
            "quinze seize").split()
_FR_TENS = {20: "vingt", 30: "trente", 40: "quarante", 50: "cinquante", 60: "soixante"}

_ES_UNITS = ("primero segundo tercero cuarto quinto sexto séptimo octavo noveno").split()
_ES_TEENS = ("décimo undécimo duodécimo decimotercero decimocuarto decimoquinto "
             "decimosexto decimoséptimo decimoctavo decimonoveno").split()
_ES_TENS = ("vigésimo trigésimo cuadragésimo quincuagésimo sexagésimo septuagésimo "
            "octogésimo nonagésimo").split()

_RU_UNITS = ("перв втор трет четверт пят шест седьм восьм девят").split()
_RU_TEENS = ("десят одиннадцат двенадцат тринадцат четырнадцат пятнадцат шестнадцат "
             "семнадцат восемнадцат девятнадцат").split()
_RU_TENS_CARD = ("двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят "
                 "девяносто").split()
_RU_TENS_ORD = ("двадцат тридцат сороков пятидесят шестидесят семидесят восьмидесят "
                "девяност").split()

_AR_UNITS = ("الأولى الثانية الثالثة الرابعة الخامسة السادسة السابعة الثامنة "
             "التاسعة").split()
_AR_TENS = ("العشرون الثلاثون الأربعون الخمسون الستون السبعون الثمانون التسعون").split()


def _fr_cardinal(n: int) -> str:
    if n <= 16:
        return _FR_CARD[n - 1]
    if n < 20:
        return "dix-" + _FR_CARD[n - 11]
    if n < 70:
        tens, unit = divmod(n, 10)
        base = _FR_TENS[tens * 10]
        return base if unit == 0 else base + (" et un" if unit == 1 else "-" + _FR_CARD[unit - 1])
    if n < 80:
        return "soixante" + (" et onze" if n == 71 else "-" + _fr_cardinal(n - 60))
    return "quatre-vingt" + ("s" if n == 80 else "-" + _fr_cardinal(n - 80))


def _fr_ordinal(n: int) -> list[str]:
    if n == 1:
        return ["premier", "première"]
    card = _fr_cardinal(n).removesuffix("s") if n == 80 else _fr_cardinal(n)
    if card.endswith("cinq"):
        stem = card + "u"
    elif card.endswith("neuf"):
        stem = card[:-1] + "v"
    elif card.endswith("e"):
        stem = card[:-1]
    else:
        stem = card
    out = [stem + "ième"]
    if n == 2:
        out += ["second", "seconde"]
    return out


@cache
def ordinals(lang: str) -> dict[str, int]:
    """Ordinal words of ``lang`` (lower case, as written in a masthead) -> number."""
    out: dict[str, int] = {}
    for n in range(1, 100):
        tens, unit = divmod(n, 10)
        if lang == "en":
            if n < 10:
                words = [_EN_UNITS[n - 1]]
            elif n < 20:
                words = [_EN_TEENS[n - 10]]
            elif unit == 0:
                words = [_EN_TENS_ORD[tens - 2]]
            else:
                words = [f"{_EN_TENS[tens - 2]}-{_EN_UNITS[unit - 1]}",
                         f"{_EN_TENS[tens - 2]} {_EN_UNITS[unit - 1]}"]
        elif lang == "fr":
            words = _fr_ordinal(n)
        elif lang == "es":
            if n < 10:
                words = [_ES_UNITS[n - 1]]
            elif n < 20:
                words = [_ES_TEENS[n - 10]]
            elif unit == 0:
                words = [_ES_TENS[tens - 2]]
            else:
                words = [f"{_ES_TENS[tens - 2]} {_ES_UNITS[unit - 1]}"]
        elif lang == "ru":  # stems: any case and gender ending follows
            if n < 10:
                words = [_RU_UNITS[n - 1]]
            elif n < 20:
                words = [_RU_TEENS[n - 10]]
            elif unit == 0:
                words = [_RU_TENS_ORD[tens - 2]]
            else:
                words = [f"{_RU_TENS_CARD[tens - 2]} {_RU_UNITS[unit - 1]}"]
        elif lang == "ar":
            unit_word = "الحادية" if unit == 1 and n > 10 else (
                _AR_UNITS[unit - 1] if unit else "")
            if n < 10:
                words = [_AR_UNITS[n - 1]]
            elif n == 10:
                words = ["العاشرة"]
            elif n < 20:
                words = [f"{unit_word} عشرة"]
            elif unit == 0:
                words = [_AR_TENS[tens - 2], _AR_TENS[tens - 2][:-2] + "ين"]
            else:
                ten = _AR_TENS[tens - 2]  # "التاسعة والستون", genitive "والستين"
                words = [f"{unit_word} و{ten}", f"{unit_word} و{ten[:-2]}ين"]
        else:
            words = []
        for word in words:
            out[word] = n
    return out


_ZH_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """1-99 written in Chinese numerals (六十九, 十二, 二十) or digits."""
    text = ascii_digits(unicodedata.normalize("NFKC", text)).strip()
    if text.isdigit():
        return int(text)
    m = re.fullmatch(r"([一二三四五六七八九])?(十)?([一二三四五六七八九])?", text)
    if not m or not text:
        return None
    tens, ten, unit = m.groups()
    if ten:
        return (_ZH_DIGITS[tens] if tens else 1) * 10 + (_ZH_DIGITS[unit] if unit else 0)
    return _ZH_DIGITS[unit] if unit and not tens else None


def _alternation(lang: str) -> str:
    return "|".join(re.escape(w) for w in sorted(ordinals(lang), key=len, reverse=True))


@cache
def _patterns() -> tuple[tuple[str, str, re.Pattern, str], ...]:
    """(period name, language, pattern, keyword): group 1 the ordinal (word or digits);
    the pattern cannot match a line without its keyword (lower-cased), and a search for
    hundreds of ordinal words at every position of a long line is what costs, so the
    keyword is looked for first."""
    en, fr, es, ru, ar = (_alternation(x) for x in ("en", "fr", "es", "ru", "ar"))
    return (
        ("session", "en", re.compile(rf"\b({en}|\d{{1,2}}(?:st|nd|rd|th))\s+(?:special\s+|"
                                     rf"emergency\s+special\s+|regular\s+)?session\b", re.I),
         "session"),
        ("year", "en", re.compile(rf"\b({en})\s+year\b", re.I), "year"),
        ("session", "fr", re.compile(rf"\b({fr}|\d{{1,2}}e)\s+session\b", re.I), "session"),
        ("year", "fr", re.compile(rf"\b({fr})\s+année\b", re.I), "année"),
        ("session", "es", re.compile(rf"\b({es}|\d{{1,2}}º)\s+(?:período|periodo)\s+"
                                     rf"(?:extraordinario\s+)?de\s+sesiones\b", re.I),
         "sesiones"),
        ("year", "es", re.compile(rf"\b({es})\s+año\b", re.I), "año"),
        ("session", "ru", re.compile(rf"(?<!\w)({ru}|\d{{1,2}}-[йя])\w*\s+(?:специальн\w+\s+)?"
                                     rf"сесси", re.I), "сесси"),
        ("year", "ru", re.compile(rf"(?<!\w)({ru})\w*\s+год(?!\w)", re.I), "год"),
        ("session", "ar", re.compile(rf"الدورة\s+(?:الاستثنائية\s+)?({ar}|\d{{1,2}})(?!\w)"),
         "الدورة"),
        ("year", "ar", re.compile(rf"السنة\s+({ar})(?!\w)"), "السنة"),
        ("session", "zh", re.compile(r"第\s*([一二三四五六七八九十\d]{1,3})\s*届(?:特别)?会议"),
         "届"),
        ("year", "zh", re.compile(r"第\s*([一二三四五六七八九十\d]{1,3})\s*年"), "年"),
    )


def _number(word: str, lang: str) -> int | None:
    word = word.lower()
    digits = re.match(r"\d+", word)
    if digits:
        return int(digits.group(0))
    if lang == "zh":
        return chinese_number(word)
    table = ordinals(lang)
    if lang == "ru":
        return max((n for stem, n in table.items() if word.startswith(stem)),
                   key=lambda n: n, default=None) if word not in table else table[word]
    return table.get(re.sub(r"\s+", " ", word))


def period_in_text(text: str, lines: int = 25) -> tuple[Period, int] | None:
    """A session or year the top of the text names ("Sixty-ninth session", "Seventieth
    year", "第六十九届会议"), with its line. A Security Council year counts from 1946."""
    for number, line in enumerate(text.splitlines()[:lines]):
        folded = unicodedata.normalize("NFKC", ascii_digits(line)).strip()
        lowered = folded.lower()
        for name, lang, pattern, keyword in _patterns():
            m = keyword in lowered and pattern.search(folded)
            if not m:
                continue
            n = _number(m.group(1), lang)
            if not n:
                continue
            value = str(SC_FIRST_YEAR + n) if name == "year" else str(n)
            return Period(name, value), number
    return None
