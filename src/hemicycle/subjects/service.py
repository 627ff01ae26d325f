"""Subject indexing as the rest of Hemicycle uses it: suggest for a text or a catalogue
document, record a cataloguer's decision, gather the training corpus from the catalogue.

Trained models live under ``data_dir/subjects/<vocab>/<backend>/``. Without any trained
model the lexical backend answers (it needs only the vocabulary).

Documented answers for awkward input: empty text is an error (``TextError``); text
whose letters are in a script other than the one ``lang`` is written in is an error;
text with no letters of any supported script gives an empty list with a note; text
over ``MAX_CHARS`` characters is cut to its first ``MAX_CHARS`` (subjects are decided
by the opening of a document) and the answer says so.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import delete, select

from hemicycle.catalogue.changes import record_changes
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSubject, DocumentSymbol, utcnow
from hemicycle.config import Settings
from hemicycle.languages.stemming import SNOWBALL
from hemicycle.messages import Message
from hemicycle.subjects import analysis
from hemicycle.subjects.backends import REGISTRY, Backend, backend_class
from hemicycle.subjects.corpus import Corpus, CorpusDocument
from hemicycle.subjects.document import DocumentInput, HeadingSuggestion
from hemicycle.subjects.errors import NotTrained, SubjectError, TextError
from hemicycle.subjects.models import SubjectDecision, SubjectSuggestion
from hemicycle.subjects.records import POLICY, base_vocab, headings_vocab, is_policy
from hemicycle.subjects.vocabulary import Vocabulary, load_vocabulary, subjects_dir

MAX_CHARS = 1_000_000
MAX_LIMIT = 100
PREFERENCE = ("headings", "ensemble", "tfidf", "lexical")


@dataclass
class Suggested:
    uri: str
    label: str
    score: float


@dataclass
class SuggestedHeading:
    """An Index to Proceedings heading and the concepts among its parts."""

    heading: str
    score: float
    concepts: list[str]


@dataclass
class SuggestResult:
    vocab: str
    backend: str
    lang: str
    suggestions: list[Suggested]
    notes: list[str] = field(default_factory=list)
    headings: list[SuggestedHeading] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


# --- models on disk ------------------------------------------------------------------

def model_dir(settings: Settings, vocab: str, backend: str) -> Path:
    return subjects_dir(settings) / vocab / backend


def trained_backends(settings: Settings, vocab: str) -> list[str]:
    return [name for name in sorted(REGISTRY)
            if (model_dir(settings, vocab, name) / "model.pkl").is_file()]


_models: dict[tuple[str, str], tuple[float, Backend]] = {}
_models_lock = threading.Lock()


def load_backend(settings: Settings, vocab_name: str, name: str | None = None) -> Backend:
    """The backend ``name`` for the vocabulary (trained if a model is kept), or the best
    trained one when ``name`` is None; an untrained lexical backend as the last resort."""
    vocab = load_vocabulary(settings, vocab_name)
    if name is None:
        trained = trained_backends(settings, vocab_name)
        name = next((n for n in PREFERENCE if n in trained), trained[0] if trained else "lexical")
    cls = backend_class(name)
    folder = model_dir(settings, vocab_name, name)
    path = folder / "model.pkl"
    key = (str(path), vocab_name)
    if not path.is_file():
        if cls.needs_training:
            raise NotTrained(Message(
                "subjects.not_trained",
                "the {backend} backend for vocabulary '{vocab}' is not trained (run "
                "`hemicycle subjects train --vocab {vocab} --backend {backend}`)",
                backend=name, vocab=vocab_name))
        with _models_lock:  # kept too: its label index takes a second or two to build
            cached = _models.get(key)
            if cached and cached[0] == -1.0 and cached[1].vocab is vocab:
                return cached[1]
            backend = cls(vocab)
            _models[key] = (-1.0, backend)
            return backend
    mtime = path.stat().st_mtime
    with _models_lock:
        cached = _models.get(key)
        if cached and cached[0] == mtime and cached[1].vocab is vocab:
            return cached[1]
        backend = Backend.load(folder, vocab)
        _models[key] = (mtime, backend)
        return backend


def train(settings: Settings, vocab_name: str, corpus: Corpus, names: Sequence[str],
          params: dict | None = None, progress=None) -> dict[str, Backend]:
    """Train the named backends and keep them; the ensemble's sources are kept too."""
    vocab = load_vocabulary(settings, vocab_name)
    done: dict[str, Backend] = {}
    for name in names:
        backend = backend_class(name)(vocab, params)
        backend.train(corpus, progress=(lambda d, t, n=name: progress(n, d, t))
                      if progress else None)
        backend.save(model_dir(settings, vocab_name, name))
        done[name] = backend
        for source_name, source in getattr(backend, "sources", {}).items():
            if source_name not in names:
                source.save(model_dir(settings, vocab_name, source_name))
                done[source_name] = source
    return done


@dataclass
class Learnt:
    backend: str
    version: str  # the new model version, recorded on the suggestions it makes
    documents: int  # training documents (language versions) it learnt from
    decisions: int  # cataloguers' decisions among them (accepted and rejected)
    first: bool = False  # no model before: started from the Index to Proceedings file
    notes: list[str] = field(default_factory=list)  # what was left out, and why


def learn(settings: Settings, vocab_name: str, backend: str | None = None,
          progress=None, itp: Path | None = None) -> Learnt:
    """Retrain a trained backend from what it learnt before (the corpora and Index to
    Proceedings file it was trained with, kept in its parameters) and the catalogue:
    subjects cataloguers gave or accepted are training labels, rejected suggestions are
    negatives (never labels), and subjects accepted by the policy alone are neither (they
    are the machine's own).

    On first use (no headings model yet, ``backend`` None or "headings") the headings
    backend is trained from an Index to Proceedings file (``itp``, by default the
    ``subjects_itp`` setting: the bundled Security Council Index) and the catalogue."""
    from hemicycle.subjects.corpus import read_corpus
    from hemicycle.subjects.itp import headings_by_document, read_itp, unknown_parts

    notes: list[str] = []
    model = load_backend(settings, vocab_name, backend)
    first = not model.trained and backend in (None, "headings")
    if first:
        path = Path(itp or settings.subjects_itp)
        if not path.is_file():
            raise NotTrained(f"{path}: no such Index to Proceedings file, and no model for "
                             f"vocabulary {vocab_name!r} to learn into: give one (`hemicycle "
                             f"subjects learn --itp FILE`) or train first (`hemicycle "
                             f"subjects train --vocab {vocab_name}`)")
        params: dict = {"lang": "en", "itp": str(path.resolve())}
        model = backend_class("headings")(model.vocab, params)
    elif not model.trained or not model.needs_training:
        raise NotTrained(f"the {model.name} backend for vocabulary {vocab_name!r} has nothing "
                         f"to learn into: train one first (`hemicycle subjects train "
                         f"--vocab {vocab_name}`)")
    else:
        params = dict(model.params)
    docs = Corpus([])
    for path in params.get("corpora", []):
        if not Path(path).exists():
            raise SubjectError(f"{path}: the corpus this model was trained on is gone; "
                               f"train it again")
        docs.documents.extend(read_corpus(Path(path), model.vocab, params.get("lang")))
    indexed: frozenset[str] = frozenset()
    if params.get("itp"):
        if not Path(params["itp"]).is_file():
            raise SubjectError(f"{params['itp']}: the Index to Proceedings file this model "
                               f"was trained on is gone; train it again with --itp")
        index = read_itp(Path(params["itp"]))
        indexed = frozenset(headings_by_document(index.entries))
        if index.problems:
            notes.append(f"{params['itp']}: {len(index.problems)} lines left out (e.g. "
                         f"{index.problems[0]})")
        unknown = unknown_parts(index.entries, model.vocab)
        if unknown:
            notes.append(f"{len(unknown)} heading parts of the Index are not labels of "
                         f"{vocab_name!r} (e.g. {next(iter(unknown.most_common(1)))[0]}): their "
                         f"headings are learnt whole, those parts give no concept")
    docs.documents.extend(catalogue_corpus(settings, vocab_name, indexed).documents)
    decisions, left_out = decision_problems(settings, vocab_name, model.vocab)
    notes += left_out
    missing = [] if first else getattr(model, "missing", [])
    if missing:
        notes.append(f"{len(missing)} concepts the previous model learnt are not in "
                     f"vocabulary {vocab_name!r} (e.g. {missing[0]}): the new model leaves "
                     f"them out")
    done = train(settings, vocab_name, docs, [model.name], params, progress)[model.name]
    return Learnt(model.name, done.model_version, len(docs), decisions, first, notes)


def decision_problems(settings: Settings, vocab_name: str,
                      vocab: Vocabulary) -> tuple[int, list[str]]:
    """(cataloguers' decisions in ``vocab_name``, notes on those no model can learn from:
    on documents deleted or without text, or naming a concept the vocabulary lacks)."""
    with session_scope(settings.database_url) as db:
        rows = db.execute(select(SubjectDecision.concept, Document.symbol, Document.status,
                                 Document.id).join(
            Document, Document.id == SubjectDecision.document_id, isouter=True).where(
            SubjectDecision.vocab == vocab_name)).all()
        textless = set()
        for doc_id in {r[3] for r in rows if r[3] is not None}:
            doc = db.get(Document, doc_id)
            if doc.status == "deleted" or not document_texts(doc):
                textless.add(doc_id)
    notes = []
    gone = [r for r in rows if r[3] is None or r[3] in textless]
    if gone:
        notes.append(f"{len(gone)} decisions are on documents deleted or without text "
                     f"(e.g. {gone[0][1] or 'a removed document'}): left out")
    unknown = [r for r in rows if r[0] not in vocab]
    if unknown:
        notes.append(f"{len(unknown)} decisions name concepts not in vocabulary "
                     f"{vocab_name!r} (e.g. {unknown[0][0]} on {unknown[0][1]}): left out")
    return len(rows), notes


# --- suggesting ----------------------------------------------------------------------

def prepare_text(text: str, lang: str | None, vocab: Vocabulary) -> tuple[str, str | None,
                                                                         list[str]]:
    """(text to analyse, its language, notes) after the checks the module doc lists."""
    notes: list[str] = []
    if text is None or not text.strip():
        raise TextError("empty text: there is nothing to suggest subjects for")
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
        notes.append(f"text cut to its first {MAX_CHARS:,} characters")
    script = analysis.dominant_script(text)
    if script is None or script == "Other":
        notes.append("no letters in a supported script (Latin, Cyrillic, Arabic, Chinese)")
        return text, None, notes
    if lang is None:
        latin = tuple(code for code in (*("en", "fr", "es"), *vocab.languages)
                      if analysis.expected_script(code) == "Latin")
        lang = analysis.detect_language(text, tuple(dict.fromkeys(latin)))
        notes.append(f"language detected: {lang}")
    elif analysis.expected_script(lang) != script:
        raise TextError(f"the text is mostly in {script} script, but language {lang!r} "
                        f"is written in {analysis.expected_script(lang)} script; "
                        f"give the right --lang or leave it out")
    return text, lang, notes


def check_lang(lang: str | None) -> str | None:
    if lang is None or lang == "":
        return None
    code = lang.strip().lower()
    if code in SNOWBALL or code in ("zh",):
        return code
    from hemicycle.languages import UnknownLanguage, normalise_language

    try:
        return normalise_language(code)
    except UnknownLanguage as exc:
        raise SubjectError(str(exc)) from None


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise SubjectError(Message("subjects.limit", "limit must be between 1 and {most}, "
                                   "not {limit}", most=MAX_LIMIT, limit=limit))
    return limit


def check_symbols(symbols: Sequence[str]) -> tuple[str, ...]:
    """The symbols' keys; a SubjectError naming the one that is not a symbol."""
    from hemicycle.symbols import SymbolError, symbol_key

    keys = []
    for symbol in symbols:
        try:
            keys.append(symbol_key(symbol))
        except SymbolError as exc:
            raise SubjectError(f"{symbol!r} is not a document symbol: {exc}") from None
    return tuple(keys)


def suggest_text(settings: Settings, vocab_name: str, text: str, lang: str | None = None,
                 limit: int = 10, backend: str | None = None,
                 symbols: Sequence[str] = ()) -> SuggestResult:
    """Suggestions for one text (the symbols of its document, if given, help the models
    that learnt from the Library's past headings)."""
    model = load_backend(settings, vocab_name, backend)
    check_limit(limit)
    keys = check_symbols(symbols)
    text, code, notes = prepare_text(text, check_lang(lang), model.vocab)
    if code is None:
        return SuggestResult(vocab_name, model.name, "", [], notes)
    found = model.suggest_document(DocumentInput({code: text}, keys), limit)
    label_lang = code if code in model.vocab.languages else "en"
    return SuggestResult(vocab_name, model.name, code,
                         [Suggested(s.uri, model.vocab.label(s.uri, label_lang), round(s.score, 4))
                          for s in found.concepts], notes + found.notes,
                         _headings(found.headings))


def _headings(found: Sequence[HeadingSuggestion]) -> list[SuggestedHeading]:
    return [SuggestedHeading(h.heading, round(h.score, 4), list(h.concepts)) for h in found]


# --- catalogue documents ---------------------------------------------------------------

def document_texts(doc: Document) -> list[tuple[str, str]]:
    """(language, title + text) for each language version with words in it."""
    out = []
    for version in sorted(doc.versions, key=lambda v: v.language):
        text = "\n".join(t for t in (version.title, version.text) if t)
        if text.strip():
            out.append((version.language, text))
    return out


def suggest_for_document(settings: Settings, document_id: int, vocab: str = "unbis",
                         limit: int = 10, backend: str | None = None) -> list[Suggested]:
    """Suggest subjects from every language version of a document (scores averaged, so
    the versions agree) and store them as the document's machine suggestions.

    A document without text gets no suggestions (an empty list, nothing stored).
    """
    model = load_backend(settings, vocab, backend)
    check_limit(limit)
    with session_scope(settings.database_url) as db:
        doc = db.get(Document, document_id)
        if doc is None:
            raise SubjectError(Message("subjects.no_document", "no document with id {id}",
                                       id=document_id))
        texts = document_texts(doc)
        keys = tuple(s.key for s in sorted(doc.symbols, key=lambda s: s.position))
    readable: dict[str, str] = {}
    for lang, text in texts:
        try:
            text, code, _notes = prepare_text(text, lang, model.vocab)
        except TextError:
            continue  # a version in the wrong script says nothing reliable
        if code is not None:
            readable[code] = text
    answer = model.suggest_document(DocumentInput(readable, keys), limit) if readable else None
    result = [Suggested(s.uri, model.vocab.label(s.uri, "en"), round(s.score, 4))
              for s in (answer.concepts if answer else [])]
    headings = [(h.heading, round(h.score, 4)) for h in (answer.headings if answer else [])]
    with session_scope(settings.database_url) as db:
        db.execute(delete(SubjectSuggestion).where(
            SubjectSuggestion.document_id == document_id,
            SubjectSuggestion.vocab.in_([vocab, headings_vocab(vocab)])))
        rows = [(vocab, s.uri, s.label, s.score) for s in result]
        rows += [(headings_vocab(vocab), h, h, score) for h, score in headings[:limit]]
        rank: dict[str, int] = defaultdict(int)
        seen: set[tuple[str, str]] = set()
        for name, concept, label, score in rows:
            if (name, concept[:300]) in seen:
                continue  # a heading reached twice (from two entries) is one suggestion
            seen.add((name, concept[:300]))
            rank[name] += 1
            db.add(SubjectSuggestion(document_id=document_id, vocab=name, concept=concept[:300],
                                     label=label[:300], backend=model.name,
                                     model=model.model_version[:80], score=score,
                                     rank=rank[name]))
    return result


def documents_to_suggest(settings: Settings, vocab: str, statuses: Sequence[str],
                         again: bool = False) -> list[int]:
    """Documents in ``statuses`` that have no stored suggestions for ``vocab`` yet (all of
    them with ``again``): a batch run resumes where an interrupted one stopped."""
    with session_scope(settings.database_url) as db:
        query = select(Document.id).where(Document.status.in_(list(statuses)))
        if not again:
            done = select(SubjectSuggestion.document_id).where(SubjectSuggestion.vocab == vocab)
            query = query.where(Document.id.not_in(done))
        return list(db.scalars(query.order_by(Document.id)))


@dataclass
class ReviewItem:
    uri: str
    label: str
    score: float | None
    backend: str | None
    status: str  # pending | policy (accepted by the operator's policy) | accepted | rejected
    # | assigned (a subject not from this list)
    decided_by: str | None = None


def review_items(settings: Settings, document_id: int, vocab_name: str,
                 lang: str = "en") -> list[ReviewItem]:
    """The stored suggestions with their decisions, then subjects assigned otherwise."""
    try:
        vocab = load_vocabulary(settings, vocab_name)
        label = vocab.label
    except SubjectError:
        def label(uri: str, _lang: str = "en") -> str:
            return uri
    with session_scope(settings.database_url) as db:
        suggestions = db.scalars(select(SubjectSuggestion).where(
            SubjectSuggestion.document_id == document_id, SubjectSuggestion.vocab == vocab_name
        ).order_by(SubjectSuggestion.rank)).all()
        decisions = {d.concept: d for d in db.scalars(select(SubjectDecision).where(
            SubjectDecision.document_id == document_id, SubjectDecision.vocab == vocab_name))}
        subjects = db.scalars(select(DocumentSubject).where(
            DocumentSubject.document_id == document_id, DocumentSubject.vocab == vocab_name
        ).order_by(DocumentSubject.id)).all()
    items = []
    seen = set()
    by_policy = {s.concept for s in subjects if is_policy(s.assigned_by)}
    for s in suggestions:
        d = decisions.get(s.concept)
        status = d.decision if d else "policy" if s.concept in by_policy else "pending"
        items.append(ReviewItem(s.concept, label(s.concept, lang), s.score, s.backend,
                                status, d.decided_by if d else None))
        seen.add(s.concept)
    for d in decisions.values():
        if d.concept not in seen:
            items.append(ReviewItem(d.concept, label(d.concept, lang), d.score, d.backend,
                                    d.decision, d.decided_by))
            seen.add(d.concept)
    for subject in subjects:
        if subject.concept not in seen:
            items.append(ReviewItem(subject.concept, subject.label or label(subject.concept, lang),
                                    subject.score, subject.backend, "assigned",
                                    subject.assigned_by))
    return items


DECISIONS = ("accepted", "rejected")
MAX_HEADING = 300


def check_heading(heading: str) -> str:
    """An Index to Proceedings heading as stored: spaces tidied; a SubjectError for an
    empty one, one over ``MAX_HEADING`` characters or one with control characters."""
    tidy = " ".join((heading or "").split())
    if not tidy or not tidy.replace("-", ""):
        raise SubjectError(Message("subjects.not_a_heading",
                                   "'{heading}' is not an Index to Proceedings heading",
                                   heading=tidy))
    if len(tidy) > MAX_HEADING:
        raise SubjectError(Message("subjects.heading_too_long",
                                   "heading longer than {most} characters: {start}...",
                                   most=MAX_HEADING, start=tidy[:40]))
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in heading if c not in "\t\n\r"):
        raise SubjectError(Message("subjects.heading_control",
                                   "heading '{start}' holds control characters",
                                   start=tidy[:40].encode("unicode_escape").decode()))
    return tidy


def _labeller(settings: Settings, vocab_name: str):
    """(the checked concept or heading, its English label) for a decision in
    ``vocab_name``: a thesaurus concept, or a heading under VOCAB:headings."""
    base = base_vocab(vocab_name)
    if base is not None:
        load_vocabulary(settings, base)  # headings of an unknown vocabulary: an error

        def heading(concept: str) -> tuple[str, str]:
            tidy = check_heading(concept)
            return tidy, tidy
        return heading
    vocab = load_vocabulary(settings, vocab_name)

    def concept_of(concept: str) -> tuple[str, str]:
        if concept not in vocab:
            raise SubjectError(Message("subjects.not_in_vocabulary",
                                       "concept '{concept}' is not in vocabulary '{vocab}'",
                                       concept=concept, vocab=vocab_name))
        return concept, vocab.label(concept, "en")
    return concept_of


def decide(settings: Settings, document_id: int, vocab_name: str, concept: str, decision: str,
           user: str) -> None:
    """Record a cataloguer's decision; an accepted concept becomes a catalogue subject with
    its provenance, a rejected one is removed from the machine-assigned subjects. Under
    ``VOCAB:headings`` the concept is an Index to Proceedings heading ("HAITI--POLITICAL
    CONDITIONS"): accepted, it is the record's and the printed Index's heading."""
    if decision not in DECISIONS:
        raise SubjectError(Message("subjects.bad_decision",
                                   "decision must be one of {choices}, not '{decision}'",
                                   choices=", ".join(DECISIONS), decision=decision))
    concept, english = _labeller(settings, vocab_name)(concept)
    with session_scope(settings.database_url) as db:
        if db.get(Document, document_id) is None:
            raise SubjectError(Message("subjects.no_document", "no document with id {id}",
                                       id=document_id))
        suggestion = db.scalar(select(SubjectSuggestion).where(
            SubjectSuggestion.document_id == document_id, SubjectSuggestion.vocab == vocab_name,
            SubjectSuggestion.concept == concept))
        backend = suggestion.backend if suggestion else None
        score = suggestion.score if suggestion else None
        model = suggestion.model if suggestion else None
        row = db.scalar(select(SubjectDecision).where(
            SubjectDecision.document_id == document_id, SubjectDecision.vocab == vocab_name,
            SubjectDecision.concept == concept))
        if row is None:
            row = SubjectDecision(document_id=document_id, vocab=vocab_name, concept=concept)
            db.add(row)
        row.decision, row.backend, row.score = decision, backend, score
        row.decided_by, row.decided_at = user, utcnow()
        subject = db.scalar(select(DocumentSubject).where(
            DocumentSubject.document_id == document_id, DocumentSubject.vocab == vocab_name,
            DocumentSubject.concept == concept))
        if decision == "accepted" and subject is None:
            db.add(DocumentSubject(
                document_id=document_id, vocab=vocab_name, concept=concept,
                label=english[:300], origin="machine" if suggestion else "human",
                backend=backend, model=model, score=score, assigned_by=user, assigned_at=utcnow()))
        elif decision == "accepted" and is_policy(subject.assigned_by):
            subject.assigned_by, subject.assigned_at = user, utcnow()  # a person confirms it
        elif decision == "rejected" and subject is not None and subject.origin == "machine":
            db.delete(subject)
        db.flush()
        record_changes(db, [document_id])  # subjects are a search facet


# --- the operator's acceptance policy ------------------------------------------------------

@dataclass
class PolicyResult:
    accepted: int  # subjects added by this run
    documents: int  # documents that gained at least one
    undone: int = 0  # subjects taken back (``undo_policy``)


def accept_above(settings: Settings, vocab: str, threshold: float,
                 statuses: Sequence[str] = ("draft", "published"),
                 best: int = 0) -> PolicyResult:
    """The operator's policy: every stored suggestion scoring at least ``threshold`` (and,
    with ``best``, each document's ``best`` highest-ranked ones whatever their score)
    becomes a subject of its document, marked as the machine's and as accepted by the
    policy (``assigned_by`` "policy: score >= T" or "policy: best N or score >= T"), never
    one a cataloguer rejected. Reversible with ``undo_policy``; a cataloguer's own decision
    on a subject always stands."""
    if not 0.0 < threshold <= 1.0:
        raise SubjectError(Message("subjects.threshold", "the threshold must be above 0 and "
                                   "at most 1, not {threshold}", threshold=threshold))
    if not 0 <= best <= MAX_LIMIT:
        raise SubjectError(Message("subjects.best", "best must be between 0 and {most}, "
                                   "not {best}", most=MAX_LIMIT, best=best))
    # an unknown vocabulary is an error, not 0 accepted; VOCAB:headings accepts headings
    load_vocabulary(settings, base_vocab(vocab) or vocab)
    by = f"{POLICY}: " + (f"best {best} or " if best else "") + f"score >= {threshold:g}"
    added: set[int] = set()
    count = 0
    with session_scope(settings.database_url) as db:
        rejected = {(d.document_id, d.concept) for d in db.scalars(select(SubjectDecision).where(
            SubjectDecision.vocab == vocab, SubjectDecision.decision == "rejected"))}
        have = {(d, c) for d, c in db.execute(select(
            DocumentSubject.document_id, DocumentSubject.concept).where(
            DocumentSubject.vocab == vocab))}
        rows = db.scalars(select(SubjectSuggestion).join(
            Document, Document.id == SubjectSuggestion.document_id).where(
            SubjectSuggestion.vocab == vocab,
            (SubjectSuggestion.score >= threshold) | (SubjectSuggestion.rank <= best),
            Document.status.in_(list(statuses))).order_by(SubjectSuggestion.document_id,
                                                          SubjectSuggestion.rank))
        for s in rows:
            key = (s.document_id, s.concept)
            if key in rejected or key in have:
                continue
            db.add(DocumentSubject(document_id=s.document_id, vocab=vocab, concept=s.concept,
                                   label=s.label, origin="machine", backend=s.backend,
                                   model=s.model, score=s.score, assigned_by=by,
                                   assigned_at=utcnow()))
            have.add(key)
            added.add(s.document_id)
            count += 1
        db.flush()
        record_changes(db, sorted(added))  # search catches up from the change log
    return PolicyResult(count, len(added))


def undo_policy(settings: Settings, vocab: str) -> PolicyResult:
    """Take back every subject the policy accepted and no cataloguer has confirmed since."""
    with session_scope(settings.database_url) as db:
        rows = [r for r in db.scalars(select(DocumentSubject).where(
            DocumentSubject.vocab == vocab, DocumentSubject.origin == "machine"))
            if is_policy(r.assigned_by)]
        touched = sorted({r.document_id for r in rows})
        for r in rows:
            db.delete(r)
        db.flush()
        record_changes(db, touched)
    return PolicyResult(0, len(touched), undone=len(rows))


def catalogue_corpus(settings: Settings, vocab_name: str,
                     indexed: frozenset[str] = frozenset()) -> Corpus:
    """Training documents from the catalogue: each language version of each document with
    subjects in ``vocab_name`` or Index headings in ``VOCAB:headings`` (human ones and
    accepted suggestions; rejected ones never, nor those the policy alone accepted), or
    with suggestions a cataloguer rejected (``rejected``, ``rejected_headings``: the
    negatives a model learns from), and of
    each document whose symbol key is in ``indexed`` (the documents an Index to
    Proceedings file gives headings to), with their symbols."""
    from hemicycle.subjects.itp import generic_heading

    corpus = Corpus([])
    headings_name = headings_vocab(vocab_name)
    with session_scope(settings.database_url) as db:
        rejected = {(d.vocab, d.document_id, d.concept) for d in db.scalars(
            select(SubjectDecision).where(SubjectDecision.vocab.in_([vocab_name, headings_name]),
                                          SubjectDecision.decision == "rejected"))}
        by_doc: dict[int, set[str]] = defaultdict(set)
        headings: dict[int, set[str]] = defaultdict(set)
        negatives: dict[int, set[str]] = defaultdict(set)  # rejected concepts
        negative_headings: dict[int, set[str]] = defaultdict(set)
        for vocab, doc_id, concept in rejected:
            (negative_headings if vocab == headings_name else negatives)[doc_id].add(concept)
            by_doc.setdefault(doc_id, set())
        for s in db.scalars(select(DocumentSubject).where(
                DocumentSubject.vocab.in_([vocab_name, headings_name]))):
            if (s.vocab, s.document_id, s.concept) in rejected or is_policy(s.assigned_by):
                continue
            if s.vocab == headings_name:
                headings[s.document_id].add(s.concept)
                by_doc.setdefault(s.document_id, set())
            else:
                by_doc[s.document_id].add(s.concept)
        wanted = sorted(indexed)
        for start in range(0, len(wanted), 500):
            for doc_id in db.scalars(select(DocumentSymbol.document_id).where(
                    DocumentSymbol.key.in_(wanted[start:start + 500]))):
                by_doc.setdefault(doc_id, set())
        for doc_id in sorted(by_doc):
            doc = db.get(Document, doc_id)
            if doc is None or doc.status == "deleted":
                continue
            keys = tuple(s.key for s in sorted(doc.symbols, key=lambda s: s.position))

            def generic(found: set[str], year: int | None = doc.year) -> frozenset[str]:
                return frozenset(generic_heading(h, year) if year else h for h in found)

            for lang, text in document_texts(doc):
                corpus.documents.append(CorpusDocument(
                    text[:MAX_CHARS], frozenset(by_doc[doc_id]), lang, f"{doc.symbol} ({lang})",
                    keys, generic(headings.get(doc_id, set())),
                    frozenset(negatives.get(doc_id, ())),
                    generic(negative_headings.get(doc_id, set()))))
    return corpus
