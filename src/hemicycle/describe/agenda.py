"""The agenda item a document is issued under, and its title, in the six languages.

"Agenda item 12", "Item 12 of the provisional agenda", "Point 12 de l'ordre du jour",
"Tema 12 del programa", "Пункт 12 повестки дня", "البند 12 من جدول الأعمال",
"议程项目12". The item's title is the line under it, up to a blank line or the
document's own title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hemicycle.describe.numbers import ascii_digits
from hemicycle.describe.titles import is_sentence

# "12", "5 (b)", "113(b)", "12a"; in "items 33 and 38" the item is 33, not "33 a"
_ITEM = r"(\d{1,3}(?:\s?\([a-z]\)|[a-z](?![a-z]))?)"
_PATTERNS = (
    re.compile(rf"^\W{{0,2}}(?:provisional\s+)?agenda\s+items?\s+{_ITEM}", re.I),
    re.compile(rf"^\W{{0,2}}items?\s+{_ITEM}\s+of\s+the\s+(?:provisional\s+)?agenda", re.I),
    re.compile(rf"^\W{{0,2}}points?\s+{_ITEM}\s+de\s+l['’]ordre\s+du\s+jour", re.I),
    re.compile(rf"^\W{{0,2}}temas?\s+{_ITEM}\s+del\s+(?:programa|orden\s+del\s+día)", re.I),
    re.compile(rf"^\W{{0,2}}пункты?\s+{_ITEM}\s+(?:предварительной\s+)?повестки\s+дня", re.I),
    re.compile(rf"^\W{{0,2}}البند\s+{_ITEM}\s+من\s+جدول\s+الأعمال"),
    re.compile(rf"^\W{{0,2}}(?:临时)?议程项目\s*{_ITEM}"),
)
_LINES = 30
_PARAGRAPH = re.compile(r"^\s*(?:\d{1,3}|[A-Z]|[ivx]{1,4})\s*[.)]\s")


@dataclass(frozen=True)
class AgendaMention:
    item: str
    title: str | None
    line: int

    @property
    def confidence(self) -> float:
        return 0.8 if self.line < 15 else 0.6


def agenda_item(text: str, not_title=lambda line: False) -> AgendaMention | None:
    """The first agenda item the top of the text names; the title is the text that
    follows on the next lines (not a line ``not_title`` refuses)."""
    lines = ascii_digits(text).splitlines()
    for number, line in enumerate(lines[:_LINES]):
        for pattern in _PATTERNS:
            m = pattern.search(line.strip())
            if not m:
                continue
            item = re.sub(r"\s+", "", m.group(1))
            rest = line.strip()[m.end():].strip(" :.-–")
            title_lines = [rest] if len(rest) > 3 and not is_sentence(rest) else []
            for following in lines[number + 1:number + 6]:
                if not following.strip():
                    if title_lines:
                        break
                    continue  # the item's title may stand after a blank line
                # a sentence or a numbered paragraph is the text, not the item's title
                if not_title(following.strip()) or len(title_lines) == 3 or \
                        is_sentence(following.strip()) or _PARAGRAPH.match(following):
                    break
                title_lines.append(following.strip())
                if following.strip().endswith((".", "*")):
                    break
            title = " ".join(title_lines).strip() or None
            return AgendaMention(item, title[:300] if title else None, number)
    return None
