"""The errors subject indexing raises: each says what was wrong and where."""

from __future__ import annotations


class SubjectError(ValueError):
    """Bad input to subject indexing (text, corpus, vocabulary, model)."""


class UnknownVocabulary(SubjectError):
    pass


class UnknownBackend(SubjectError):
    pass


class NotTrained(SubjectError):
    pass


class CorpusError(SubjectError):
    pass


class TextError(SubjectError):
    """Text that cannot be analysed: empty, too large, or in an unexpected script."""
