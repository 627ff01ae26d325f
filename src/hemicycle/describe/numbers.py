"""Digits and numbers as the six languages write them."""

from __future__ import annotations

import re

# Arabic-Indic and Eastern Arabic-Indic (Persian) digits, read as ASCII digits
_DIGITS = {**{ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")},
           **{ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}}


_OTHER_DIGIT = re.compile("[" + "".join(chr(c) for c in _DIGITS) + "]")


def ascii_digits(text: str) -> str:
    # most texts hold none: a search in C is much cheaper than translating every character
    return text.translate(_DIGITS) if _OTHER_DIGIT.search(text) else text
