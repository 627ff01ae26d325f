"""UN document symbols: the one place in Hemicycle that parses, normalises and compares them.

A symbol is a series prefix and slash-separated parts (``A/C.3/74/L.25/Rev.1``,
``S/RES/2334 (2016)``). The same symbol reaches us in many spellings: upper or lower
case, with or without the space before a bracket, underscored as in corpora
(``s/res/2213__2015_``), encoded in file names (``A_79_PV.1-EN.pdf``), as roll-call ids
(``R/70/5``) or as bare old-style resolution numbers (``2758 (XXVI)``). Everything that
stores, looks up or sorts symbols goes through this module, so that every variant
becomes one canonical form (``Symbol.canonical``) and one comparison key
(``Symbol.key``). Rules are in ../shared/DOMAIN.md, "Document symbols".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from hemicycle.languages import UnknownLanguage, normalise_language


class SymbolError(ValueError):
    """The text is not a document symbol; the message says why."""


# --- bodies -----------------------------------------------------------------------------

#: Body code -> English name. Codes are what ``Symbol.body`` holds.
BODIES: dict[str, str] = {
    "GA": "General Assembly",
    "SC": "Security Council",
    "ECOSOC": "Economic and Social Council",
    "TC": "Trusteeship Council",
    "HRC": "Human Rights Council",
    "ST": "Secretariat",
    "CEDAW": "Committee on the Elimination of Discrimination against Women",
    "CCPR": "Human Rights Committee",
    "CESCR": "Committee on Economic, Social and Cultural Rights",
    "CERD": "Committee on the Elimination of Racial Discrimination",
    "CAT": "Committee against Torture",
    "CRC": "Committee on the Rights of the Child",
    "CRPD": "Committee on the Rights of Persons with Disabilities",
    "CMW": "Committee on Migrant Workers",
    "CED": "Committee on Enforced Disappearances",
    "NPT": "Review Conference of the Parties to the Treaty on the Non-Proliferation "
           "of Nuclear Weapons",
    "CD": "Conference on Disarmament",
    "UNICEF": "Executive Board of the United Nations Children's Fund",
    "DP": "Executive Board of UNDP, UNFPA and UNOPS",
    "UNW": "Executive Board of UN-Women",
    "UNEP": "United Nations Environment Programme",
    "HSP": "United Nations Human Settlements Programme (UN-Habitat)",
    "UNCTAD": "United Nations Conference on Trade and Development",
    "UNIDO": "United Nations Industrial Development Organization",
    "PBC": "Peacebuilding Commission",
    "ISA": "International Seabed Authority",
    "SPLOS": "Meeting of States Parties to the United Nations Convention on the Law of the Sea",
    "CLCS": "Commission on the Limits of the Continental Shelf",
    "CAC": "Conference of the States Parties to the United Nations Convention against "
           "Corruption",
    "CTOC": "Conference of the Parties to the United Nations Convention against "
            "Transnational Organized Crime",
    "UNFCCC": "United Nations Framework Convention on Climate Change",
    "UNCCD": "United Nations Convention to Combat Desertification",
    "JIU": "Joint Inspection Unit",
    "CEB": "United Nations System Chief Executives Board for Coordination",
    "ICSC": "International Civil Service Commission",
    "ECE": "Economic Commission for Europe",
    "ECLAC": "Economic Commission for Latin America and the Caribbean",
    "WFP": "Executive Board of the World Food Programme",
}

# First token of a symbol (and, for some, its second part) -> body code.
_SERIES: dict[str, str] = {
    "A": "GA", "S": "SC", "E": "ECOSOC", "T": "TC", "ST": "ST",
    "CEDAW": "CEDAW", "CCPR": "CCPR", "CERD": "CERD", "CAT": "CAT", "CRC": "CRC",
    "CRPD": "CRPD", "CMW": "CMW", "CED": "CED", "NPT": "NPT", "CD": "CD",
    "DP": "DP", "UNW": "UNW", "UNEP": "UNEP", "HSP": "HSP", "TD": "UNCTAD",
    "UNCTAD": "UNCTAD", "IDB": "UNIDO", "ISBA": "ISA", "SPLOS": "SPLOS", "CLCS": "CLCS",
    "CAC": "CAC", "CTOC": "CTOC", "FCCC": "UNFCCC", "ICCD": "UNCCD", "JIU": "JIU",
    "CEB": "CEB", "ICSC": "ICSC", "ECE": "ECE", "LC": "ECLAC", "WFP": "WFP", "PBC": "PBC",
    # Roll-call ids of General Assembly votes (Voeten's data set): R/<session>/<number>,
    # ESS/<emergency special session>/..., SS/<special session>/..., GOAR/<session>/...
    "R": "GA", "ESS": "GA", "SS": "GA", "GOAR": "GA",
}
_SECOND_PART_BODY: dict[tuple[str, str], str] = {
    ("A", "HRC"): "HRC",
    ("E", "ICEF"): "UNICEF",
    ("E", "C.12"): "CESCR",
}
_ROLL_CALL = {"R", "ESS", "SS", "GOAR"}
_TREATY_BODIES = {"CEDAW", "CCPR", "CESCR", "CERD", "CAT", "CRC", "CRPD", "CMW", "CED"}

# Suffix words (upper-case token -> how the DHL writes it).
_SUFFIXES = {"ADD": "Add", "CORR": "Corr", "REV": "Rev", "AMEND": "Amend", "SUMMARY": "Summary"}
# Words the UN writes in mixed case inside a symbol.
_MIXED_CASE = {"AGENDA": "Agenda"}

# Markers that say what kind of document a symbol is; value: (type, needs a number).
_TYPE_MARKERS: dict[str, tuple[str, bool | None]] = {
    "RES": ("resolution", None),
    "DEC": ("decision", None),
    "L": ("draft resolution", True),
    "PV": ("meeting record", True),
    "SR": ("summary record", True),
    "PRST": ("presidential statement", False),
    "AGENDA": ("agenda", False),
    "INF": ("information document", None),
    "WP": ("working paper", True),
    "CRP": ("conference room paper", True),
    "NGO": ("NGO statement", False),
}

_MIN_YEAR, _MAX_YEAR = 1946, 2100
_MAX_LENGTH = 200
_ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_SESSION = re.compile(r"(?:(ES|S)-)?([IVXLCDM]+)")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")
# Marks copied along with a symbol from Arabic or web text: direction marks, byte-order mark,
# zero-width spaces. They are invisible and never part of a symbol.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d"
                                    "\u202e\u2066\u2067\u2068\u2069\ufeff\u061c"), None)
_BAD_CHAR = re.compile(r"[^A-Za-z0-9/.\-_() ]")
_BARE_RESOLUTION = re.compile(r"(\d+)\s*([A-Z]?)\s*\(\s*((?:E?S-)?[IVXLC]+)\s*\)", re.I)
_UNDERSCORE_BRACKET = re.compile(r"(.*?\d)_{1,2}([a-z0-9].*)_", re.I)
_TOKEN = re.compile(r"[A-Z]+|[0-9]+")
_PART = re.compile(r"([^()]*?)\s*(?:\(([^()]*)\))?")
_INNER_SPACE = re.compile(r"[A-Z0-9] [A-Z0-9]")
_LETTERED = re.compile(r"\d+ [A-Z]")
_DIGIT_DASH_LETTER = re.compile(r"\d\s*-\s*[A-Z]")
_MISPLACED = re.compile(r"[.\-]{2,}|^[.\-]|[.\-]$")
_SPACES = re.compile(r"\s+")
_SLASH = re.compile(r"\s*/\s*")
_NATURAL_TOKEN = re.compile(r"\d+|[^\d\s/.\-()]+")


# --- the parsed symbol ------------------------------------------------------------------

@dataclass(frozen=True)
class Symbol:
    """A parsed symbol. ``canonical`` is the DHL form; ``key`` is equal for every
    variant of the same symbol and is what lookups and uniqueness use."""

    canonical: str
    key: str
    body: str | None
    session: str | None
    year: int | None
    doc_type: str | None
    parts: tuple[str, ...]
    base: str  # canonical without the suffixes (Add./Corr./Rev./Amend./Summary)
    suffixes: tuple[str, ...]
    qualifier: str | None = None  # bracket text other than a year or roman session
    resolution: str | None = None  # for roll-call ids: the resolution the vote names

    @property
    def body_name(self) -> str | None:
        return BODIES.get(self.body) if self.body else None


@dataclass
class _Part:
    tokens: list[str]
    text: str
    bracket: str | None = None  # rendered bracket content
    year: int | None = None  # bracket holding a year: S/RES/2334 (2016)
    roman: str | None = None  # bracket holding a roman session: 2758 (XXVI) -> "26"
    suffix: bool = False

    @property
    def rendered(self) -> str:
        return f"{self.text} ({self.bracket})" if self.bracket else self.text


# --- public functions -------------------------------------------------------------------

def parse_symbol(text: str) -> Symbol:
    """Parse any accepted spelling of a symbol; raise SymbolError saying why not."""
    if not isinstance(text, str):
        raise SymbolError(f"expected text, got {type(text).__name__}")
    return _parse(text)


@lru_cache(maxsize=16384)  # the same symbols come back often (manifests, joins, lookups)
def _parse(text: str) -> Symbol:
    cleaned = _prepare(text)
    bare = _BARE_RESOLUTION.fullmatch(cleaned)
    if bare:
        letter = f" {bare.group(2)}" if bare.group(2) else ""
        cleaned = f"A/RES/{bare.group(1)}{letter} ({bare.group(3)})"
    if "_" in cleaned:
        cleaned = _from_underscored(cleaned)
    parts = [_parse_part(raw, i) for i, raw in enumerate(_split_parts(cleaned))]
    return _build(parts)


def normalise_symbol(text: str) -> str:
    """The canonical (DHL) form of a symbol, e.g. ``S/RES/2334 (2016)``."""
    return parse_symbol(text).canonical


def symbol_key(text: str) -> str:
    """The comparison key: equal for all variants of one symbol (raises SymbolError)."""
    return parse_symbol(text).key


_RUNNING_NUMBER = re.compile(r"(.*/)(\d+)")


def series_position(text: str) -> tuple[str, int, bool] | None:
    """(series, number, whether it is an addendum/corrigendum/revision) of a numbered
    document: ``S/2015/102`` is number 102 of ``S/2015/``, ``S/2015/10/Add.1`` an
    addendum to number 10; None for a symbol without a running number
    (``S/RES/2334 (2016)`` has one: 2334 of ``S/RES/``). Raises SymbolError."""
    sym = parse_symbol(text)
    base = sym.base.split(" (")[0]
    found = _RUNNING_NUMBER.fullmatch(base.upper())
    if found is None:
        return None
    return found.group(1), int(found.group(2)), bool(sym.suffixes)


def is_symbol(text: str) -> bool:
    """Whether ``text`` is a document symbol in any accepted spelling (a local identifier
    such as ``scan-12`` or an LC control number is not)."""
    try:
        parse_symbol(text)
    except SymbolError:
        return False
    return True


def looks_like_symbol(text: str) -> bool:
    """Whether a search-box query is a symbol (and should lead straight to a document)."""
    if not isinstance(text, str) or not text.strip() or len(text) > _MAX_LENGTH:
        return False
    stripped = text.strip()
    if "/" not in stripped and not _BARE_RESOLUTION.fullmatch(stripped):
        return False
    try:
        parse_symbol(stripped)
    except SymbolError:
        return False
    return True


def symbol_sort_key(text: str) -> tuple:
    """Natural order: numbers numerically, the base before its suffixes; text that is
    not a symbol sorts after all symbols, naturally too."""
    try:
        sym = parse_symbol(text)
    except SymbolError:
        return (1, _natural(str(text).upper()))
    return (0, _natural(sym.canonical.upper()))


def symbol_from_filename(name: str) -> tuple[str, str | None]:
    """(canonical symbol, language) from a file name such as ``A_79_PV.1-EN.pdf``.

    In file names ``/`` is written ``_``, a space ``_`` and the language follows a ``-``
    (``S_RES_2334(2016)-EN.pdf``); a leading ISO date (``1971-09-29_A_L.632-EN.pdf``) and
    the CR-UNSC form ``S_RES_0001_1946_EN_GOLD.txt`` are understood too. The language is
    a two-letter code, or None when the name carries none.
    """
    stem = PurePath(str(name)).name
    ext = re.search(r"\.(pdf|docx?|txt|html?|xml|rtf|odt|wpf|tiff?|jpe?g|png|json|md|zip)$",
                    stem, re.I)
    if ext:
        stem = stem[: ext.start()]
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}[_ ]", "", stem)
    language = None
    lang = re.search(r"([-_])([A-Za-z]{2,7})(?:_GOLD)?$", stem, re.I)
    if lang:
        language = _language_code(lang.group(2), strict=lang.group(1) == "_")
        if language is not None:
            stem = stem[: lang.start()]
    if not stem:
        raise SymbolError(f"file name {name!r} holds no symbol")
    text = re.sub(r"_+\(", " (", stem).replace("_", "/")
    cr_unsc = re.fullmatch(r"(S/RES/\d+)/(\d{4})", text, re.I)
    if cr_unsc:
        text = f"{cr_unsc.group(1)} ({cr_unsc.group(2)})"
    try:
        return parse_symbol(text).canonical, language
    except SymbolError as exc:
        raise SymbolError(f"file name {name!r}: {exc}") from None


def expand_symbol_list(text: str) -> list[str]:
    """Canonical symbols named by free text: ``A/72/5 and Add.1-3``, ``S/2015/10/Corr.1, 2``.

    Fragments are separated by commas, semicolons, "and" or "&". A fragment is a whole
    symbol (which may end in a range ``Add.1-3`` or ``L.31-44``, or be the masthead of a
    joint document, ``A/ES-10/738-S/2017/14``, which gives both symbols), a suffix (``Add.1``,
    ``Corr.1-2``; it belongs to the last whole symbol written, replacing that symbol's
    last suffix when it is of the same kind) or a bare number or range continuing the
    previous one (``Corr.1, 2``).
    """
    fragments = [f.strip() for f in re.split(r"\s*(?:,|;|&|\band\b|\n)\s*", str(text), flags=re.I)]
    fragments = [f for f in fragments if f]
    if not fragments:
        raise SymbolError("no symbol in an empty list")
    out: list[str] = []
    anchor: Symbol | None = None
    for fragment in fragments:
        if len(fragment) > _MAX_LENGTH:
            raise SymbolError(f"{fragment[:40]!r}...: too long for a symbol or a range "
                              f"({len(fragment)} characters, at most {_MAX_LENGTH})")
        suffix = re.fullmatch(
            r"(add|corr|rev|amend)\.?\s*(\d+)(?:\s*(?:-|to)\s*(\d+))?((?:/[A-Za-z]+\.?\s*\d+)*)",
            fragment.translate(_DASHES), re.I)
        number = re.fullmatch(r"(\d+)(?:\s*(?:-|to)\s*(\d+))?", fragment.translate(_DASHES))
        if suffix:
            if anchor is None:
                raise SymbolError(f"{fragment!r} comes before any symbol it could belong to")
            word = _SUFFIXES[suffix.group(1).upper()]
            tail = suffix.group(4) or ""
            base = anchor.canonical
            if anchor.suffixes and anchor.suffixes[-1].split(".")[0] == word:
                base = anchor.canonical.rsplit("/", 1)[0]
            for n in _range(fragment, suffix.group(2), suffix.group(3)):
                out.append(normalise_symbol(f"{base}/{word}.{n}{tail}"))
        elif number:
            if not out:
                raise SymbolError(f"{fragment!r} comes before any symbol it could continue")
            previous = out[-1]
            last = re.search(r"(\d+)(?!.*\d)", previous.rsplit("/", 1)[-1])
            if last is None or "(" in previous.rsplit("/", 1)[-1]:
                raise SymbolError(f"{fragment!r} cannot continue {previous!r}")
            head = previous[: len(previous) - len(previous.rsplit("/", 1)[-1])]
            stem = previous.rsplit("/", 1)[-1][: last.start()]
            for n in _range(fragment, number.group(1), number.group(2)):
                out.append(normalise_symbol(f"{head}{stem}{n}"))
        else:
            anchor, expanded = _whole_fragment(fragment)
            out.extend(expanded)
    seen: set[str] = set()
    unique = []
    for sym in out:
        if sym not in seen:
            seen.add(sym)
            unique.append(sym)
    return unique


# --- parsing ----------------------------------------------------------------------------

def _prepare(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_INVISIBLE).strip()
    s = _SPACES.sub(" ", s)
    s = s.rstrip("*").strip()  # "A/69/L.63*": a reissue mark, not part of the symbol
    s = _SLASH.sub("/", s)
    if not s:
        raise SymbolError("empty symbol")
    if len(s) > _MAX_LENGTH:
        raise SymbolError(f"too long for a symbol ({len(s)} characters, at most {_MAX_LENGTH})")
    bad = _BAD_CHAR.search(s)
    if bad:
        raise SymbolError(f"unexpected character {bad.group(0)!r} at position {bad.start() + 1}")
    return s


def _from_underscored(s: str) -> str:
    """Corpus form (``s/res/2213__2015_``, ``a/69/l_63``) to a spelling the parser reads.

    ``_`` stood for ``.``, ``-``, a space or a bracket; which one is decided later by the
    rules that render each part, so here it only needs to become a neutral separator."""
    out = []
    for part in s.split("/"):
        m = _UNDERSCORE_BRACKET.fullmatch(part)
        if m:
            inner = m.group(2).replace("__", ". ").replace("_", " ")
            out.append(f"{m.group(1).replace('_', '.')} ({inner})")
        else:
            out.append(part.strip("_").replace("_", "."))
    return "/".join(out)


def _split_parts(s: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in s:
        if ch == "(":
            depth += 1
            if depth > 1:
                raise SymbolError("nested brackets")
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise SymbolError("')' without '('")
        if ch == "/" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if depth:
        raise SymbolError("'(' without ')'")
    parts.append("".join(current))
    if len(parts) == 1:
        raise SymbolError(f"{s!r} has no '/': a symbol is a series and parts, like A/74/5")
    for i, part in enumerate(parts):
        if not part.strip():
            where = "at the end" if i == len(parts) - 1 else (
                "at the start" if i == 0 else f"after {'/'.join(parts[:i])!r}")
            raise SymbolError(f"empty part {where}")
    return parts


def _parse_part(raw: str, index: int) -> _Part:
    m = _PART.fullmatch(raw.strip())
    if m is None:
        raise SymbolError(f"part {raw!r}: text after a bracket")
    main, bracket = m.group(1).strip(), m.group(2)
    if not main:
        raise SymbolError(f"part {raw!r} has a bracket but nothing before it")
    upper = main.upper()
    if " " in upper and _INNER_SPACE.search(upper) and not _LETTERED.fullmatch(upper):
        raise SymbolError(f"space inside part {main!r}")
    if _MISPLACED.search(upper.replace(" ", "")):
        raise SymbolError(f"part {main!r}: misplaced '.' or '-'")
    if _DIGIT_DASH_LETTER.search(upper):
        raise SymbolError(f"part {main!r}: '-' between a number and a letter (two symbols of a "
                          "joint document? expand_symbol_list splits them)")
    tokens = _TOKEN.findall(upper)
    part = _Part(tokens=tokens, text="")
    word = tokens[0]
    if index > 0 and word in _SUFFIXES:
        part.suffix = True
        part.text = _render_suffix(main, tokens)
    else:
        part.text = _render(tokens)
    if bracket is not None:
        _read_bracket(part, bracket.strip(), raw)
    return part


def _render_suffix(main: str, tokens: list[str]) -> str:
    word = _SUFFIXES[tokens[0]]
    if word == "Summary":
        if len(tokens) != 1:
            raise SymbolError(f"suffix {main!r}: Summary takes no number")
        return word
    if len(tokens) == 1:
        raise SymbolError(f"suffix {main!r} needs a number, like {word}.1")
    if len(tokens) == 3 and tokens[1].isdigit() and tokens[2].isdigit():
        raise SymbolError(f"{main!r} is a range of symbols, not one; use expand_symbol_list")
    if len(tokens) != 2 or not tokens[1].isdigit():
        raise SymbolError(f"suffix {main!r}: expected {word}.<number>")
    return f"{word}.{int(tokens[1])}"


def _render(tokens: list[str]) -> str:
    """One part in DHL spelling; separators come from rules, not from the input, which is
    why ``L.63``, ``l_63`` and ``L63`` all agree."""
    toks = [str(int(t)) if t.isdigit() else _MIXED_CASE.get(t, t) for t in tokens]
    if (len(toks) == 3 and toks[0].isalpha() and toks[1].isdigit() and toks[2].isdigit()
            and toks[0] not in ("ES", "S")):
        raise SymbolError(f"'{toks[0]}.{toks[1]}-{toks[2]}' is a range of symbols, not one; "
                          "use expand_symbol_list")
    out = toks[0]
    for prev, tok in zip(toks, toks[1:], strict=False):
        if prev.isdigit() and tok.isdigit():
            sep = "-"
        elif prev.isdigit():
            sep = ""  # 1069B, 29D
        elif prev in ("ES", "S") and tok.isdigit() and len(toks) == 2:
            sep = "-"  # ES-10, S-27
        else:
            sep = "."
        out += sep + tok
    return out


def _read_bracket(part: _Part, text: str, raw: str) -> None:
    if not text:
        raise SymbolError(f"part {raw!r}: empty brackets")
    upper = text.upper().replace(" ", "")
    if re.fullmatch(r"\d{4}", upper):
        year = int(upper)
        if not _MIN_YEAR <= year <= _MAX_YEAR:
            raise SymbolError(f"part {raw!r}: year {year} is outside {_MIN_YEAR}-{_MAX_YEAR}")
        part.year, part.bracket = year, str(year)
        return
    roman = _ROMAN_SESSION.fullmatch(upper)
    if roman and _ROMAN.fullmatch(roman.group(2)) and part.tokens[0].isdigit():
        number = _roman_value(roman.group(2))
        prefix = f"{roman.group(1)}-" if roman.group(1) else ""
        part.roman = f"{prefix}{number}"
        part.bracket = f"{prefix}{roman.group(2)}"
        return
    part.bracket = _render_qualifier(text, raw)


_QUALIFIER_WORDS = {"SECT": "sect.", "VOL": "vol.", "CHAP": "chap.", "SUPPL": "Suppl.",
                    "SUPP": "Suppl.", "NO": "No."}
_ROMAN_AFTER = {"PART", "VOL", "CHAP", "ANNEX", "SECT", "BOOK"}


def _render_qualifier(text: str, raw: str) -> str:
    """``(Sect. 29D)``, ``(Part I)``, ``(Income sect. 1)``, ``(Resumption 1)``."""
    if re.search(r"[^A-Za-z0-9.\- ]", text):
        raise SymbolError(f"part {raw!r}: unexpected character in brackets")
    words = re.findall(r"[A-Za-z]+|\d+[A-Za-z]*", text)
    if not words:
        raise SymbolError(f"part {raw!r}: brackets hold no words or numbers")
    out = []
    for i, w in enumerate(words):
        up = w.upper()
        if up[0].isdigit():
            out.append(str(int(re.match(r"\d+", up).group(0))) + up.lstrip("0123456789"))
        elif up in _QUALIFIER_WORDS:
            out.append(_QUALIFIER_WORDS[up])
        elif _ROMAN.fullmatch(up) and (len(words) == 1 or
                                         (i > 0 and words[i - 1].upper() in _ROMAN_AFTER)):
            out.append(up)
        else:
            out.append(w.lower())
    rendered = " ".join(out)
    return rendered[0].upper() + rendered[1:]


def _roman_value(roman: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for ch, nxt in zip(roman, roman[1:] + " ", strict=True):
        v = values[ch]
        total += -v if nxt != " " and values[nxt] > v else v
    return total


def _build(parts: list[_Part]) -> Symbol:
    first = parts[0]
    if first.suffix or first.bracket:
        raise SymbolError(f"{first.rendered!r} cannot begin a symbol")
    series = first.tokens[0]
    if series not in _SERIES:
        raise SymbolError(f"unknown series {first.text!r}: a symbol begins with a body's "
                          f"series, like A, S, E, ST, CEDAW or NPT")
    body = _SERIES[series]
    if series == "PBC" and len(first.tokens) > 1:
        body = "UNIDO"  # PBC.31/11: UNIDO's Programme and Budget Committee
    if len(parts) > 1:
        body = _SECOND_PART_BODY.get((first.text, parts[1].text), body)
    if not any(ch.isdigit() for p in parts for ch in p.rendered) and not any(
            p.roman for p in parts):
        raise SymbolError("a symbol has a number somewhere; this one has none")
    seen_suffix = False
    for p in parts:
        if p.suffix:
            seen_suffix = True
        elif seen_suffix:
            raise SymbolError(f"part {p.rendered!r} follows a suffix; only Add., Corr., Rev., "
                              "Amend. or Summary may")
    body_parts = [p for p in parts if not p.suffix]
    _space_resolution_letter(body_parts)
    if len(body_parts) < 2:
        raise SymbolError(f"{parts[1].text!r} needs a document before it")

    if series in _ROLL_CALL:
        session, doc_type, resolution = _roll_call(parts, series)
        year = None
    else:
        doc_type = _doc_type(body_parts, body)
        session, year = _session_and_year(body_parts, series, body)
        resolution = None

    qualifier = next((p.bracket for p in parts if p.bracket and p.year is None
                      and p.roman is None), None)
    canonical_parts = tuple(p.rendered for p in parts)
    canonical = "/".join(canonical_parts)
    key_parts = [p.text if _bracket_is_redundant(p, parts, i) else p.rendered
                 for i, p in enumerate(parts)]
    key = "/".join(key_parts).upper().replace(" ", "")
    base = "/".join(p.rendered for p in body_parts)
    return Symbol(
        canonical=canonical, key=key, body=body, session=session, year=year,
        doc_type=doc_type, parts=canonical_parts, base=base,
        suffixes=tuple(p.text for p in parts if p.suffix), qualifier=qualifier,
        resolution=resolution,
    )


def _space_resolution_letter(parts: list[_Part]) -> None:
    """Parts of a resolution are written ``A/RES/31/6 H``, ``A/RES/2200 A (XXI)``."""
    if len(parts) >= 3 and parts[0].text in ("A", "E") and parts[1].tokens == ["RES"]:
        last = parts[-1]
        if (len(last.tokens) == 2 and last.tokens[0].isdigit() and last.tokens[1].isalpha()
                and len(last.tokens[1]) <= 2):
            last.text = f"{int(last.tokens[0])} {last.tokens[1]}"


def _bracket_is_redundant(part: _Part, parts: list[_Part], index: int) -> bool:
    """Resolution numbers are unique on their own (S/RES/2049, A/RES/2758): the year or
    roman session in brackets is left out of the key so that both spellings agree."""
    if part.year is None and part.roman is None:
        return False
    return index == 2 and parts[1].tokens == ["RES"] and parts[0].text in ("S", "A", "E")


def _roll_call(parts: list[_Part], series: str) -> tuple[str, str, str | None]:
    if len(parts) < 3 or not parts[1].text.isdigit():
        raise SymbolError(f"roll-call id needs {series}/<session>/<number>, "
                          f"got {'/'.join(p.rendered for p in parts)!r}")
    n = int(parts[1].text)
    session = {"ESS": f"ES-{n}", "SS": f"S-{n}"}.get(series, str(n))
    resolution = None
    m = re.fullmatch(r"(\d+)([A-Z]*)", parts[2].text)
    if series == "R" and len(parts) == 3 and m:
        letter = f" {m.group(2)}" if m.group(2) else ""
        resolution = (f"A/RES/{n}/{m.group(1)}{letter}" if n >= 31
                      else f"A/RES/{m.group(1)}{letter} ({_to_roman(n)})")
    return session, "vote", resolution


def _to_roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def _doc_type(parts: list[_Part], body: str) -> str | None:
    found = None
    for i, p in enumerate(parts[1:], start=1):
        word = p.tokens[0]
        if body in _TREATY_BODIES and p.tokens == ["GC"]:
            found = "general comment"
            continue
        if word not in _TYPE_MARKERS:
            continue
        kind, numbered = _TYPE_MARKERS[word]
        has_number = len(p.tokens) == 2 and p.tokens[1].isdigit()
        if numbered is True and not has_number:
            if len(p.tokens) == 1 and i == len(parts) - 1:
                raise SymbolError(f"{p.text!r} needs a number, like {p.text}.1")
            continue
        if numbered is False and len(p.tokens) != 1:
            continue
        if numbered is not True and len(p.tokens) == 1 and i == len(parts) - 1:
            raise SymbolError(f"{'/'.join(q.rendered for q in parts)!r} ends at {p.text!r}: "
                              "the document number is missing")
        found = kind
    if found == "resolution":
        _check_resolution(parts)
    return found


def _check_resolution(parts: list[_Part]) -> None:
    if parts[0].text == "S" and parts[1].tokens == ["RES"]:
        number = parts[2]
        if len(parts) != 3 or not number.tokens[0].isdigit() or len(number.tokens) != 1:
            raise SymbolError("a Security Council resolution is S/RES/<number> (<year>), got "
                              f"{'/'.join(p.rendered for p in parts)!r}")


def _session_and_year(parts: list[_Part], series: str, body: str) -> tuple[str | None, int | None]:
    year = _year(parts)
    session: str | None = None
    if series == "A":
        session = _ga_session(parts)
    elif body == "SC":
        session = str(year - 1945) if year else None
    elif body == "ECOSOC":
        roman = next((p.roman for p in parts if p.roman), None)
        session = str(year) if year else roman
    elif body in _TREATY_BODIES and len(parts) > 3 and parts[2].text.isdigit():
        session = parts[2].text  # CEDAW/C/60/...: the committee's session
    return session, year


def _year(parts: list[_Part]) -> int | None:
    for p in parts:
        if p.year is not None:
            return p.year
    # A year-part is always followed by the document's own number (S/2015/305); a bare
    # final number is the document number itself (old A/2087, S/1946).
    for p in parts[1:-1]:
        if len(p.tokens) == 1 and len(p.tokens[0]) == 4 and p.tokens[0].isdigit():
            y = int(p.tokens[0])
            if _MIN_YEAR <= y <= _MAX_YEAR:
                return y
    for p in parts:  # NPT/CONF.2015/...
        if len(p.tokens) == 2 and p.tokens[0] == "CONF" and re.fullmatch(r"\d{4}", p.tokens[1]):
            y = int(p.tokens[1])
            if _MIN_YEAR <= y <= _MAX_YEAR:
                return y
    return None


_GA_SKIP = {"RES", "INF", "DEC", "BUR", "HRC"}


def _ga_session(parts: list[_Part]) -> str | None:
    i = 1
    while i < len(parts) and (parts[i].tokens[0] in _GA_SKIP and len(parts[i].tokens) == 1
                              or (parts[i].tokens[0] == "C" and len(parts[i].tokens) == 2)):
        i += 1
    if i >= len(parts):
        return None
    p = parts[i]
    if p.roman:
        return p.roman
    if len(p.tokens) == 2 and p.tokens[0] in ("ES", "S") and p.tokens[1].isdigit():
        return p.text
    if p.text.isdigit() and int(p.text) <= 200 and i < len(parts) - 1:
        return p.text
    return None


def _natural(text: str) -> tuple:
    """Numbers compare by value (length, then digits: no int() of a 100,000-digit run)."""
    out = []
    for t in _NATURAL_TOKEN.findall(text):
        if t.isdigit():
            digits = t.lstrip("0") or "0"
            out.append((0, len(digits), digits))
        else:
            out.append((1, 0, t))
    return tuple(out)


def _range(fragment: str, start: str, end: str | None) -> range:
    a = int(start)
    b = int(end) if end else a
    if b < a:
        raise SymbolError(f"{fragment!r}: range runs backwards")
    if b - a > 500:
        raise SymbolError(f"{fragment!r}: range of {b - a + 1} symbols is too long (at most 501)")
    return range(a, b + 1)


def _whole_fragment(fragment: str) -> tuple[Symbol, list[str]]:
    try:
        sym = parse_symbol(fragment)
        return sym, [sym.canonical]
    except SymbolError as exc:
        cleaned = fragment.translate(_DASHES)
        joint = _joint_symbols(cleaned)
        if joint:
            return joint[-1], [j.canonical for j in joint]
        m = re.fullmatch(r"(.*[A-Za-z]\.?\s*)(\d+)\s*(?:-|to)\s*(\d+)", cleaned, re.I)
        if m is None:
            raise SymbolError(f"{fragment!r}: {exc}") from None
        first = parse_symbol(m.group(1) + m.group(2))
        expanded = [normalise_symbol(m.group(1) + str(n))
                    for n in _range(fragment, m.group(2), m.group(3))]
        return first, expanded


def _joint_symbols(text: str) -> list[Symbol]:
    """A joint document's masthead symbol, ``A/72/565-S/2017/922``: split at the dash that
    leaves a symbol on both sides (``A/ES-10/738-S/2017/14`` has another dash inside)."""
    for m in re.finditer(r"\s*-\s*(?=[A-Za-z]+[/.])", text):
        left, right = text[: m.start()], text[m.end():]
        try:
            first = parse_symbol(left)
        except SymbolError:
            continue
        try:
            return [first, parse_symbol(right)]
        except SymbolError:
            rest = _joint_symbols(right)
            if rest:
                return [first, *rest]
    return []


def _language_code(tag: str, strict: bool) -> str | None:
    """A file-name language tag as a code; after ``-`` an unknown two-letter tag (``DE``)
    is kept as it is, after ``_`` only one of the six counts (``_GC`` is a symbol part)."""
    try:
        return normalise_language(tag)
    except UnknownLanguage:
        if strict:
            return None
        return tag.lower() if len(tag) == 2 and tag.isalpha() else None
