"""What a document subject row is, read from its own columns: a thesaurus concept or an
Index to Proceedings heading (kept under the vocabulary name plus ":headings"), and
whether the operator's acceptance policy, not a person, accepted it. Here because the
catalogue's readers (the generated Index, subject indexing) share these rules."""

from __future__ import annotations

POLICY = "policy"
HEADINGS = ":headings"  # suggested Index to Proceedings headings are kept under VOCAB:headings


def headings_vocab(vocab: str) -> str:
    """Where a vocabulary's Index to Proceedings headings are kept."""
    return vocab + HEADINGS


def base_vocab(vocab: str) -> str | None:
    """The vocabulary whose Index headings ``vocab`` keeps, or None for a vocabulary."""
    return vocab[:-len(HEADINGS)] if vocab.endswith(HEADINGS) else None


def is_policy(assigned_by: str | None) -> bool:
    """Whether a subject was accepted by the operator's policy, not by a person."""
    return bool(assigned_by) and (assigned_by == POLICY or assigned_by.startswith(POLICY + ":"))
