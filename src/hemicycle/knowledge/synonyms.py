"""Synonyms from the thesaurus: every label of a concept (preferred and alternative) in
one language stands for the others, so "tidal waves" also finds "tsunamis".

Labels are cut into terms by the search analysers (``hemicycle.search.analysis.terms``):
a label matches a run of the query's terms exactly as the index would see them (stemmed,
folded, Chinese bigrams). Alternative labels joined with commas in real exports are split.
Only concepts with two or more different labels in the language are kept: the others
have nothing to add.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from hemicycle.search.analysis import terms

Terms = tuple[str, ...]
MAX_LABEL_TERMS = 8


@dataclass
class Synonyms:
    """The synonym groups of one language."""

    by_label: dict[Terms, set[int]] = field(default_factory=dict)
    labels_of: dict[int, list[Terms]] = field(default_factory=dict)
    longest: int = 0

    def expansions(self, query: list[str]) -> list[tuple[tuple[int, int], list[Terms]]]:
        """For each run of ``query`` that is a label: (start, end) and the other labels
        of its concepts."""
        found = []
        for start in range(len(query)):
            for end in range(min(len(query), start + self.longest), start, -1):
                run = tuple(query[start:end])
                concepts = self.by_label.get(run)
                if not concepts:
                    continue
                others = {label for c in concepts for label in self.labels_of[c]
                          if label != run}
                if others:
                    found.append(((start, end), sorted(others)))
                break  # the longest label at this start wins
        return found


def _split(kind: str, text: str) -> list[str]:
    parts = text.split(",") if kind == "alt" else [text]
    return [p.strip() for p in parts if p.strip()]


def build(rows: list[tuple[int, str, str]], lang: str) -> Synonyms:
    """``rows`` of (concept id, kind, text) in ``lang``."""
    labels: dict[int, set[Terms]] = {}
    for concept, kind, text in rows:
        for part in _split(kind, text):
            cut = tuple(terms(lang, part))
            if cut and len(cut) <= MAX_LABEL_TERMS:
                labels.setdefault(concept, set()).add(cut)
    out = Synonyms()
    for concept, cuts in labels.items():
        if len(cuts) < 2:
            continue
        out.labels_of[concept] = sorted(cuts)
        for cut in cuts:
            out.by_label.setdefault(cut, set()).add(concept)
            out.longest = max(out.longest, len(cut))
    return out


_lock = threading.Lock()
_cache: dict[tuple[str, str, str], tuple[tuple, Synonyms]] = {}


def synonyms(db: Session, lang: str, vocab: str = "unbis") -> Synonyms:
    """The synonyms of ``lang`` in ``vocab`` (built once per load of the vocabulary)."""
    from hemicycle.thesaurus.models import Label, Vocabulary

    row = db.execute(select(Vocabulary.id, Vocabulary.version, Vocabulary.loaded_at)
                     .where(Vocabulary.name == vocab)).first()
    if row is None:
        return Synonyms()
    stamp = (row.version, row.loaded_at)
    key = (str(db.get_bind().url), vocab, lang)
    with _lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    found = build(db.execute(select(Label.concept_id, Label.kind, Label.text).where(
        Label.vocab_id == row.id, Label.lang == lang,
        Label.kind.in_(("pref", "alt")))).all(), lang)
    with _lock:
        _cache[key] = (stamp, found)
    return found
