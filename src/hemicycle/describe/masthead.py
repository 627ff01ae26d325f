"""The masthead: what the top of a UN document prints about itself.

Symbol(s), distribution, date and original language at the top right; the body and
session; for a resolution, the number its heading prints ("RESOLUTION 777 (1992)",
"2758 (XXVI).", "47/1.") and, in square brackets, the draft it was adopted from. Symbols
are parsed by ``hemicycle.symbols`` only; this module finds the candidates.
"""

from __future__ import annotations

import re
from functools import lru_cache

from hemicycle.symbols import parse_symbol

HEADER_LINES = 20  # the masthead is in the first lines of the page

_SYMBOL_CANDIDATE = re.compile(
    r"(?<![\w/])([A-Z]{1,10}(?:\.\d+)?(?:/[A-Za-z0-9.\-]+){1,7}(?:\s*\((?:19|20)\d\d\))?)")
_S_MISREAD = re.compile(r"(?<![\w/])[§$]/(?=\d|[A-Z])")

_DISTRIBUTION = {
    "GEN": ("GENERAL", "GÉNÉRALE", "GENERALE", "ОБЩИЙ", "ОБЩАЯ", "عام", "一般"),
    "LTD": ("LIMITED", "LIMITÉE", "LIMITEE", "LIMITADA", "ОГРАНИЧЕННЫЙ", "ОГРАНИЧЕННАЯ",
            "محدود", "限制"),
    "RES": ("RESTRICTED", "RESTREINTE", "RESERVADA", "ДЛЯ СЛУЖЕБНОГО", "سري", "内部"),
}
_DISTR_LINE = re.compile(r"\b(?:distr\.?|distribution)\b\s*:?\s*(\S+)?", re.I)
_MASTHEAD = {  # lines that are only masthead
    "UNITED NATIONS", "NATIONS UNIES", "NACIONES UNIDAS", "GENERAL ASSEMBLY",
    "ASSEMBLEE GENERALE", "ASSEMBLÉE GÉNÉRALE", "SECURITY COUNCIL", "CONSEIL DE SECURITE",
    "CONSEIL DE SÉCURITÉ", "ECONOMIC AND SOCIAL COUNCIL", "ORIGINAL", "DISTR", "GENERAL",
    "LIMITED", "RESTRICTED", "UN LIBRARY", "ASSEMBLY", "COUNCIL",
}
# a line holding one of these is part of the masthead, not the title
_MASTHEAD_WORDS = ("UNITED NATIONS —", "NATIONS UNIES", "NACIONES UNIDAS", "ORIGINAL:",
                   "ORIGINAL :", "DISTR", "UN LIBRARY", "ASSEMBLEE", "ASSEMBLÉE",
                   "ОРГАНИЗАЦИЯ ОБЪЕДИНЕННЫХ", "الأمم المتحدة", "联合国")

# The number a resolution is printed under, in its heading. A year in brackets is the
# Security Council's form ("RESOLUTION 777 (1992)"; the annual volumes print "84 (1950).
# Resolution of 7 July 1950"); a roman session the General Assembly's before 1976
# ("2758 (XXVI)"), session/number after it ("47/1. Recommendation of ...").
_WORD = r"(?:RESOLUTION|RÉSOLUTION|RESOLUCI[ÓO]N|РЕЗОЛЮЦИЯ)"
_SC_HEADINGS = (
    re.compile(rf"^\W{{0,3}}{_WORD}\s+(\d{{1,4}})\s*\(\s*((?:19|20)\d\d)\s*\)", re.I),
    re.compile(rf"^\W{{0,3}}(\d{{1,4}})\s*\(\s*((?:19|20)\d\d)\s*\)\s*[.,]\s*{_WORD}\b", re.I),
    re.compile(r"^\W{0,3}القرار\s+(\d{1,4})\s*\(\s*((?:19|20)\d\d)\s*\)"),
    re.compile(r"^\W{0,3}第\s*(\d{1,4})\s*\(\s*((?:19|20)\d\d)\s*\)\s*号决议"),
)
# what may follow a Security Council heading on its line: nothing, or its date ("of 22
# November 1967", "Resolution of 7 July 1950", "adopted by ..."); a sentence that names a
# resolution ("Resolution 2204 (2015) renews those measures") is no heading
_SC_HEADING_REST = re.compile(
    r"^\W*(?:(?:résolution|resolution|resolución|резолюция)\W*)?(?:(?:of|du|de|del|от|"
    r"المؤرخ|adopted|adoptée|aprobada|принята)\b.*)?$", re.I)
_GA_HEADINGS = (
    re.compile(rf"^\W{{0,3}}(?:{_WORD}\s+)?(\d{{1,4}})\s*\(\s*([IVXLC]{{1,7}})\s*\)(?:\s*[.,]|\s*$)",
               re.I),
    re.compile(r"^\W{0,3}(\d{1,2})/(\d{1,3})\s*\.\s+\w"),
)


def _canonical(candidate: str) -> str | None:
    """The canonical symbol, or None when ``hemicycle.symbols`` rejects it."""
    try:
        return parse_symbol(candidate).canonical
    except ValueError:
        return None


# Describing a record asks for a text's heading and candidates several times (its own
# symbol, its drafts, its date's line, its title): each text is read once (a few texts
# a record; the key is the text itself, whose hash Python keeps)
_TEXTS_KEPT = 16


def symbol_candidates(text: str) -> list[tuple[str, int, bool]]:
    """Symbol-like strings with the line they are on and whether they are printed in
    square brackets (the draft a resolution was adopted from: "[S/1588]"), in reading
    order."""
    return list(_symbol_candidates(text))


@lru_cache(maxsize=_TEXTS_KEPT)
def _symbol_candidates(text: str) -> tuple[tuple[str, int, bool], ...]:
    found = []
    for number, line in enumerate(text.splitlines()):
        # OCR reads the Security Council's "S/" as "§/" or "$/" often enough to undo it
        line = _S_MISREAD.sub("S/", line)
        for match in _SYMBOL_CANDIDATE.finditer(line):
            before = line[:match.start()].rstrip()[-1:]
            after = line[match.end():].lstrip()[:1]
            bracketed = before in "[(" and before != "" and after == "]" or (
                before == "[" and after in "])")
            found.append((re.sub(r"\s+", " ", match.group(1)).rstrip(".-"), number, bracketed))
    return tuple(found)


def heading_symbols(text: str) -> list[tuple[str, int]]:
    """The resolution's own symbol from the number its heading prints, with its line:
    S/RES/777 (1992) from "RESOLUTION 777 (1992)", A/RES/47/1 from "47/1. ..."."""
    return list(_heading_symbols(text))


@lru_cache(maxsize=_TEXTS_KEPT)
def _heading_symbols(text: str) -> tuple[tuple[str, int], ...]:
    found: list[tuple[str, int]] = []
    for number, line in enumerate(text.splitlines()[:HEADER_LINES]):
        line = line.strip()
        candidates = [f"S/RES/{m.group(1)} ({m.group(2)})"
                      for m in (p.search(line) for p in _SC_HEADINGS)
                      if m and _SC_HEADING_REST.match(line[m.end():])]
        for pattern in _GA_HEADINGS:
            m = pattern.search(line)
            if m and "/" in m.group(0):
                candidates.append(f"A/RES/{m.group(1)}/{m.group(2)}")
            elif m:
                candidates.append(f"{m.group(1)} ({m.group(2).upper()})")
        for candidate in candidates:
            canonical = _canonical(candidate)
            if canonical and canonical not in (s for s, _ in found):
                found.append((canonical, number))
    return tuple(found)


# A resolution's heading as OCR may print it on a page of several: its number, a session
# in brackets whose roman letters OCR reads as Cyrillic ("2751 (ХХУЮ."), then its title
_LOOSE_HEADING = re.compile(
    r"^\W{0,3}(\d{1,4})\s*\(\s*[IVXLCХУПЮ!|\\/lІ1]{2,8}\s*[)!|.]*\s*[.,]?\s*(.*)$"
    r"|^\W{0,3}(\d{1,2}/\d{1,3})\s*\.\s+(\S.*)$")


def loose_heading(line: str) -> tuple[str, str] | None:
    """(number, the rest of the line) when ``line`` opens a resolution on a page that
    prints several: "2758 (XXVI). Restoration of ...", "47/1. Recommendation ..."."""
    m = _LOOSE_HEADING.match(line.strip())
    if not m:
        return None
    number, rest = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return number, rest.strip()


def resolution_number(symbol: str) -> str | None:
    """The number a resolution is printed under: "2758" (A/RES/2758 (XXVI)), "242"
    (S/RES/242 (1967)), "47/1" (A/RES/47/1)."""
    try:
        parsed = parse_symbol(symbol)
    except ValueError:
        return None
    if parsed.doc_type != "resolution" or len(parsed.parts) < 3:
        return None
    return "/".join(re.sub(r"\s*\(.*\)$", "", p) for p in parsed.parts[2:])


def own_section(text: str, symbols: list[str]) -> str:
    """On a page that prints several resolutions, the part that is the record's own:
    from its heading to the next one. Any other text is returned whole."""
    numbers = {n for s in symbols if (n := resolution_number(s))}
    if not numbers:
        return text
    lines = text.splitlines()
    heads = [(i, found[0]) for i, line in enumerate(lines) if (found := loose_heading(line))]
    if len(heads) < 2:
        return text
    for k, (start, number) in enumerate(heads):
        if number in numbers:
            end = heads[k + 1][0] if k + 1 < len(heads) else len(lines)
            return "\n".join(lines[start:end])
    return text


def masthead_symbols(text: str, quality: float = 1.0) -> tuple[list[str], float] | None:
    """The document's own symbols and how sure: those its resolution heading prints,
    else the best symbol-like strings of the masthead. Bracketed ones are drafts, never
    its own. ``quality``: the OCR's page confidence (0..1), 1 for born-digital text."""
    own = heading_symbols(text)
    if own:
        return [s for s, _ in own], 0.9 * (0.5 + quality / 2) + 0.05
    best: list[tuple[str, float]] = []
    for candidate, line, bracketed in symbol_candidates(text):
        if line >= HEADER_LINES:
            break
        canonical = _canonical(candidate)
        if bracketed or canonical is None or canonical in (s for s, _ in best):
            continue
        score = (0.75 + (0.1 if any(c.isdigit() for c in canonical) else 0.0)) * \
            (0.5 + quality / 2)
        best.append((canonical, score))
    if not best:
        return None
    header = [s for s in best if s[1] >= best[0][1] - 1e-9] or best[:1]
    return [s for s, _ in header], header[0][1]


def draft_symbols(text: str) -> list[str]:
    """Symbols printed in square brackets under a resolution's heading: the drafts it was
    adopted from, recorded as related documents with the role "draft"."""
    drafts: list[str] = []
    for candidate, line, bracketed in symbol_candidates(text):
        canonical = _canonical(candidate) if bracketed and line < HEADER_LINES else None
        if canonical and canonical not in drafts:
            drafts.append(canonical)
    return drafts


def _marking(line: str) -> str | None:
    upper = line.upper()
    for code, words in _DISTRIBUTION.items():
        for word in words:
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", upper):
                return code
    return None


def distribution(text: str) -> tuple[str, float] | None:
    """GEN/LTD/RES from the "Distr." block; a lone LIMITED/RESTRICTED line is less sure."""
    lines = [line.strip() for line in text.splitlines()[:HEADER_LINES]]
    for number, line in enumerate(lines):
        match = _DISTR_LINE.search(line)
        if not match:
            continue
        # the marking follows "Distr." on the same line or on one of the next two
        for following in [line[match.start():], *lines[number + 1:number + 3]]:
            code = _marking(following)
            if code:
                return code, 0.9
    for line in lines:
        # without "Distr.", GENERAL is too often the start of "GENERAL ASSEMBLY"
        if len(line.split()) <= 3 and (code := _marking(line)) in ("LTD", "RES"):
            return code, 0.5
    return None


def is_masthead(line: str) -> bool:
    """Whether a line belongs to the masthead (the organisation, body, distribution)."""
    upper = line.upper()
    return re.sub(r"[^\w ]", "", upper).strip() in _MASTHEAD or any(
        re.search(rf"(?<!\w){re.escape(m)}(?!\w)", upper) for m in _MASTHEAD_WORDS)


def capitals_title(text: str, skip) -> tuple[str, float] | None:
    """The first line that reads like a title: long, mostly capitals, not the masthead,
    with the capital lines that continue it; else the first long line (less sure).
    ``skip(line)`` says which lines are something else (a symbol, a date)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    candidates = []
    for number, line in enumerate(lines[:40]):
        letters = [c for c in line if c.isalpha()]
        if len(letters) < 12 or _SYMBOL_CANDIDATE.search(line) or skip(line):
            continue
        if is_masthead(line):
            continue
        caps = sum(c.isupper() for c in letters) / len(letters)
        if caps > 0.8:
            title = line
            for following in lines[number + 1:number + 3]:  # titles run over lines
                fl = [c for c in following if c.isalpha()]
                if (fl and sum(c.isupper() for c in fl) / len(fl) > 0.8 and len(fl) > 3
                        and not is_masthead(following)):
                    title += " " + following
                else:
                    break
            return title, 0.7
        candidates.append(line)
    if candidates:  # scripts without capitals, or no capitals line: the first long line
        return candidates[0], 0.3
    return None
