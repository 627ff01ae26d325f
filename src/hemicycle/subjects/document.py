"""What a backend is given to index one document: its language versions and symbols.

A UN document is one document in up to six languages; its symbol says its body, its
series and its year. A backend that can use all of that (``headings``) reads this whole;
the others index each language version and the answers are averaged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hemicycle.symbols import SymbolError, parse_symbol


@dataclass(frozen=True)
class DocumentInput:
    texts: dict[str, str]  # language code -> text of that language version
    symbols: tuple[str, ...] = ()
    year: int | None = None  # when the symbol does not say it
    ident: str = ""

    @property
    def languages(self) -> list[str]:
        return [lang for lang, text in self.texts.items() if text and text.strip()]

    def document_year(self) -> int | None:
        """The year given, else the first one a symbol carries (``S/2015/102``: 2015)."""
        if self.year is not None:
            return self.year
        for symbol in self.symbols:
            try:
                year = parse_symbol(symbol).year
            except SymbolError:
                continue
            if year is not None:
                return year
        return None


@dataclass(frozen=True)
class HeadingSuggestion:
    """An Index to Proceedings heading ("UKRAINE--POLITICAL CONDITIONS") and the
    vocabulary concepts among its parts."""

    heading: str
    score: float
    concepts: tuple[str, ...] = ()


@dataclass
class DocumentSuggestions:
    concepts: list  # list[Suggestion], best first
    headings: list[HeadingSuggestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
