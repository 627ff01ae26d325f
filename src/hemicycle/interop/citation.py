"""Citations of documents: the UN style the Dag Hammarskjöld Library teaches, BibTeX,
RIS and CSL-JSON, for one record or a whole result list.

The author of a UN document is the Organization and its organ ("United Nations.
General Assembly"); the document symbol is the identifier a reader needs, so every
format carries it (BibTeX ``number``, RIS ``M1``, CSL ``number``). Titles and organ
names come in the language asked for, falling back to English, then any language.
Interface text (organ names, "available from") comes in through ``text(key, lang)``
so that this module does not depend on the web layer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from hemicycle.describe.precision import date_of
from hemicycle.languages import BY_CODE, CODES

FORMATS: dict[str, tuple[str, str]] = {
    # name -> (media type, file suffix)
    "un": ("text/plain; charset=utf-8", "txt"),
    "bibtex": ("application/x-bibtex; charset=utf-8", "bib"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "ris"),
    "csl": ("application/vnd.citationstyles.csl+json", "json"),
}
# Accept header values that ask for one of the formats (content negotiation)
MEDIA_TYPES: dict[str, str] = {
    "application/x-bibtex": "bibtex", "text/x-bibtex": "bibtex",
    "application/x-research-info-systems": "ris",
    "application/vnd.citationstyles.csl+json": "csl",
}
CSL_TYPES = {"resolution": "legislation", "decision": "legislation",
             "draft resolution": "bill", "meeting record": "hearing", "speech": "speech",
             "report": "report"}
Text = Callable[[str, str], str]


class UnknownFormat(ValueError):
    """A citation format that is not one of FORMATS."""


@dataclass
class Citable:
    """What a citation needs of a document, read once from the catalogue."""

    uid: str
    symbol: str
    symbols: list[str]
    body: str | None
    doc_type: str | None
    date: str | None  # EDTF: 2015-05-11, or 2015 where only the year is known
    year: int | None
    titles: dict[str, str]
    url: str  # the permalink
    subjects: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, doc, base_url: str) -> Citable:
        """From a catalogue Document."""
        date = date_of(doc) or (doc.action_date.isoformat() if doc.action_date else None)
        return cls(uid=doc.uid, symbol=doc.symbol, symbols=[s.symbol for s in doc.symbols],
                   body=doc.body, doc_type=doc.doc_type, date=date, year=doc.year,
                   titles={v.language: v.title for v in doc.versions if v.title},
                   url=permalink(base_url, doc.uid),
                   subjects=[s.label for s in doc.subjects if s.label])

    def title(self, lang: str) -> tuple[str | None, str | None]:
        for code in (lang, "en", *CODES):
            if self.titles.get(code):
                return self.titles[code], code
        return None, None


def permalink(base_url: str, uid: str) -> str:
    """The stable address of a record: its uid never changes, whatever is edited."""
    return f"{base_url.rstrip('/')}/documents/{uid}"


def _organ(item: Citable, lang: str, text: Text) -> str | None:
    if not item.body:
        return None
    key = f"body.{item.body}"
    name = text(key, lang)
    return item.body if name == key else name


def author(item: Citable, lang: str, text: Text) -> str:
    """The corporate author: "United Nations. General Assembly" (in the language's form)."""
    organ = _organ(item, lang, text)
    organization = text("cite.united_nations", lang)
    return text("cite.author", lang).format(organization=organization, organ=organ) if organ \
        else organization


def un_style(item: Citable, lang: str, text: Text) -> str:
    """United Nations, General Assembly, Title, A/RES/70/1 (2015-10-21), available from URL."""
    parts = [text("cite.united_nations", lang)]
    organ = _organ(item, lang, text)
    if organ:
        parts.append(organ)
    title, _ = item.title(lang)
    if title:
        parts.append(title)
    dated = f"{item.symbol} ({item.date or item.year})" if (item.date or item.year) else item.symbol
    parts.append(dated)
    parts.append(text("cite.available_from", lang).format(url=item.url))
    return text("cite.list_separator", lang).join(parts) + text("cite.full_stop", lang)


_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _bib(value: str) -> str:
    value = value.replace("\\", r"\textbackslash{}")
    value = _BIBTEX_SPECIAL.sub(r"\\\1", value)
    return value.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def _bib_key(item: Citable) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", item.symbol).strip("_") or item.uid


def bibtex(item: Citable, lang: str, text: Text) -> str:
    title, title_lang = item.title(lang)
    fields = [("author", "{" + _bib(author(item, lang, text)) + "}")]
    if title:
        fields.append(("title", _bib(title)))
    if item.year or item.date:
        fields.append(("year", str(item.year or item.date[:4])))
    if item.date:
        fields.append(("date", item.date))
    fields += [("number", _bib(item.symbol)), ("publisher", _bib(text("cite.united_nations",
                                                                           lang))),
               ("url", item.url)]
    if title_lang:
        fields.append(("language", BY_CODE[title_lang].english_name.lower()))
    if item.doc_type:
        fields.append(("type", _bib(item.doc_type)))
    if item.subjects:
        fields.append(("keywords", _bib(", ".join(item.subjects))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{_bib_key(item)},\n{body}\n}}\n"


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}\r\n"


def ris(item: Citable, lang: str, text: Text) -> str:
    title, title_lang = item.title(lang)
    out = [_ris_line("TY", "GOVDOC"), _ris_line("AU", author(item, lang, text))]
    if title:
        out.append(_ris_line("TI", title))
    if item.year or item.date:
        out.append(_ris_line("PY", str(item.year or item.date[:4])))
    if item.date:
        out.append(_ris_line("DA", item.date.replace("-", "/")))
    out.append(_ris_line("M1", item.symbol))
    for other in item.symbols:
        if other != item.symbol:
            out.append(_ris_line("M1", other))
    if item.doc_type:
        out.append(_ris_line("M3", item.doc_type))
    out.append(_ris_line("PB", text("cite.united_nations", lang)))
    if title_lang:
        out.append(_ris_line("LA", title_lang))
    out += [_ris_line("KW", s) for s in item.subjects]
    out += [_ris_line("UR", item.url), _ris_line("ID", item.uid), "ER  - \r\n"]
    return "".join(out)


def csl(item: Citable, lang: str, text: Text) -> dict:
    title, title_lang = item.title(lang)
    data: dict = {"id": item.uid, "type": CSL_TYPES.get(item.doc_type or "", "document"),
                  "author": [{"literal": author(item, lang, text)}],
                  "number": item.symbol, "publisher": text("cite.united_nations", lang),
                  "URL": item.url}
    if title:
        data["title"] = title
    if title_lang:
        data["language"] = title_lang
    if item.date:
        data["issued"] = {"date-parts": [[int(p) for p in item.date.split("-")]]}
    elif item.year:
        data["issued"] = {"date-parts": [[item.year]]}
    if item.doc_type:
        data["genre"] = item.doc_type
    if item.subjects:
        data["keyword"] = ", ".join(item.subjects)
    return data


def render(items: Iterable[Citable], fmt: str, lang: str, text: Text) -> str:
    """The citations of ``items`` in ``fmt`` (a list's entries one after another)."""
    items = list(items)
    if fmt == "un":
        return "\n".join(un_style(i, lang, text) for i in items) + "\n"
    if fmt == "bibtex":
        return "\n".join(bibtex(i, lang, text) for i in items)
    if fmt == "ris":
        return "".join(ris(i, lang, text) for i in items)
    if fmt == "csl":
        return json.dumps([csl(i, lang, text) for i in items], ensure_ascii=False, indent=1)
    raise UnknownFormat(fmt)


def format_for_accept(accept: str) -> str | None:
    """The citation format an Accept header asks for, if any."""
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in MEDIA_TYPES:
            return MEDIA_TYPES[media]
    return None
