"""Member States on the Record: everything the library holds on one state, on one page.

Built at view time from the proceedings data (membership, votes, General Debate
statements: ``hemicycle.proceedings``) and the catalogue (documents whose symbol carries
the state's ISO code, such as ``CEDAW/C/UZB/Q/5``, documents indexed with the thesaurus
concept that names it, and documents whose title names it):
nothing is copied by hand, so the page is as current as the data. State names, in each
of the six languages, and their alphabetical order come from the state authority
(``hemicycle.proceedings.states``).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hemicycle.catalogue.models import Document, DocumentSymbol
from hemicycle.config import Settings
from hemicycle.proceedings import queries
from hemicycle.proceedings.codes import CAST
from hemicycle.proceedings.models import MemberState, Vote, VotingRecord
from hemicycle.proceedings.states import name_sort_key, state_name
from hemicycle.symbols import SymbolError, parse_symbol

AGREEMENT_SHOWN = 5
DOCUMENTS_SHOWN = 15
SPEECHES_SHOWN = 100


def states(db: Session, lang: str) -> list[dict]:
    """Member states (present and past) with their names in ``lang``, in its alphabetical
    order (``proceedings.queries.all_states``), for the index page."""
    ended = dict(db.execute(select(MemberState.iso3, MemberState.ended)).all())
    return [{"iso3": s["iso3"], "name": s["name"],
             "ended": ended[s["iso3"]].isoformat() if ended.get(s["iso3"]) else None}
            for s in queries.all_states(db, lang) if s["kind"] == "member"]


def _latest_ga_session(db: Session, state_id: int) -> int | None:
    return db.scalar(select(func.max(VotingRecord.session_no))
                     .join(Vote, Vote.record_id == VotingRecord.id)
                     .where(Vote.state_id == state_id, VotingRecord.body == "GA",
                            Vote.vote.in_(CAST)))


def _agreement(db: Session, state_id: int, lang: str) -> dict | None:
    """The states that voted most and least often like this one in its latest General
    Assembly session."""
    session_no = _latest_ga_session(db, state_id)
    if session_no is None:
        return None
    iso3_of = dict(db.execute(select(MemberState.id, MemberState.iso3)).all())
    others = []
    for row in queries.agreement_with_all(db, state_id, session_no, "GA"):
        iso3 = iso3_of.get(row["state_id"])
        if iso3 is not None:
            others.append({"iso3": iso3, "name": state_name(iso3, lang),
                           "share": row["agreement"], "both": row["both_voted"]})
    order = name_sort_key(lang)
    others.sort(key=lambda o: (-o["share"], order(o["name"])))
    return {"session": session_no, "most": others[:AGREEMENT_SHOWN],
            "least": list(reversed(others[-AGREEMENT_SHOWN:])) if others else []}


def _documents_by_symbol(db: Session, iso3: str) -> list[dict]:
    """Published documents with the ISO code as a part of a symbol (country reports,
    lists of issues: ``CEDAW/C/UZB/Q/5``), through hemicycle.symbols."""
    rows = db.execute(select(Document.uid, Document.symbol, Document.year, DocumentSymbol.symbol)
                      .join(DocumentSymbol, DocumentSymbol.document_id == Document.id)
                      .where(DocumentSymbol.symbol.like(f"%/{iso3}/%"),
                             Document.status == "published").limit(500)).all()
    found = {}
    for uid, symbol, year, carried in rows:
        try:
            if iso3 not in parse_symbol(carried).parts:
                continue
        except SymbolError:
            continue
        found[uid] = {"uid": uid, "symbol": symbol, "year": year}
    return sorted(found.values(), key=lambda d: (-(d["year"] or 0), d["symbol"]))


def _documents_on_subject(db: Session, iso3: str, lang: str) -> dict | None:
    """Documents indexed with the thesaurus concept of the state (UNBIS has one per country,
    labelled with its English short name: ``UZBEKISTAN``), or None when the vocabulary has
    no such concept."""
    from hemicycle.knowledge.blocks import concept_documents, find_concept, subject_url

    uri, local = find_concept(db, state_name(iso3, "en"))
    if uri is None:
        return None
    documents, total = concept_documents(db, uri, lang, DOCUMENTS_SHOWN)
    return {"uri": uri, "url": f"/thesaurus/unbis/{local}" if local else None,
            "documents": documents, "total": total, "search_url": subject_url(uri)}


def _documents_naming(settings: Settings, name: str, lang: str) -> tuple[list[dict], str]:
    """Documents whose English title names the state (letters from its representatives,
    reports on it), through the search index."""
    from urllib.parse import urlencode

    from hemicycle.search.query import QueryError, search

    q = f'title:"{name}"'
    url = "/search?" + urlencode({"q": q})
    try:
        found = search(settings, q, lang="en", per_page=DOCUMENTS_SHOWN, ui_lang=lang,
                       sort="date")
    except QueryError:
        return [], url
    return [{"uid": h.uid, "symbol": h.symbol, "year": h.year, "date": h.date,
             "title": h.titles.get(lang) or h.title,
             "title_lang": lang if h.titles.get(lang) else h.title_language,
             "type": h.doc_type} for h in found.hits], url


def state_record(settings: Settings, db: Session, iso3: str, lang: str) -> dict | None:
    """The whole page's data for one state, or None when ``iso3`` is no state. Its names
    (today's and those of the day, in ``lang``) are the state authority's
    (``proceedings.queries.state_summary``)."""
    found = queries.state(db, iso3 or "")
    if found is None:
        return None
    summary = queries.state_summary(db, found, lang)
    name = summary["name"]
    history = queries.state_history(db, found.id)
    counts: dict[str, int] = {}
    per_session: dict[int, dict[str, int]] = {}
    for h in history:
        counts[h["vote"]] = counts.get(h["vote"], 0) + 1
        if h["session"] is not None:
            bucket = per_session.setdefault(h["session"], {})
            bucket[h["vote"]] = bucket.get(h["vote"], 0) + 1
    cast = sum(counts.get(k, 0) for k in ("yes", "no", "abstain"))
    shares = {k: round(counts.get(k, 0) / cast, 3) for k in ("yes", "no", "abstain")} \
        if cast else {}
    total, speeches = queries.search_speeches(db, state=found.iso3, per_page=SPEECHES_SHOWN,
                                              lang=lang)
    texts = queries.speech_document_uids(db, [sp["id"] for sp in speeches])
    for sp in speeches:
        sp["document_uid"] = texts.get(sp["id"])
    naming, naming_url = _documents_naming(settings, name, lang)
    return {
        # admitted_source "data": the date of the state's first vote (no curated date)
        **{k: summary[k] for k in ("iso3", "iso2", "name", "kind", "admitted",
                                   "admitted_source", "ended", "names")},
        "votes": {"total": len(history), "counts": counts, "cast": cast, "shares": shares,
                  "first_date": history[0]["date"] if history else None,
                  "last_date": history[-1]["date"] if history else None,
                  "per_session": sorted(per_session.items())},
        "agreement": _agreement(db, found.id, lang),
        "speeches": speeches, "speech_total": total,
        "documents_by_symbol": _documents_by_symbol(db, found.iso3)[:DOCUMENTS_SHOWN],
        "documents_on_subject": _documents_on_subject(db, found.iso3, lang),
        "documents_naming": naming, "documents_naming_url": naming_url,
        "exports": {
            "votes_csv": f"/api/votes/export?format=csv&state={found.iso3}",
            "votes_json": f"/api/votes/export?format=json&state={found.iso3}",
            "speeches_csv": f"/api/speeches/export?format=csv&state={found.iso3}",
            "speeches_json": f"/api/speeches/export?format=json&state={found.iso3}",
        },
    }
