"""What a text says it is: the body that issued it and the kind of document.

The masthead names the body ("SECURITY COUNCIL", "Генеральная Ассамблея", "安全理事会");
a resolution opens with it ("The Security Council,", "إن مجلس الأمن،"); a title says
the kind ("Letter dated ...", "Report of the Secretary-General ...", "Provisional agenda
for the 7448th meeting ..."). Each finding has a confidence; the symbol, when there is
one, usually says the same and is surer (``hemicycle.describe.record`` weighs them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# body code -> its name as printed in the six languages
BODY_NAMES: dict[str, tuple[str, ...]] = {
    "GA": ("general assembly", "assemblée générale", "asamblea general",
           "генеральная ассамблея", "генеральной ассамблеи", "الجمعية العامة", "大会"),
    "SC": ("security council", "conseil de sécurité", "consejo de seguridad",
           "совет безопасности", "совета безопасности", "مجلس الأمن", "安全理事会", "安理会"),
    "ECOSOC": ("economic and social council", "conseil économique et social",
               "consejo económico y social", "экономический и социальный совет",
               "экономического и социального совета", "المجلس الاقتصادي والاجتماعي",
               "经济及社会理事会", "经社理事会"),
    "TC": ("trusteeship council", "conseil de tutelle", "consejo de administración "
           "fiduciaria", "совет по опеке", "مجلس الوصاية", "托管理事会"),
    "HRC": ("human rights council", "conseil des droits de l'homme",
            "consejo de derechos humanos", "совет по правам человека", "مجلس حقوق الإنسان",
            "人权理事会"),
}
# the body a resolution's first words name: "The Security Council,"
_OPENING = re.compile(
    r"^\W{0,3}(?:the|le|la|el|إن)?\s*(" + "|".join(
        re.escape(n) for names in BODY_NAMES.values() for n in names) + r")\s*[,،，:]\s*$",
    re.I)

# kinds of documents their titles and mastheads name, in the six languages: how a line
# opens (matched at its start) and, for Chinese, how it ends ("…的报告"). Matched in
# folded, lower-case text, so without case-insensitive matching; the ending is looked for
# in the line's last characters only, not by scanning the whole of a long line.
_KINDS: tuple[tuple[str, re.Pattern, re.Pattern | None], ...] = tuple(
    (kind, re.compile(r"\W{0,3}(?:" + opening + ")"),
     re.compile("(?:" + ending + r")$") if ending else None)
    for kind, opening, ending in (
        ("draft resolution",
         r"(?:revised\s+)?(?:draft resolution|projet de résolution|proyecto de resolución|"
         r"проект резолюции|مشروع قرار|决议草案)\b", None),
        ("agenda",
         r"provisional agenda|ordre du jour provisoire|orden del día provisional|"
         r"programa provisional|предварительная повестка дня|جدول الأعمال المؤقت|会议临时议程",
         "临时议程"),
        ("letter",
         r"(?:identical\s+)?letters?\s+(?:dated|from|addressed)|lettres?\s+(?:identiques\s+)?"
         r"datées?\s+du|cartas?\s+(?:idénticas\s+)?de\s+fecha|(?:идентичные\s+)?письм[оа]\s|"
         r"رسال(?:ة|تان)\s+(?:متطابقتان\s+)?مؤرخ", "的(?:同文)?信"),
        ("report",
         r"(?:(?:annual|interim|special|final|progress)\s+)?report\s+of\b|"
         r"rapport\s+(?:annuel\s+)?(?:du|de\s+la|des)\b|informe\s+(?:anual\s+)?del?\b|"
         r"доклад\b|تقرير\b", "的报告"),
        ("note",
         r"note\s+(?:by|verbale)\b|note\s+(?:du|de\s+la)\b|nota\s+(?:del?|de\s+la|verbal)\b|"
         r"записка\b|مذكرة\b|普通照会", "的说明"),
        ("presidential statement",
         r"statement by the president of the security council|déclaration du président du "
         r"conseil de sécurité|declaración de la presidencia del consejo de seguridad|"
         r"заявление председателя совета безопасности|بيان من رئيس مجلس الأمن|安全理事会主席的声明",
         None),
        ("meeting record",
         r"(?:provisional\s+)?(?:verbatim record|procès-verbal|acta literal|"
         r"стенографический отчет|محضر حرفي|逐字记录)", None),
        ("summary record",
         r"(?:provisional\s+)?(?:summary record|compte rendu analytique|acta resumida|"
         r"краткий отчет|محضر موجز|简要记录)", None),
    ))
_ENDING_CHARS = 8  # the longest ending ("的同文信") and room to spare
_BODY_LINES = 15


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


@dataclass(frozen=True)
class Reading:
    value: str
    confidence: float
    line: int


# one pattern per body, every one of its names as a whole word (compiled once: a line is
# tried against every body, and a document has dozens of lines)
_NAME_PATTERNS = {code: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names)
                                   + r")(?!\w)")
                  for code, names in BODY_NAMES.items()}


# every body's names in one pattern: most lines name none, and one search says so
_ANY_NAME = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for names in BODY_NAMES.values()
                                                for n in names) + r")(?!\w)")


def _names_in(line: str) -> list[str]:
    folded = _fold(line)
    if not _ANY_NAME.search(folded):
        return []
    return [code for code, pattern in _NAME_PATTERNS.items() if pattern.search(folded)]


def body_of_text(text: str) -> Reading | None:
    """The body the text names as its own: a masthead line that is only its name, or a
    resolution's opening words ("The Security Council,")."""
    lines = text.splitlines()
    for number, line in enumerate(lines[:40]):
        stripped = line.strip()
        if not stripped:
            continue
        m = _OPENING.match(_fold(stripped))
        if m:
            code = _names_in(m.group(1))
            if code:
                return Reading(code[0], 0.9, number)
        if number < _BODY_LINES:
            following = lines[number + 1].strip() if number + 1 < len(lines) else ""
            names = _names_in(stripped)
            if not names and following:
                joined = f"{stripped} {following}"  # "GENERAL\nASSEMBLY"
                names = _names_in(joined)
                if names:
                    stripped = joined
            rest = _fold(stripped)
            for code in names:
                for n in BODY_NAMES[code]:
                    rest = rest.replace(n, "")
            if len(names) == 1 and len(re.sub(r"[\W\d_]+", "", rest)) <= 3:
                return Reading(names[0], 0.85, number)
    return None


def kind_of_line(line: str) -> str | None:
    """The kind of document a title or masthead line names, if it names one (a title
    begins with a capital: "report of the Sixth Committee" inside a sentence is none)."""
    first = next((c for c in line if c.isalpha()), "")
    if first and first.lower() != first.upper() and first.islower():
        return None
    folded = _fold(line)
    tail = folded.rstrip()[-_ENDING_CHARS:]
    for kind, opening, ending in _KINDS:
        if opening.match(folded) or (ending and ending.search(tail)):
            return kind
    return None


def kind_of_text(text: str) -> Reading | None:
    """The kind of document the top of the text says it is."""
    for number, line in enumerate(text.splitlines()[:30]):
        kind = kind_of_line(line)
        if kind:
            return Reading(kind, 0.75 if number < 15 else 0.6, number)
    return None
