"""Writing a vocabulary into the catalogue, all or nothing, and recording what changed.

A load is one transaction: the vocabulary's labels, notes, relations and T-codes are
replaced by the new version's; concepts keep their row (and id), and each one that
is new, different or gone is logged as added, changed or deprecated. Concepts that
disappear are kept, deprecated, with their last labels, so old links still resolve.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from hemicycle.catalogue.db import session_scope
from hemicycle.config import Settings
from hemicycle.languages import CODES
from hemicycle.thesaurus.keys import fold, primary_language, sort_keys
from hemicycle.thesaurus.models import (
    Change,
    Concept,
    Label,
    Note,
    Relation,
    TCode,
    ValidationReport,
    Vocabulary,
)
from hemicycle.thesaurus.skosgraph import Resource, VocabData
from hemicycle.thesaurus.sources import read_sources
from hemicycle.thesaurus.validation import Report

CHUNK = 5_000
Progress = Callable[[str, int, int], None]  # (stage, done, total)


class LoadRefused(ValueError):
    """The files were not loaded; ``report`` says why."""

    def __init__(self, report: Report, message: str) -> None:
        self.report = report
        super().__init__(message)


@dataclass
class LoadResult:
    vocab: str
    version: int
    concepts: int
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deprecated: list[str] = field(default_factory=list)
    report: Report | None = None
    outside: dict[str, int] = field(default_factory=dict)  # target URI -> links to it


def local_id(uri: str) -> str:
    tail = uri.rstrip("/").replace("#", "/").rsplit("/", 1)[-1]
    return tail[:200] or uri[-200:]


def _kinds(data: VocabData) -> dict[str, str]:
    """concept | scheme | domain | microthesaurus | collection, per resource."""
    parents: dict[str, set[str]] = {}
    for uri, res in data.resources.items():
        if res.kind == "collection":
            for member in res.links.get("member", ()):
                parents.setdefault(member, set()).add(uri)
    kinds: dict[str, str] = {}
    for uri, res in data.resources.items():
        kind = res.kind
        if kind == "collection":
            above = {p for p in parents.get(uri, ()) if data.resources[p].kind == "collection"}
            if not above:
                kind = "domain"
            elif any(not parents.get(p) for p in above):
                kind = "microthesaurus"
        kinds[uri] = kind
    return kinds


def _relation_rows(data: VocabData, ids: dict[str, int], vocab_id: int) -> list[dict]:
    rows: set[tuple[int, str, str]] = set()
    for uri, res in data.resources.items():
        me = ids[uri]
        for kind, targets in res.links.items():
            for target in targets:
                if kind in ("narrower", "narrowerTransitive") and target in ids:
                    rows.add((ids[target], "broader", uri))
                elif kind == "hasTopConcept" and target in ids:
                    rows.add((ids[target], "topConceptOf", uri))
                elif kind == "broaderTransitive":
                    rows.add((me, "broader", target))
                elif kind == "related":
                    rows.add((me, "related", target))
                    if target in ids:
                        rows.add((ids[target], "related", uri))
                else:
                    rows.add((me, kind, target))
    return [{"vocab_id": vocab_id, "source_id": s, "kind": k, "target_uri": t}
            for s, k, t in sorted(rows)]


def _label_rows(res: Resource, concept_id: int, vocab_id: int) -> list[dict]:
    rows = []
    for kind, tag, text in res.labels:
        lang = primary_language(tag)
        keys = sort_keys(text, lang)
        rows.append({
            "vocab_id": vocab_id, "concept_id": concept_id, "lang": lang, "tag": tag,
            "kind": kind, "text": text, "folded": fold(text, lang),
            "sort_key": keys.sort_key, "letter": keys.letter,
            "sort_key_alt": keys.sort_key_alt, "letter_alt": keys.letter_alt,
        })
    return rows


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _untagged_title(text: str, lang: str) -> str:
    """A scheme title without the language its export appended ("UNBIS Thesaurus_en")."""
    for suffix in (f"_{lang}", f" ({lang})", f"-{lang}", f" [{lang}]"):
        if lang and text.lower().endswith(suffix) and len(text) > len(suffix):
            return text[:-len(suffix)].rstrip()
    return text


def _vocab_title(data: VocabData, name: str) -> tuple[str | None, dict[str, str]]:
    for uri, res in data.resources.items():
        if res.kind == "scheme":
            title = {primary_language(tag): text for kind, tag, text in res.labels
                     if kind == "pref"}
            title.update({primary_language(k): v for k, v in res.titles.items() if k})
            title = {lang: _untagged_title(text, lang) for lang, text in title.items()}
            return uri, title or {"en": name}
    return None, {"en": name}


LINKS_SHOWN = ("broader", "narrower", "related", "member")


def outside_links(data: VocabData) -> dict[str, int]:
    """Resources the vocabulary's hierarchy and related links point to without describing
    them, with how many links point to each (pages show them as "not in this thesaurus")."""
    counts: dict[str, int] = {}
    for res in data.resources.values():
        for kind in LINKS_SHOWN:
            for target in res.links.get(kind, ()):
                if target not in data.resources:
                    counts[target] = counts.get(target, 0) + 1
    return dict(sorted(counts.items()))


def store_vocabulary(session: Session, name: str, data: VocabData, source: str,
                     progress: Progress | None = None,
                     titles: dict[str, str] | None = None) -> LoadResult:
    """Write ``data`` as the newest version of vocabulary ``name`` (in the caller's
    transaction); ``titles`` (language -> title) replace the scheme's own."""
    vocab = session.scalar(select(Vocabulary).where(Vocabulary.name == name))
    if vocab is None:
        vocab = Vocabulary(name=name, version=0)
        session.add(vocab)
        session.flush()
    version = vocab.version + 1
    vid = vocab.id
    existing = {uri: (cid, digest, dep) for uri, cid, digest, dep in session.execute(
        select(Concept.uri, Concept.id, Concept.digest, Concept.deprecated)
        .where(Concept.vocab_id == vid))}
    kinds = _kinds(data)
    result = LoadResult(name, version, 0, outside=outside_links(data))
    new_rows, changed_rows = [], []
    for uri, res in data.resources.items():
        digest = res.digest()
        row = {"kind": kinds[uri], "notation": (res.notation or None) and res.notation[:100],
               "deprecated": res.deprecated, "digest": digest}
        if uri not in existing:
            new_rows.append({"vocab_id": vid, "uri": uri, "local_id": local_id(uri),
                             "first_version": version, "updated_version": version, **row})
            result.added.append(uri)
        else:
            cid, old_digest, was_deprecated = existing[uri]
            if old_digest != digest or was_deprecated != res.deprecated:
                changed_rows.append({"b_id": cid, "updated_version": version, **row})
                (result.deprecated if res.deprecated and not was_deprecated
                 else result.changed).append(uri)
    gone = [(uri, cid) for uri, (cid, _d, dep) in existing.items()
            if uri not in data.resources and not dep]
    present_ids = [existing[uri][0] for uri in data.resources if uri in existing]
    # clear what the new version replaces (concepts that are gone keep their labels)
    for ids in _chunks(present_ids):
        session.execute(delete(Label).where(Label.concept_id.in_(ids)))
        session.execute(delete(Note).where(Note.concept_id.in_(ids)))
        session.execute(delete(Relation).where(Relation.source_id.in_(ids)))
    session.execute(delete(TCode).where(TCode.vocab_id == vid))
    for rows in _chunks(new_rows):
        session.execute(insert(Concept), rows)
    if changed_rows:
        stmt = update(Concept.__table__).where(Concept.__table__.c.id == _bind("b_id"))
        for rows in _chunks(changed_rows):
            session.execute(stmt, rows)
    for uri, cid in gone:
        session.execute(update(Concept).where(Concept.id == cid)
                        .values(deprecated=True, updated_version=version))
        result.deprecated.append(uri)
    ids = {uri: cid for uri, cid in session.execute(
        select(Concept.uri, Concept.id).where(Concept.vocab_id == vid))}
    total = len(data.resources)
    labels: list[dict] = []
    notes: list[dict] = []
    for done, (uri, res) in enumerate(data.resources.items(), start=1):
        labels += _label_rows(res, ids[uri], vid)
        notes += [{"concept_id": ids[uri], "kind": k, "lang": primary_language(tag) or "",
                   "text": text} for k, tag, text in res.notes]
        if len(labels) >= CHUNK:
            session.execute(insert(Label), labels)
            labels = []
        if progress and (done % 2000 == 0 or done == total):
            progress("labels", done, total)
    for rows in (labels,):
        if rows:
            session.execute(insert(Label), rows)
    for rows in _chunks(notes):
        session.execute(insert(Note), rows)
    for rows in _chunks(_relation_rows(data, ids, vid)):
        session.execute(insert(Relation), rows)
    tcode_rows = [{"vocab_id": vid, "tcode": code, "uri": uri}
                  for code, uri in sorted(data.tcodes.items())]
    for rows in _chunks(tcode_rows):
        session.execute(insert(TCode), rows)
    changes = ([("added", u) for u in result.added] + [("changed", u) for u in result.changed]
               + [("deprecated", u) for u in result.deprecated])
    for rows in _chunks([{"vocab_id": vid, "version": version, "uri": u, "change": c}
                         for c, u in changes]):
        session.execute(insert(Change), rows)
    if vocab.version and not changes:
        version = result.version = vocab.version  # the same content: no new version
    scheme_uri, title = _vocab_title(data, name)
    title = {**title, **(titles or {})}
    langs = {primary_language(tag) for r in data.resources.values() for _k, tag, _t in r.labels}
    langs.discard("")
    vocab.version = version
    vocab.scheme_uri = scheme_uri
    vocab.title = title
    vocab.source = source
    vocab.languages = [c for c in CODES if c in langs] + sorted(langs - set(CODES))
    vocab.concept_count = sum(1 for k in kinds.values() if k == "concept")
    from hemicycle.catalogue.models import utcnow

    vocab.loaded_at = utcnow()
    result.concepts = vocab.concept_count
    return result


def _bind(name: str):
    from sqlalchemy import bindparam

    return bindparam(name)


def save_report(settings: Settings, vocab: str, report: Report, version: int | None) -> None:
    """Keep a validation report (also for refused loads: the report is the record)."""
    body = report.as_dict()
    with session_scope(settings.database_url) as db:
        db.add(ValidationReport(vocab=vocab, version=version, source=report.source[:4000],
                                counts=body["counts"], issues=body["issues"]))


def load_vocabulary(settings: Settings, name: str, paths: list[Path], fmt: str | None = None,
                    required: tuple[str, ...] = CODES, strict: bool = False,
                    progress: Progress | None = None, label_case: str = "as-given",
                    titles: dict[str, str] | None = None) -> LoadResult:
    """Read, validate and store ``paths`` as vocabulary ``name``; raises LoadRefused when
    a fatal problem (or, with ``strict``, any SKOS error) is found; nothing is written then
    except the report. ``label_case``: see casing.py; ``titles``: language -> title."""
    if progress:
        progress("reading and validating", 0, len(paths))
    read = read_sources(paths, fmt, required, label_case)
    report = read.report
    if progress:
        progress("storing", len(paths), len(paths))
    if report.fatal or (strict and report.has("error")):
        save_report(settings, name, report, None)
        worst = report.sorted_issues()[0]
        raise LoadRefused(report, f"not loaded: {worst}")
    source = ", ".join(p.name for p in paths)
    with session_scope(settings.database_url) as db:
        result = store_vocabulary(db, name, read.data, source, progress, titles)
        body = report.as_dict()
        db.add(ValidationReport(vocab=name, version=result.version,
                                source=report.source[:4000], counts=body["counts"],
                                issues=body["issues"]))
    result.report = report
    return result
