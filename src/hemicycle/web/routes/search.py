"""The search page (``/search``) and its JSON twin (``/api/search``).

Both take the same parameters: ``q`` (the query), ``lang`` (content language),
facet filters ``body``, ``year``, ``session``, ``type``, ``language``, ``subject``
(repeatable), ``sort`` (relevance or date), ``page``, ``exact`` (count every match
instead of estimating big totals) and ``xl`` (1 by default: a query naming thesaurus
concepts also finds them in the other languages, see search.expansion; 0: as typed only).
A query that is a document's symbol goes straight to the document (303). The page never
waits for its facet counts: when they are not counted yet, its script fetches them from
``/search/facets`` (same parameters); without the script, ``facets=wait`` loads the page
once they are.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.queries import counts
from hemicycle.interop import citation
from hemicycle.knowledge.retrieval import knowledge_box
from hemicycle.languages import CODES
from hemicycle.messages import Message, message_of
from hemicycle.search.query import QueryError, SearchResults, facets, search
from hemicycle.search.querylang import ADVANCED_FIELDS, compose_query
from hemicycle.search.schema import FACETS
from hemicycle.search.suggest import suggest
from hemicycle.thesaurus import concept_labels
from hemicycle.web.routes.usage import record_search
from hemicycle.web.templating import render

router = APIRouter()
PER_PAGE = 20
Many = Annotated[list[str] | None, Query(description="Facet filter; repeat for several values")]


class HitOut(BaseModel):
    uid: str = Field(description="Opaque document id: the document is at /documents/{uid}")
    symbol: str
    title: str | None = Field(description="Title in the language of the match if it has one")
    title_language: str | None
    language: str | None = Field(description="Language the query matched in (of the snippet)")
    snippet: str = Field(description="HTML extract, escaped, matches wrapped in <mark>")
    snippet_text: str = Field(description="The same extract as plain text")
    highlights: list[tuple[int, int]] = Field(
        description="Matches in snippet_text: [start, end) character offsets")
    year: int | None
    body: str | None
    session: str | None
    doc_type: str | None
    date: str | None
    languages: list[str] = Field(description="Languages the document exists in")
    titles: dict[str, str] = Field(description="Title per language code")
    url: str


class FacetValue(BaseModel):
    value: str
    count: int


class ConceptOut(BaseModel):
    uri: str
    id: str = Field(description="The concept's page is /thesaurus/unbis/{id}")
    matched: str = Field(description="The words of the query that are one of its labels")
    labels: dict[str, str] = Field(description="prefLabel per language code")


class ExpansionOut(BaseModel):
    used: bool = Field(description="True: documents naming or indexed with these concepts "
                                   "in any language were searched too, ranked below the "
                                   "query as typed")
    reason: str | None = Field(
        description="Why nothing was added: off (xl=0), empty, symbol, syntax (fields, "
                    "operators or prefixes), no_thesaurus, no_match")
    concepts: list[ConceptOut]
    left_out: int = Field(description="Concepts the query names beyond the cap, not searched")


class SearchOut(BaseModel):
    query: str
    lang: str | None
    total: int = Field(description="Number of matching documents (see total_exact)")
    total_exact: bool = Field(
        description="False: more match than the library counts exactly (10,000 unless "
                    "set otherwise) and total is an estimate (two significant digits) from "
                    "a sample of the index; exact=true counts them all")
    page: int
    pages: int
    per_page: int
    sort: str = Field(description="relevance or date")
    redirect: str | None = Field(
        description="uid of the document when the query is one of its symbols")
    suggestion: str | None = Field(
        description="A respelling of the query that finds more (few or no hits only)")
    filters: dict[str, list[str]]
    facets: dict[str, list[FacetValue]] = Field(
        description="Counts per value for body, year, session, type, language, subject")
    facets_exact: bool = Field(
        description="False: some facet counts are estimates from a sample of the index")
    expansion: ExpansionOut = Field(
        description="What the thesaurus added to the query (xl=0: nothing)")
    hits: list[HitOut]


def _switch(value: str | None, name: str, default: bool) -> bool:
    if value is None or value == "":
        return default
    if value in ("1", "true", "on"):
        return True
    if value in ("0", "false", "off"):
        return False
    raise QueryError(Message("query.switch_not_boolean",
                             "{name}='{value}': use 1 (on) or 0 (off)", name=name, value=value))


def search_params(request: Request) -> dict:
    qp = request.query_params
    page_text = qp.get("page") or "1"
    if not page_text.isdigit():
        raise QueryError(Message("query.page_not_number", "page '{value}' is not a page number",
                                 value=page_text))
    per_page_text = qp.get("per_page") or str(PER_PAGE)
    if not per_page_text.isdigit():
        raise QueryError(Message("query.per_page_not_number",
                                 "per_page '{value}' is not a number", value=per_page_text))
    return {
        "q": qp.get("q") or "",
        "lang": qp.get("lang") or None,
        "sort": qp.get("sort") or "relevance",
        "page": int(page_text),
        "per_page": int(per_page_text),
        "filters": {name: qp.getlist(name) for name in FACETS if qp.getlist(name)},
        "narrower": qp.get("narrower") in ("1", "true", "on"),
        "exact": qp.get("exact") in ("1", "true", "on"),
        "xl": _switch(qp.get("xl"), "xl", True),
    }


def run_search(request: Request, params: dict, wait_for_facets: bool = False) -> SearchResults:
    return search(request.app.state.settings, params["q"], lang=params["lang"],
                  filters=params["filters"], sort=params["sort"], page=params["page"],
                  per_page=params["per_page"], ui_lang=getattr(request.state, "lang", None),
                  narrower=params.get("narrower", False), exact=params.get("exact", False),
                  wait_for_facets=wait_for_facets, expand=params.get("xl", True))


def _url(params: dict, path: str = "/search", **changes) -> str:
    """``path`` with the given parameters; filters as repeated name=value pairs."""
    merged = {**params, **changes}
    pairs: list[tuple[str, str]] = []
    if merged.get("q"):
        pairs.append(("q", merged["q"]))
    if merged.get("lang"):
        pairs.append(("lang", merged["lang"]))
    for name, values in merged.get("filters", {}).items():
        pairs.extend((name, v) for v in values)
    if merged.get("narrower"):
        pairs.append(("narrower", "1"))
    if merged.get("exact"):
        pairs.append(("exact", "1"))
    if merged.get("xl") is False:
        pairs.append(("xl", "0"))
    if merged.get("sort") and merged["sort"] != "relevance":
        pairs.append(("sort", merged["sort"]))
    if merged.get("per_page", PER_PAGE) != PER_PAGE:
        pairs.append(("per_page", str(merged["per_page"])))
    if merged.get("page", 1) != 1:
        pairs.append(("page", str(merged["page"])))
    if merged.get("facets"):
        pairs.append(("facets", merged["facets"]))
    return path + ("?" + urlencode(pairs) if pairs else "")


def _toggle(params: dict, name: str, value: str) -> str:
    filters = {k: list(v) for k, v in params["filters"].items()}
    current = filters.setdefault(name, [])
    if value in current:
        current.remove(value)
    else:
        current.append(value)
    return _url(params, filters={k: v for k, v in filters.items() if v}, page=1)


def _display_title(hit, ui_lang: str) -> tuple[str | None, str | None]:
    """The title in the interface language, else the hit's own (whose language is marked)."""
    if ui_lang in hit.titles:
        return hit.titles[ui_lang], ui_lang
    return hit.title, hit.title_language


SUGGEST_BELOW = 3  # a query with fewer hits than this is offered a respelling


def _suggestion(request: Request, params: dict, results: SearchResults) -> str | None:
    """A respelling of the query from the index's words, when it finds more."""
    if results.total >= SUGGEST_BELOW or not params["q"] or results.redirect_uid:
        return None
    settings = request.app.state.settings
    better = suggest(settings, params["q"], params["lang"])
    if better is None:
        return None
    try:
        found = search(settings, better, lang=params["lang"], filters=params["filters"],
                       per_page=1, expand=params.get("xl", True)).total
    except QueryError:
        return None
    return better if found > results.total else None


def year_histogram(params: dict, pairs: list[tuple[str, int]]) -> dict | None:
    """Bars for every year from the first to the last with documents (gaps at zero)."""
    counts = {int(y): n for y, n in pairs if y.isdigit()}
    if len(counts) < 2:
        return None
    first, last = min(counts), max(counts)
    if last - first > 150:  # a stray year far off would flatten every bar
        return None
    top = max(counts.values())
    chosen = params["filters"].get("year", [])
    bars = [{"year": y, "count": counts.get(y, 0),
             "height": round(100 * counts.get(y, 0) / top, 1),
             "selected": str(y) in chosen,
             "url": _toggle(params, "year", str(y)) if counts.get(y) else None}
            for y in range(first, last + 1)]
    return {"bars": bars, "first": first, "last": last}


def _query_string(params: dict) -> str:
    url = _url({**params, "page": params["page"], "sort": params["sort"]})
    return url.partition("?")[2]


def _facet_lists(request: Request, params: dict, results: SearchResults) -> list[dict]:
    """The facets as the page lists them, each value with its link that toggles it."""
    # subject facet values are concept URIs: show their labels in the interface language
    labels = concept_labels(request.app.state.settings,
                            [v for v, _ in results.facets.get("subject", [])],
                            request.state.lang)
    lists = []
    for name in FACETS:
        values = []
        for value, count in results.facets.get(name, []):
            selected = value in params["filters"].get(name, [])
            values.append({"value": value, "count": count, "selected": selected,
                           "label": labels.get(value, value) if name == "subject" else value,
                           "url": _toggle(params, name, value)})
        if values:
            lists.append({"name": name, "values": values})
    return lists


def _facet_context(request: Request, params: dict, results: SearchResults) -> dict:
    return {
        "params": params, "results": results, "facets": _facet_lists(request, params, results),
        "narrower_url": _url(params, narrower=not params.get("narrower"), page=1),
        "exact_url": _url(params, exact=True),
        "facets_fragment_url": _url(params, "/search/facets", page=1),
        "facets_wait_url": _url(params, facets="wait"),
        "histogram": year_histogram(params, results.facets.get("year", [])),
    }


@router.get("/search", include_in_schema=False)
def search_page(request: Request):
    try:
        params = search_params(request)
        results = run_search(request, params, request.query_params.get("facets") == "wait")
        record_search(request)
    except QueryError as exc:
        qp = request.query_params
        params = {"q": qp.get("q") or "", "lang": qp.get("lang") if qp.get("lang") in CODES
                  else None, "sort": "relevance", "page": 1, "per_page": PER_PAGE,
                  "filters": {}}
        return render(request, "search/results.html",
                      {"params": params, "error": message_of(exc), "results": None},
                      status_code=400)
    if results.redirect_uid:
        return RedirectResponse(f"/documents/{results.redirect_uid}", status_code=303)
    hits = []
    for hit in results.hits:
        title, title_lang = _display_title(hit, request.state.lang)
        hits.append({"hit": hit, "title": title, "title_lang": title_lang})
    pager = {
        "prev": _url(params, page=results.page - 1) if results.page > 1 else None,
        "next": _url(params, page=results.page + 1) if results.page < results.pages else None,
    }
    sorts = {s: _url(params, sort=s, page=1) for s in ("relevance", "date")}
    langs = {code: _url(params, lang=code, page=1) for code in CODES}
    langs[""] = _url(params, lang=None, page=1)
    suggestion = _suggestion(request, params, results)
    query = _query_string(params)
    feed_params = _url({**params, "page": 1, "sort": "relevance", "per_page": PER_PAGE})
    return render(request, "search/results.html", {
        **_facet_context(request, params, results), "hits": hits,
        "pager": pager, "sorts": sorts, "lang_urls": langs, "error": None,
        "searched": bool(params["q"] or params["filters"] or params["lang"]),
        "suggestion": suggestion, "expansion": _expansion_context(params, results),
        "suggestion_url": _url(params, q=suggestion, page=1) if suggestion else None,
        "feed_url": "/feeds/search.atom" + feed_params.removeprefix("/search"),
        "cite_urls": {fmt: f"/search/cite.{fmt}" + (f"?{query}" if query else "")
                      for fmt in ("un", "bibtex", "ris", "csl")},
        "advanced_url": _url({"q": params["q"], "filters": {}}, page=1).replace(
            "/search", "/search/advanced", 1),
        # guides and FAQ answers on the same words (their own small search, not the index)
        "knowledge": knowledge_box(request.app.state.settings, params["q"],
                                   params["lang"] or request.state.lang),
    })


@router.get("/search/facets", include_in_schema=False)
def search_facets(request: Request):
    """The facet lists of a result page alone, once counted (for the page's script)."""
    try:
        params = search_params(request)
        results = facets(request.app.state.settings, params["q"], lang=params["lang"],
                         filters=params["filters"], narrower=params["narrower"],
                         exact=params["exact"], expand=params["xl"])
    except QueryError as exc:
        raise HTTPException(400, message_of(exc)) from None
    return render(request, "search/facets.html", _facet_context(request, params, results))


def _expansion_context(params: dict, results: SearchResults) -> dict | None:
    """What the page says of the thesaurus: the concepts also searched (each label
    linking to its concept page) and the way to search without them, or back with them."""
    expansion = results.expansion
    if expansion is None or not params["q"]:
        return None
    if expansion.concepts:
        concepts = [{"uri": c.uri, "url": f"/thesaurus/unbis/{c.id}", "matched": c.matched,
                     "labels": [(code, c.labels[code]) for code in CODES if code in c.labels]}
                    for c in expansion.concepts]
        return {"concepts": concepts, "left_out": expansion.left_out,
                "off_url": _url(params, xl=False, page=1)}
    if expansion.reason == "off":
        return {"concepts": [], "on_url": _url(params, xl=True, page=1)}
    return None


@router.get("/api/search", response_model=SearchOut, tags=["search"],
            responses={400: {"description": "The query or a parameter cannot be read"}})
def api_search(request: Request, q: str = "", lang: str | None = None,
               body: Many = None, year: Many = None, session: Many = None, type: Many = None,
               language: Many = None, subject: Many = None, narrower: bool = False,
               sort: str = "relevance", page: str = "1",
               per_page: str = str(PER_PAGE), exact: bool = False,
               xl: str = Query("1", description="1: a query naming thesaurus concepts also "
                               "finds them in every language (see expansion); 0: as typed "
                               "only")) -> SearchOut:
    """Search documents in any of the six languages; same parameters as /search.

    ``q`` takes words, "phrases", AND/OR/NOT (or +/-), parentheses, field:value
    (symbol, title, text, body, year, lang, type, subject, session) and prefixes
    (climat*). Filters may repeat (body=SC&body=GA). ``per_page`` is 1 to 100.
    Beyond 10,000 matches (unless the library set otherwise) the total and the facet
    counts are estimated from a sample of the index (``total_exact``, ``facets_exact``
    say so) unless ``exact=true``. A query of plain words that names UNBIS concepts
    (a whole label, in any of the six languages) also finds the documents indexed with
    them or naming them in the other languages, ranked below those it finds as typed;
    ``expansion`` says which concepts, ``xl=0`` turns it off. With Accept application/x-bibtex,
    application/x-research-info-systems or application/vnd.citationstyles.csl+json the
    page of hits comes as citations.
    """
    try:
        params = search_params(request)
        results = run_search(request, params, wait_for_facets=True)
        record_search(request)
    except QueryError as exc:
        raise HTTPException(400, message_of(exc)) from None
    wanted = citation.format_for_accept(request.headers.get("accept", ""))
    if wanted:  # the page of hits as citations (content negotiation)
        from hemicycle.web.routes.citations import citables, citations_of

        return citations_of(request, citables(request, [h.uid for h in results.hits]), wanted,
                            "hemicycle-results")
    return SearchOut(
        query=results.query, lang=results.lang, total=results.total,
        total_exact=results.total_exact, facets_exact=results.facets_exact, page=results.page,
        pages=results.pages, per_page=results.per_page, sort=results.sort,
        redirect=results.redirect_uid, filters=results.filters,
        suggestion=_suggestion(request, params, results),
        expansion=ExpansionOut(**results.expansion.as_dict()) if results.expansion else
        ExpansionOut(used=False, reason="empty", concepts=[], left_out=0),
        facets={name: [FacetValue(value=v, count=n) for v, n in pairs]
                for name, pairs in results.facets.items()},
        hits=[HitOut(uid=h.uid, symbol=h.symbol, title=h.title, title_language=h.title_language,
                     language=h.language, snippet=h.snippet, snippet_text=h.snippet_text,
                     highlights=h.highlights, year=h.year, body=h.body,
                     session=h.session, doc_type=h.doc_type, date=h.date, languages=h.languages,
                     titles=h.titles, url=f"/documents/{h.uid}")
              for h in results.hits],
    )


@router.get("/search/advanced", include_in_schema=False)
def advanced_page(request: Request):
    """A form of fields that writes the query syntax of the search box: submitted, it
    sends the reader to /search with that query, which they can read and edit there."""
    qp = request.query_params
    fields = {name: qp.get(name, "") for name in ADVANCED_FIELDS if name in qp}
    content_lang = qp.get("lang") if qp.get("lang") in CODES else None
    error = None
    if any(value.strip() for name, value in fields.items()) and "edit" not in qp:
        try:
            query = compose_query(fields)
        except QueryError as exc:
            error = message_of(exc)
        else:
            pairs = [("q", query)] + ([("lang", content_lang)] if content_lang else [])
            return RedirectResponse("/search?" + urlencode(pairs), status_code=303)
    if "q" in qp and "query" not in fields:
        fields["query"] = qp["q"]
    with session_scope(request.app.state.settings.database_url) as db:
        known = counts(db)
    return render(request, "search/advanced.html", {
        "fields": fields, "content_lang": content_lang, "error": error,
        "bodies": [b for b, _ in known.by_body if b],
        "types": [t for t, _ in known.by_type if t],
    }, status_code=400 if error else 200)
