"""Subject indexing on the web: the REST API (mirroring ``hemicycle subjects``) and the
cataloguer's review page, where machine suggestions are accepted or rejected.

| URL | does |
|---|---|
| GET  /api/subjects | vocabularies and their trained backends (``subjects list``) |
| POST /api/subjects/{vocab}/vocabulary | load or refresh a vocabulary (``subjects vocab``, admin) |
| POST /api/subjects/{vocab}/index | suggestions for documents without (``subjects index``, admin) |
| POST /api/subjects/{vocab}/accept | accept above a score, or undo (``subjects accept``, admin) |
| POST /api/subjects/{vocab}/suggest | suggest for a text (``subjects suggest FILE``;
  anonymous callers within the costly-request quota, see web/ratelimit.py) |
| POST /api/subjects/{vocab}/train | train from the catalogue or a TSV corpus (admin) |
| POST /api/subjects/{vocab}/eval | evaluate on an uploaded corpus (``subjects eval``,
  cataloguers) |
| GET  /api/documents/{uid}/subjects | suggestions and decisions for a document |
| POST /api/documents/{uid}/subjects/suggest | suggest for a document
  (``subjects suggest SYMBOL``) |
| POST /api/documents/{uid}/subjects/decisions | accept or reject one concept |
| GET  /documents/{uid}/subjects | the review page (a fragment when asked by htmx) |
| POST /documents/{uid}/subjects | a decision from the review form |
| POST /documents/{uid}/subjects/suggest | new suggestions from the review form |
| GET  /subjects/policy | the operator's acceptance policy: what it accepted, its form (admin) |
| POST /subjects/policy | accept above a score (and each document's best N), or undo (admin) |
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.messages import Message, message_of
from hemicycle.search.index import catch_up
from hemicycle.subjects.errors import NotTrained, SubjectError, UnknownBackend, UnknownVocabulary
from hemicycle.web.auth import check_csrf, current_user, require_admin, require_cataloguer
from hemicycle.web.templating import render

router = APIRouter()


def _http_error(exc: SubjectError, upload: tuple[Path, str] | None = None) -> HTTPException:
    """The error's HTTP status; an uploaded file is named as the caller named it, never by
    where the server kept it."""
    detail = message_of(exc)  # a Message is shown in the reader's language
    if upload is not None and not isinstance(detail, Message):
        detail = str(detail).replace(str(upload[0]), upload[1])
    if isinstance(exc, UnknownVocabulary | UnknownBackend):
        return HTTPException(404, detail)
    if isinstance(exc, NotTrained):
        return HTTPException(409, detail)
    return HTTPException(400, detail)


def _upload_name(upload: UploadFile, default: str) -> str:
    return Path(upload.filename or "").name or default


def _document(request: Request, uid: str) -> Document:
    """The document, drafts only for signed-in staff (as on the document page)."""
    with session_scope(request.app.state.settings.database_url) as db:
        doc = db.scalar(select(Document).where(Document.uid == uid))
        if doc is None or doc.status == "deleted":
            raise HTTPException(404, Message("no_document", "no document with id {uid}", uid=uid))
        if doc.unpublished and current_user(request) is None:
            raise HTTPException(404, Message("draft_document",
                                              "document {uid} is a draft awaiting review",
                                              uid=uid))
        _ = doc.versions, doc.symbols
        return doc


def _default_vocab(request: Request, vocab: str | None) -> str:
    if vocab:
        return vocab
    from hemicycle.subjects.vocabulary import vocabulary_names

    names = vocabulary_names(request.app.state.settings)
    return "unbis" if "unbis" in names or not names else names[0]


# ---- API ---------------------------------------------------------------------------

class SuggestIn(BaseModel):
    text: str = Field(description="The document text.")
    lang: str | None = Field(None, description="Its language (two letters); detected if absent.")
    limit: int = 10
    backend: str | None = None
    symbols: list[str] = Field([], description="The document's symbols (they help the "
                                               "headings backend).")


@router.get("/api/subjects", tags=["subjects"])
def api_vocabularies(request: Request) -> list[dict]:
    from hemicycle.subjects.service import trained_backends
    from hemicycle.subjects.vocabulary import vocabulary_names

    s = request.app.state.settings
    return [{"vocab": n, "trained": trained_backends(s, n)} for n in vocabulary_names(s)]


@router.post("/api/subjects/{vocab}/vocabulary", tags=["subjects"])
def api_load_vocabulary(request: Request, vocab: str, file: UploadFile | None = File(None),
                        lang: str | None = Form(None), csrf: str = Form("")) -> dict:
    """Load a vocabulary from an uploaded SKOS file or TSV table, or (no file) refresh it
    from the thesaurus package's copy (``subjects vocab``); administrators only."""
    require_admin(request)
    check_csrf(request, csrf)
    from hemicycle.subjects.vocabulary import (
        check_name,
        install_vocabulary,
        read_vocabulary,
        vocabulary_from_catalogue,
    )

    s = request.app.state.settings
    upload = None
    try:
        check_name(vocab)
        if file is not None and file.filename:
            suffix = Path(file.filename).suffix.lower() or ".ttl"
            with tempfile.TemporaryDirectory() as tmp:
                path = _save_upload(file, Path(tmp) / f"upload{suffix}", s.max_upload_bytes)
                upload = (path, _upload_name(file, path.name))
                loaded = read_vocabulary(vocab, path, lang)
        else:
            loaded = vocabulary_from_catalogue(s, vocab)
            if loaded is None:
                raise UnknownVocabulary(f"the catalogue holds no thesaurus called {vocab!r}")
        install_vocabulary(s, loaded)
    except SubjectError as exc:
        raise _http_error(exc, upload) from None
    return {"vocab": vocab, "concepts": len(loaded), "languages": loaded.languages}


@router.post("/api/subjects/{vocab}/index", tags=["subjects"])
def api_index(request: Request, vocab: str, status: list[str] | None = Query(None),
              again: bool = False, limit: int = 10, csrf: str = Form("")) -> dict:
    """Store suggestions for documents without them (``subjects index``); administrators."""
    require_admin(request)
    check_csrf(request, csrf)
    from hemicycle.subjects.service import (
        check_limit,
        documents_to_suggest,
        load_backend,
        suggest_for_document,
    )

    s = request.app.state.settings
    try:
        load_backend(s, vocab)
        check_limit(limit)
        ids = documents_to_suggest(s, vocab, status or ["draft"], again)
        stored = sum(bool(suggest_for_document(s, doc_id, vocab, limit)) for doc_id in ids)
    except SubjectError as exc:
        raise _http_error(exc) from None
    return {"vocab": vocab, "looked_at": len(ids), "stored": stored}


@router.post("/api/subjects/{vocab}/accept", tags=["subjects"])
def api_accept(request: Request, vocab: str, above: float | None = Query(None),
               best: int = 0, undo: bool = False, status: list[str] | None = Query(None),
               csrf: str = Form("")) -> dict:
    """The operator's policy (``subjects accept``); administrators: every stored suggestion
    scoring at least ``above`` (and each document's ``best`` first ones) becomes a subject
    marked as the machine's and the policy's;
    ``undo`` takes back what the policy accepted and no cataloguer confirmed."""
    require_admin(request)
    check_csrf(request, csrf)
    from hemicycle.subjects.service import accept_above, undo_policy

    if (above is None) == (not undo):
        raise HTTPException(400, Message("subjects.above_or_undo",
                                         "give either above=SCORE or undo=true"))
    s = request.app.state.settings
    try:
        done = (undo_policy(s, vocab) if undo
                else accept_above(s, vocab, above, status or ("draft", "published"), best))
    except SubjectError as exc:
        raise _http_error(exc) from None
    catch_up(s)
    return {"vocab": vocab, "accepted": done.accepted, "undone": done.undone,
            "documents": done.documents}


@router.post("/api/subjects/{vocab}/suggest", tags=["subjects"])
def api_suggest(request: Request, vocab: str, body: SuggestIn) -> dict:
    from hemicycle.subjects.service import suggest_text

    try:
        return suggest_text(request.app.state.settings, vocab, body.text, body.lang,
                            body.limit, body.backend, body.symbols).to_json()
    except SubjectError as exc:
        raise _http_error(exc) from None


def _save_upload(upload: UploadFile, path: Path, limit: int) -> Path:
    size = 0
    with path.open("wb") as fh:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > limit:
                raise HTTPException(413, Message("subjects.too_large",
                                                 "file larger than {limit} bytes",
                                                 limit=limit))
            fh.write(chunk)
    return path


@router.post("/api/subjects/{vocab}/train", tags=["subjects"])
def api_train(request: Request, vocab: str, backend: str = Form("all"),
              lang: str | None = Form(None), corpus: UploadFile | None = File(None),
              itp: UploadFile | None = File(None), csrf: str = Form("")) -> dict:
    """Train from the catalogue (or from an uploaded TSV corpus); the headings backend
    from an uploaded Index to Proceedings file too (``--itp``); administrators only."""
    require_admin(request)
    check_csrf(request, csrf)
    from hemicycle.subjects.backends import REGISTRY
    from hemicycle.subjects.corpus import read_tsv_corpus
    from hemicycle.subjects.itp import headings_by_document, read_itp
    from hemicycle.subjects.service import catalogue_corpus, check_lang, train
    from hemicycle.subjects.vocabulary import load_vocabulary

    s = request.app.state.settings
    names = ["ensemble"] if backend == "all" else [backend]
    upload = None
    try:
        for name in names:
            if name not in REGISTRY:
                raise UnknownBackend(f"unknown backend {name!r}")
        code = check_lang(lang)
        voc = load_vocabulary(s, vocab)
        if "headings" in names and (itp is None or not itp.filename):
            raise SubjectError("the headings backend learns from an Index to Proceedings "
                               "file: upload it as itp")
        with tempfile.TemporaryDirectory() as tmp:
            params: dict = {"lang": code or "en"}
            indexed: frozenset[str] = frozenset()
            if itp is not None and itp.filename:
                params["itp"] = str(_save_upload(itp, Path(tmp) / "itp.tsv",
                                                 s.max_upload_bytes))
                indexed = frozenset(headings_by_document(read_itp(Path(params["itp"])).entries))
            if corpus is not None and corpus.filename:
                path = _save_upload(corpus, Path(tmp) / "corpus.tsv", s.max_upload_bytes)
                upload = (path, _upload_name(corpus, path.name))
                docs = read_tsv_corpus(path, voc, code)
            else:
                docs = catalogue_corpus(s, vocab, indexed)
            if not docs.documents and "headings" not in names:
                raise SubjectError(f"no training documents for vocabulary {vocab!r}")
            trained = train(s, vocab, docs, names, params)
    except SubjectError as exc:
        raise _http_error(exc, upload) from None
    return {"vocab": vocab, "documents": len(docs), "backends": sorted(trained),
            "ensemble_weights": getattr(trained.get("ensemble"), "weights", {})}


@router.post("/api/subjects/{vocab}/eval", tags=["subjects"])
def api_eval(request: Request, vocab: str, corpus: UploadFile = File(...),
             lang: str | None = Form(None), backend: str | None = Form(None),
             csrf: str = Form("")) -> dict:
    """Evaluate a backend on an uploaded TSV corpus (cataloguers: it is costly)."""
    require_cataloguer(request)
    check_csrf(request, csrf)
    from hemicycle.subjects.corpus import read_tsv_corpus
    from hemicycle.subjects.evaluation import evaluate_backend
    from hemicycle.subjects.service import check_lang, load_backend

    s = request.app.state.settings
    upload = None
    try:
        model = load_backend(s, vocab, backend)
        code = check_lang(lang)
        with tempfile.TemporaryDirectory() as tmp:
            path = _save_upload(corpus, Path(tmp) / "corpus.tsv", s.max_upload_bytes)
            upload = (path, _upload_name(corpus, path.name))
            docs = read_tsv_corpus(path, model.vocab, code)
        return {"vocab": vocab, "backend": model.name, **evaluate_backend(model, docs, code)}
    except SubjectError as exc:
        raise _http_error(exc, upload) from None


@router.get("/api/documents/{uid}/subjects", tags=["subjects"])
def api_document_subjects(request: Request, uid: str, vocab: str | None = None) -> dict:
    from hemicycle.subjects.service import review_items

    doc = _document(request, uid)
    vocab = _default_vocab(request, vocab)
    items = review_items(request.app.state.settings, doc.id, vocab, "en")
    return {"document": uid, "vocab": vocab, "items": [vars(i) for i in items]}


@router.post("/api/documents/{uid}/subjects/suggest", tags=["subjects"])
def api_document_suggest(request: Request, uid: str, vocab: str | None = None,
                         limit: int = 10, csrf: str = Form("")) -> dict:
    require_cataloguer(request)
    check_csrf(request, csrf)
    from hemicycle.subjects.service import suggest_for_document

    doc = _document(request, uid)
    vocab = _default_vocab(request, vocab)
    try:
        found = suggest_for_document(request.app.state.settings, doc.id, vocab, limit)
    except SubjectError as exc:
        raise _http_error(exc) from None
    return {"document": uid, "vocab": vocab, "suggestions": [vars(s) for s in found]}


class DecisionIn(BaseModel):
    vocab: str | None = None
    concept: str
    decision: str = Field(description="accepted or rejected")


@router.post("/api/documents/{uid}/subjects/decisions", tags=["subjects"])
def api_decide(request: Request, uid: str, body: DecisionIn) -> dict:
    user = require_cataloguer(request)
    check_csrf(request, None)
    from hemicycle.subjects.service import decide

    doc = _document(request, uid)
    vocab = _default_vocab(request, body.vocab)
    try:
        decide(request.app.state.settings, doc.id, vocab, body.concept, body.decision, user.name)
    except SubjectError as exc:
        raise _http_error(exc) from None
    catch_up(request.app.state.settings)
    return {"document": uid, "vocab": vocab, "concept": body.concept,
            "decision": body.decision, "decided_by": user.name}


# ---- pages -------------------------------------------------------------------------

def panel_context(request: Request, doc: Document, vocab: str | None = None) -> dict:
    """What ``subjects/panel.html`` needs; the document page can include the panel with
    ``{% include "subjects/panel.html" %}`` after adding this to its context."""
    from hemicycle.subjects.records import base_vocab, headings_vocab
    from hemicycle.subjects.service import review_items
    from hemicycle.subjects.vocabulary import vocabulary_names

    vocab = _default_vocab(request, vocab)
    vocab = base_vocab(vocab) or vocab
    user = current_user(request)
    s = request.app.state.settings
    return {"doc": doc, "vocab": vocab, "headings_vocab": headings_vocab(vocab),
            "items": review_items(s, doc.id, vocab, request.state.lang),
            "heading_items": review_items(s, doc.id, headings_vocab(vocab)),
            "vocabularies": vocabulary_names(request.app.state.settings),
            "can_decide": user is not None and user.role in ("cataloguer", "admin")}


@router.get("/documents/{uid}/subjects", include_in_schema=False)
def review_page(request: Request, uid: str, vocab: str | None = None,
                fragment: bool = False):
    doc = _document(request, uid)
    context = panel_context(request, doc, vocab)
    is_fragment = fragment or request.headers.get("hx-request") == "true"
    template = "subjects/panel.html" if is_fragment else "subjects/review.html"
    return render(request, template, context)


def _back(uid: str, vocab: str) -> RedirectResponse:
    """To the review panel of the vocabulary (of its headings: the same panel)."""
    from urllib.parse import urlencode

    from hemicycle.subjects.records import base_vocab

    vocab = base_vocab(vocab) or vocab
    return RedirectResponse(f"/documents/{uid}/subjects?{urlencode({'vocab': vocab})}",
                            status_code=303)


@router.post("/documents/{uid}/subjects", include_in_schema=False)
def review_decide(request: Request, uid: str, concept: str = Form(...),
                  decision: str = Form(...), vocab: str = Form(...), csrf: str = Form("")):
    user = require_cataloguer(request)
    check_csrf(request, csrf)
    from hemicycle.subjects.service import decide

    doc = _document(request, uid)
    try:
        decide(request.app.state.settings, doc.id, vocab, concept, decision, user.name)
    except SubjectError as exc:
        raise _http_error(exc) from None
    catch_up(request.app.state.settings)
    return _back(uid, vocab)


@router.post("/documents/{uid}/subjects/suggest", include_in_schema=False)
def review_suggest(request: Request, uid: str, vocab: str = Form(...), csrf: str = Form("")):
    require_cataloguer(request)
    check_csrf(request, csrf)
    from hemicycle.subjects.service import suggest_for_document

    doc = _document(request, uid)
    try:
        suggest_for_document(request.app.state.settings, doc.id, vocab)
    except SubjectError as exc:
        raise _http_error(exc) from None
    return _back(uid, vocab)


# ---- the operator's acceptance policy ------------------------------------------------------

def _policy_choices(request: Request) -> list[str]:
    """Every vocabulary, and the Index headings kept under each (VOCAB:headings)."""
    from hemicycle.subjects.records import headings_vocab
    from hemicycle.subjects.vocabulary import vocabulary_names

    names = vocabulary_names(request.app.state.settings)
    return [n for name in names for n in (name, headings_vocab(name))]


def _policy_counts(request: Request) -> dict[str, tuple[int, int]]:
    """vocabulary -> (subjects the policy accepted and no person confirmed, documents)."""
    from hemicycle.catalogue.models import DocumentSubject
    from hemicycle.subjects.records import POLICY, is_policy

    counts: dict[str, tuple[int, set[int]]] = {}
    with session_scope(request.app.state.settings.database_url) as db:
        for vocab, doc_id, by in db.execute(select(
                DocumentSubject.vocab, DocumentSubject.document_id,
                DocumentSubject.assigned_by).where(DocumentSubject.origin == "machine",
                                                   DocumentSubject.assigned_by.like(POLICY + "%"))):
            if is_policy(by):
                n, docs = counts.get(vocab, (0, set()))
                docs.add(doc_id)
                counts[vocab] = (n + 1, docs)
    return {v: (n, len(docs)) for v, (n, docs) in sorted(counts.items())}


def _policy_page(request: Request, status_code: int = 200, error=None, form=None):
    return render(request, "subjects/policy.html", {
        "choices": _policy_choices(request), "counts": _policy_counts(request),
        "error": error, "form": form or {"vocab": "unbis", "above": "0.5", "best": "1"},
        "done": {k: request.query_params.get(k) for k in ("action", "vocab", "n", "documents")
                 } if request.query_params.get("action") else None,
    }, status_code=status_code)


@router.get("/subjects/policy", include_in_schema=False)
def policy_page(request: Request):
    require_admin(request)
    return _policy_page(request)


@router.post("/subjects/policy", include_in_schema=False)
def policy_apply(request: Request, vocab: str = Form(""), action: str = Form("accept"),
                 above: str = Form(""), best: str = Form("0"), csrf: str = Form("")):
    """The policy form: accept above a score, or undo; a mistake shows the form again
    with the reason in the reader's language, nothing changed."""
    from urllib.parse import urlencode

    from hemicycle.subjects.service import accept_above, undo_policy

    require_admin(request)
    check_csrf(request, csrf)
    s = request.app.state.settings
    form = {"vocab": vocab, "above": above, "best": best}
    try:
        if vocab not in _policy_choices(request):
            raise SubjectError(Message("subjects.policy_vocab",
                                       "choose one of the vocabularies listed, not '{vocab}'",
                                       vocab=vocab))
        if action == "undo":
            done = undo_policy(s, vocab)
            count = done.undone
        elif action == "accept":
            threshold, first = _number(above, float, "above"), _number(best or "0", int, "best")
            done = accept_above(s, vocab, threshold, ("draft", "published"), first)
            count = done.accepted
        else:
            raise SubjectError(Message("subjects.policy_action",
                                       "the action is accept or undo, not '{action}'",
                                       action=action))
    except SubjectError as exc:
        return _policy_page(request, 400, message_of(exc), form)
    catch_up(s)
    return RedirectResponse("/subjects/policy?" + urlencode(
        {"action": action, "vocab": vocab, "n": count, "documents": done.documents}),
        status_code=303)


def _number(text: str, kind, field: str):
    try:
        return kind((text or "").strip())
    except ValueError:
        raise SubjectError(Message("subjects.policy_number", "{field}: '{value}' is not a "
                                   "number", field=field, value=text)) from None
