"""Automatic subject indexing: suggest thesaurus concepts, train, evaluate, learn from
the cataloguer's decisions.

The digitisation pipeline calls ``suggest_for_document`` for each new draft.
"""

from __future__ import annotations

from hemicycle.subjects.errors import SubjectError, UnknownVocabulary


def suggest_for_document(settings, document_id: int, vocab: str = "unbis", limit: int = 10):
    """Suggest subjects for a catalogue document and store them for its page."""
    from hemicycle.subjects.service import suggest_for_document as run

    return run(settings, document_id, vocab=vocab, limit=limit)


__all__ = ["SubjectError", "UnknownVocabulary", "suggest_for_document"]
