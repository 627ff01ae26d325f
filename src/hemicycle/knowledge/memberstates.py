"""Member States on the Record: everything the library holds on one state, on one page.

Built at view time from the proceedings data (membership, votes, General Debate
statements: ``hemicycle.proceedings``) and the catalogue (documents whose symbol carries
the state's ISO code, such as ``CEDAW/C/UZB/Q/5``, and documents whose title names it):
nothing is copied by hand, so the page is as current as the data. State names come from
the state authority (``hemicycle.proceedings.states``).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hemicycle.catalogue.models import Document, DocumentSymbol
from hemicycle.config import Settings
from hemicycle.proceedings import queries
from hemicycle.proceedings.codes import CAST
from hemicycle.proceedings.models import Vote, VotingRecord
from hemicycle.proceedings.states import StateIndex, StateInfo
from hemicycle.symbols import SymbolError, parse_symbol

AGREEMENT_SHOWN = 5
DOCUMENTS_SHOWN = 15
SPEECHES_SHOWN = 100


def state_name(info: StateInfo, lang: str) -> str:
    """The state's current name, as the authority gives it (the one place pages ask)."""
    return info.name_on(None)


def states(db: Session, lang: str) -> list[dict]:
    """Member states (present and past) with their names, for the index page."""
    index = StateIndex(db.connection())
    rows = [{"iso3": info.iso3, "name": state_name(info, lang), "kind": info.kind,
             "admitted": info.admitted.isoformat() if info.admitted else None,
             "ended": info.ended.isoformat() if info.ended else None}
            for info in index.by_id.values() if info.kind == "member"]
    return sorted(rows, key=lambda r: r["name"].casefold())


def _latest_ga_session(db: Session, state_id: int) -> int | None:
    return db.scalar(select(func.max(VotingRecord.session_no))
                     .join(Vote, Vote.record_id == VotingRecord.id)
                     .where(Vote.state_id == state_id, VotingRecord.body == "GA",
                            Vote.vote.in_(CAST)))


def _agreement(db: Session, index: StateIndex, info: StateInfo, lang: str) -> dict | None:
    """The states that voted most and least often like this one in its latest General
    Assembly session."""
    session_no = _latest_ga_session(db, info.id)
    if session_no is None:
        return None
    others = []
    for row in queries.agreement_with_all(db, info.id, session_no, "GA"):
        other = index.by_id.get(row["state_id"])
        if other is not None:
            others.append({"iso3": other.iso3, "name": state_name(other, lang),
                           "share": row["agreement"], "both": row["both_voted"]})
    others.sort(key=lambda o: (-o["share"], o["name"]))
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
    """The whole page's data for one state, or None when ``iso3`` is no state."""
    index = StateIndex(db.connection())
    info = index.by_iso3.get((iso3 or "").strip().upper())
    if info is None:
        return None
    name = state_name(info, lang)
    history = queries.state_history(db, info.id)
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
    total, speeches = queries.search_speeches(db, state=info.iso3, per_page=SPEECHES_SHOWN)
    texts = queries.speech_document_uids(db, [sp["id"] for sp in speeches])
    for sp in speeches:
        sp["document_uid"] = texts.get(sp["id"])
    naming, naming_url = _documents_naming(settings, name, lang)
    return {
        "iso3": info.iso3, "iso2": info.iso2, "name": name, "kind": info.kind,
        "admitted": info.admitted.isoformat() if info.admitted else None,
        # "data": the date of the state's first vote, where no curated date is known
        "admitted_source": queries.state(db, info.iso3).admitted_source,
        "ended": info.ended.isoformat() if info.ended else None,
        "names": [{"name": n, "from": a.isoformat() if a else None,
                   "to": b.isoformat() if b else None} for n, a, b in info.names],
        "votes": {"total": len(history), "counts": counts, "cast": cast, "shares": shares,
                  "first_date": history[0]["date"] if history else None,
                  "last_date": history[-1]["date"] if history else None,
                  "per_session": sorted(per_session.items())},
        "agreement": _agreement(db, index, info, lang),
        "speeches": speeches, "speech_total": total,
        "documents_by_symbol": _documents_by_symbol(db, info.iso3)[:DOCUMENTS_SHOWN],
        "documents_naming": naming, "documents_naming_url": naming_url,
        "exports": {
            "votes_csv": f"/api/votes/export?format=csv&state={info.iso3}",
            "votes_json": f"/api/votes/export?format=json&state={info.iso3}",
            "speeches_csv": f"/api/speeches/export?format=csv&state={info.iso3}",
            "speeches_json": f"/api/speeches/export?format=json&state={info.iso3}",
        },
    }
