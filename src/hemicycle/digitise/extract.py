"""Describing a scanned document from the text of its first page.

UN documents carry their metadata in a fixed masthead: symbol(s), distribution,
date and original language at the top right, then the body, session, agenda item
and title. Each field found here gets a confidence between 0 and 1 so that a
cataloguer reviewing the draft knows what to check first. Symbols are parsed by
``hemicycle.symbols`` only; this module only finds the candidates.
"""

from __future__ import annotations

import datetime as dt
import re

HEADER_LINES = 20  # the masthead is in the first lines of the page

_SYMBOL_CANDIDATE = re.compile(
    r"(?<![\w/])([A-Z]{1,10}(?:\.\d+)?(?:/[A-Za-z0-9.\-]+){1,7}(?:\s*\((?:19|20)\d\d\))?)")
_S_MISREAD = re.compile(r"(?<![\w/])[§$]/(?=\d|[A-Z])")

_MONTHS = {
    # en, fr, es, ru (genitive) month names -> number
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june",
                                   "july", "august", "september", "october", "november",
                                   "december"], 1)},
    **{m: i for i, m in enumerate(["janvier", "février", "mars", "avril", "mai", "juin",
                                   "juillet", "août", "septembre", "octobre", "novembre",
                                   "décembre"], 1)},
    **{m: i for i, m in enumerate(["enero", "febrero", "marzo", "abril", "mayo", "junio",
                                   "julio", "agosto", "septiembre", "octubre", "noviembre",
                                   "diciembre"], 1)},
    **{m: i for i, m in enumerate(["января", "февраля", "марта", "апреля", "мая", "июня",
                                   "июля", "августа", "сентября", "октября", "ноября",
                                   "декабря"], 1)},
    **{m: i for i, m in enumerate(["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيه",
                                   "يوليه", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
                                   "ديسمبر"], 1)},
    "setiembre": 9, "fevrier": 2, "aout": 8, "decembre": 12, "يونيو": 6, "يوليو": 7,
}
_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})(?:er)?\s+(?:de\s+)?([^\W\d_]+)(?:/([^\W\d_]+))?\s+(?:de\s+)?((?:19|20)\d\d)\b")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]+)\s+(\d{1,2}),\s+((?:19|20)\d\d)\b")
_ZH_DATE = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")

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
    re.compile(r"第\s*(\d{1,4})\s*\(\s*((?:19|20)\d\d)\s*\)\s*号决议"),
)
_GA_HEADINGS = (
    re.compile(rf"^\W{{0,3}}(?:{_WORD}\s+)?(\d{{1,4}})\s*\(\s*([IVXLC]{{1,7}})\s*\)(?:\s*[.,]|\s*$)",
               re.I),
    re.compile(r"^\W{0,3}(\d{1,2})/(\d{1,3})\s*\.\s+\w"),
)


def _field(value, confidence: float) -> dict:
    return {"value": value, "confidence": round(max(0.0, min(1.0, confidence)), 2)}


def symbol_candidates(text: str) -> list[tuple[str, int, bool]]:
    """Symbol-like strings with the line they are on and whether they are printed in
    square brackets (the draft a resolution was adopted from: "[S/1588]"), in reading
    order."""
    found = []
    for number, line in enumerate(text.splitlines()):
        # OCR reads the Security Council's "S/" as "§/" or "$/" often enough to undo it
        line = _S_MISREAD.sub("S/", line)
        for match in _SYMBOL_CANDIDATE.finditer(line):
            before = line[:match.start()].rstrip()[-1:]
            after = line[match.end():].lstrip()[:1]
            bracketed = before == "[" and after == "]"
            found.append((re.sub(r"\s+", " ", match.group(1)).rstrip(".-"), number, bracketed))
    return found


def _parse(candidate: str) -> str | None:
    """The canonical symbol, or None when ``hemicycle.symbols`` rejects it."""
    from hemicycle.symbols import parse_symbol

    try:
        return parse_symbol(candidate).canonical
    except ValueError:
        return None


def heading_symbols(text: str) -> list[str]:
    """The resolution's own symbol from the number its heading prints, in the masthead
    lines: S/RES/777 (1992) from "RESOLUTION 777 (1992)", A/RES/47/1 from "47/1. ..."."""
    found: list[str] = []
    for line in text.splitlines()[:HEADER_LINES]:
        line = line.strip()
        candidates = [f"S/RES/{m.group(1)} ({m.group(2)})"
                      for m in (p.search(line) for p in _SC_HEADINGS) if m]
        for pattern in _GA_HEADINGS:
            m = pattern.search(line)
            if m and "/" in m.group(0):
                candidates.append(f"A/RES/{m.group(1)}/{m.group(2)}")
            elif m:
                candidates.append(f"{m.group(1)} ({m.group(2).upper()})")
        for candidate in candidates:
            canonical = _parse(candidate)
            if canonical and canonical not in found:
                found.append(canonical)
    return found


def find_symbols(text: str, page_confidence: float) -> dict | None:
    """The document's own symbols: those its resolution heading prints, else the best
    symbol-like strings of the masthead. Bracketed ones are drafts, never its own."""
    quality = page_confidence / 100
    own = heading_symbols(text)
    if own:
        return _field(own, 0.9 * (0.5 + quality / 2) + 0.05)
    best: list[tuple[str, float]] = []
    for candidate, line, bracketed in symbol_candidates(text):
        canonical = _parse(candidate)
        if bracketed or canonical is None or canonical in (s for s, _ in best):
            continue
        score = (0.45 + (0.3 if line < HEADER_LINES else 0.0)
                 + (0.1 if any(c.isdigit() for c in canonical) else 0.0)) * (0.5 + quality / 2)
        best.append((canonical, score))
    if not best:
        return None
    header = [s for s in best if s[1] >= best[0][1] - 1e-9] or best[:1]
    return _field([s for s, _ in header], header[0][1])


def find_drafts(text: str, page_confidence: float) -> dict | None:
    """Symbols printed in square brackets under a resolution's heading: the drafts it was
    adopted from, to be recorded as related documents with the role "draft"."""
    drafts: list[str] = []
    for candidate, line, bracketed in symbol_candidates(text):
        canonical = _parse(candidate) if bracketed and line < HEADER_LINES else None
        if canonical and canonical not in drafts:
            drafts.append(canonical)
    if not drafts:
        return None
    return _field(drafts, 0.8 * (0.5 + page_confidence / 200))


def find_date(text: str) -> dict | None:
    lines = text.splitlines()
    for number, line in enumerate(lines):
        near = 0.85 if number < HEADER_LINES else 0.55
        match = _ZH_DATE.search(line)
        if match:
            year, month, day = (int(g) for g in match.groups())
            parsed = _safe_date(year, month, day)
            if parsed:
                return _field(parsed.isoformat(), near)
        for match in _DAY_MONTH_YEAR.finditer(line):
            day, name, alt, year = match.groups()
            month = _MONTHS.get(name.lower()) or (alt and _MONTHS.get(alt.lower()))
            parsed = month and _safe_date(int(year), month, int(day))
            if parsed:
                return _field(parsed.isoformat(), near)
        for match in _MONTH_DAY_YEAR.finditer(line):
            name, day, year = match.groups()
            month = _MONTHS.get(name.lower())
            parsed = month and _safe_date(int(year), month, int(day))
            if parsed:
                return _field(parsed.isoformat(), near * 0.9)
    return None


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _marking(line: str) -> str | None:
    upper = line.upper()
    for code, words in _DISTRIBUTION.items():
        for word in words:
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", upper):
                return code
    return None


def find_distribution(text: str) -> dict | None:
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
                return _field(code, 0.9)
    for line in lines:
        # without "Distr.", GENERAL is too often the start of "GENERAL ASSEMBLY"
        if len(line.split()) <= 3 and (code := _marking(line)) in ("LTD", "RES"):
            return _field(code, 0.5)
    return None


def _is_masthead(upper: str) -> bool:
    return re.sub(r"[^\w ]", "", upper).strip() in _MASTHEAD


def guess_title(text: str) -> dict | None:
    """The first line that reads like a title: long, mostly capitals, not the masthead."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    candidates = []
    for number, line in enumerate(lines[:40]):
        letters = [c for c in line if c.isalpha()]
        if len(letters) < 12 or _SYMBOL_CANDIDATE.search(line) or find_date(line):
            continue
        upper = line.upper()
        if _is_masthead(upper) or any(re.search(rf"(?<!\w){re.escape(m)}(?!\w)", upper)
                                      for m in _MASTHEAD_WORDS):
            continue
        caps = sum(c.isupper() for c in letters) / len(letters)
        if caps > 0.8:
            title = line
            for following in lines[number + 1:number + 3]:  # titles run over lines
                fl = [c for c in following if c.isalpha()]
                if (fl and sum(c.isupper() for c in fl) / len(fl) > 0.8 and len(fl) > 3
                        and not _is_masthead(following.upper())):
                    title += " " + following
                else:
                    break
            return _field(title, 0.6)
        candidates.append(line)
    if candidates:  # scripts without capitals, or no capitals line: the first long line
        return _field(candidates[0], 0.3)
    return None


def extract_metadata(text: str, language: str, language_confidence: float,
                     page_confidence: float) -> dict[str, dict]:
    """Every field found on the first page, each as {"value": ..., "confidence": ...}."""
    fields: dict[str, dict] = {"language": _field(language, language_confidence)}
    for name, value in (("symbols", find_symbols(text, page_confidence)),
                        ("drafts", find_drafts(text, page_confidence)),
                        ("date", find_date(text)),
                        ("distribution", find_distribution(text)),
                        ("title", guess_title(text))):
        if value is not None:
            fields[name] = value
    return fields
