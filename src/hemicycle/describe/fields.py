"""What a description is made of: fields with their provenance, and findings.

A field is a value with the source it was read from and a confidence between 0 and 1. A
finding is something wrong with the input (a date no UN document can have, a symbol the
text contradicts, a scan without text), named by a stable code from ``FINDINGS`` so that
tests, the review queue and reports agree on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hemicycle.messages import Message, message_json

# where a value came from: stated by the manifest or the MARC record, derived from the
# symbol, read in born-digital text or in OCR text, derived from the record's date (a
# General Assembly session), or set by a person at review
SOURCES: tuple[str, ...] = ("manifest", "marc", "symbol", "text", "ocr", "date", "person")
# a field less sure than this waits for a cataloguer (a review task, or a draft's weakest)
REVIEW_BELOW = 0.6

FINDINGS: dict[str, str] = {
    "date-out-of-range": "a date no UN document can have (before 26 June 1945 or in the "
                         "future)",
    "date-contradicts-symbol": "the date's year is not the year the symbol states",
    "date-contradicts-year": "the date's year is not the year the manifest or MARC record "
                             "states",
    "date-contradicts-text": "the date given differs from the date the text states",
    "symbol-contradicts-text": "the text states another symbol as its own",
    "body-contradicts-text": "the text names another body than the symbol's",
    "no-text": "a scan in which no text could be read",
}


@dataclass(frozen=True)
class Field:
    value: object
    source: str
    confidence: float
    language: str | None = None  # the language version it was read in, for text sources

    def to_json(self) -> dict:
        out = {"value": self.value, "source": self.source,
               "confidence": round(max(0.0, min(1.0, self.confidence)), 2)}
        if self.language:
            out["language"] = self.language
        return out


@dataclass(frozen=True)
class Finding:
    code: str
    field: str
    message: str

    def __post_init__(self) -> None:
        if self.code not in FINDINGS:
            raise ValueError(f"unknown finding code {self.code!r}")

    def to_json(self) -> dict:
        out = {"code": self.code, "field": self.field, "message": str(self.message)}
        if isinstance(self.message, Message):  # said again in a reader's language
            out["said"] = message_json(self.message)
        return out


@dataclass
class Description:
    """Every field read for one document, its titles per language, and its findings."""

    fields: dict[str, Field] = field(default_factory=dict)
    titles: dict[str, Field] = field(default_factory=dict)  # language -> real title
    rejected_titles: dict[str, str] = field(default_factory=dict)  # language -> not a title
    findings: list[Finding] = field(default_factory=list)

    def value(self, name: str, default=None):
        f = self.fields.get(name)
        return f.value if f is not None else default

    def weak(self) -> dict[str, Field]:
        """The fields a cataloguer should check (below ``REVIEW_BELOW``)."""
        return {n: f for n, f in self.fields.items() if f.confidence < REVIEW_BELOW}

    def to_json(self) -> dict:
        """The fields as kept in the record (``extra["extraction"]``): each one
        ``{"value", "source", "confidence"[, "language"]}``."""
        return {n: f.to_json() for n, f in self.fields.items()}

    def titles_json(self) -> dict:
        """The titles per language as kept in the record (``extra["titles"]``): those
        stated, with their source, and those refused as sentences."""
        out: dict = {}
        if self.titles:
            out["stated"] = {lang: f.to_json() for lang, f in self.titles.items()}
        if self.rejected_titles:
            out["rejected"] = dict(self.rejected_titles)
        return out
