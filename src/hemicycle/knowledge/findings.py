"""What a check of a guide or an answer can find, as stable codes (one table, one place).

Checks report ``Finding`` objects; tests assert on codes, people read the message. Errors
stop a publication or an import; warnings are shown and let the work go on.
"""

from __future__ import annotations

from dataclasses import dataclass

# code -> (severity, what it means)
CODES: dict[str, tuple[str, str]] = {
    "unsafe-tag": ("error", "HTML element that is not allowed (script, iframe, form, ...)"),
    "event-handler": ("error", "HTML event-handler attribute (on...)"),
    "style-attribute": ("error", "style attribute (page styles come from the site)"),
    "unsafe-url": ("error", "link or image with a scheme other than http, https or mailto"),
    "live-block": ("error", "live block that cannot be read"),
    "live-block-nested": ("error", "live block inside a list or quote (must stand alone)"),
    "unknown-symbol": ("error", "document symbol that is not in the library"),
    "bad-symbol": ("error", "text that is not a document symbol"),
    "unknown-concept": ("error", "thesaurus concept that is not in the thesaurus"),
    "unknown-vote": ("error", "resolution without a voting record"),
    "unknown-agenda": ("warning", "agenda item with no documents"),
    "broken-link": ("error", "internal link to a page that does not exist"),
    "external-link": ("warning", "external link that did not answer"),
    "external-unchecked": ("info", "external link not checked (ask with --external)"),
    "original-missing": ("error", "translation whose original language version is gone"),
    "front-matter": ("error", "front matter missing or not readable"),
    "field": ("error", "a field is missing or wrong"),
    "duplicate": ("error", "the same guide or entry twice in one import"),
}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    where: str = ""  # "line 12", "guides/sc/en.md:12", a link ...

    @property
    def severity(self) -> str:
        return CODES[self.code][0]

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        return f"{self.where}: {self.code}: {self.message}" if self.where \
            else f"{self.code}: {self.message}"

    def to_json(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "where": self.where}


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.is_error]


class KnowledgeError(ValueError):
    """A request the knowledge services refuse; ``code`` is stable, for callers (pages
    map it to an HTTP status, commands print the message)."""

    def __init__(self, code: str, message: str, findings: list[Finding] | None = None):
        super().__init__(message)
        self.code = code
        self.findings = findings or []
