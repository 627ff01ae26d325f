"""``hemicycle reindex`` and ``hemicycle search``: the search index from the command line."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import time
from typing import Annotated

import typer

from hemicycle.cli.common import console, fail, progress_bar, settings
from hemicycle.config import Settings

QUERY_HELP = 'Words, "phrases", AND/OR/NOT, field:value (symbol title body year lang), prefix*'


def _parse_filters(values: list[str]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for value in values:
        name, sep, wanted = value.partition("=")
        if not sep or not name.strip() or not wanted.strip():
            fail(f"--filter {value!r}: write NAME=VALUE, e.g. --filter body=SC")
        filters.setdefault(name.strip(), []).append(wanted.strip())
    return filters


def _json_hit(hit) -> dict:
    data = dataclasses.asdict(hit)
    data["snippet"] = data.pop("snippet_text")
    data["highlights"] = [list(span) for span in hit.highlights]
    return data


def _plain(snippet: str) -> str:
    return html.unescape(re.sub(r"</?mark>", "", snippet))


def rebuild_with_progress(s: Settings, workers: int | None = None) -> None:
    """Rebuild the index from the catalogue, with a progress bar and the rate at the end."""
    from hemicycle.search.index import rebuild_index

    started = time.perf_counter()
    with progress_bar() as bar:
        task = bar.add_task("indexing", total=None, rate="")

        def progress(done: int, total: int) -> None:
            elapsed = time.perf_counter() - started
            rate = f"{done / elapsed:,.0f} docs/s" if elapsed > 0 else ""
            bar.update(task, completed=done, total=total, rate=rate)

        count = rebuild_index(s, progress=progress, workers=workers)
    elapsed = time.perf_counter() - started
    rate = count / elapsed if elapsed > 0 else 0.0
    console.print(f"indexed {count:,} documents in {elapsed:.1f} s ({rate:,.0f} docs/s)")


verbs = typer.Typer()  # top-level verbs (see hemicycle.cli)


@verbs.command("reindex")
def reindex(
    workers: Annotated[int | None, typer.Option(
        min=0, help="Processes preparing documents (default: one per core from 20,000 "
                    "documents; 0: none, all in this process).")] = None,
) -> None:
    """Rebuild the search index from the catalogue (searches go on meanwhile)."""
    rebuild_with_progress(settings(), workers)


@verbs.command("catch-up")
def catch_up_command() -> None:
    """Bring this node's search index up to date with the catalogue's change log (the web
    server does it by itself; commands that change documents do it when done)."""
    from hemicycle.search.index import catch_up

    started = time.perf_counter()
    count = catch_up(settings())
    console.print(f"{count:,} documents taken in from the change log in "
                  f"{time.perf_counter() - started:.1f} s")


@verbs.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help=QUERY_HELP)],
    lang: Annotated[str | None, typer.Option(help="ar zh en fr ru es")] = None,
    filter_: Annotated[list[str] | None, typer.Option(
        "--filter", help="NAME=VALUE: body, year, session, type, language, subject.")] = None,
    sort: Annotated[str, typer.Option(help="relevance or date.")] = "relevance",
    page: Annotated[int, typer.Option(help="Page of results, from 1.")] = 1,
    per_page: Annotated[int, typer.Option(help="Results per page.")] = 20,
    narrower: Annotated[bool, typer.Option(
        help="A subject filter also finds the concepts below it.")] = False,
    exact: Annotated[bool, typer.Option(
        help="Count every match (beyond search_exact_up_to, 10,000 unless set, totals "
             "and facet counts are estimated on a sample).")] = False,
    thesaurus: Annotated[bool, typer.Option(
        "--thesaurus/--as-typed",
        help="A query naming thesaurus concepts also finds them in every language "
             "(docs/search.md); --as-typed: the words only.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Search the catalogue's documents in any of the six languages."""
    from hemicycle.search.query import QueryError, search

    try:
        results = search(settings(), query, lang=lang, filters=_parse_filters(filter_ or []),
                         sort=sort, page=page, per_page=per_page, narrower=narrower,
                         exact=exact, wait_for_facets=True, expand=thesaurus)
    except QueryError as exc:
        fail(f"query {query[:80]!r}: {exc}")
    if as_json:
        print(json.dumps({
            "query": results.query,
            "total": results.total,
            "total_exact": results.total_exact,
            "page": results.page,
            "per_page": results.per_page,
            "sort": results.sort,
            "redirect": results.redirect_uid,
            # plain text with highlight offsets (characters): the HTML is for pages
            "hits": [_json_hit(hit) for hit in results.hits],
            "facets": {k: [[v, n] for v, n in pairs] for k, pairs in results.facets.items()},
            "facets_exact": results.facets_exact,
            "expansion": results.expansion.as_dict() if results.expansion else None,
        }, ensure_ascii=False, indent=2))
        return
    if results.redirect_uid:
        print(f"symbol: /documents/{results.redirect_uid}")
    if results.expansion and results.expansion.concepts:
        also = "; ".join(", ".join(c.labels.values()) for c in results.expansion.concepts)
        more = (f" ({results.expansion.left_out} more concepts not searched)"
                if results.expansion.left_out else "")
        print(f"also searched (thesaurus): {also}{more}")
    about = "" if results.total_exact else "about "
    print(f"{about}{results.total:,} documents (page {results.page} of {results.pages})")
    for hit in results.hits:
        tag = f" [{hit.title_language}]" if hit.title_language else ""
        print(f"{hit.symbol}  {hit.year or ''}  {hit.title or ''}{tag}")
        if hit.snippet:
            print(f"    [{hit.language}] {_plain(hit.snippet)}")
