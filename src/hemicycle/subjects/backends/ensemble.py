"""Ensemble backend: combine other backends with weights learned on held-out data.

Training keeps every fifth document aside, trains the source backends on the rest,
and fits a logistic regression on the held-out documents whose inputs are, for each
candidate concept, each source's score and reciprocal rank; its coefficients are the
learned weights. The sources are then retrained on the whole corpus. Suggesting
pools each source's top candidates and ranks them by the learned combination.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hemicycle.subjects.backends.base import (
    Backend,
    Progress,
    Suggestion,
    backend_class,
    register,
    top,
)
from hemicycle.subjects.corpus import Corpus

POOL = 40  # candidates taken from each source


@register
class EnsembleBackend(Backend):
    name = "ensemble"

    def __init__(self, vocab, params=None) -> None:
        super().__init__(vocab, params)
        self.source_names: list[str] = list(self.params.get("sources", ["tfidf", "lexical"]))
        self.sources: dict[str, Backend] = {}
        self.model = None
        self.weights: dict[str, float] = {}

    def __getstate__(self):
        state = super().__getstate__()
        state["sources"] = dict(self.sources)
        return state

    def attach(self, vocab) -> None:
        super().attach(vocab)
        for source in self.sources.values():
            source.attach(vocab)

    def _new_sources(self) -> dict[str, Backend]:
        return {name: backend_class(name)(self.vocab, self.params) for name in self.source_names}

    def _pooled(self, sources: dict[str, Backend], texts: Sequence[str],
                langs: Sequence[str]) -> list[tuple[list[str], np.ndarray]]:
        per_source = {name: b.suggest_batch(texts, langs, POOL) for name, b in sources.items()}
        out = []
        for i in range(len(texts)):
            table: dict[str, list[float]] = {}
            width = 2 * len(self.source_names)
            for j, name in enumerate(self.source_names):
                for rank, s in enumerate(per_source[name][i]):
                    row = table.setdefault(s.uri, [0.0] * width)
                    row[2 * j] = s.score
                    row[2 * j + 1] = 1.0 / (rank + 1)
            uris = list(table)
            out.append((uris, np.array([table[u] for u in uris], dtype=float).reshape(
                len(uris), width)))
        return out

    def train(self, corpus: Corpus, progress: Progress | None = None) -> None:
        from sklearn.linear_model import LogisticRegression

        docs = [d for d in corpus if d.subjects]
        default = self.params.get("lang", "en")
        held = [d for i, d in enumerate(docs) if i % 5 == 4]
        rest = [d for i, d in enumerate(docs) if i % 5 != 4]
        steps = 2 * len(self.source_names) + 1
        step = 0

        def tick() -> None:
            nonlocal step
            step += 1
            if progress:
                progress(step, steps)

        self.model = None
        if len(held) >= 5:
            partial = self._new_sources()
            for source in partial.values():
                source.train(Corpus(rest))
                tick()
            xs, ys = [], []
            pooled = self._pooled(partial, [d.text for d in held],
                                  [d.lang or default for d in held])
            for doc, (uris, x) in zip(held, pooled, strict=True):
                if uris:
                    xs.append(x)
                    ys.extend(u in doc.subjects for u in uris)
            if xs and 0 < sum(ys) < len(ys):
                self.model = LogisticRegression(C=1.0, max_iter=1000)
                self.model.fit(np.vstack(xs), np.array(ys))
                coef = self.model.coef_[0]
                self.weights = {f"{name}.{kind}": float(coef[2 * j + k])
                                for j, name in enumerate(self.source_names)
                                for k, kind in enumerate(("score", "rank"))}
        else:
            step += len(self.source_names)
        self.sources = self._new_sources()
        for source in self.sources.values():
            source.train(Corpus(docs))
            tick()
        tick()
        self.trained = True
        self.trained_on = len(docs)

    def suggest_batch(self, texts: Sequence[str], langs: Sequence[str],
                      limit: int = 10) -> list[list[Suggestion]]:
        self.check_ready()
        out = []
        for uris, x in self._pooled(self.sources, texts, langs):
            if not uris:
                out.append([])
                continue
            if self.model is not None:
                scores = self.model.predict_proba(x)[:, 1]
            else:  # too little data to learn weights: the mean of the source scores
                scores = x[:, 0::2].mean(axis=1)
            out.append(top(dict(zip(uris, scores.tolist(), strict=True)), limit))
        return out
