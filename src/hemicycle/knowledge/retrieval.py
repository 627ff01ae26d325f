"""Finding answers and guides for a question asked in the reader's own words.

A small BM25 ranking per language, in memory, over the published FAQ answers and guide
revisions (a few hundred texts: building it takes milliseconds, so it is rebuilt whenever
an answer or a guide changes). Each language is cut into terms by the search analysers
(stems, folded accents, Arabic normalisation, Chinese bigrams: ``hemicycle.search
.analysis``), and the thesaurus adds synonyms (``synonyms``). The question (or guide title)
weighs more than the answer text.

This is deliberately not the document index: guides and answers are few, change one by
one, and must not wait for the document index to be rebuilt.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hemicycle.knowledge.markup import render_markdown
from hemicycle.knowledge.models import FaqEntry, FaqText, Guide, GuidePage, GuideRevision
from hemicycle.knowledge.synonyms import Synonyms, synonyms
from hemicycle.search.analysis import terms

K1, B = 1.2, 0.75
TITLE_WEIGHT = 2.0
SYNONYM_WEIGHT = 0.6
ANSWERED_COVERAGE = 0.5  # share of the question's weight an answer must match
BODY_ONLY = 0.5  # what a word found only in the answer text (not its question) is worth


@dataclass(frozen=True)
class Passage:
    kind: str  # faq | guide
    slug: str
    lang: str
    title: str  # the question, or the guide's title
    text: str  # the answer, or the guide's summary and words
    html: str = ""  # the answer as shown (FAQ)


@dataclass
class Match:
    passage: Passage
    score: float
    coverage: float  # share of the question's weight (idf) found in the passage

    @property
    def url(self) -> str:
        p = self.passage
        return f"/faq/{p.slug}?ui={p.lang}" if p.kind == "faq" else f"/guides/{p.slug}/{p.lang}"


@dataclass
class Collection:
    """The passages of one language, ready to rank."""

    lang: str
    passages: list[Passage]
    tf: list[Counter] = field(default_factory=list)
    titles: list[frozenset[str]] = field(default_factory=list)
    lengths: list[float] = field(default_factory=list)
    df: Counter = field(default_factory=Counter)

    def __post_init__(self) -> None:
        for p in self.passages:
            counts: Counter = Counter()
            title = terms(self.lang, p.title)
            body = terms(self.lang, p.text)
            for t in title:
                counts[t] += TITLE_WEIGHT
            counts.update(body)
            self.tf.append(counts)
            self.titles.append(frozenset(title))
            self.lengths.append(len(title) * TITLE_WEIGHT + len(body))
            self.df.update(counts.keys())
        self.average = (sum(self.lengths) / len(self.lengths)) if self.lengths else 1.0

    def idf(self, term: str) -> float:
        n = len(self.passages)
        return math.log(1 + (n - self.df.get(term, 0) + 0.5) / (self.df.get(term, 0) + 0.5))

    def rank(self, question: str, limit: int, syn: Synonyms | None = None) -> list[Match]:
        query = terms(self.lang, question)
        if not query or not self.passages:
            return []
        weights: dict[str, float] = {}
        for t in query:
            weights[t] = weights.get(t, 0.0) + 1.0
        expansions = syn.expansions(query) if syn is not None else []
        extra: dict[str, float] = {}
        for _span, labels in expansions:
            for label in labels:
                for t in label:
                    if t not in weights:
                        extra[t] = max(extra.get(t, 0.0), SYNONYM_WEIGHT)
        distinct = list(dict.fromkeys(query))
        total_idf = sum(self.idf(t) for t in distinct) or 1.0
        matches = []
        for i, counts in enumerate(self.tf):
            norm = K1 * (1 - B + B * self.lengths[i] / self.average)
            score = 0.0
            for t, w in (*weights.items(), *extra.items()):
                tf = counts.get(t)
                if tf:
                    score += w * self.idf(t) * tf * (K1 + 1) / (tf + norm)
            if score <= 0:
                continue
            # a word of the question found in the passage's question (or title) counts
            # whole, one found only in the answer text half
            found: dict[str, float] = {}
            title = self.titles[i]
            for t in distinct:
                if t in counts:
                    found[t] = 1.0 if t in title else BODY_ONLY
            for (start, end), labels in expansions:
                for label in labels:
                    if all(t in counts for t in label):
                        weight = 1.0 if all(t in title for t in label) else BODY_ONLY
                        for t in query[start:end]:
                            found[t] = max(found.get(t, 0.0), weight)
            coverage = sum(self.idf(t) * w for t, w in found.items()) / total_idf
            matches.append(Match(self.passages[i], score, round(coverage, 3)))
        matches.sort(key=lambda m: (-m.score, m.passage.slug))
        return matches[:limit]


# ---- the collections, rebuilt when answers or guides change -----------------------------

_lock = threading.Lock()
_cache: dict[tuple[str, str, str], tuple[tuple, Collection]] = {}


def _stamp(db: Session, kind: str) -> tuple:
    if kind == "faq":
        return tuple(db.execute(select(func.count(FaqText.id), func.max(FaqText.updated_at),
                                       func.sum(FaqText.version))).one())
    return tuple(db.execute(select(func.count(GuidePage.id), func.max(GuideRevision.id),
                                   func.sum(GuidePage.published_number))
                            .select_from(GuidePage)
                            .join(GuideRevision, GuideRevision.page_id == GuidePage.id,
                                  isouter=True)).one())


def _faq_passages(db: Session) -> list[Passage]:
    rows = db.execute(select(FaqEntry.slug, FaqText.language, FaqText.question, FaqText.answer,
                             FaqText.html)
                      .join(FaqText, FaqText.entry_id == FaqEntry.id)
                      .where(FaqText.state == "published").order_by(FaqEntry.id)).all()
    return [Passage("faq", slug, lang, question,
                    render_markdown(answer, live_blocks=False).text, html)
            for slug, lang, question, answer, html in rows]


def _guide_passages(db: Session) -> list[Passage]:
    rows = db.execute(select(Guide.slug, GuidePage.language, GuideRevision.title,
                             GuideRevision.summary, GuideRevision.text)
                      .join(GuidePage, GuidePage.guide_id == Guide.id)
                      .join(GuideRevision, (GuideRevision.page_id == GuidePage.id)
                            & (GuideRevision.number == GuidePage.published_number))
                      .order_by(Guide.slug)).all()
    return [Passage("guide", slug, lang, title, f"{summary} {text}")
            for slug, lang, title, summary, text in rows]


def collection(db: Session, kind: str, lang: str) -> Collection:
    """The ``kind`` (faq or guide) passages of ``lang``, from the cache when unchanged."""
    stamp = _stamp(db, kind)
    url = str(db.get_bind().url)
    with _lock:
        cached = _cache.get((url, kind, lang))
        if cached is not None and cached[0] == stamp:
            return cached[1]
    passages = _faq_passages(db) if kind == "faq" else _guide_passages(db)
    built: dict[str, Collection] = {}
    for code in {p.lang for p in passages} | {lang}:
        built[code] = Collection(code, [p for p in passages if p.lang == code])
    with _lock:
        for code, coll in built.items():
            _cache[(url, kind, code)] = (stamp, coll)
    return built[lang]


def search_faq(db: Session, question: str, lang: str, *, limit: int = 5,
               use_synonyms: bool = True) -> list[Match]:
    syn = synonyms(db, lang) if use_synonyms else None
    return collection(db, "faq", lang).rank(question, limit, syn)


def search_guides(db: Session, question: str, lang: str, *, limit: int = 3) -> list[Match]:
    return collection(db, "guide", lang).rank(question, limit, synonyms(db, lang))


def answered(matches: list[Match]) -> bool:
    return bool(matches) and matches[0].coverage >= ANSWERED_COVERAGE


def knowledge_box(settings, q: str, lang: str) -> dict | None:
    """Guides and answers matching a search-page query, to show beside the documents
    (marked as guides and answers; they are not in the document index)."""
    from hemicycle.catalogue.db import session_scope

    if not q.strip() or ":" in q:  # fielded queries (symbol:, year:) are about documents
        return None
    with session_scope(settings.database_url) as db:
        found_guides = search_guides(db, q, lang, limit=3)
        found_answers = search_faq(db, q, lang, limit=2)
    box = {"guides": [{"title": m.passage.title, "url": m.url, "summary": m.passage.text[:200]}
                      for m in found_guides if m.coverage >= ANSWERED_COVERAGE],
           "answers": [{"question": m.passage.title, "url": m.url, "html": m.passage.html}
                       for m in found_answers if m.coverage >= ANSWERED_COVERAGE]}
    return box if box["guides"] or box["answers"] else None
