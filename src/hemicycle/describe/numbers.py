"""Digits and numbers as the six languages write them."""

from __future__ import annotations

# Arabic-Indic and Eastern Arabic-Indic (Persian) digits, read as ASCII digits
_DIGITS = {**{ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")},
           **{ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}}


def ascii_digits(text: str) -> str:
    return text.translate(_DIGITS)
