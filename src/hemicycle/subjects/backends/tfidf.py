"""Supervised backend: TF-IDF features and one linear classifier per concept.

Features are stemmed words and word pairs from the language's analyser plus
character n-grams inside words (they catch Finnish and German compounds and
inflections the stemmer leaves alone). Each concept with enough training documents
gets a logistic-regression classifier (one-vs-rest); the weights of all of them are
kept as one sparse matrix, small weights pruned, so that suggesting is one sparse
product however many concepts the thesaurus has.
"""

from __future__ import annotations

from collections import Counter
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


def _tfidf_row(ids: np.ndarray, counts: np.ndarray, idf: np.ndarray) -> np.ndarray:
    """Sublinear tf times idf, L2-normalised: what the fitted TfidfVectorizer computes."""
    weights = (1.0 + np.log(counts)) * idf[ids]
    norm = np.sqrt((weights ** 2).sum())
    return weights / norm if norm > 0 else weights


def _csr(rows: list[tuple[np.ndarray, np.ndarray]], width: int):
    if not rows:
        return sparse.csr_matrix((0, width), dtype=np.float32)
    indptr = np.cumsum([0] + [len(ids) for ids, _ in rows])
    ids = np.concatenate([ids for ids, _ in rows]) if indptr[-1] else np.zeros(0, np.int64)
    vals = np.concatenate([v for _, v in rows]) if indptr[-1] else np.zeros(0)
    return sparse.csr_matrix((vals.astype(np.float32), ids, indptr), shape=(len(rows), width))


class FastWordTransform:
    """The fitted word TfidfVectorizer's ``transform``, counting features with Counter
    first so that the Python loop runs over distinct features, not every occurrence."""

    def __init__(self, vectorizer) -> None:
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = vectorizer.idf_.astype(np.float64)
        self.analyzer = WordAnalyzer()

    def transform(self, items: Sequence[tuple[str, str]]):
        rows = []
        vocab = self.vocabulary
        for item in items:
            found = [(vocab[f], n) for f, n in Counter(self.analyzer(item)).items() if f in vocab]
            found.sort()
            ids = np.array([i for i, _ in found], dtype=np.int64)
            counts = np.array([n for _, n in found], dtype=np.float64)
            rows.append((ids, _tfidf_row(ids, counts, self.idf)))
        return _csr(rows, len(self.idf))


def word_grams(word: str) -> list[str]:
    padded = f" {word} "
    size = len(padded)
    return [padded[i:i + n] for n in (3, 4, 5) for i in range(size - n + 1)]


class CharAnalyzer:
    """Character 3- to 5-grams inside each word, padded with spaces."""

    def __call__(self, item: tuple[str, str]) -> list[str]:
        text, lang = item
        grams: list[str] = []
        for word in normalise(text, lang).split():
            grams.extend(word_grams(word))
        return grams


class FastCharTransform:
    """What the fitted character TfidfVectorizer's ``transform`` returns, computed per
    distinct word with the word's feature ids remembered: a long document repeats its
    words, and sklearn's per-gram Python loop was most of the suggestion time."""

    def __init__(self, vectorizer) -> None:
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = vectorizer.idf_.astype(np.float64)
        self.width = len(self.idf)
        self._ids: dict[str, list[int]] = {}

    def _word_ids(self, word: str) -> list[int]:
        ids = self._ids.get(word)
        if ids is None:
            ids = [i for i in map(self.vocabulary.get, word_grams(word)) if i is not None]
            if len(self._ids) < 500_000:
                self._ids[word] = ids
        return ids

    def transform(self, items: Sequence[tuple[str, str]]):
        rows = []
        for text, lang in items:
            ids: list[int] = []
            per_id: list[float] = []
            for word, n in Counter(normalise(text, lang).split()).items():
                found = self._word_ids(word)
                ids.extend(found)
                per_id.extend([n] * len(found))
            if not ids:
                rows.append((np.zeros(0, dtype=np.int64), np.zeros(0)))
                continue
            uniq, inverse = np.unique(np.array(ids, dtype=np.int64), return_inverse=True)
            counts = np.bincount(inverse, weights=np.array(per_id, dtype=np.float64),
                                 minlength=len(uniq))
            rows.append((uniq, _tfidf_row(uniq, counts, self.idf)))
        return _csr(rows, self.width)


@register
class TfidfBackend(Backend):
    name = "tfidf"

    def __init__(self, vocab, params=None) -> None:
        super().__init__(vocab, params)
        self.words = None
        self.chars = None
        self.uris: list[str] = []
        self.fast_words: FastWordTransform | None = None
        self.fast_chars: FastCharTransform | None = None
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
            x = sparse.hstack([self.words.fit_transform(items),
                               self.chars.fit_transform(items)]).tocsr()
            self.fast_words = FastWordTransform(self.words)
            self.fast_chars = FastCharTransform(self.chars)
            return x
        return sparse.hstack([self.fast_words.transform(items),
                              self.fast_chars.transform(items)]).tocsr()

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
        # C chosen among 2, 4, 12 on the archaeology training data (4,000 train, 1,000 check)
        c = float(self.params.get("C", 4.0))
        columns, intercepts = [], []
        for done, uri in enumerate(uris, 1):
            y = np.fromiter((uri in d.subjects for d in docs), dtype=bool, count=len(docs))
            model = LogisticRegression(C=c, solver="liblinear", dual=True, max_iter=1000)
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
