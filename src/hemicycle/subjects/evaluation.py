"""Evaluating a backend on a corpus, in batches, with the measures of ``metrics``; the
cross-validation folds and gold file for documents the Library indexed."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hemicycle.subjects.analysis import detect_language
from hemicycle.subjects.backends import Backend
from hemicycle.subjects.corpus import Corpus
from hemicycle.subjects.errors import CorpusError
from hemicycle.subjects.itp import ItpEntry, fold_of, label_corpus, without_documents
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


# --- scoring on documents the Library has indexed ----------------------------------------

@dataclass
class Fold:
    """One fold of the cross-validation every figure on indexed documents uses."""

    number: int
    entries: list[ItpEntry]  # the Index without any document of the corpus
    train: Corpus  # the corpus documents of the other folds, with their Index headings
    test: list[str]  # symbol keys of this fold's documents with Index headings


def cross_validation(entries: Sequence[ItpEntry], corpus: Corpus, folds: int = 5) -> list[Fold]:
    """Folds fixed by symbol (``itp.fold_of``): a model scored on a fold has learnt
    nothing from its documents, neither their text nor their Index entries (the Index
    tables leave out every document of the corpus, the scored ones among them)."""
    keys = {key for doc in corpus for key in doc.symbols}
    tables = without_documents(entries, keys)
    labelled = [d for d in label_corpus(corpus, entries) if d.headings and d.symbols]
    out = []
    for number in range(folds):
        train = Corpus([d for d in labelled if fold_of(d.symbols[0], folds) != number])
        test = sorted({d.symbols[0] for d in labelled
                       if fold_of(d.symbols[0], folds) == number})
        out.append(Fold(number, tables, train, test))
    return out


def read_gold_concepts(path: Path) -> dict[str, frozenset[str]]:
    """Symbol key -> gold concepts from a TSV with columns ``document`` and
    ``unbis_concepts`` ("label=URI | label=URI"), the dev set's gold file."""
    from hemicycle.symbols import SymbolError, symbol_key

    out: dict[str, frozenset[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        if not rows.fieldnames or not {"document", "unbis_concepts"} <= set(rows.fieldnames):
            raise CorpusError(f"{path}, line 1: expected columns document and unbis_concepts")
        for number, row in enumerate(rows, 2):
            try:
                key = symbol_key(row["document"] or "")
            except SymbolError as exc:
                raise CorpusError(f"{path}, line {number}: {row['document']!r}: {exc}") from None
            uris = [part.rpartition("=")[2].strip() for part in
                    (row["unbis_concepts"] or "").split("|") if "=" in part]
            out[key] = frozenset(u for u in uris if u)
    return out
