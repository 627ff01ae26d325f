"""Titles: the ones a document states, and telling a title from a sentence.

A document states its title in its heading ("Resolution 242 (1967)", "2758 (XXVI).
Restoration of the lawful rights of ..."), in a title line of a known form ("Letter
dated ... addressed to ...", "Report of the Secretary-General on ...", "Provisional
agenda for the 7448th meeting of the Security Council") or, on a scan, in a line of
capitals under the masthead. A sentence of the text is never a title: a paragraph
number in front, a full stop after many words, a cut-off end all say "sentence".
A record without a real title is shown under a display title (made by the web layer
from its type, body and symbol, and marked as such).
"""

from __future__ import annotations

import re
import unicodedata

from hemicycle.describe.dates import SCHEDULE
from hemicycle.describe.kinds import body_of_text, kind_of_line
from hemicycle.describe.masthead import heading_symbols, loose_heading
from hemicycle.describe.paragraphs import join_lines

_MARKER = re.compile(r"^\s*(?:\d+(?:\.\d+)*\s*[.)]|\(\s*[a-z0-9]{1,4}\s*\)|[a-z]\))\s", re.I)
_SENTENCE_END = re.compile(r"[.!?;:。！？؛]\s*$")
_INNER_END = re.compile(r"[a-zа-яё\u0600-\u06ff\)][.!?;]\s+[A-ZА-ЯЁ\u0600-\u06ff]")
_CUT = re.compile(r"(?:…|\.\.\.)\s*$")
MAX_TITLE_WORDS = 45
# a full stop after these ends no sentence ("statement by Argentina (Mr. Arce)")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "no", "st", "nos", "vol", "para", "paras", "art",
                  "sect", "suppl", "rev", "add", "corr", "mme", "m", "sr", "sra", "г", "гн",
                  "гжа", "co", "inc", "ltd", "jr", "prof", "gen", "h.e", "e"}


def _words(text: str) -> int:
    if re.search(r"[\u4e00-\u9fff]", text):
        return len(re.sub(r"\s+", "", text)) // 2  # about two characters a word
    return len(text.split())


def is_sentence(text: str) -> bool:
    """Whether ``text`` is a sentence (or a piece of one) rather than a title."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return True
    first = text[0]
    if _MARKER.match(text) or _CUT.search(text):
        return True
    if first.isalpha() and first.islower():
        return True  # the middle of a sentence
    for m in _INNER_END.finditer(text):
        word = re.findall(r"\w+", text[:m.start() + 1])
        if not word or word[-1].lower() not in _ABBREVIATIONS:
            return True
    words = _words(text)
    if words > MAX_TITLE_WORDS:
        return True
    return bool(_SENTENCE_END.search(text)) and words > 8 and kind_of_line(text) is None


def is_label(text: str) -> bool:
    """Masthead labels that are no title: "Agenda item 163", "2015 session"."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    return bool(re.fullmatch(
        r"(?:provisional\s+)?agenda\s+items?\s+[\d\s(),a-z]+|\d{4}\s+session|"
        r"(?:\w+(?:-\w+)?\s+)?session|distr\..*|original:.*|\d+\s*", folded))


def heading_title(text: str) -> tuple[str, int] | None:
    """A resolution's title as its heading states it, with the line it ends on:
    "Resolution 242 (1967)"; a topic printed with it is added ("2758 (XXVI).
    Restoration of ...", or a line of capitals under the number)."""
    own = heading_symbols(text)
    if not own:
        return None
    _symbol, number = own[0]
    lines = text.splitlines()
    heading = re.sub(r"\s+", " ", lines[number]).strip()
    # "84 (1950). Resolution of 7 July 1950": the number and the word, no date
    heading = re.split(r"\s+(?:of|du|de|от)\s+\d", heading, maxsplit=1)[0]
    heading = re.sub(r"^(\d+\s*\([^)]*\))\s*[.,]\s*(résolution|resolution|resolución|"
                     r"резолюция)$", r"\2 \1", heading, flags=re.I)
    if heading.isupper():
        heading = heading[0] + heading[1:].lower()
        heading = re.sub(r"\(([ivxlc]+)\)", lambda m: f"({m.group(1).upper()})", heading)
    end = number
    for following in lines[number + 1:number + 3]:
        line = following.strip()
        if not line:
            continue
        letters = [c for c in line if c.isalpha()]
        if len(letters) > 6 and all(c.isupper() for c in letters) and not is_label(line):
            heading = f"{heading}: {line.title()}"
            end += 1
        break
    return heading.rstrip(" .,"), end


def _capitals(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 3 and all(c.isupper() for c in letters)


def stated_title(text: str) -> tuple[str, float] | None:
    """The title the text states in a line of a known form near its top (with the lines
    that continue it), or in its resolution heading."""
    found = heading_title(text)
    if found:
        return found[0], 0.85
    lines = text.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    opened = loose_heading(first)
    if opened and len(opened[1]) > 6:  # "2758 (XXVI). Restoration of the lawful rights ..."
        title = opened[1]
        for following in lines[lines.index(next(x for x in lines if x.strip())) + 1:][:3]:
            following = following.strip()
            if not following or body_of_text(following) or is_sentence(following) and \
                    following[:1].isupper():
                break
            title = join_lines(title, following)
        return title.rstrip(". "), 0.7
    for number, line in enumerate(lines[:25]):
        line = line.strip()
        kind = kind_of_line(line) if line else None
        if kind is None or kind in ("draft resolution",) and _words(line) <= 3:
            continue
        title = line
        for following in lines[number + 1:number + 4]:
            following = following.strip()
            caps = _capitals(title) and _capitals(following)
            if not following or _SENTENCE_END.search(title) or kind_of_line(following) \
                    or SCHEDULE.match(following) \
                    or not caps and (is_sentence(following) or following[:1].isupper()
                                     and not title.split()[-1].islower()):
                break
            title = f"{title} {following}"
        title = re.sub(r"\s+", " ", title).strip().rstrip("*")
        if not is_sentence(title) or kind_of_line(title):
            return title.rstrip(".,; "), 0.75 if number < 15 else 0.6
    return None
