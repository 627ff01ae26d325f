"""Turning what a vote file prints into document symbols, through hemicycle.symbols only.

Roll-call files name the text voted on in their own way (``A/RES/70/5``, or Voeten's
roll-call ids such as ``R/1/66``, which hemicycle.symbols reads as the vote on resolution
``A/RES/66 (I)``); whatever it recognises becomes a canonical resolution symbol and a key
that joins the vote to its catalogue document. What it does not recognise is kept as
printed (``source_ref``) and simply has no document link.
"""

from __future__ import annotations

from functools import lru_cache

from hemicycle.symbols import SymbolError, parse_symbol


@lru_cache(maxsize=65536)
def resolution_ref(text: str) -> tuple[str | None, str | None]:
    """(canonical resolution symbol, its key) for ``text``, or (None, None)."""
    if not text or not text.strip():
        return None, None
    try:
        parsed = parse_symbol(text.strip())
        if parsed.resolution:
            parsed = parse_symbol(parsed.resolution)
        elif parsed.doc_type == "vote":
            return None, None  # a roll-call id that names no resolution
    except SymbolError:
        return None, None
    return parsed.canonical, parsed.key


def key_of(text: str) -> str | None:
    """The symbol key of any symbol ``text`` (for lookups), or None when it is no symbol."""
    try:
        return parse_symbol(text.strip()).key
    except SymbolError:
        return None
