"""Subjects as a record shows them, to every reader: the document's subjects, each marked
catalogued (a person gave it) or machine (with the model version, score and who accepted
it: a cataloguer or the operator's policy), and the machine suggestions no one has
decided on yet (concepts, and the Index to Proceedings headings the headings backend
suggests, kept under the vocabulary name plus ":headings"). Light on purpose: the
document pages import it, not the models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hemicycle.catalogue.models import DocumentSubject
from hemicycle.catalogue.subject_kinds import (  # noqa: F401 (the subjects package's names)
    HEADINGS,
    POLICY,
    base_vocab,
    headings_vocab,
    is_policy,
)
from hemicycle.subjects.models import SubjectDecision, SubjectSuggestion


@dataclass
class RecordSubject:
    """A subject as a record shows it: who or what gave it, and with what confidence."""

    vocab: str
    concept: str
    label: str | None
    origin: str  # catalogued (a person) | machine (accepted by a person or by the policy)
    backend: str | None = None
    model: str | None = None
    score: float | None = None
    assigned_by: str | None = None
    assigned_at: dt.datetime | None = None
    policy: bool = False  # accepted by the operator's policy, no person has looked yet


def record_subjects(db: Session, document_id: int) -> tuple[list[RecordSubject],
                                                            list[RecordSubject]]:
    """(the document's subjects, its machine suggestions no one has decided on yet) for
    its page and its API: both visible to every reader, each marked with its provenance."""
    subjects = [RecordSubject(
        s.vocab, s.concept, s.label, "machine" if s.origin == "machine" else "catalogued",
        s.backend, s.model, s.score, s.assigned_by, s.assigned_at, is_policy(s.assigned_by))
        for s in db.scalars(select(DocumentSubject).where(
            DocumentSubject.document_id == document_id).order_by(DocumentSubject.id))]
    have = {(s.vocab, s.concept) for s in subjects}
    decided = {(v, c) for v, c in db.execute(select(
        SubjectDecision.vocab, SubjectDecision.concept).where(
        SubjectDecision.document_id == document_id))}
    pending = [RecordSubject(s.vocab, s.concept, s.label, "machine", s.backend, s.model,
                             s.score, None, s.created_at)
               for s in db.scalars(select(SubjectSuggestion).where(
                   SubjectSuggestion.document_id == document_id)
                   .order_by(SubjectSuggestion.vocab, SubjectSuggestion.rank))
               if (s.vocab, s.concept) not in have and (s.vocab, s.concept) not in decided]
    return subjects, pending


def split_headings(suggested: list[RecordSubject]) -> tuple[list[RecordSubject],
                                                            list[RecordSubject]]:
    """(suggested concepts, suggested Index to Proceedings headings)."""
    return ([s for s in suggested if not s.vocab.endswith(HEADINGS)],
            [s for s in suggested if s.vocab.endswith(HEADINGS)])
