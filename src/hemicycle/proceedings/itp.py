"""The Index to Proceedings of one body and session, assembled from the catalogue.

One job: read what the catalogue holds about a body (GA, SC) and a session and return it
as plain data, section by section in the DHL's order. Nothing is invented: a section the
data cannot fill says so (``status: "not_available"`` with the reason), a speech whose
meeting the sources do not record says ``meeting: None``, a Security Council resolution
whose per-state votes no source gives has the outcome "unknown". Rendering (HTML, Word,
MARC) lives elsewhere and only formats this structure.

Sessions: the General Assembly numbers its sessions; the Security Council has none, so
as in ``hemicycle.symbols`` its "session" is the year minus 1945 (a year may be given
instead: 2015 and 70 are the same SC session).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from hemicycle.catalogue.models import (
    AgendaItem,
    Document,
    DocumentSubject,
    DocumentSymbol,
    LanguageVersion,
)
from hemicycle.messages import Message
from hemicycle.proceedings.codes import ISSUES, NOT_MEMBER, VOTES
from hemicycle.proceedings.models import (
    ImportRun,
    Meeting,
    MemberState,
    QualityIssue,
    RecordIssue,
    Speech,
    Vote,
    VotingRecord,
)
from hemicycle.proceedings.states import name_sort_key, state_name
from hemicycle.symbols import SymbolError, parse_symbol, symbol_sort_key

BODIES = ("GA", "SC")
SC_EPOCH = 1945  # SC "session" = year - 1945, as hemicycle.symbols derives it
# The DHL's order of the sections; the quality checks close the index.
SECTIONS = ("subject_index", "speeches", "resolutions", "documents", "meetings", "agenda",
            "voting_chart", "supplements", "committee_reports", "quality")
# importers whose findings concern a body's proceedings
IMPORTERS = {"GA": ("ga", "gdc", "dhl"), "SC": ("sc", "dhl")}
# The index's own checks (the importers' findings keep their codes in codes.QUALITY).
CHECKS: dict[str, str] = {
    "resolution_without_date": "a resolution of the session has no date",
    "resolution_without_title": "a resolution of the session has no title",
    "speech_without_authority": "a speech whose state or organisation no authority carries",
    "speech_without_meeting": "a speech whose meeting record the source does not give",
    "symbol_type_mismatch": "a document whose type disagrees with the type its symbol says",
    "tally_recount_mismatch": "a stored tally that disagrees with the stored per-state votes",
}
# Why a section is empty: a stable code (the page translates it) and the English text.
REASONS: dict[str, str] = {
    "no_resolutions": "no resolution of this session in the catalogue",
    "sc_no_per_state_votes": (
        "no per-state votes in the sources: Security Council outcomes are unknown"),
    "no_recorded_vote": "no resolution of this session by recorded vote",
    "no_speeches": "no speech of this session recorded",
    "no_subjects": "no subject assigned to the documents of this session",
    "no_documents": "no catalogued document of this session",
    "no_meetings": "the sources give no meeting records for this session",
    "no_agenda": "no agenda item recorded on this session's documents",
    "no_supplements": "the catalogue holds no Official Records supplements for this session",
    "no_committee_reports": "the catalogue holds no committee reports for this session",
    "committee_reports_ga_only": "committee reports are a GA section",
}
_TALLY = (("yes", 1), ("no", 3), ("abstain", 2), ("non_voting", 7), ("absent", 8))


class UnknownBody(ValueError):
    """The body is not one the index is compiled for."""


class NoData(LookupError):
    """The catalogue holds nothing for that body and session."""


@dataclass(frozen=True)
class SessionRef:
    body: str
    number: int
    year: int | None  # SC only

    @property
    def label(self) -> str:
        return f"{self.body} {self.number}" + (f" ({self.year})" if self.year else "")


def session_ref(body: str, session: str | int) -> SessionRef:
    """Check body and session; an SC session may be given as its year."""
    code = (body or "").strip().upper()
    if code not in BODIES:
        raise UnknownBody(Message("itp.unknown_body", "unknown body '{body}': the index is "
                                  "compiled for {bodies}", body=body, bodies=", ".join(BODIES)))
    text = str(session).strip()
    if not text.isdigit() or int(text) < 1:
        raise NoData(Message("itp.not_session", "{body}: session '{session}' is not a session "
                             "number", body=code, session=session))
    number = int(text)
    if code == "SC":
        if number > SC_EPOCH:
            number -= SC_EPOCH
        return SessionRef(code, number, number + SC_EPOCH)
    if number > 200:
        raise NoData(Message("itp.ga_session_range",
                             "GA: session {session} is not a session number (1-200)",
                             session=number))
    return SessionRef(code, number, None)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _collation(lang: str):
    """A sort key in ``lang``'s collation (ICU)."""
    return name_sort_key(lang)


class _Names:
    """The states' names of the day in the index's language (``states.state_name``)."""

    def __init__(self, db: Session, lang: str) -> None:
        self.lang = lang
        self.iso3 = dict(db.execute(select(MemberState.id, MemberState.iso3)).all())

    def on(self, sid: int, day: dt.date | None) -> str:
        iso3 = self.iso3.get(sid)
        return state_name(iso3, self.lang, day) if iso3 else str(sid)


def _session_day(ref: SessionRef, dates: list[dt.date | None]) -> dt.date | None:
    """The day whose names a session's lists print: its last dated act, else its year."""
    known = [d for d in dates if d]
    if known:
        return max(known)
    if ref.year:
        return dt.date(ref.year, 12, 31)
    return None


def _documents(db: Session, ref: SessionRef) -> list[Document]:
    return list(db.scalars(select(Document).where(
        Document.body == ref.body, Document.session == str(ref.number),
        Document.status == "published")))


def _titles(db: Session, doc_ids: list[int], lang: str) -> dict[int, dict]:
    """Per document: the title in ``lang`` (or None) and the languages it has."""
    out: dict[int, dict] = {i: {"title": None, "title_en": None, "languages": []}
                            for i in doc_ids}
    for start in range(0, len(doc_ids), 5000):
        for did, code, title in db.execute(
                select(LanguageVersion.document_id, LanguageVersion.language,
                       LanguageVersion.title).where(
                    LanguageVersion.document_id.in_(doc_ids[start:start + 5000]))):
            entry = out[did]
            entry["languages"].append(code)
            if code == lang and title:
                entry["title"] = title
            if code == "en" and title:
                entry["title_en"] = title
    for entry in out.values():
        entry["languages"].sort()
    return out


def _doc_by_key(db: Session, keys: list[str]) -> dict[str, Document]:
    out: dict[str, Document] = {}
    for start in range(0, len(keys), 5000):
        for key, doc in db.execute(
                select(DocumentSymbol.key, Document).join(Document)
                .where(DocumentSymbol.key.in_(keys[start:start + 5000]),
                       Document.status == "published")):
            out[key] = doc
    return out


def _resolutions(db: Session, ref: SessionRef, docs: list[Document], lang: str) -> dict:
    """The session's resolutions: those with a voting record and those catalogued."""
    records = list(db.scalars(select(VotingRecord).where(
        VotingRecord.body == ref.body, VotingRecord.session_no == ref.number)
        .order_by(VotingRecord.date, VotingRecord.id)))
    # a text's record is the latest vote on it as a whole; separate votes on its
    # paragraphs or amendments (the same day, after it) never take its place
    final: dict[str, VotingRecord] = {}
    other: list[VotingRecord] = []
    for rec in records:
        if rec.resolution_key:
            have = final.get(rec.resolution_key)
            if have is None or not rec.on_a_part or have.on_a_part:
                final[rec.resolution_key] = rec
        else:
            other.append(rec)
    catalogued: dict[str, Document] = {}
    for doc in docs:
        # the symbol says what a document is; the catalogued type only where it cannot
        if (_symbol_type(doc.symbol) or doc.doc_type) == "resolution":
            try:
                catalogued[parse_symbol(doc.symbol).key] = doc
            except SymbolError:
                continue
    # a record whose source gives no year has no session (CR-UNSC after 1994): the
    # catalogued resolution of this session, with the same key, places it
    undated = sorted(set(catalogued) - set(final))
    for start in range(0, len(undated), 5000):
        for rec in db.scalars(select(VotingRecord).where(
                VotingRecord.resolution_key.in_(undated[start:start + 5000]),
                VotingRecord.body == ref.body, VotingRecord.session_no.is_(None))
                .order_by(VotingRecord.date, VotingRecord.id)):
            final[rec.resolution_key] = rec
    by_key = _doc_by_key(db, sorted(set(final) - set(catalogued)))
    by_key.update(catalogued)
    titles = _titles(db, [d.id for d in by_key.values()], lang)
    rows = []
    for key in set(final) | set(catalogued):
        rec, doc = final.get(key), by_key.get(key)
        t = titles.get(doc.id, {}) if doc else {}
        title = t.get("title") or (t.get("title_en") if lang == "en" else None)
        source_title = rec.title or rec.description if rec else None
        outcome = rec.outcome if rec else "unknown"
        rows.append({
            "symbol": doc.symbol if doc else rec.resolution_symbol,
            "title": title, "title_lang": lang if title else None,
            "title_en": t.get("title_en") or source_title,
            "date": _iso(rec.date if rec and rec.date else
                         (doc.action_date or doc.publication_date) if doc else None),
            "outcome": outcome,
            "tally": ({"yes": rec.yes, "no": rec.no, "abstain": rec.abstain,
                       "non_voting": rec.non_voting, "absent": rec.absent}
                      if rec and outcome == "recorded" else None),
            "record_id": rec.id if rec else None,
            "record_url": f"/votes/records/{rec.id}" if rec else None,
            "dl_voting_url": rec.voting_url if rec else None,
            "document_uid": doc.uid if doc else None,
            "document_url": f"/documents/{doc.uid}" if doc else None,
            "meeting": rec.meeting.symbol if rec and rec.meeting else None,
            "agenda_item": rec.agenda_item if rec else None,
        })
    rows.sort(key=lambda r: symbol_sort_key(r["symbol"]))
    counts = defaultdict(int)
    for r in rows:
        counts[r["outcome"]] += 1
    return {"status": "ok" if rows else "not_available",
            "reason": None if rows else REASONS["no_resolutions"],
            "items": rows, "counts": dict(counts),
            "other_roll_calls": [{"record_id": r.id, "source_ref": r.source_ref,
                                  "date": _iso(r.date), "title": r.title or r.description}
                                 for r in other]}


Votes = dict[int, dict[int, int]]  # record id -> {state id: vote code}


def _session_votes(db: Session, ref: SessionRef) -> Votes:
    """Every vote of the session by record, read once for the chart and the recount.

    Tens of thousands of rows: a textual query streamed into per-record dicts, so no row
    object is kept (a list of them set off collections of the whole heap and cost three
    times the query on GA session 37).
    """
    out: Votes = defaultdict(dict)
    for rid, sid, vote in db.connection().execute(text(
            f"SELECT v.record_id, v.state_id, v.vote FROM {Vote.__tablename__} v "
            f"JOIN {VotingRecord.__tablename__} r ON r.id = v.record_id "
            "WHERE r.body = :body AND r.session_no = :session"),
            {"body": ref.body, "session": ref.number}):
        out[rid][sid] = vote
    return out


def _voting_chart(ref: SessionRef, resolutions: dict, votes: Votes, names: _Names,
                  collate) -> dict:
    columns = [r for r in resolutions["items"] if r["outcome"] == "recorded" and r["record_id"]]
    if not columns:
        reason = REASONS["sc_no_per_state_votes" if ref.body == "SC" else "no_recorded_vote"]
        return {"status": "not_available", "reason": reason, "columns": [], "rows": []}
    grid: dict[int, list[str | None]] = {}
    label = {code: name for code, (name, _letter) in VOTES.items()}
    width = len(columns)
    for at, column in enumerate(columns):
        for sid, vote in votes.get(column["record_id"], {}).items():
            row = grid.get(sid)
            if row is None:
                row = grid[sid] = [None] * width
            row[at] = label[vote]
    day = _session_day(ref, [dt.date.fromisoformat(c["date"]) if c["date"] else None
                             for c in columns])
    rows = [{"state": names.iso3[sid], "name": names.on(sid, day), "cells": cells}
            for sid, cells in grid.items()
            if any(c is not None and c != VOTES[NOT_MEMBER][0] for c in cells)]
    rows.sort(key=lambda r: collate(r["name"]))
    return {"status": "ok", "reason": None, "name_date": _iso(day),
            "columns": [{"symbol": c["symbol"], "record_id": c["record_id"], "date": c["date"]}
                        for c in columns], "rows": rows}


def _speeches(db: Session, ref: SessionRef, names: _Names, collate) -> dict:
    rows = db.execute(
        select(Speech.id, Speech.source, Speech.source_id, Speech.state_id,
               Speech.organisation, Speech.speaker, Speech.speaker_title, Speech.date,
               Speech.agenda_item, Speech.year, Meeting.symbol, Meeting.date)
        .outerjoin(Meeting, Meeting.id == Speech.meeting_id)
        .where(Speech.body == ref.body, Speech.session_no == ref.number)
        .order_by(Speech.id)).all()
    if not rows:
        return {"status": "not_available", "reason": REASONS["no_speeches"],
                "total": 0, "by_state": [], "by_speaker": [], "by_agenda_item": []}
    gdc_keys = {f"UNGDC/{ref.number}/{sid_.split('_', 1)[0]}".upper(): sp_id
                for sp_id, source, sid_, *_rest in rows if source == "ungdc"}
    doc_of = {gdc_keys[k]: d.uid for k, d in _doc_by_key(db, sorted(gdc_keys)).items()}
    groups: dict[tuple, dict] = {}
    speakers: dict[str, list] = defaultdict(list)
    agenda: dict[str, list] = defaultdict(list)
    for (sp_id, _source, _sid, state_id, org, speaker, title, day, item, year, m_symbol,
         m_day) in rows:
        when = day or m_day or (dt.date(year, 12, 31) if year else None)
        name = names.on(state_id, when) if state_id else (org or None)
        entry = {"id": sp_id, "url": f"/speeches/{sp_id}", "speaker": speaker,
                 "speaker_title": title, "meeting": m_symbol, "date": _iso(day or m_day),
                 "agenda_item": item, "document_uid": doc_of.get(sp_id),
                 "state": names.iso3.get(state_id) if state_id else None, "name": name}
        key = ("state", state_id) if state_id else ("org", org or "")
        group = groups.setdefault(key, {
            "state": entry["state"], "name": name, "authority": state_id is not None,
            "speeches": []})
        group["speeches"].append(entry)
        if speaker:
            speakers[speaker].append(entry)
        agenda[item or ""].append(sp_id)
    by_state = sorted(groups.values(), key=lambda g: collate(g["name"] or ""))
    by_speaker = [{"speaker": s, "speeches": [
        {k: e[k] for k in ("id", "url", "speaker_title", "state", "name", "meeting", "date")}
        for e in entries]} for s, entries in sorted(speakers.items(), key=lambda kv:
                                                       collate(kv[0]))]
    return {"status": "ok", "reason": None, "total": len(rows), "by_state": by_state,
            "by_speaker": by_speaker,
            "without_speaker": sum(1 for r in rows if not r[5]),
            "by_agenda_item": [{"agenda_item": k or None, "speeches": v}
                               for k, v in sorted(agenda.items())]}


def _subjects(db: Session, ref: SessionRef, docs: list[Document], symbols: dict[int, str],
              lang: str, collate) -> dict:
    from hemicycle.thesaurus import concept_labels

    ids = [d.id for d in docs]
    assigned: dict[str, dict] = {}
    for did, concept, label, origin, _by in _subject_rows(db, ids, "unbis"):
        entry = assigned.setdefault(concept, {"concept": concept, "given": label,
                                              "documents": set(), "origins": set()})
        entry["documents"].add(did)
        entry["origins"].add(origin)
    uids = {d.id: d.uid for d in docs}
    headings = _headings(db, ids, symbols, uids)
    local = concept_labels(db, list(assigned), lang)
    english = concept_labels(db, list(assigned), "en") if lang != "en" else local
    terms = []
    for concept, entry in assigned.items():
        label = local.get(concept)
        terms.append({
            "concept": concept, "label": label, "label_lang": lang if label else None,
            "label_en": english.get(concept) or entry["given"],
            # human, machine (suggested by hemicycle.subjects) or both
            "origins": sorted(entry["origins"]),
            "documents": sorted(({"symbol": symbols[d], "uid": uids[d],
                                  "url": f"/documents/{uids[d]}"} for d in entry["documents"]),
                                key=lambda x: symbol_sort_key(x["symbol"]))})
    # terms with a label in the interface language first, in its order; then the others
    terms.sort(key=lambda t: (t["label"] is None,
                              collate(t["label"] or t["label_en"] or t["concept"])))
    issues = defaultdict(list)
    for issue, rid, rsym, ref_ in db.execute(
            select(RecordIssue.issue, VotingRecord.id, VotingRecord.resolution_symbol,
                   VotingRecord.source_ref)
            .join(VotingRecord, VotingRecord.id == RecordIssue.record_id)
            .where(VotingRecord.body == ref.body, VotingRecord.session_no == ref.number)
            .order_by(VotingRecord.date, VotingRecord.id)):
        issues[issue].append({"record_id": rid, "symbol": rsym or ref_,
                              "url": f"/votes/records/{rid}"})
    categories = [{"issue": code, "name_en": ISSUES.get(code, code), "records": issues[code]}
                  for code in ISSUES if code in issues]
    status = "ok" if terms or categories or headings else "not_available"
    return {"status": status,
            "reason": None if status == "ok" else REASONS["no_subjects"],
            "headings": headings, "terms": terms, "issue_categories": categories}


def _subject_rows(db: Session, ids: list[int], vocab: str) -> Iterator[tuple]:
    """(document id, concept, label, origin, assigned by) of the documents' subjects in
    ``vocab``, read in chunks that stay under every database's parameter limit."""
    for start in range(0, len(ids), 5000):
        yield from db.execute(
            select(DocumentSubject.document_id, DocumentSubject.concept, DocumentSubject.label,
                   DocumentSubject.origin, DocumentSubject.assigned_by).where(
                DocumentSubject.document_id.in_(ids[start:start + 5000]),
                DocumentSubject.vocab == vocab))


def _headings(db: Session, ids: list[int], symbols: dict[int, str],
              uids: dict[int, str]) -> list[dict]:
    """The Index headings accepted onto the documents ("HAITI--POLITICAL CONDITIONS",
    hemicycle.subjects: by a cataloguer or the operator's policy), as the Index prints
    them: in alphabetical order, each with its documents."""
    from hemicycle.catalogue.subject_kinds import headings_vocab, is_policy

    found: dict[str, dict] = {}
    for did, heading, _label, origin, by in _subject_rows(db, ids, headings_vocab("unbis")):
        entry = found.setdefault(heading, {"heading": heading, "documents": set(),
                                           "origins": set(), "policy_only": True})
        entry["documents"].add(did)
        entry["origins"].add(origin)
        entry["policy_only"] &= is_policy(by)
    return [{"heading": e["heading"], "origins": sorted(e["origins"]),
             "policy_only": e["policy_only"],
             "documents": sorted(({"symbol": symbols[d], "uid": uids[d],
                                   "url": f"/documents/{uids[d]}"} for d in e["documents"]),
                                 key=lambda x: symbol_sort_key(x["symbol"]))}
            for _, e in sorted(found.items())]


def _symbol_type(symbol: str | None) -> str | None:
    if not symbol:
        return None
    try:
        return parse_symbol(symbol).doc_type
    except SymbolError:
        return None


def _document_list(docs: list[Document], lang: str, titles: dict[int, dict]) -> dict:
    rows = [{"symbol": d.symbol, "uid": d.uid, "url": f"/documents/{d.uid}",
             "doc_type": d.doc_type, "date": _iso(d.action_date or d.publication_date),
             "title": titles[d.id]["title"], "title_en": titles[d.id]["title_en"],
             "languages": titles[d.id]["languages"]} for d in docs]
    rows.sort(key=lambda r: symbol_sort_key(r["symbol"]))
    return {"status": "ok" if rows else "not_available",
            "reason": None if rows else REASONS["no_documents"],
            "items": rows}


def _meetings(db: Session, ref: SessionRef) -> dict:
    rows = db.execute(select(Meeting.symbol, Meeting.number, Meeting.date).where(
        Meeting.body == ref.body, Meeting.session == str(ref.number))).all()
    items = sorted(({"symbol": s, "number": n, "date": _iso(d)} for s, n, d in rows),
                   key=lambda m: symbol_sort_key(m["symbol"] or ""))
    return {"status": "ok" if items else "not_available",
            "reason": None if items else REASONS["no_meetings"],
            "items": items}


def _agenda(db: Session, docs: list[Document]) -> dict:
    ids = [d.id for d in docs]
    found: dict[tuple, dict] = {}
    for start in range(0, len(ids), 5000):
        for a_sym, number, title, subject in db.execute(
                select(AgendaItem.agenda_symbol, AgendaItem.item_number, AgendaItem.title,
                       AgendaItem.subject).where(AgendaItem.document_id.in_(
                           ids[start:start + 5000]))):
            key = (a_sym, number, title)
            found.setdefault(key, {"agenda_symbol": a_sym, "item": number, "title": title,
                                   "subject": subject, "documents": 0})["documents"] += 1
    items = sorted(found.values(), key=lambda a: (symbol_sort_key(a["agenda_symbol"] or ""),
                                                  symbol_sort_key(a["item"] or "")))
    return {"status": "ok" if items else "not_available",
            "reason": None if items else REASONS["no_agenda"],
            "items": items}


def _recount(db: Session, ref: SessionRef, votes: Votes) -> list[dict]:
    """Records whose stored tallies disagree with the per-state votes stored for them."""
    counted = {rid: Counter(by_state.values()) for rid, by_state in votes.items()}
    out = []
    for rec in db.connection().execute(select(
            VotingRecord.id, VotingRecord.resolution_symbol, VotingRecord.source_ref,
            *(getattr(VotingRecord, name) for name, _code in _TALLY)).where(
            VotingRecord.body == ref.body, VotingRecord.session_no == ref.number,
            VotingRecord.outcome == "recorded")):
        for name, code in _TALLY:
            stored, have = getattr(rec, name), counted.get(rec.id, {}).get(code, 0)
            if stored != have:
                out.append({"code": "tally_recount_mismatch", "record_id": rec.id,
                            "symbol": rec.resolution_symbol or rec.source_ref,
                            "message": f"{name}: the record says {stored}, the votes "
                                       f"count {have}"})
    return out


def _quality(db: Session, ref: SessionRef, resolutions: dict, speeches: dict,
             docs: list[Document], votes: Votes) -> dict:
    findings: list[dict] = []
    for r in resolutions["items"]:
        if not r["date"]:
            findings.append({"code": "resolution_without_date", "symbol": r["symbol"],
                             "message": f"{r['symbol']}: no date"})
        if not (r["title"] or r["title_en"]):
            findings.append({"code": "resolution_without_title", "symbol": r["symbol"],
                             "message": f"{r['symbol']}: no title"})
    no_meeting = 0
    for group in speeches.get("by_state", []):
        for sp in group["speeches"]:
            if not group["authority"]:
                findings.append({"code": "speech_without_authority", "speech_id": sp["id"],
                                 "message": f"speech {sp['id']}: {group['name']!r} is no "
                                            "member-state or observer authority"})
            if not sp["meeting"]:
                no_meeting += 1
    for doc in docs:
        said = _symbol_type(doc.symbol)
        if doc.doc_type and said and doc.doc_type != said:
            findings.append({"code": "symbol_type_mismatch", "symbol": doc.symbol,
                             "message": f"{doc.symbol}: catalogued as {doc.doc_type!r}, "
                                        f"the symbol says {said!r}"})
    findings += _recount(db, ref, votes)
    counts: dict[str, int] = defaultdict(int)
    for f in findings:
        counts[f["code"]] += 1
    if no_meeting:  # one line, not one per speech: the sources never give it
        counts["speech_without_meeting"] = no_meeting
    importer = []
    for run in db.scalars(select(ImportRun).where(ImportRun.current.is_(True),
                                                  ImportRun.importer.in_(IMPORTERS[ref.body]))
                          .order_by(ImportRun.importer)):
        by_code = dict(db.execute(select(QualityIssue.code, func.count())
                                  .where(QualityIssue.run_id == run.id)
                                  .group_by(QualityIssue.code)).all())
        importer.append({"importer": run.importer, "counts": by_code,
                         "url": f"/votes/quality?importer={run.importer}"})
    return {"status": "ok", "reason": None, "checks": CHECKS, "counts": dict(counts),
            "findings": findings, "importer_findings": importer}


def available_sessions(db: Session) -> list[dict]:
    """Every (body, session) the catalogue holds something for, newest first."""
    found: dict[tuple[str, int], dict] = {}

    def add(body: str, number: int | None, what: str, n: int) -> None:
        if body in BODIES and number is not None:
            entry = found.setdefault((body, number), {
                "body": body, "session": number,
                "year": number + SC_EPOCH if body == "SC" else None,
                "records": 0, "speeches": 0, "documents": 0})
            entry[what] += n

    for body, number, n in db.execute(select(VotingRecord.body, VotingRecord.session_no,
                                             func.count()).group_by(VotingRecord.body,
                                                                    VotingRecord.session_no)):
        add(body, number, "records", n)
    for body, number, n in db.execute(select(Speech.body, Speech.session_no, func.count())
                                      .group_by(Speech.body, Speech.session_no)):
        add(body, number, "speeches", n)
    for body, label, n in db.execute(select(Document.body, Document.session, func.count())
                                    .where(Document.status == "published",
                                           Document.body.in_(BODIES))
                                    .group_by(Document.body, Document.session)):
        if label and re.fullmatch(r"\d{1,3}", label):
            add(body, int(label), "documents", n)
    return sorted(found.values(), key=lambda e: (e["body"], -e["session"]))


def build_index(db: Session, body: str, session: str | int, lang: str = "en") -> dict:
    """The Index to Proceedings of ``body`` and ``session`` as plain data (NoData if empty)."""
    ref = session_ref(body, session)
    collate = _collation(lang)
    names = _Names(db, lang)
    docs = _documents(db, ref)
    resolutions = _resolutions(db, ref, docs, lang)
    speeches = _speeches(db, ref, names, collate)
    if not (docs or resolutions["items"] or resolutions["other_roll_calls"]
            or speeches["total"]):
        raise NoData(Message("itp.nothing", "the catalogue holds nothing for {label}",
                             label=ref.label))
    titles = _titles(db, [d.id for d in docs], lang)
    symbols = {d.id: d.symbol for d in docs}
    votes = _session_votes(db, ref)
    sections = {
        "subject_index": _subjects(db, ref, docs, symbols, lang, collate),
        "speeches": speeches,
        "resolutions": resolutions,
        "documents": _document_list(docs, lang, titles),
        "meetings": _meetings(db, ref),
        "agenda": _agenda(db, docs),
        # state names of the day in the index's language, in its alphabetical order
        "voting_chart": _voting_chart(ref, resolutions, votes, names, collate),
        "supplements": {"status": "not_available", "reason": REASONS["no_supplements"]},
        "committee_reports": {"status": "not_available", "reason": REASONS[
            "no_committee_reports" if ref.body == "GA" else "committee_reports_ga_only"]},
    }
    code_of = {text: code for code, text in REASONS.items()}
    for part in sections.values():
        part["reason_code"] = code_of.get(part.get("reason"))
    sections["quality"] = _quality(db, ref, resolutions, speeches, docs, votes)
    return {"body": ref.body, "session": ref.number, "year": ref.year, "label": ref.label,
            "lang": lang, "generated": dt.date.today().isoformat(),
            "order": list(SECTIONS), "sections": sections}
