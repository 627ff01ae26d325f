"""Supervised backend: TF-IDF features and one linear classifier per concept.

Features are stemmed words and word pairs from the language's analyser plus
character n-grams inside words (they catch Finnish and German compounds and
inflections the stemmer leaves alone). Each concept with enough training documents
gets a logistic-regression classifier (one-vs-rest); the weights of all of them are
kept as one sparse matrix, small weights pruned, so that suggesting is one sparse
product however many concepts the thesaurus has.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from hemicycle.subjects.analysis import normalise, tokens
from hemicycle.subjects.backends.base import Backend, Progress, Suggestion, register
from hemicycle.subjects.corpus import Corpus
from hemicycle.subjects.errors import SubjectError


class WordAnalyzer:
    """Stemmed words and word pairs of a (text, lang) pair; a class so it pickles."""

    def __call__(self, item: tuple[str, str]) -> list[str]:
        text, lang = item
        words = tokens(text, lang)
        return words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]


class CharAnalyzer:
    """Character 3- to 5-grams inside each word, padded with spaces."""

    def __call__(self, item: tuple[str, str]) -> list[str]:
        text, lang = item
        grams: list[str] = []
        for word in normalise(text, lang).split():
            word = f" {word} "
            for n in (3, 4, 5):
                grams.extend(word[i:i + n] for i in range(len(word) - n + 1))
        return grams


@register
class TfidfBackend(Backend):
    name = "tfidf"

    def __init__(self, vocab, params=None) -> None:
        super().__init__(vocab, params)
        self.words = None
        self.chars = None
        self.uris: list[str] = []
        self.coef = None  # sparse (features x concepts)
        self.intercept: np.ndarray | None = None

    def _features(self, texts: Sequence[str], langs: Sequence[str], fit: bool = False):
        items = list(zip(texts, langs, strict=True))
        if fit:
            from sklearn.feature_extraction.text import TfidfVectorizer

            self.words = TfidfVectorizer(analyzer=WordAnalyzer(), sublinear_tf=True, min_df=2,
                                         max_features=self.params.get("max_features", 200_000),
                                         dtype=np.float32)
            self.chars = TfidfVectorizer(analyzer=CharAnalyzer(), sublinear_tf=True, min_df=2,
                                         max_features=self.params.get("max_features", 200_000),
                                         dtype=np.float32)
            return sparse.hstack([self.words.fit_transform(items),
                                  self.chars.fit_transform(items)]).tocsr()
        return sparse.hstack([self.words.transform(items), self.chars.transform(items)]).tocsr()

    def train(self, corpus: Corpus, progress: Progress | None = None) -> None:
        from sklearn.linear_model import LogisticRegression

        docs = [d for d in corpus if d.subjects]
        if len(docs) < 2:
            raise SubjectError(f"the tfidf backend needs at least 2 documents with subjects; "
                               f"the corpus has {len(docs)}")
        default = self.params.get("lang", "en")
        x = self._features([d.text for d in docs], [d.lang or default for d in docs], fit=True)
        min_docs = int(self.params.get("min_docs", 2))
        counts: dict[str, int] = {}
        for d in docs:
            for uri in d.subjects:
                if uri in self.vocab:
                    counts[uri] = counts.get(uri, 0) + 1
        uris = sorted(u for u, n in counts.items() if n >= min_docs and n < len(docs))
        c = float(self.params.get("C", 12.0))
        columns, intercepts = [], []
        for done, uri in enumerate(uris, 1):
            y = np.fromiter((uri in d.subjects for d in docs), dtype=bool, count=len(docs))
            model = LogisticRegression(C=c, solver="liblinear", class_weight=None)
            model.fit(x, y)
            w = model.coef_[0].astype(np.float32)
            w[np.abs(w) < 0.02 * np.abs(w).max()] = 0.0  # prune: small weights change nothing
            columns.append(sparse.csc_matrix(w.reshape(-1, 1)))
            intercepts.append(float(model.intercept_[0]))
            if progress:
                progress(done, len(uris))
        self.uris = uris
        self.coef = sparse.hstack(columns).tocsr() if columns else None
        self.intercept = np.array(intercepts, dtype=np.float32)
        self.trained = True
        self.trained_on = len(docs)

    def scores(self, texts: Sequence[str], langs: Sequence[str]) -> np.ndarray:
        """Probability of every trained concept for every text (rows: texts)."""
        self.check_ready()
        if self.coef is None:
            return np.zeros((len(texts), 0), dtype=np.float32)
        x = self._features(texts, langs)
        z = (x @ self.coef).toarray() + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def suggest_batch(self, texts: Sequence[str], langs: Sequence[str],
                      limit: int = 10) -> list[list[Suggestion]]:
        probs = self.scores(texts, langs)
        out = []
        for row in probs:
            best = np.argsort(-row, kind="stable")[:limit]
            out.append([Suggestion(self.uris[i], float(row[i])) for i in best if row[i] > 0])
        return out
