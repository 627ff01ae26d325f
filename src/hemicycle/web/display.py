"""How a record is named and described to a reader, in the interface language.

A record that states no title is shown under a display title made from its type, body
and symbol ("Security Council resolution S/RES/242 (1967)", "Résolution du Conseil de
sécurité ..."), always marked as made, never mistaken for a title the document states.
"""

from __future__ import annotations

from dataclasses import dataclass

from hemicycle.catalogue.models import Document
from hemicycle.web.i18n import translate


def _has(key: str, lang: str) -> bool:
    return translate(key, lang) != key


def display_title(lang: str, symbol: str, doc_type: str | None, body: str | None) -> str:
    """The title made for a record that states none, in ``lang``."""
    kind = translate(f"type.{doc_type}", lang) if doc_type and _has(f"type.{doc_type}", lang) \
        else translate("display.document", lang)
    if body and _has(f"display.body.{body}", lang):
        text = translate("display.title", lang, type=kind,
                         body=translate(f"display.body.{body}", lang), symbol=symbol)
    else:
        text = translate("display.title_no_body", lang, type=kind, symbol=symbol)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Shown:
    title: str
    language: str  # the language the title is in
    made: bool  # a display title, not one the document states


def shown_title(doc: Document, lang: str) -> Shown:
    """The title to show in ``lang``: the version's own, else English's, else any stated
    one, else a display title in ``lang``."""
    for code in (lang, "en"):
        v = doc.version(code)
        if v is not None and v.title:
            return Shown(v.title, code, False)
    stated = next((v for v in doc.versions if v.title), None)
    if stated is not None:
        return Shown(stated.title, stated.language, False)
    return Shown(display_title(lang, doc.symbol, doc.doc_type, doc.body), lang, True)
