"""Putting OCR text in the order and spacing each script is written in.

Two known defects of OCR output are fixed here, once, for every output:
Chinese (and Japanese) text gets spaces between characters, and Arabic text can
come out in visual order (each line reversed) instead of logical order.
"""

from __future__ import annotations

import re

_CJK = (r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf"
        r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef")
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0]+(?=[{_CJK}])")
_CJK_PUNCT_GAP = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[,.;:!?)\]])|(?<=[(\[])[ \t]+(?=[{_CJK}])")
_ARABIC_WORD = re.compile(r"[\u0600-\u06ff\u0750-\u077f]+")


def join_cjk(text: str) -> str:
    """Remove the spaces OCR puts between Chinese characters (Latin words keep theirs)."""
    return _CJK_PUNCT_GAP.sub("", _CJK_GAP.sub("", text))


def arabic_is_reversed(text: str) -> bool:
    """True when Arabic words look written backwards (visual order).

    In logical order very many Arabic words begin with the article "ال"; reversed,
    they end with "لا" instead. Which of the two dominates tells the order.
    """
    words = _ARABIC_WORD.findall(text)
    starts = sum(1 for w in words if len(w) > 2 and w.startswith("ال"))
    ends = sum(1 for w in words if len(w) > 2 and w.endswith("لا"))
    return ends > 2 * starts and ends >= 3


def arabic_logical(text: str) -> str:
    """Arabic text in logical order: lines written in visual order are reversed back."""
    if not arabic_is_reversed(text):
        return text
    return "\n".join(line[::-1] for line in text.split("\n"))


def fix_text(text: str, languages: list[str]) -> str:
    """Apply the fixes for the page's languages (two-letter codes)."""
    if "zh" in languages:
        text = join_cjk(text)
    if "ar" in languages:
        text = arabic_logical(text)
    return text
