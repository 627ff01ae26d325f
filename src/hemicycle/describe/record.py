"""Describing one record: what it states, what its symbol says, what its text says.

Values a manifest or MARC record states are kept (flagged when they cannot be right);
the symbol fills what they leave out; the text fills the rest, each language version
read on its own and the surest reading kept. A value read from the text that the
symbol or the record contradicts becomes a finding, not a silent choice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hemicycle.describe import checks
from hemicycle.describe.agenda import agenda_item
from hemicycle.describe.dates import date_mentions, document_date
from hemicycle.describe.fields import Description, Field, Finding
from hemicycle.describe.kinds import body_of_text, kind_of_line, kind_of_text
from hemicycle.describe.masthead import (
    capitals_title,
    distribution,
    draft_symbols,
    heading_symbols,
    masthead_symbols,
    own_section,
)
from hemicycle.describe.meetings import meeting_record, own_meeting
from hemicycle.describe.periods import (
    SESSION_DATED,
    SESSION_FROM_DATE_CONFIDENCE,
    Period,
    ga_session_on,
    period_in_text,
    period_of,
)
from hemicycle.describe.precision import edtf, parse_edtf
from hemicycle.describe.titles import is_label, is_sentence, stated_title
from hemicycle.messages import Message
from hemicycle.symbols import Symbol, SymbolError, parse_symbol

SYMBOL_CONFIDENCE = 0.95  # what a symbol says of body, period and type
_MIN_LETTERS = 20  # fewer letters than this in a scan: no text was read
# roles of a date that make it the day of adoption or of the meeting
_ACTION_ROLES = ("adopted", "heading", "held")
UNDATED_BY_TEXT = ("speech",)  # types whose text never states their own day


@dataclass
class Given:
    """What the record states, and who states it (``source``: manifest or marc)."""

    source: str
    symbols: list[str] = field(default_factory=list)
    date: dt.date | None = None
    date_precision: str | None = None  # day (None) | month | year
    action_date: dt.date | None = None
    doc_type: str | None = None
    body: str | None = None
    session: str | None = None
    year: int | None = None
    distribution: str | None = None
    titles: dict[str, str] = field(default_factory=dict)
    # the titles were cut from the text's first sentence (the parallel corpus): kept
    # only where they read as a title of a known form
    titles_from_text: bool = False
    agenda: tuple[str | None, str | None] | None = None  # (item, title)


def _parsed(symbols: list[str]) -> list[Symbol]:
    out = []
    for s in symbols:
        try:
            out.append(parse_symbol(s))
        except SymbolError:
            continue
    return out


class _Reader:
    """One record's description, built field by field."""

    def __init__(self, given: Given, texts: dict[str, str], text_source: str,
                 quality: float, today: dt.date):
        self.given, self.today = given, today
        self.symbols = _parsed(given.symbols)
        # on a page of several resolutions, only the record's own part describes it
        self.texts = {lang: own_section(t, [s.canonical for s in self.symbols])
                      for lang, t in texts.items() if t and t.strip()}
        self.source = text_source  # "text" (born-digital) or "ocr"
        self.scale = 0.5 + quality / 2 if text_source == "ocr" else 1.0
        self.out = Description()

    def field(self, name: str, value, source: str, confidence: float,
              language: str | None = None) -> None:
        self.out.fields[name] = Field(value, source, confidence, language)

    def finding(self, finding: Finding | None) -> None:
        if finding is not None and finding not in self.out.findings:
            self.out.findings.append(finding)

    def read(self, fn):
        """The surest reading of ``fn(text)`` over the language versions: (reading,
        language, how many versions agree)."""
        best, language, values = None, None, []
        for lang, text in self.texts.items():
            reading = fn(text)
            if reading is None:
                continue
            values.append(reading[0])
            if best is None or reading[1] > best[1]:
                best, language = reading, lang
        if best is None:
            return None
        return best[0], best[1], language, values.count(best[0])

    def text_field(self, name: str, fn, bonus: float = 0.05) -> bool:
        """Fill ``name`` from the text; True when a value was read."""
        found = self.read(fn)
        if found is None:
            return False
        value, confidence, language, agreeing = found
        confidence = min(0.99, confidence + bonus * (agreeing - 1)) * self.scale
        self.field(name, value, self.source, confidence, language)
        return True

    # ---- the fields --------------------------------------------------------------

    def symbols_field(self) -> None:
        g = self.given
        if g.symbols:
            self.field("symbols", list(g.symbols), g.source, 1.0)
        else:
            found = self.read(lambda t: masthead_symbols(t, self.scale * 2 - 1))
            if found:
                value, confidence, language, _ = found
                self.field("symbols", value, self.source, confidence, language)
                self.symbols = _parsed(value)
        own = self.read(lambda t: ([s for s, _ in heading_symbols(t)] or
                                   (masthead_symbols(t) or ([], 0))[0], 1.0)
                        if self.source == "ocr" or heading_symbols(t) else None)
        if g.symbols and own and own[0]:
            keys = {s.key for s in self.symbols}
            stated = _parsed(own[0])
            if stated and not keys.intersection(s.key for s in stated):
                self.finding(Finding(
                    "symbol-contradicts-text", "symbols",
                    Message("finding.symbol_in_text", "the text states {stated} as its "
                            "symbol, the record {given}",
                            stated=", ".join(s.canonical for s in stated),
                            given=", ".join(g.symbols))))
        drafts = self.read(lambda t: (draft_symbols(t), 0.8) if draft_symbols(t) else None)
        if drafts:
            mine = {s.key for s in self.symbols}
            value = [d for d in drafts[0] if parse_symbol(d).key not in mine]
            if value:
                self.field("drafts", value, self.source, 0.8 * self.scale, drafts[2])

    def body_field(self) -> None:
        g, first = self.given, self.symbols[0] if self.symbols else None
        text_body = self.read(lambda t: (r.value, r.confidence) if (r := body_of_text(t))
                              else None)
        if g.body:
            self.field("body", g.body, g.source, 1.0)
        elif first and first.body:
            self.field("body", first.body, "symbol", SYMBOL_CONFIDENCE)
        elif text_body:
            self.text_field("body", lambda t: (r.value, r.confidence)
                            if (r := body_of_text(t)) else None)
        if text_body and self.symbols and text_body[1] >= 0.85 and \
                text_body[0] not in {s.body for s in self.symbols}:
            self.finding(Finding("body-contradicts-text", "body",
                                 Message("finding.body_in_text", "the text names {named} as "
                                         "its body, the symbol {symbol} says {body}",
                                         named=text_body[0],
                                         symbol=self.symbols[0].canonical,
                                         body=self.symbols[0].body)))

    def date_fields(self) -> None:
        g = self.given
        headings = {lang: frozenset(line for _, line in heading_symbols(t))
                    for lang, t in self.texts.items()}
        # a speech does not print its day: the days its text names are the speaker's
        # ("the letter dated 3 April 1970"), never the speech's own
        read = None if g.doc_type in UNDATED_BY_TEXT else self.read(
            lambda t: (m, m.confidence) if (m := document_date(
                t, headings.get(self._lang_of(t), frozenset()))) else None)
        for name, value in (("date", g.date), ("action_date", g.action_date)):
            if value is None:
                continue
            precision = g.date_precision if name == "date" else None
            flagged = self._check_date(name, value, precision)
            if flagged is None:  # an impossible date is not kept: a finding says why
                self.field(name, edtf(value, precision), g.source, 1.0)
            if read and read[0].role in ("heading", "adopted") and read[0].date != value \
                    and name == ("action_date" if g.action_date else "date"):
                self.finding(Finding("date-contradicts-text", name,
                                     Message("finding.date_in_text", "{given} given, the "
                                             "text says {read} ({quoted})",
                                             given=value.isoformat(),
                                             read=read[0].date.isoformat(),
                                             quoted=read[0].text)))
        if read is None:
            self.reduced_date()
            return
        mention, confidence, language, agreeing = read
        confidence = min(0.99, confidence + 0.03 * (agreeing - 1)) * self.scale
        finding = checks.date_in_range("date", mention.date, self.today)
        if finding:
            self.finding(finding)
            return
        stated = self.stated_year()
        contradictions = [c for s in self.symbols[:1]
                          if (c := checks.date_against_symbol("date", mention.date, s))]
        if not contradictions and stated and (
                year_finding := checks.date_against_year("date", mention.date, *stated)):
            contradictions.append(year_finding)
        for contradiction in contradictions:
            self.finding(contradiction)
            confidence = min(confidence, 0.3)
        if contradictions and g.year and stated and stated[0] == g.year:
            # the year the manifest or MARC record states (and the symbol, if it states
            # one) outweighs a date read in the text (mostly another document's: "the
            # Geneva Conventions of 12 August 1949"); the reading waits for a cataloguer
            # as a finding. Against a symbol's year alone the record stays undated:
            # either may be wrong (a mislabelled file)
            self.reduced_date()
        value = mention.date.isoformat()
        # a date given and kept wins; one given that cannot be right gives way (flagged)
        if "date" not in self.out.fields:
            self.field("date", value, self.source, confidence, language)
        if mention.role in _ACTION_ROLES and "action_date" not in self.out.fields:
            self.field("action_date", value, self.source, confidence, language)

    def reduced_date(self) -> None:
        """No day is stated: the year the record or its symbol states dates it, to the
        year ("2015"), never to an invented day. A General Assembly session spans two
        years, so a session alone dates nothing."""
        if "date" in self.out.fields:
            return
        stated = self.stated_year()
        if stated is None:
            return
        year, source = stated
        confidence = SYMBOL_CONFIDENCE if source == "symbol" else 1.0
        first = dt.date(year, 1, 1)
        if self.finding_for(checks.date_in_range("date", first, self.today, "year")):
            return
        self.field("date", edtf(first, "year"), source, confidence)

    def stated_year(self) -> tuple[int, str] | None:
        """The year the symbol states (E/RES/2014/32, S/2015/305), else the one the
        manifest or MARC record states (the UN Parallel Corpus files E/RES/2014/32 under
        2015): the symbol is the document's own. Two years at odds are a finding."""
        g = self.given
        # only a symbol the record states: one read in a speech's text is another
        # document's ("S/PRST/2021/18" cited in a 2023 General Debate speech)
        own = _parsed(g.symbols)
        symbol_year = next((s.year for s in own if s.year), None)
        if symbol_year and g.year and symbol_year != g.year:
            self.finding(Finding("date-contradicts-year", "year",
                                 Message("finding.year_against_symbol", "the {source} "
                                         "states {year}, the symbol {symbol} {symbol_year}",
                                         source=checks.source_named(g.source), year=g.year,
                                         symbol=own[0].canonical, symbol_year=symbol_year)))
        if symbol_year:
            return symbol_year, "symbol"
        return (g.year, g.source) if g.year else None

    def finding_for(self, finding: Finding | None) -> bool:
        self.finding(finding)
        return finding is not None

    def _lang_of(self, text: str) -> str | None:
        return next((lang for lang, t in self.texts.items() if t is text), None)

    def _check_date(self, name: str, value: dt.date, precision: str | None = None
                    ) -> Finding | None:
        found = checks.date_in_range(name, value, self.today, precision)
        self.finding(found)
        for symbol in self.symbols[:1]:
            self.finding(checks.date_against_symbol(name, value, symbol))
        if self.given.year:
            self.finding(checks.date_against_year(name, value, self.given.year,
                                                  self.given.source))
        return found

    def meeting_fields(self) -> None:
        if not self.text_field("meeting", lambda t: (m.number, m.confidence)
                               if (m := own_meeting(t)) else None):
            return
        body = self.value_of("body")
        first = self.symbols[0] if self.symbols else None
        record = meeting_record(body, first.session if first else None,
                                self.out.fields["meeting"].value)
        if record and not any(s.canonical == record for s in self.symbols):
            f = self.out.fields["meeting"]
            self.field("meeting_record", record, f.source, f.confidence, f.language)

    def agenda_field(self) -> None:
        g = self.given
        if g.agenda and (g.agenda[0] or g.agenda[1]):
            self.field("agenda", {"item": g.agenda[0], "title": g.agenda[1]}, g.source, 1.0)
            return
        self.text_field("agenda", lambda t: ({"item": a.item, "title": a.title},
                                             a.confidence)
                        if (a := agenda_item(t, not_title=kind_of_line)) else None)

    def type_field(self) -> None:
        g, first = self.given, self.symbols[0] if self.symbols else None
        if g.doc_type:
            self.field("doc_type", g.doc_type, g.source, 1.0)
        elif first and first.doc_type:
            self.field("doc_type", first.doc_type, "symbol", SYMBOL_CONFIDENCE)
        else:
            self.text_field("doc_type", _text_kind)

    def period_field(self) -> None:
        g, first = self.given, self.symbols[0] if self.symbols else None
        body = self.value_of("body")
        session = g.session or (first.session if first else None)
        year = g.year or (first.year if first else None)
        source = g.source if (g.session or g.year) else "symbol"
        if body == "SC" and not year and self.value_of("date"):
            year, source = int(self.value_of("date")[:4]), self.out.fields["date"].source
        period = period_of(body, session, year) if (session or year) else None
        if body == "SC" and period is None:
            period = None
        if period is None and body == "GA" and (dated := self.out.fields.get("date")):
            period = self.session_of_date(dated)
            if period is not None:
                return
        if period is not None:
            confidence = 1.0 if source == g.source else SYMBOL_CONFIDENCE
            if source not in (g.source, "symbol"):
                confidence = self.out.fields["date"].confidence
            self.field("period", period.to_json(), source, confidence)
            return
        self.text_field("period", lambda t: (p.to_json(), 0.8 if line < 25 else 0.6)
                        if (found := period_in_text(t)) and (p := found[0]) and (
                            line := found[1]) is not None else None)

    def session_of_date(self, dated: Field) -> Period | None:
        """A General Assembly document whose symbol has no session (A/C.1/212, 1947):
        the session in progress on its date, derived and marked so."""
        value, precision = parse_edtf(dated.value)
        if precision not in SESSION_DATED:
            return None
        number = ga_session_on(value)
        if number is None:
            return None
        period = Period("session", str(number))
        self.field("period", period.to_json(), "date",
                   min(dated.confidence, SESSION_FROM_DATE_CONFIDENCE))
        return period

    def distribution_field(self) -> None:
        g = self.given
        if g.distribution:
            self.field("distribution", g.distribution, g.source, 1.0)
        elif self.source == "ocr" or not self.symbols:
            self.text_field("distribution", distribution, bonus=0.0)

    def title_fields(self, primary: str | None) -> None:
        g, out = self.given, self.out
        for lang, title in g.titles.items():
            if not title:
                continue
            if g.titles_from_text:
                if kind_of_line(title) and not is_label(title) and not _marked(title):
                    out.titles[lang] = Field(title.rstrip(". "), "text", 0.7, lang)
                else:
                    out.rejected_titles[lang] = title
            elif is_sentence(title) or is_label(title):
                out.rejected_titles[lang] = title
            else:
                out.titles[lang] = Field(title, g.source, 1.0, lang)
        for lang, text in self.texts.items():
            if lang in out.titles:
                continue
            found = stated_title(text)
            if found is None and self.source == "ocr":
                found = capitals_title(text, _not_a_title)
            if found and not is_label(found[0]):
                out.titles[lang] = Field(found[0], self.source, found[1] * self.scale, lang)
        lang = primary if primary in out.titles else next(iter(out.titles), None)
        if lang is not None:
            t = out.titles[lang]
            self.field("title", t.value, t.source, t.confidence, lang)

    def no_text(self) -> None:
        if self.source != "ocr":
            return
        letters = sum(c.isalpha() for t in self.texts.values() for c in t)
        if letters < _MIN_LETTERS:
            self.finding(Finding("no-text", "text",
                                 Message("finding.no_legible_text", "OCR read {letters} "
                                         "letters: the scan holds no legible text (blank, a "
                                         "picture, or the wrong language)", letters=letters)))

    def value_of(self, name: str):
        f = self.out.fields.get(name)
        return f.value if f is not None else None


def _marked(title: str) -> bool:
    return is_sentence(title) and kind_of_line(title) is None


def _not_a_title(line: str) -> bool:
    """Lines a scan's first long line must not be: a date, a label, a running head
    ("2 Генеральная Ассамблея — Двадцать шестая сессия")."""
    return bool(date_mentions(line)) or is_label(line) or period_in_text(line) is not None


def _text_kind(text: str):
    if heading_symbols(text):
        return "resolution", 0.85
    reading = kind_of_text(text)
    return (reading.value, reading.confidence) if reading else None


def describe(given: Given, texts: dict[str, str], *, text_source: str = "text",
             quality: float = 1.0, primary_language: str | None = None,
             today: dt.date | None = None) -> Description:
    """The description of one record from what it states (``given``) and its texts
    (language -> text; ``text_source`` "text" for born-digital, "ocr" for a scan read
    with page confidence ``quality``, 0..1)."""
    reader = _Reader(given, texts, text_source, quality, today or dt.date.today())
    reader.symbols_field()
    reader.body_field()
    reader.date_fields()
    reader.type_field()
    reader.period_field()
    reader.meeting_fields()
    reader.agenda_field()
    reader.distribution_field()
    reader.title_fields(primary_language)
    reader.no_text()
    return reader.out
