"""Lexical backend: find the thesaurus labels in the text, in the manner of Annif's MLLM.

Every preferred and alternative label of every concept, in every language, is analysed
with that language's analyser (stemmed; Chinese as characters) and indexed by its
first token. A document is analysed in its language, the names of the UN's own bodies
taken out ("Security Council" is not about securities: ``matching.BODY_NAMES``), and
each label is matched as a token sequence. Each matched concept gets features (how
often, how early, how spread, preferred or alternative label, label length, ambiguity,
matched narrower concepts, how often the concept is used at all). Untrained, a fixed
formula ranks them; trained, a gradient-boosted classifier learns from a corpus which
matches are real subjects.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hemicycle.subjects.analysis import label_tokens, stop_tokens, tokens
from hemicycle.subjects.backends.base import Backend, Progress, Suggestion, register, top
from hemicycle.subjects.corpus import Corpus
from hemicycle.subjects.matching import without_bodies

FEATURES = ("count", "log_count", "first", "spread", "pref", "label_len", "ambiguity",
            "narrower_matched", "prior", "doc_len")


@dataclass
class _Label:
    tokens: tuple[str, ...]
    uri: str
    pref: bool
    ambiguity: int = 1


class _Matches:
    """What one document matched: per concept, positions and label facts."""

    def __init__(self) -> None:
        self.positions: dict[str, list[int]] = defaultdict(list)
        self.pref: dict[str, bool] = defaultdict(bool)
        self.length: dict[str, int] = defaultdict(int)
        self.ambiguity: dict[str, int] = {}


@register
class LexicalBackend(Backend):
    name = "lexical"
    needs_training = False

    def __init__(self, vocab, params=None) -> None:
        super().__init__(vocab, params)
        self.model = None
        self.prior: dict[str, float] = {}
        self._index: dict[str, dict[str, list[_Label]]] | None = None
        self._broader: dict[str, list[str]] = {}

    def __getstate__(self):
        state = super().__getstate__()
        state["_index"] = None  # rebuilt from the vocabulary on first use
        return state

    # --- index of labels -------------------------------------------------------------
    def _label_index(self) -> dict[str, dict[str, list[tuple[int, dict]]]]:
        """language -> first token -> [(label length, {token tuple: [labels]})]: a text
        position is tried once per label length, not once per label (Chinese labels
        share first characters by the hundred)."""
        if self._index is not None:
            return self._index
        owners: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
        labels: list[tuple[str, _Label]] = []
        for concept in self.vocab.concepts.values():
            for lang, text, pref in concept.all_labels():
                toks = label_tokens(text, lang)
                if not toks or (len(toks) == 1 and toks[0] in stop_tokens(lang)):
                    continue
                owners[(lang, toks)].add(concept.uri)
                labels.append((lang, _Label(toks, concept.uri, pref)))
        grouped: dict[str, dict[str, dict[int, dict[tuple[str, ...], list[_Label]]]]] = (
            defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(list)))))
        seen: set[tuple[str, tuple[str, ...], str]] = set()
        for lang, label in labels:
            key = (lang, label.tokens, label.uri)
            if key in seen:  # the same label twice (pref in one form, alt in another)
                continue
            seen.add(key)
            label.ambiguity = len(owners[(lang, label.tokens)])
            grouped[lang][label.tokens[0]][len(label.tokens)][label.tokens].append(label)
        self._index = {
            lang: {first: sorted((n, dict(table)) for n, table in by_len.items())
                   for first, by_len in firsts.items()}
            for lang, firsts in grouped.items()}
        self._broader = {c.uri: c.broader for c in self.vocab.concepts.values() if c.broader}
        return self._index

    def match(self, text: str, lang: str) -> tuple[_Matches, int]:
        index = self._label_index().get(lang, {})
        toks = tokens(text, lang)
        if self.params.get("mask_bodies", True):  # "Security Council" is not "securities"
            toks = without_bodies(toks, lang)
        found = _Matches()
        for i, tok in enumerate(toks):
            for n, table in index.get(tok, ()):
                for label in table.get(tuple(toks[i:i + n]), ()):
                    found.positions[label.uri].append(i)
                    found.pref[label.uri] |= label.pref
                    found.length[label.uri] = max(found.length[label.uri], n)
                    found.ambiguity[label.uri] = min(found.ambiguity.get(label.uri, 99),
                                                     label.ambiguity)
        return found, len(toks)

    def features(self, found: _Matches, doc_len: int) -> tuple[list[str], np.ndarray]:
        uris = list(found.positions)
        matched = set(uris)
        narrower_matched: dict[str, int] = defaultdict(int)
        for uri in uris:
            for parent in self._broader.get(uri, ()):
                if parent in matched:
                    narrower_matched[parent] += 1
        rows = []
        length = max(doc_len, 1)
        for uri in uris:
            pos = found.positions[uri]
            rows.append((len(pos), math.log1p(len(pos)), pos[0] / length,
                         (pos[-1] - pos[0]) / length, float(found.pref[uri]),
                         found.length[uri], found.ambiguity[uri], narrower_matched[uri],
                         self.prior.get(uri, 0.0), math.log1p(doc_len)))
        return uris, np.array(rows, dtype=float).reshape(len(rows), len(FEATURES))

    @staticmethod
    def _formula(x: np.ndarray) -> np.ndarray:
        """Untrained ranking: frequent, early, long, preferred, unambiguous labels first."""
        count, first, pref, length, ambiguity = x[:, 0], x[:, 2], x[:, 4], x[:, 5], x[:, 6]
        raw = ((1 + np.log(count)) * (1 + 0.5 * (length - 1)) * (1 + 0.2 * pref)
               * (1 - 0.5 * first) / ambiguity)
        return raw / (raw + 2.0)

    # --- the interface ---------------------------------------------------------------
    def train(self, corpus: Corpus, progress: Progress | None = None) -> None:
        from sklearn.ensemble import GradientBoostingClassifier

        # a document with rejections only: its other matches may be right, not negatives
        docs = [d for d in corpus if d.subjects or not (d.rejected or d.rejected_headings)]
        counts: dict[str, int] = defaultdict(int)
        for doc in docs:
            for uri in doc.subjects:
                counts[uri] += 1
        total = max(len(docs), 1)
        self.prior = {uri: math.log((n + 1) / total) for uri, n in counts.items()}
        xs, ys = [], []
        for done, doc in enumerate(docs, 1):
            found, doc_len = self.match(doc.text, doc.lang or self.params.get("lang", "en"))
            uris, x = self.features(found, doc_len)
            if uris:
                xs.append(x)
                ys.extend(uri in doc.subjects for uri in uris)
            if progress:
                progress(done, len(docs))
        self.model = None
        if xs and 0 < sum(ys) < len(ys):
            # plain (not histogram) boosting: its predict runs no thread pool, which
            # for the few rows of one document costs more than the trees themselves
            self.model = GradientBoostingClassifier(n_estimators=150, learning_rate=0.08,
                                                    max_depth=3, random_state=0)
            self.model.fit(np.vstack(xs), np.array(ys))
        self.trained = True
        self.trained_on = len(docs)

    def suggest_batch(self, texts: Sequence[str], langs: Sequence[str],
                      limit: int = 10) -> list[list[Suggestion]]:
        out = []
        for text, lang in zip(texts, langs, strict=True):
            found, doc_len = self.match(text, lang)
            uris, x = self.features(found, doc_len)
            if not uris:
                out.append([])
                continue
            scores = (self.model.predict_proba(x)[:, 1] if self.model is not None
                      else self._formula(x))
            out.append(top(dict(zip(uris, scores.tolist(), strict=True)), limit))
        return out
