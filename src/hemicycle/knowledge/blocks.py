"""Live blocks: parts of a guide that are filled from the catalogue each time it is shown.

In the Markdown a live block is a fenced code block whose info string is ``live <kind>``
and whose body is YAML, so a guide stays plain Markdown that round-trips through any
editor or git host::

    ```live search
    q: climate change
    body: SC
    limit: 5
    ```

* ``search``: ``q`` and optionally ``lang``, ``sort``, ``limit`` and facet filters
  (``body``, ``year``, ``session``, ``type``, ``language``, ``subject``): the top hits of
  that search (hemicycle.search) and a link to all of them;
* ``documents``: a list of symbols (or local identifiers): those documents, with titles;
* ``agenda``: ``agenda`` (agenda symbol) and ``item``, or ``title``; ``session``, ``body``:
  documents catalogued under that agenda item, and the statements made under it;
* ``concept``: a thesaurus concept (URI, T-code or label), or ``concept`` and ``vocab``:
  its label in the page's language and its documents;
* ``votes``: a resolution symbol, or ``resolution``: the vote on it, as a chart.

``parse_block`` checks a block when it is saved (findings with the line); ``fill_block``
runs the lookups when the page is shown and returns plain data for the template.
"""

from __future__ import annotations

from urllib.parse import quote

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hemicycle.catalogue.models import AgendaItem, Document, DocumentSubject, LanguageVersion
from hemicycle.catalogue.queries import find_document, uids_for_symbols
from hemicycle.config import Settings
from hemicycle.knowledge.findings import Finding
from hemicycle.languages import UnknownLanguage, normalise_language
from hemicycle.messages import message_of
from hemicycle.symbols import SymbolError, symbol_key

LIVE = "live"
KINDS = ("search", "documents", "agenda", "concept", "votes")
SEARCH_FILTERS = ("body", "year", "session", "type", "language", "subject")
MAX_LIMIT = 25
MAX_SYMBOLS = 50
DEFAULT_LIMIT = {"search": 5, "agenda": 10, "concept": 10}


class _Bad(ValueError):
    pass


def _text(value: object, name: str, limit: int = 300) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Bad(f"{name}: expected a text")
    text = str(value).strip()
    if not text or len(text) > limit:
        raise _Bad(f"{name}: expected 1 to {limit} characters")
    return text


def _limit(data: dict, kind: str) -> int:
    value = data.get("limit", DEFAULT_LIMIT.get(kind, 10))
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LIMIT:
        raise _Bad(f"limit: expected a whole number from 1 to {MAX_LIMIT}")
    return value


def _only(data: dict, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _Bad(f"unknown key {unknown[0]!r}: expected {', '.join(sorted(allowed))}")


def _mapping(data: object, main: str) -> dict:
    """A block body: a mapping, or a lone value standing for its main key."""
    if isinstance(data, dict):
        return {str(k): v for k, v in data.items()}
    if isinstance(data, str | int | float) and not isinstance(data, bool):
        return {main: data}
    raise _Bad(f"expected {main}: and its value")


def _search(data: object) -> dict:
    from hemicycle.search.querylang import QueryError, check_length, parse_query

    spec = _mapping(data, "q")
    _only(spec, {"q", "lang", "sort", "limit", *SEARCH_FILTERS})
    out: dict = {"q": _text(spec.get("q", ""), "q", 1000) if spec.get("q") else "",
                 "limit": _limit(spec, "search"), "filters": {}}
    try:
        check_length(out["q"])
        parse_query(out["q"])
    except QueryError as exc:
        raise _Bad(f"q: {exc}") from None
    if spec.get("lang"):
        try:
            out["lang"] = normalise_language(_text(spec["lang"], "lang"))
        except UnknownLanguage as exc:
            raise _Bad(f"lang: {exc}") from None
    sort = spec.get("sort", "relevance")
    if sort not in ("relevance", "date"):
        raise _Bad("sort: expected relevance or date")
    out["sort"] = sort
    for name in SEARCH_FILTERS:
        if name in spec:
            values = spec[name] if isinstance(spec[name], list) else [spec[name]]
            out["filters"][name] = [_text(v, name) for v in values]
    if not out["q"] and not out["filters"]:
        raise _Bad("q: a search needs words (q) or a filter")
    return out


def _documents(data: object) -> dict:
    if isinstance(data, dict):
        _only({str(k) for k in data}, {"symbols"})
        data = data.get("symbols")
    if isinstance(data, str):
        data = [line for line in data.splitlines() if line.strip()]
    if not isinstance(data, list) or not data:
        raise _Bad("expected a list of document symbols")
    if len(data) > MAX_SYMBOLS:
        raise _Bad(f"at most {MAX_SYMBOLS} symbols in one block")
    return {"symbols": [_text(s, "symbol", 200) for s in data]}


def _agenda(data: object) -> dict:
    spec = _mapping(data, "title")
    _only(spec, {"agenda", "item", "title", "session", "body", "limit"})
    out: dict = {"limit": _limit(spec, "agenda"), "body": _text(spec.get("body", "GA"), "body")}
    for name in ("agenda", "item", "title"):
        if spec.get(name) is not None:
            out[name] = _text(spec[name], name)
    if "session" in spec:
        if isinstance(spec["session"], bool) or not isinstance(spec["session"], int):
            raise _Bad("session: expected a session number")
        out["session"] = spec["session"]
    if not out.get("title") and not (out.get("agenda") and out.get("item")):
        raise _Bad("give the agenda item's title, or the agenda symbol and the item number")
    if out.get("agenda"):
        try:
            symbol_key(out["agenda"])
        except SymbolError as exc:
            raise _Bad(f"agenda: {exc}") from None
    return out


def _concept(data: object) -> dict:
    spec = _mapping(data, "concept")
    _only(spec, {"concept", "vocab", "limit"})
    return {"concept": _text(spec.get("concept"), "concept"),
            "vocab": _text(spec.get("vocab", "unbis"), "vocab", 60),
            "limit": _limit(spec, "concept")}


def _votes(data: object) -> dict:
    spec = _mapping(data, "resolution")
    _only(spec, {"resolution"})
    return {"resolution": _text(spec.get("resolution"), "resolution", 200)}


_PARSERS = {"search": _search, "documents": _documents, "agenda": _agenda,
            "concept": _concept, "votes": _votes}


def parse_block(info: str, body: str, line: int) -> tuple[dict | None, list[Finding]]:
    """The block's kind and checked settings, or None and the findings saying why not."""
    words = info.split()
    where = f"line {line}"
    kind = words[1] if len(words) > 1 else ""
    if kind not in KINDS:
        return None, [Finding("live-block", f"unknown live block {kind!r}: expected one of "
                              f"{', '.join(KINDS)}", where)]
    try:
        data = yaml.safe_load(body) if body.strip() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {line + 1 + mark.line}" if mark is not None else where
        problem = getattr(exc, "problem", None) or "not readable"
        return None, [Finding("live-block", f"live {kind}: {problem}", at)]
    try:
        spec = _PARSERS[kind](data)
    except _Bad as exc:
        return None, [Finding("live-block", f"live {kind}: {exc}", where)]
    return {"kind": kind, "line": line, **spec}, []


# ---- filling blocks from the catalogue -------------------------------------------------

def _titles(db: Session, ids: list[int], lang: str) -> dict[int, dict[str, str]]:
    titles: dict[int, dict[str, str]] = {}
    if ids:
        for doc_id, language, title in db.execute(
                select(LanguageVersion.document_id, LanguageVersion.language,
                       LanguageVersion.title)
                .where(LanguageVersion.document_id.in_(ids), LanguageVersion.title.is_not(None))):
            titles.setdefault(doc_id, {})[language] = title
    return titles


def _shown(titles: dict[str, str], lang: str) -> tuple[str | None, str | None]:
    """The title in ``lang``, else English, else any, with the language it is in."""
    for code in (lang, "en", *sorted(titles)):
        if titles.get(code):
            return titles[code], code
    return None, None


def _document_rows(db: Session, ids: list[int], lang: str) -> dict[int, dict]:
    if not ids:
        return {}
    rows = db.execute(select(Document.id, Document.uid, Document.symbol, Document.year,
                             Document.doc_type)
                      .where(Document.id.in_(ids), Document.status == "published")).all()
    titles = _titles(db, [r.id for r in rows], lang)
    out = {}
    for r in rows:
        title, title_lang = _shown(titles.get(r.id, {}), lang)
        out[r.id] = {"uid": r.uid, "symbol": r.symbol, "year": r.year, "type": r.doc_type,
                     "title": title, "title_lang": title_lang}
    return out


def _fill_search(settings: Settings, block: dict, lang: str) -> dict:
    from urllib.parse import urlencode

    from hemicycle.search.query import QueryError, search

    params = [("q", block["q"])] if block["q"] else []
    if block.get("lang"):
        params.append(("lang", block["lang"]))
    params += [(k, v) for k, values in block["filters"].items() for v in values]
    if block["sort"] != "relevance":
        params.append(("sort", block["sort"]))
    url = "/search?" + urlencode(params)
    try:
        found = search(settings, block["q"], lang=block.get("lang"), filters=block["filters"],
                       sort=block["sort"], per_page=block["limit"], ui_lang=lang)
    except QueryError as exc:
        return {"error": message_of(exc), "url": url, "items": [], "total": 0}
    items = []
    for hit in found.hits:
        title, title_lang = _shown(hit.titles, lang) if hit.titles else (hit.title,
                                                                         hit.title_language)
        items.append({"uid": hit.uid, "symbol": hit.symbol, "year": hit.year,
                      "type": hit.doc_type, "title": title, "title_lang": title_lang})
    return {"items": items, "total": found.total, "url": url}


def _fill_documents(db: Session, block: dict, lang: str) -> dict:
    uids = uids_for_symbols(db, block["symbols"])
    for symbol in block["symbols"]:
        if symbol not in uids:  # a local identifier (UNGDC/75/FRA), not a UN symbol
            doc = find_document(db, symbol)
            if doc is not None:
                uids[symbol] = doc.uid
    ids = dict(db.execute(select(Document.uid, Document.id)
                          .where(Document.uid.in_(list(uids.values())))).all()) if uids else {}
    rows = _document_rows(db, list(ids.values()), lang)
    items = []
    for symbol in block["symbols"]:
        row = rows.get(ids.get(uids.get(symbol, ""), -1))
        items.append(row | {"asked": symbol} if row else {"asked": symbol, "missing": True})
    return {"items": items}


def _fill_agenda(db: Session, block: dict, lang: str) -> dict:
    from hemicycle.proceedings.models import MemberState, Speech
    from hemicycle.proceedings.queries import speech_document_uids
    from hemicycle.proceedings.states import state_name

    query = select(AgendaItem.document_id, AgendaItem.agenda_symbol, AgendaItem.item_number,
                   AgendaItem.title)
    if block.get("item"):
        query = query.where(AgendaItem.item_number == block["item"])
    if block.get("title"):
        query = query.where(func.lower(AgendaItem.title) == block["title"].lower())
    wanted = symbol_key(block["agenda"]) if block.get("agenda") else None
    ids = []
    for doc_id, agenda_symbol, _item, _title in db.execute(query.limit(2000)):
        if wanted is not None:
            try:
                if symbol_key(agenda_symbol or "") != wanted:
                    continue
            except SymbolError:
                continue
        ids.append(doc_id)
    rows = _document_rows(db, sorted(set(ids)), lang)
    documents = sorted(rows.values(), key=lambda r: (-(r["year"] or 0), r["symbol"]))
    speeches, speech_total = [], 0
    if block.get("title"):
        wanted = [func.lower(Speech.agenda_item) == block["title"].lower(),
                  Speech.body == block["body"]]
        if "session" in block:
            wanted.append(Speech.session_no == block["session"])
        speech_total = db.scalar(select(func.count(Speech.id)).where(*wanted)) or 0
        rows = db.execute(select(Speech.id, Speech.session_no, Speech.year, MemberState.iso3,
                                 Speech.organisation, Speech.speaker)
                          .outerjoin(MemberState, MemberState.id == Speech.state_id)
                          .where(*wanted).order_by(Speech.session_no.desc(), Speech.id)
                          .limit(block["limit"])).all()
        texts = speech_document_uids(db, [r.id for r in rows])
        speeches = [{"id": r.id, "session": r.session_no, "year": r.year, "state": r.iso3,
                     "state_name": state_name(r.iso3, lang) if r.iso3 else None,
                     "organisation": r.organisation, "speaker": r.speaker,
                     "document_uid": texts.get(r.id)} for r in rows]
    return {"documents": documents[:block["limit"]], "document_total": len(documents),
            "speeches": speeches, "speech_total": speech_total,
            "speeches_url": (f"/speeches?session={block['session']}" if "session" in block
                             else "/speeches")}


_concepts: dict[tuple, tuple[str | None, str | None]] = {}


def find_concept(db: Session, text: str, vocab: str = "unbis") -> tuple[str | None, str | None]:
    """(URI, local id) of the concept ``text`` names: looked up once per load of the
    vocabulary (a reload bumps its version), since the lookup tries every language."""
    from hemicycle.thesaurus import resolve_subject
    from hemicycle.thesaurus.models import Concept, Vocabulary

    loaded = db.execute(select(Vocabulary.id, Vocabulary.version, Vocabulary.loaded_at)
                        .where(Vocabulary.name == vocab)).first()
    if loaded is None:
        return None, None
    key = (str(db.get_bind().url), vocab, loaded.version, loaded.loaded_at, text)
    if key not in _concepts:
        uri = resolve_subject(db, text, vocab)
        local = db.scalar(select(Concept.local_id).where(
            Concept.uri == uri, Concept.vocab_id == loaded.id)) if uri else None
        if len(_concepts) > 10_000:
            _concepts.clear()
        _concepts[key] = (uri, local)
    return _concepts[key]


def concept_documents(db: Session, uri: str, lang: str, limit: int) -> tuple[list[dict], int]:
    """The newest ``limit`` published documents indexed with the concept ``uri`` (titles in
    ``lang`` first), and how many there are in all."""
    total = db.scalar(select(func.count()).select_from(DocumentSubject).join(Document).where(
        DocumentSubject.concept == uri, Document.status == "published")) or 0
    ids = list(db.scalars(
        select(Document.id).join(DocumentSubject, DocumentSubject.document_id == Document.id)
        .where(DocumentSubject.concept == uri, Document.status == "published")
        .order_by(Document.year.desc().nulls_last(), Document.symbol).limit(limit)))
    rows = _document_rows(db, ids, lang)
    return [rows[i] for i in ids if i in rows], total


def subject_url(uri: str) -> str:
    """The search page filtered on one subject."""
    return f"/search?subject={quote(uri, safe='')}"


def _fill_concept(settings: Settings, db: Session, block: dict, lang: str) -> dict:
    from hemicycle.thesaurus import concept_labels

    uri, local = find_concept(db, block["concept"], block["vocab"])
    if uri is None:
        return {"missing": True, "asked": block["concept"]}
    labels = concept_labels(db, [uri], lang) or concept_labels(db, [uri], "en")
    documents, total = concept_documents(db, uri, lang, block["limit"])
    label = labels.get(uri, block["concept"])
    out = {"uri": uri, "label": label,
           "url": f"/thesaurus/{block['vocab']}/{local}" if local else None,
           "documents": documents, "total": total, "subject_url": subject_url(uri),
           "words": None}
    if not total:
        # no document is indexed with it yet: its label as words, in the page's language
        words = _fill_search(settings, {"q": f'"{label}"', "lang": lang if labels else "en",
                                        "filters": {}, "sort": "relevance",
                                        "limit": block["limit"]}, lang)
        out["words"] = words if words["items"] else None
    return out


def _fill_votes(db: Session, block: dict) -> dict:
    from hemicycle.proceedings.queries import record_summary, voting_record_for_symbol

    record = voting_record_for_symbol(db, block["resolution"])
    if record is None:
        return {"missing": True, "asked": block["resolution"]}
    return record_summary(record)


def fill_block(settings: Settings, db: Session, block: dict, lang: str) -> dict:
    """The block's content, looked up now, as plain data (``kind`` and the block's own
    keys are kept so the template knows what it shows)."""
    kind = block["kind"]
    if kind == "search":
        data = _fill_search(settings, block, lang)
    elif kind == "documents":
        data = _fill_documents(db, block, lang)
    elif kind == "agenda":
        data = _fill_agenda(db, block, lang)
    elif kind == "concept":
        data = _fill_concept(settings, db, block, lang)
    else:
        data = _fill_votes(db, block)
    return {"kind": kind, "spec": block, **data}
