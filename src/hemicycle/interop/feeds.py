"""Atom feeds (RFC 4287) of the newest documents matching a search: the alert a
researcher subscribes to. The search is ``hemicycle.search.query.search`` in date
order; entries link to the document pages."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from lxml import etree
from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.characters import xml_text
from hemicycle.config import Settings

ATOM_NS = "http://www.w3.org/2005/Atom"
ENTRIES = 50


def _stamp(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _el(parent, name: str, text: str | None = None, **attrs: str):
    el = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}", **attrs)
    if text is not None:
        el.text = xml_text(text)
    return el


def search_feed(settings: Settings, q: str, title: str, lang: str | None = None,
                filters: dict[str, list[str]] | None = None, xml_lang: str = "en") -> bytes:
    """The Atom feed of the ENTRIES newest documents matching ``q`` (QueryError if invalid)."""
    from hemicycle.search.query import search

    results = search(settings, q, lang=lang, filters=filters, sort="date", per_page=ENTRIES)
    uids = [hit.uid for hit in results.hits]
    with session_scope(settings.database_url) as db:
        updated = dict(db.execute(select(Document.uid, Document.updated_at)
                                  .where(Document.uid.in_(uids))).all()) if uids else {}
    base = settings.base_url.rstrip("/")
    params: list[tuple[str, str]] = [("q", q)] + ([("lang", lang)] if lang else [])
    for name, values in (filters or {}).items():
        params += [(name, value) for value in values]
    query = urlencode(params)
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", xml_lang)
    _el(root, "id", f"{base}/feeds/search.atom?{query}")
    _el(root, "title", title)
    newest = max(updated.values(), default=None) or dt.datetime(1970, 1, 1)
    _el(root, "updated", _stamp(newest))
    _el(root, "link", rel="self", type="application/atom+xml",
        href=f"{base}/feeds/search.atom?{query}")
    _el(root, "link", rel="alternate", type="text/html", href=f"{base}/search?{query}&sort=date")
    author = _el(root, "author")
    _el(author, "name", "Hemicycle")
    _el(root, "generator", "Hemicycle")
    for hit in results.hits:
        if hit.uid not in updated:
            continue  # the index is ahead of the catalogue for a moment: leave it out
        entry = _el(root, "entry")
        url = f"{base}/documents/{hit.uid}"
        _el(entry, "id", url)
        _el(entry, "title", f"{hit.symbol}: {hit.title}" if hit.title else hit.symbol)
        _el(entry, "updated", _stamp(updated[hit.uid]))
        _el(entry, "link", rel="alternate", type="text/html", href=url)
        summary = " · ".join(x for x in (hit.symbol, hit.body, hit.doc_type, hit.date) if x)
        _el(entry, "summary", summary)
        for lang_code in hit.languages:
            _el(entry, "category", term=f"language:{lang_code}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
