"""Headings backend: suggests Index to Proceedings headings, and the concepts in them, the
way the Library indexed documents like this one before.

It learns from two things a library has: its past Index entries (symbol -> heading, no
text: ``hemicycle.subjects.heading_tables``) and documents whose text it holds with
their headings (the training corpus; its documents are labelled by symbol from the
Index). For a new document, every heading with some evidence is a candidate, and so is
every concept its text names; each candidate gets these features:

* ``direct``, ``anchor_share``, ``anchor_idf``: the heading's anchors (countries,
  organs, topics inside it) found in the text, in any language, how many of them and
  how specific the best one is;
* ``associated``: how often past documents with the concepts the text names got it;
* ``recent``, ``section``: how often it was given in the document's year and the year
  before, and in the Index section of its type (from its symbol);
* ``base``, ``neighbours``: given to the base document of an addendum, or to documents
  numbered near it;
* ``together``: how often it comes with the best associated headings;
* ``similar``: given to the most similar training documents in the same language;
* ``learnt``: given to training documents that named the same concepts (any language);
* ``rejected``: rejected by a cataloguer (the heading, or a concept in it) on the most
  similar documents in the same language that had suggestions rejected.

A logistic regression on the training corpus (each document's features computed as if
it were new: its own entries and itself left out) weighs them (a document a cataloguer
only rejected suggestions on gives no rows: those would be the model's own best candidates
alone, all negative, and taught it to distrust its best evidence; it gives the
``rejected`` feature); a concept's score is the
chance that at least one candidate holding it is right. All six language versions of a
document may be given at once; a version alone gets the same kind of answer.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hemicycle.subjects.backends.base import Backend, Progress, Suggestion, register, top
from hemicycle.subjects.backends.tfidf import FastWordTransform, WordAnalyzer
from hemicycle.subjects.corpus import Corpus
from hemicycle.subjects.document import DocumentInput, DocumentSuggestions, HeadingSuggestion
from hemicycle.subjects.errors import SubjectError
from hemicycle.subjects.heading_tables import HeadingTables, english_labels, heading_concepts
from hemicycle.subjects.itp import (
    ItpEntry,
    dated_heading,
    label_corpus,
    read_itp,
    section_of,
    without_documents,
)
from hemicycle.subjects.matching import ConceptMatcher

FEATURES = ("direct", "anchor_share", "anchor_idf", "associated", "recent", "section",
            "base", "neighbours", "together", "similar", "learnt", "rejected")
# Weights on the raw features for a model with no training documents (``similar`` and
# ``learnt`` then say nothing): a fit on the 136 UNPC dev documents the Index indexed, with
# the Index tables without them (bench/subjects_unpc.py's data), rounded.
DEFAULT_WEIGHTS = {"direct": 1.8, "anchor_share": 1.7, "anchor_idf": -0.5, "associated": 0.0,
                   "recent": 0.4, "section": -0.2, "base": 11.9, "neighbours": 0.8,
                   "together": -0.4, "similar": 0.0, "learnt": 0.0, "rejected": 0.0}
DEFAULT_INTERCEPT = -3.0
SIMILAR = 5  # training documents asked for their headings
POOL = {"associated": 30, "recent": 15, "neighbours": 10, "learnt": 10}


@dataclass
class _Labelled:
    """A training document: its versions, symbols and the headings it was given."""

    key: str
    texts: dict[str, str] = field(default_factory=dict)
    symbols: tuple[str, ...] = ()
    headings: set[str] = field(default_factory=set)
    concepts: set[str] = field(default_factory=set)
    rejected: set[str] = field(default_factory=set)  # concepts a cataloguer rejected
    rejected_headings: set[str] = field(default_factory=set)

    @property
    def positive(self) -> bool:
        """Whether anything right is known of it (else: only what was rejected)."""
        return bool(self.headings or self.concepts)


@dataclass
class _Evidence:
    """What one language version of a document says."""

    found: dict[str, tuple[int, float]]  # concept -> (times named, first place)
    similar: Counter  # heading -> votes of similar training documents
    learnt: Counter  # heading -> share of training documents naming the same concepts
    weights: dict[str, float]  # concept -> weight of the evidence for it
    associated: Counter = field(default_factory=Counter)
    # (training document, similarity) of the nearest with rejected suggestions
    rejecting: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class _Context:
    """What the symbol and the year say, whatever the language."""

    recent: Counter
    in_recent: int
    in_section: Counter
    section_total: int
    base: set[str]
    neighbours: Counter


class _SimilarDocuments:
    """TF-IDF neighbours among the training documents of one language."""

    def __init__(self, docs: list[tuple[str, str]], headings: dict[str, set[str]]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.keys = [key for key, _ in docs]
        self.headings = headings
        self.vectorizer = TfidfVectorizer(analyzer=WordAnalyzer(), sublinear_tf=True,
                                          dtype=np.float32)
        self.matrix = self.vectorizer.fit_transform([item for _, item in docs]).T.tocsr()
        self.fast = FastWordTransform(self.vectorizer)

    def nearest(self, text: str, lang: str, leave_out: str | None = None,
                ) -> list[tuple[str, float]]:
        """(training document, similarity) of the ``SIMILAR`` most similar."""
        sims = (self.fast.transform([(text, lang)]) @ self.matrix).toarray().ravel()
        out: list[tuple[str, float]] = []
        for i in np.argsort(-sims, kind="stable"):
            if len(out) == SIMILAR or sims[i] <= 0:
                break
            if self.keys[i] != leave_out:
                out.append((self.keys[i], float(sims[i])))
        return out

    def votes(self, text: str, lang: str, leave_out: str | None = None) -> Counter:
        out: Counter = Counter()
        for key, sim in self.nearest(text, lang, leave_out):
            for heading in self.headings[key]:
                out[heading] += sim
        return out


def _most_common(counts: Counter, n: int) -> list[tuple[str, float]]:
    """The ``n`` largest counts, ties by name: ``Counter.most_common`` breaks them by
    insertion order, which follows the iteration of sets of strings and so changes from
    one process to the next (the same document got other suggestions in another run)."""
    return heapq.nsmallest(n, counts.items(), key=lambda item: (-item[1], item[0]))


@register
class HeadingsBackend(Backend):
    name = "headings"

    def __init__(self, vocab, params=None) -> None:
        super().__init__(vocab, params)
        self.matcher = ConceptMatcher(vocab)
        self.tables: HeadingTables | None = None
        self.similar: dict[str, _SimilarDocuments] = {}
        self.learnt_docs: Counter = Counter()  # concept -> training documents naming it
        self.learnt_headings: dict[str, Counter] = {}
        self.learnt_sets: dict[str, set[str]] = {}  # training document -> concepts named
        self.labelled_headings: dict[str, set[str]] = {}  # training document -> headings
        # documents with rejected suggestions, per language, and what was rejected on each
        self.rejecting: dict[str, _SimilarDocuments] = {}
        self.rejections: dict[str, tuple[set[str], set[str]]] = {}  # -> (concepts, headings)
        self._parts: dict[str, tuple[str, ...]] = {}
        self._labels: dict[str, str] | None = None
        self._labelled_any: set[str] = set()  # Index headings of the training documents
        self.weights = np.array([DEFAULT_WEIGHTS[f] for f in FEATURES])
        self.intercept = DEFAULT_INTERCEPT
        self.scale = (np.zeros(len(FEATURES)), np.ones(len(FEATURES)))
        self.single: dict[str, str] = {}  # concept-only heading -> concept
        self.missing: list[str] = []
        self.problems: list[str] = []
        # features left out (for measuring what each brings): always 0
        used = set(self.params.get("features") or FEATURES)
        self.mask = np.array([float(f in used) for f in FEATURES])

    def attach(self, vocab) -> None:
        super().attach(vocab)
        if len(self.weights) < len(FEATURES):  # saved before the later features: unused
            extra = len(FEATURES) - len(self.weights)
            self.weights = np.concatenate([self.weights, np.zeros(extra)])
            self.scale = (np.concatenate([self.scale[0], np.zeros(extra)]),
                          np.concatenate([self.scale[1], np.ones(extra)]))
            self.mask = np.concatenate([self.mask, np.ones(extra)])
            self.rejecting, self.rejections = {}, {}
        self.matcher.attach(vocab)
        self._labels, self._parts = None, {}
        self.missing = self.tables.unknown_concepts(vocab) if self.tables else []

    # --- training ----------------------------------------------------------------------
    def train(self, corpus: Corpus, progress: Progress | None = None) -> None:
        path = self.params.get("itp")
        if not path:
            raise SubjectError("the headings backend learns from an Index to Proceedings "
                               "file: give it (`subjects train --itp FILE`)")
        itp = read_itp(Path(path))
        self.problems = list(itp.problems)
        self.train_with(itp.entries, label_corpus(corpus, itp.entries), progress)

    def train_with(self, entries: Sequence[ItpEntry], corpus: Corpus,
                   progress: Progress | None = None) -> None:
        """Learn from ``entries`` and the training documents of ``corpus`` (their
        ``headings`` or, without them, their subjects as one-concept headings)."""
        labelled = self._labelled(corpus)
        own = {s for doc in labelled.values() for s in doc.symbols}
        steps = 2 + len(labelled)
        if progress:
            progress(0, steps)
        # features of training documents come from tables without their own entries
        fit_tables = HeadingTables(without_documents(entries, own), self.vocab, self.matcher)
        self.tables = HeadingTables(entries, self.vocab, self.matcher)
        if progress:
            progress(1, steps)
        self._learn_documents(labelled)
        rows, answers = [], []
        for done, doc in enumerate(labelled.values(), 2):
            for lang, text in (doc.texts if doc.positive else {}).items():
                for heading, x in self._candidates(text, lang, doc.symbols, fit_tables,
                                                   doc.key).items():
                    rows.append(x)
                    answers.append(heading in doc.headings or (
                        heading in self.single and self.single[heading] in doc.concepts))
            if progress:
                progress(done, steps)
        if rows and 0 < sum(answers) < len(answers):
            from sklearn.linear_model import LogisticRegression

            x = np.array(rows) * self.mask
            mean, std = x.mean(axis=0), x.std(axis=0)
            std[std == 0] = 1.0
            model = LogisticRegression(C=float(self.params.get("C", 1.0)), max_iter=3000)
            model.fit((x - mean) / std, np.array(answers))
            self.weights, self.intercept = model.coef_[0], float(model.intercept_[0])
            self.scale = (mean, std)
        self.missing = self.tables.unknown_concepts(self.vocab)
        self.trained = True
        self.trained_on = len(labelled)
        if progress:
            progress(steps, steps)

    def _labelled(self, corpus: Corpus) -> dict[str, _Labelled]:
        labels = self._english()
        out: dict[str, _Labelled] = {}
        for doc in corpus:
            if not (doc.headings or doc.subjects or doc.rejected or doc.rejected_headings):
                continue
            key = doc.symbols[0] if doc.symbols else doc.ident or str(len(out))
            item = out.setdefault(key, _Labelled(key, symbols=doc.symbols))
            item.texts[doc.lang or self.params.get("lang", "en")] = doc.text
            item.headings |= set(doc.headings)
            item.concepts |= set(doc.subjects)
            item.rejected |= set(doc.rejected)
            item.rejected_headings |= set(doc.rejected_headings)
        for item in out.values():
            for heading in item.headings:
                item.concepts.update(heading_concepts(heading, labels))
            for uri in list(item.concepts):
                heading = self._single_heading(uri, labels)
                if heading is not None:
                    item.headings.add(heading)
        return out

    def _english(self) -> dict[str, str]:
        if self._labels is None:
            self._labels = english_labels(self.vocab)
        return self._labels

    def _single_heading(self, uri: str, labels: dict[str, str] | None = None) -> str | None:
        """The one-concept heading of a concept: its English label in capitals."""
        concept = self.vocab.concepts.get(uri)
        if concept is None:
            return None
        label = concept.labels.get("en") or next(iter(concept.labels.values()), uri)
        heading = label.upper()
        self.single.setdefault(heading, uri)
        return heading

    def _learn_documents(self, labelled: dict[str, _Labelled]) -> None:
        by_lang: dict[str, list[tuple[str, tuple[str, str]]]] = defaultdict(list)
        rejecting: dict[str, list[tuple[str, tuple[str, str]]]] = defaultdict(list)
        self.learnt_docs, self.learnt_headings, self.learnt_sets = Counter(), {}, {}
        self.rejections = {doc.key: (doc.rejected, doc.rejected_headings)
                           for doc in labelled.values() if doc.rejected or doc.rejected_headings}
        for key in self.rejections:
            for lang, text in labelled[key].texts.items():
                rejecting[lang].append((key, (text, lang)))
        self.rejecting = {lang: _SimilarDocuments(docs, {}) for lang, docs in rejecting.items()}
        labelled = {key: doc for key, doc in labelled.items() if doc.positive}
        for doc in labelled.values():
            named: set[str] = set()
            for lang, text in doc.texts.items():
                by_lang[lang].append((doc.key, (text, lang)))
                named |= set(self.matcher.match(text, lang).concepts)
            self.learnt_sets[doc.key] = named
            for uri in named:
                self.learnt_docs[uri] += 1
                self.learnt_headings.setdefault(uri, Counter()).update(doc.headings)
        self.labelled_headings = {doc.key: doc.headings for doc in labelled.values()}
        self._labelled_any = {h for doc in labelled.values() for h in doc.headings
                              if h not in self.single}
        self.similar = {lang: _SimilarDocuments(docs, self.labelled_headings)
                        for lang, docs in by_lang.items()}

    # --- evidence and candidates ---------------------------------------------------------
    def readable(self, lang: str) -> bool:
        """Whether the model can read text in ``lang`` (labels or training documents)."""
        return lang in self.matcher.languages() or lang in self.similar

    def _evidence(self, text: str | None, lang: str | None,
                  leave_out: str | None = None) -> _Evidence:
        """What one language version says (nothing for None: the symbol alone)."""
        found: dict[str, tuple[int, float]] = {}
        similar: Counter = Counter()
        if text is not None and lang is not None:
            for uri, m in self.matcher.match(text, lang).concepts.items():
                found[uri] = (m.count, m.first)
            if lang in self.similar:
                similar = self.similar[lang].votes(text, lang, leave_out)
        learnt: Counter = Counter()
        own = self.learnt_sets.get(leave_out, set()) if leave_out else set()
        own_headings = self.labelled_headings.get(leave_out, set()) if leave_out else set()
        for uri in found:
            mine = uri in own  # the left-out document's own part is taken off
            docs = self.learnt_docs.get(uri, 0) - mine
            if docs <= 0:
                continue
            for heading, n in self.learnt_headings[uri].items():
                n -= mine and heading in own_headings
                if n > 0:
                    learnt[heading] += n / (docs + 2)
        weights = {uri: 1.0 + math.log(count) for uri, (count, _first) in found.items()}
        rejecting = (self.rejecting[lang].nearest(text, lang, leave_out)
                     if text is not None and lang in self.rejecting else [])
        return _Evidence(found, similar, learnt, weights, rejecting=rejecting)

    def _rejected_on(self, heading: str, concepts: set[str], headings: set[str]) -> bool:
        """Whether ``heading``, or a concept in it, is among those rejected."""
        return heading in headings or any(
            uri in concepts for uri in self._heading_concepts(heading))

    def _rejected(self, heading: str, ev: _Evidence) -> float:
        """How much the nearest documents with rejections rejected ``heading``."""
        return sum(sim for key, sim in ev.rejecting
                   if self._rejected_on(heading, *self.rejections[key]))

    def _heading_concepts(self, heading: str) -> tuple[str, ...]:
        if self.tables is not None and heading in self.tables.concepts:
            return self.tables.concepts[heading]
        uri = self.single.get(heading)
        if uri:
            return (uri,)
        found = self._parts.get(heading)
        if found is None:
            found = self._parts[heading] = heading_concepts(heading, self._english())
        return found

    def _context(self, doc: DocumentInput, tables: HeadingTables) -> _Context:
        recent, in_recent = tables.recent(doc.document_year())
        section = section_of(doc.symbols[0]) if doc.symbols else "document"
        in_section = tables.by_section.get(section, Counter())
        return _Context(recent, in_recent, in_section, max(sum(in_section.values()), 1),
                        tables.base_headings(doc.symbols),
                        tables.neighbour_headings(doc.symbols))

    def _pool(self, ev: _Evidence, ctx: _Context, tables: HeadingTables) -> set[str]:
        pool: set[str] = set(ctx.base) | set(ev.similar)
        for source, size in ((ev.associated, POOL["associated"]), (ctx.recent, POOL["recent"]),
                             (ctx.neighbours, POOL["neighbours"]), (ev.learnt, POOL["learnt"])):
            pool.update(h for h, _ in _most_common(source, size))
        for uri in ev.found:
            pool.update(tables.headings_of_anchor.get(uri, ()))
            heading = self._single_heading(uri)
            if heading is not None:
                pool.add(heading)
        return pool

    def _features(self, pool: set[str] | list[str], ev: _Evidence, ctx: _Context,
                  tables: HeadingTables) -> dict[str, list[float]]:
        found, associated = ev.found, ev.associated
        best = [h for h, _ in _most_common(associated, 3)]
        unknown_idf = math.log(max(len(tables.anchors), 2))
        out: dict[str, list[float]] = {}
        for heading in pool:
            anchors = tables.anchors.get(heading)
            if anchors is None:  # a one-concept heading the Index never used
                anchors = frozenset(self._heading_concepts(heading))
            named = [a for a in anchors if a in found]
            out[heading] = [
                sum(math.log1p(found[a][0]) for a in named),
                len(named) / len(anchors) if anchors else 0.0,
                max((tables.anchor_idf.get(a, unknown_idf) for a in named), default=0.0),
                math.log1p(associated.get(heading, 0.0)),
                math.log((ctx.recent.get(heading, 0) + 0.1) / (ctx.in_recent + 1)),
                math.log((ctx.in_section.get(heading, 0) + 0.1) / ctx.section_total),
                float(heading in ctx.base),
                math.log1p(ctx.neighbours.get(heading, 0.0)),
                math.log1p(sum(tables.together[b].get(heading, 0) / tables.count[b]
                               for b in best if b != heading)),
                ev.similar.get(heading, 0.0),
                ev.learnt.get(heading, 0.0),
                self._rejected(heading, ev) if ev.rejecting else 0.0,
            ]
        return out

    def _candidates(self, text: str, lang: str, symbols: tuple[str, ...],
                    tables: HeadingTables, leave_out: str) -> dict[str, list[float]]:
        """Features of a training document's version, as if it were new."""
        ev = self._evidence(text, lang, leave_out)
        ev.associated = tables.associated(ev.weights)
        ctx = self._context(DocumentInput({lang: text}, symbols), tables)
        return self._features(sorted(self._pool(ev, ctx, tables)), ev, ctx, tables)

    def _probabilities(self, rows: list[list[float]]) -> np.ndarray:
        x = (np.array(rows) * self.mask - self.scale[0]) / self.scale[1]
        return 1.0 / (1.0 + np.exp(-np.clip(x @ self.weights + self.intercept, -50, 50)))

    # --- suggesting ----------------------------------------------------------------------
    def _ranked_headings(self, doc: DocumentInput) -> tuple[list[tuple[str, float]],
                                                             list[_Evidence], list[str]]:
        """Headings by probability: each readable version ranks them, the chances are
        averaged (one document, one set of headings)."""
        self.check_ready()
        tables = self.tables
        readable = [lang for lang in doc.languages if self.readable(lang)]
        unread = [lang for lang in doc.languages if lang not in readable]
        evidence = [self._evidence(doc.texts[lang], lang) for lang in readable] or [
            self._evidence(None, None)]
        ctx = self._context(doc, tables)
        pool: set[str] = set()
        for ev in evidence:
            ev.associated = tables.associated(ev.weights)
            pool |= self._pool(ev, ctx, tables)
        if not pool:
            return [], evidence, unread
        names = sorted(pool)
        total = np.zeros(len(names))
        for ev in evidence:
            feats = self._features(names, ev, ctx, tables)
            total += self._probabilities([feats[h] for h in names])
        probs = total / len(evidence)
        ranked = sorted(zip(names, probs.tolist(), strict=True), key=lambda t: (-t[1], t[0]))
        return ranked, evidence, unread

    def suggest_document(self, doc: DocumentInput, limit: int = 10) -> DocumentSuggestions:
        ranked, evidence, unread = self._ranked_headings(doc)
        miss: dict[str, float] = defaultdict(lambda: 1.0)
        for heading, p in ranked:
            for uri in self._heading_concepts(heading):
                if uri in self.vocab:
                    miss[uri] *= 1.0 - p
        concepts = top({uri: 1.0 - m for uri, m in miss.items()}, limit)
        year = doc.document_year()
        printed = [(h, p) for h, p in ranked  # one-concept candidates are not headings
                   if h in self.tables.count or h in self._labelled_any or h not in self.single]
        headings = [HeadingSuggestion(dated_heading(h, year), round(p, 4),
                                      tuple(u for u in self._heading_concepts(h)
                                            if u in self.vocab))
                    for h, p in printed[:limit]]
        return DocumentSuggestions(concepts, headings, self._notes(doc, evidence, unread))

    def _notes(self, doc: DocumentInput, evidence: list[_Evidence],
               unread: list[str]) -> list[str]:
        notes = []
        for lang in unread:
            notes.append(f"no thesaurus labels or training documents in language {lang!r}: "
                         f"its text was not read; suggestions come from the symbol and the "
                         f"Library's past headings only")
        if not any(ev.found or ev.similar for ev in evidence) and not doc.symbols:
            notes.append("nothing in the document points to a heading: these are the "
                         "headings most given in recent years")
        if self.missing:
            notes.append(f"{len(self.missing)} concepts the model learnt are not in vocabulary "
                         f"{self.vocab.name!r} (e.g. {self.missing[0]}): headings with them are "
                         f"still suggested, those concepts are not")
        return notes

    def suggest_batch(self, texts: Sequence[str], langs: Sequence[str],
                      limit: int = 10) -> list[list[Suggestion]]:
        return [self.suggest_document(DocumentInput({lang: text}), limit).concepts
                for text, lang in zip(texts, langs, strict=True)]

