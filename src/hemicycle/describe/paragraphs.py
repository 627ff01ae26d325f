"""Text as written: paragraphs rebuilt from text broken one line per printed line.

Born-digital PDFs and OCR give a line per printed line, words hyphenated across lines.
For reading, the lines of a paragraph are joined again: a hyphen that broke a word goes
("establish-\\nment" -> "establishment"), one that belongs to it stays ("peace-\\nkeeping"
-> "peace-keeping" when the next line goes on in capitals or digits, which a broken word
never does); a numbered paragraph ("1.", "(a)", "(ii)"), a preambular or operative
clause after one that ended (",", ";", ":") and a blank line each begin a paragraph.
The stored text is never changed: this is only how it is shown.
"""

from __future__ import annotations

import re
import statistics

_MARKER = re.compile(r"^\s*(?:\d{1,3}\s*\.(?!\d)|\(\s*[a-z0-9]{1,5}\s*\)|[a-z]\)|[•·●▪\-–—]"
                     r"\s|第[一二三四五六七八九十\d]+[条段]|[\u0660-\u0669\d]{1,3}\s*[-–.])", re.I)
_CLAUSE_END = re.compile(r"[,;:.،؛：；。]\s*$")
_HAN = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
_BROKEN_WORD = re.compile(r"(\w)[-\u00ad]$")


def _starts_upper(line: str) -> bool:
    first = next((c for c in line if c.isalpha()), "")
    return first.isupper()


def _capitals(line: str) -> bool:
    """A heading in capitals ("RESOLUTION 777 (1992)") stands on its own."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def join_lines(previous: str, line: str) -> str:
    """``previous`` continued by ``line`` (a hyphen that broke a word is dropped)."""
    if _BROKEN_WORD.search(previous) and line[:1].isalpha() and line[:1].islower():
        return previous[:-1] + line
    if _HAN.search(previous[-1:]) and _HAN.search(line[:1]):
        return previous + line
    return f"{previous} {line}"


def paragraphs(text: str) -> list[str]:
    """The paragraphs of ``text`` (lines of one paragraph joined), in order."""
    lines = [line.strip() for line in text.replace("\f", "\n\n").splitlines()]
    lengths = [len(line) for line in lines if len(line) > 20]
    typical = statistics.median(lengths) if lengths else 0
    out: list[str] = []
    current: str | None = None
    previous_raw = ""
    for line in lines:
        if not line:
            if current is not None:
                out.append(current)
            current, previous_raw = None, ""
            continue
        new = current is None or bool(_MARKER.match(line)) or _capitals(line) or \
            _capitals(previous_raw)
        if not new and typical and _starts_upper(line):
            # a clause ended on a short line, or a line far shorter than the others
            # ended, and the next begins anew: a new paragraph
            ended = _CLAUSE_END.search(previous_raw) and len(previous_raw) < 0.8 * typical
            new = bool(ended) or len(previous_raw) < 0.6 * typical
        if new:
            if current is not None:
                out.append(current)
            current = line
        else:
            current = join_lines(current, line)
        previous_raw = line
    if current is not None:
        out.append(current)
    return out
