"""Evaluation measures for ranked subject suggestions, averaged over documents.

F1@5 is Annif's "F1@5": per document, the F1 of the top five suggestions against
the gold subjects, averaged over documents. Precision@k divides the hits in the top
k by k. nDCG@10 uses binary relevance. Documents without gold subjects are skipped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def precision_at(gold: set[str], ranked: Sequence[str], k: int) -> float:
    return sum(1 for uri in ranked[:k] if uri in gold) / k


def f1_at(gold: set[str], ranked: Sequence[str], k: int) -> float:
    top = ranked[:k]
    hits = sum(1 for uri in top if uri in gold)
    if hits == 0:
        return 0.0
    precision, recall = hits / len(top), hits / len(gold)
    return 2 * precision * recall / (precision + recall)


def ndcg_at(gold: set[str], ranked: Sequence[str], k: int) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, uri in enumerate(ranked[:k]) if uri in gold)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(gold), k)))
    return dcg / ideal if ideal else 0.0


def evaluate(gold: Sequence[set[str] | frozenset[str]],
             ranked: Sequence[Sequence[str]]) -> dict[str, float]:
    """F1@5, P@1, P@3, P@5, nDCG@10 and the number of documents counted."""
    if len(gold) != len(ranked):
        raise ValueError(f"{len(gold)} gold sets but {len(ranked)} rankings")
    pairs = [(set(g), list(r)) for g, r in zip(gold, ranked, strict=True) if g]
    n = len(pairs)
    if n == 0:
        return {"documents": 0, "F1@5": 0.0, "P@1": 0.0, "P@3": 0.0, "P@5": 0.0, "nDCG@10": 0.0}
    return {
        "documents": n,
        "F1@5": sum(f1_at(g, r, 5) for g, r in pairs) / n,
        "P@1": sum(precision_at(g, r, 1) for g, r in pairs) / n,
        "P@3": sum(precision_at(g, r, 3) for g, r in pairs) / n,
        "P@5": sum(precision_at(g, r, 5) for g, r in pairs) / n,
        "nDCG@10": sum(ndcg_at(g, r, 10) for g, r in pairs) / n,
    }
