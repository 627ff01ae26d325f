"""Evaluating a backend on a corpus, in batches, with the measures of ``metrics``."""

from __future__ import annotations

from collections.abc import Callable

from hemicycle.subjects.analysis import detect_language
from hemicycle.subjects.backends import Backend
from hemicycle.subjects.corpus import Corpus
from hemicycle.subjects.metrics import evaluate

BATCH = 256


def evaluate_backend(backend: Backend, corpus: Corpus, lang: str | None = None,
                     progress: Callable[[int, int], None] | None = None,
                     limit: int = 10) -> dict[str, float]:
    """Scores of ``backend`` on ``corpus`` (documents in ``lang`` or detected one by one)."""
    ranked: list[list[str]] = []
    docs = corpus.documents
    for start in range(0, len(docs), BATCH):
        batch = docs[start:start + BATCH]
        langs = [d.lang or lang or detect_language(d.text) or "en" for d in batch]
        for found in backend.suggest_batch([d.text for d in batch], langs, limit):
            ranked.append([s.uri for s in found])
        if progress:
            progress(len(ranked), len(docs))
    return evaluate([d.subjects for d in docs], ranked)
