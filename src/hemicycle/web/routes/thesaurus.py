"""Thesaurus pages, linked data, JSON API and SPARQL.

Map:
  /thesaurus                                  vocabularies
  /thesaurus/sparql                           read-only SPARQL (GET ?query= / POST)
  /thesaurus/resolve?uri=...                  any concept URI -> its page (or RDF)
  /thesaurus/{vocab}                          domains / top concepts, search, downloads
  /thesaurus/{vocab}/az?lang=&letter=&order=  A-Z per language (ICU; zh pinyin or stroke)
  /thesaurus/{vocab}/search?q=&lang=          search by label
  /thesaurus/{vocab}/download.{ttl|json|xml|nt}  the whole vocabulary
  /thesaurus/{vocab}/{id}[.ttl|.json|.xml]    a concept (HTML or RDF by Accept / suffix)
  /thesaurus/{id}                             a UNBIS id or legacy T-code -> the concept
  /api/thesaurus/...                          the same answers as JSON
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from hemicycle.catalogue.db import session_scope
from hemicycle.languages import UnknownLanguage, normalise_language
from hemicycle.messages import Message, message_of
from hemicycle.thesaurus import lookup, resolve_subject
from hemicycle.thesaurus.export import MEDIA_TYPES, concept_document, vocab_dump_path
from hemicycle.thesaurus.sparql import READ_ONLY, SparqlError, run_query
from hemicycle.thesaurus.unbis import TCODE
from hemicycle.web.errors import json_error, public_detail
from hemicycle.web.templating import render

router = APIRouter()
SUFFIXES = {"ttl": "ttl", "json": "json", "jsonld": "json", "xml": "xml", "rdf": "xml",
            "nt": "nt"}
ACCEPT_FORMATS = [("text/turtle", "ttl"), ("application/ld+json", "json"),
                  ("application/rdf+xml", "xml"), ("application/n-triples", "nt")]
DOCUMENTS_SHOWN = 50


@contextmanager
def _db(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.settings.database_url) as session:
        yield session


def _vocab(session: Session, name: str):
    try:
        return lookup.vocabulary(session, name)
    except lookup.NotFound as exc:
        raise HTTPException(404, message_of(exc)) from None


def _lang(value: str | None, request: Request) -> str:
    """A content language: one of the six (any alias) or another plain language code."""
    if not value:
        return request.state.lang
    try:
        return normalise_language(value)
    except UnknownLanguage:
        if re.fullmatch(r"[a-z]{2,3}", value.strip().lower()):
            return value.strip().lower()
        raise HTTPException(400, Message("thesaurus.unknown_language",
                                         "lang: unknown language '{value}'",
                                         value=value)) from None


def _rdf_format(request: Request) -> str | None:
    """The RDF format the client prefers over HTML, if any (simple q-value negotiation)."""
    best, best_q = None, 0.0
    html_q = 0.0
    for part in request.headers.get("accept", "").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if media in ("text/html", "application/xhtml+xml"):
            html_q = max(html_q, q)
        for candidate, fmt in ACCEPT_FORMATS:
            if media == candidate and q > best_q:
                best, best_q = fmt, q
    return best if best and best_q > html_q else None


def _rdf_response(body: bytes, fmt: str, filename: str | None = None) -> Response:
    headers = {"Vary": "Accept", "Access-Control-Allow-Origin": "*"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(body, media_type=MEDIA_TYPES[fmt] + "; charset=utf-8", headers=headers)


def _documents(session: Session, uri: str) -> list[dict]:
    """Published documents indexed with the concept, newest first."""
    from hemicycle.catalogue.models import Document, DocumentSubject

    rows = session.execute(
        select(Document.uid, Document.symbol, Document.year)
        .join(DocumentSubject, DocumentSubject.document_id == Document.id)
        .where(DocumentSubject.concept == uri, Document.status == "published")
        .order_by(Document.year.desc().nulls_last(), Document.symbol)
        .limit(DOCUMENTS_SHOWN)).all()
    return [{"uid": r.uid, "symbol": r.symbol, "year": r.year} for r in rows]


def _document_count(session: Session, uri: str) -> int:
    """How many published documents carry the concept as a subject (any origin)."""
    from sqlalchemy import func

    from hemicycle.catalogue.models import Document, DocumentSubject

    return session.scalar(
        select(func.count(func.distinct(Document.id)))
        .join(DocumentSubject, DocumentSubject.document_id == Document.id)
        .where(DocumentSubject.concept == uri, Document.status == "published")) or 0


# ---------------------------------------------------------------- pages


@router.get("/thesaurus", include_in_schema=False)
def vocabularies_page(request: Request):
    with _db(request) as db:
        vocabs = lookup.vocabularies(db)
    return render(request, "thesaurus/index.html", {"vocabs": vocabs})


@router.api_route("/thesaurus/sparql", methods=["GET", "POST"], include_in_schema=False)
async def sparql_page(request: Request):
    query = request.query_params.get("query")
    if request.method == "POST":
        ctype = request.headers.get("content-type", "")
        if ctype.startswith("application/sparql-query"):
            query = (await request.body()).decode("utf-8", "replace")
        elif ctype.startswith("application/sparql-update"):
            return _sparql_error(request, SparqlError(READ_ONLY, 403), "")
        else:
            form = await request.form()
            if "update" in form:
                return _sparql_error(request, SparqlError(READ_ONLY, 403), "")
            query = form.get("query")
    if query is None:
        return render(request, "thesaurus/sparql.html", {"query": _EXAMPLE_QUERY,
                                                        "error": None})
    accept = request.headers.get("accept", "")
    from starlette.concurrency import run_in_threadpool

    try:
        result = await run_in_threadpool(run_query, request.app.state.settings, str(query),
                                         accept)
    except SparqlError as exc:
        return _sparql_error(request, exc, str(query))
    headers = {"Access-Control-Allow-Origin": "*"}
    if result.truncated:
        headers["X-Results-Truncated"] = "true"
    return Response(result.body, media_type=result.media_type, headers=headers)


_EXAMPLE_QUERY = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?concept ?label WHERE {
  ?concept skos:prefLabel ?label .
  FILTER(lang(?label) = "en")
} LIMIT 20"""


def _sparql_error(request: Request, exc: SparqlError, query: str):
    """The form again with the reason (HTML), else JSON; both in the interface language."""
    accept = request.headers.get("accept", "")
    detail = public_detail(request, exc.message)
    if "text/html" in accept:
        return render(request, "thesaurus/sparql.html", {"query": query, "error": detail},
                      status_code=exc.status)
    return json_error(request, exc.status, detail)


@router.get("/thesaurus/resolve", include_in_schema=False)
def resolve_page(request: Request, uri: str = Query(..., max_length=2000)):
    with _db(request) as db:
        try:
            vocab, concept = lookup.concept_by_uri(db, uri)
        except lookup.NotFound as exc:
            raise HTTPException(404, message_of(exc)) from None
        target = f"/thesaurus/{vocab.name}/{concept.local_id}"
    fmt = _rdf_format(request)
    return RedirectResponse(target + (f".{fmt}" if fmt else ""), status_code=303)


@router.get("/thesaurus/{vocab}", include_in_schema=False)
def vocab_page(request: Request, vocab: str):
    with _db(request) as db:
        v = db.scalar(select(lookup.Vocabulary).where(lookup.Vocabulary.name == vocab))
        if v is None:
            return _legacy_redirect(request, db, vocab)
        lang = request.state.lang
        context = {
            "vocab": v,
            "domains": lookup.groups(db, v, lang, "domain"),
            "top": lookup.top_concepts(db, v, lang)[:200],
            "changes": lookup.changes(db, v, v.version, limit=50),
            "formats": ["ttl", "json", "xml", "nt"],
        }
    return render(request, "thesaurus/vocab.html", context)


def _legacy_redirect(request: Request, db: Session, name: str):
    """A bare id (``1001706``) or legacy T-code (``T0003899``) under /thesaurus/."""
    stem, _, suffix = name.partition(".")
    uri = None
    if TCODE.match(stem.upper()):
        uri = lookup.uri_for_tcode(db, stem)
    else:
        for v in lookup.vocabularies(db):
            try:
                uri = lookup.concept_by_id(db, v, stem).uri
                break
            except lookup.NotFound:
                continue
    if uri is None:
        raise HTTPException(404, Message("thesaurus.nothing_named",
                                         "no vocabulary, concept or T-code '{name}'", name=name))
    vocab, concept = lookup.concept_by_uri(db, uri)
    target = f"/thesaurus/{vocab.name}/{concept.local_id}"
    if suffix in SUFFIXES:
        target += f".{SUFFIXES[suffix]}"
    return RedirectResponse(target, status_code=301 if TCODE.match(stem.upper()) else 303)


@router.get("/thesaurus/{vocab}/az", include_in_schema=False)
def az_page(request: Request, vocab: str, lang: str | None = None, letter: str | None = None,
            order: str = "default", page: int = Query(1, ge=1, le=100_000)):
    with _db(request) as db:
        v = _vocab(db, vocab)
        content_lang = _lang(lang, request)
        result = lookup.az(db, v, content_lang, letter, order, page)
    return render(request, "thesaurus/az.html", {"vocab": v, "az": result})


@router.get("/thesaurus/{vocab}/search", include_in_schema=False)
def search_page(request: Request, vocab: str, q: str = Query("", max_length=300),
                lang: str | None = None):
    with _db(request) as db:
        v = _vocab(db, vocab)
        content_lang = _lang(lang, request)
        hits = lookup.search(db, v, q, content_lang, limit=100) if q.strip() else []
    return render(request, "thesaurus/search.html",
                  {"vocab": v, "q": q, "content_lang": content_lang, "hits": hits})


@router.get("/thesaurus/{vocab}/download.{fmt}", include_in_schema=False)
def download(request: Request, vocab: str, fmt: str):
    if fmt not in SUFFIXES:
        raise HTTPException(404, Message("thesaurus.no_format",
                                         "no download format '{fmt}': ttl, json, xml or nt",
                                         fmt=fmt))
    fmt = SUFFIXES[fmt]
    settings = request.app.state.settings
    with _db(request) as db:
        v = _vocab(db, vocab)
        path = vocab_dump_path(settings, db, v, fmt)
    return FileResponse(path, media_type=MEDIA_TYPES[fmt] + "; charset=utf-8",
                        filename=f"{v.name}-v{v.version}.{fmt}",
                        headers={"Access-Control-Allow-Origin": "*"})


@router.get("/thesaurus/{vocab}/{concept_id}", include_in_schema=False)
def concept_page(request: Request, vocab: str, concept_id: str):
    stem, dot, suffix = concept_id.rpartition(".")
    fmt = None
    if dot and suffix in SUFFIXES:
        concept_id, fmt = stem, SUFFIXES[suffix]
    with _db(request) as db:
        v = _vocab(db, vocab)
        try:
            concept = lookup.concept_by_id(db, v, concept_id)
        except lookup.NotFound as exc:
            raise HTTPException(404, message_of(exc)) from None
        if fmt is None:
            fmt = _rdf_format(request)
            if fmt is not None:
                return RedirectResponse(f"/thesaurus/{v.name}/{concept.local_id}.{fmt}",
                                        status_code=303, headers={"Vary": "Accept"})
        else:
            return _rdf_response(concept_document(db, concept, fmt), fmt)
        view = lookup.concept_view(db, v, concept, request.state.lang)
        documents = _documents(db, concept.uri)
        document_count = _document_count(db, concept.uri)
    response = render(request, "thesaurus/concept.html",
                      {"vocab": v, "c": view, "documents": documents,
                       "document_count": document_count,
                       "formats": ["ttl", "json", "xml"]})
    response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    return response


# ---------------------------------------------------------------- JSON API


@router.get("/api/thesaurus/vocabularies", tags=["thesaurus"])
def api_vocabularies(request: Request):
    with _db(request) as db:
        return {"vocabularies": [
            {"name": v.name, "title": v.title, "version": v.version, "scheme": v.scheme_uri,
             "languages": v.languages, "concepts": v.concept_count,
             "loaded_at": v.loaded_at.isoformat()} for v in lookup.vocabularies(db)]}


@router.get("/api/thesaurus/resolve", tags=["thesaurus"])
def api_resolve(request: Request, q: str = Query(..., min_length=1, max_length=500),
                vocab: str = "unbis"):
    """A URI, T-code or label in any language -> the concept URI (resolve_subject)."""
    with _db(request) as db:
        uri = resolve_subject(db, q, vocab)
        if uri is None:
            raise HTTPException(404, Message("thesaurus.no_match", "nothing in {vocab} matches "
                                             "'{q}'", vocab=vocab, q=q))
        v, concept = lookup.concept_by_uri(db, uri, vocab)
        return {"q": q, "uri": uri, "vocab": v.name, "id": concept.local_id}


@router.get("/api/thesaurus/{vocab}/autocomplete", tags=["thesaurus"])
def api_autocomplete(request: Request, vocab: str, q: str = Query("", max_length=300),
                     lang: str | None = None, limit: int = Query(10, ge=1, le=200)):
    with _db(request) as db:
        v = _vocab(db, vocab)
        content_lang = _lang(lang, request)
        hits = lookup.autocomplete(db, v, q, content_lang, limit)
    return {"vocab": vocab, "lang": content_lang, "q": q, "hits": [h.as_dict() for h in hits]}


@router.get("/api/thesaurus/{vocab}/search", tags=["thesaurus"])
def api_search(request: Request, vocab: str, q: str = Query(..., max_length=300),
               lang: str | None = None, limit: int = Query(20, ge=1, le=200),
               offset: int = Query(0, ge=0, le=100_000)):
    with _db(request) as db:
        v = _vocab(db, vocab)
        content_lang = _lang(lang, request)
        hits = lookup.search(db, v, q, content_lang, limit, offset)
    return {"vocab": vocab, "lang": content_lang, "q": q, "hits": [h.as_dict() for h in hits]}


@router.get("/api/thesaurus/{vocab}/az", tags=["thesaurus"])
def api_az(request: Request, vocab: str, lang: str | None = None, letter: str | None = None,
           order: str = "default", page: int = Query(1, ge=1, le=100_000),
           per_page: int = Query(100, ge=1, le=200)):
    with _db(request) as db:
        v = _vocab(db, vocab)
        r = lookup.az(db, v, _lang(lang, request), letter, order, page, per_page)
    return {"vocab": vocab, "lang": r.lang, "order": r.order, "letter": r.letter,
            "letters": r.letters, "present": r.present, "page": r.page, "more": r.more,
            "entries": [h.as_dict() for h in r.entries]}


@router.get("/api/thesaurus/{vocab}/concepts/{concept_id}", tags=["thesaurus"])
def api_concept(request: Request, vocab: str, concept_id: str, lang: str | None = None):
    with _db(request) as db:
        v = _vocab(db, vocab)
        try:
            concept = lookup.concept_by_id(db, v, concept_id)
        except lookup.NotFound as exc:
            raise HTTPException(404, message_of(exc)) from None
        body = lookup.concept_view(db, v, concept, _lang(lang, request)).as_dict()
        body["documents"] = _documents(db, concept.uri)
        body["document_count"] = _document_count(db, concept.uri)
        body["documents_search"] = f"/search?subject={quote(concept.uri, safe='')}"
    return body


@router.get("/api/thesaurus/{vocab}/changes", tags=["thesaurus"])
def api_changes(request: Request, vocab: str, version: int | None = None,
                limit: int = Query(200, ge=1, le=10_000)):
    with _db(request) as db:
        v = _vocab(db, vocab)
        rows = lookup.changes(db, v, version, limit)
    return {"vocab": vocab, "version": v.version,
            "changes": [{"version": n, "change": c, "uri": u} for n, c, u in rows]}


@router.get("/api/thesaurus/{vocab}/report", tags=["thesaurus"])
def api_report(request: Request, vocab: str):
    """The validation report of the latest load."""
    from hemicycle.thesaurus.models import ValidationReport

    with _db(request) as db:
        v = _vocab(db, vocab)
        report = db.scalar(select(ValidationReport).where(
            ValidationReport.vocab == v.name, ValidationReport.version == v.version)
            .order_by(ValidationReport.id.desc()).limit(1))
        if report is None:
            raise HTTPException(404, Message("thesaurus.no_report",
                                             "no report for {vocab} version {version}",
                                             vocab=vocab, version=v.version))
        return {"vocab": vocab, "version": report.version, "source": report.source,
                "counts": report.counts, "issues": report.issues}


@router.get("/api/thesaurus/sparql", tags=["thesaurus"])
async def api_sparql(request: Request):
    """Read-only SPARQL 1.1 query in ?query= (SELECT, ASK, CONSTRUCT, DESCRIBE)."""
    if "query" not in request.query_params:
        raise HTTPException(400, Message("thesaurus.no_query",
                                         "query: give a SPARQL query in ?query="))
    return await sparql_page(request)


@router.post("/api/thesaurus/sparql", tags=["thesaurus"])
async def api_sparql_post(request: Request):
    """Read-only SPARQL 1.1 query as a form field or an application/sparql-query body."""
    return await sparql_page(request)

