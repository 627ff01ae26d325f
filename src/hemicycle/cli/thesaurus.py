"""``hemicycle thesaurus``: load, validate, search, show and export SKOS vocabularies."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from hemicycle.cli.common import console, fail, progress_bar, settings
from hemicycle.languages import CODES, UnknownLanguage, normalise_language


def _languages(value: str | None) -> tuple[str, ...]:
    if not value:
        return CODES
    return tuple(v.strip() for v in value.split(",") if v.strip())


def _titles(values: list[str]) -> dict[str, str]:
    """``--title fr=Thésaurus UNBIS`` -> {"fr": "Thésaurus UNBIS"}; a bad one fails."""
    from hemicycle.thesaurus.keys import known_language_tag

    out = {}
    for value in values:
        lang, eq, text = value.partition("=")
        try:
            code = normalise_language(lang.strip())
        except UnknownLanguage:  # another language of the vocabulary (fi, sv ...)
            code = lang.strip().lower() if known_language_tag(lang.strip()) else ""
        if not eq or not text.strip() or not code:
            fail(f"--title {value!r}: expected LANG=TEXT, LANG a language code such as "
                 f"{', '.join(CODES)}")
        out[code] = text.strip()
    return out


def _print_report(report, limit: int = 50) -> None:
    for issue in report.sorted_issues()[:limit]:
        colour = {"fatal": "red", "error": "red", "warning": "yellow"}[issue.severity]
        console.print(f"[{colour}]{issue}[/]", highlight=False, markup=True, soft_wrap=True)
    if len(report.issues) > limit:
        console.print(f"... {len(report.issues) - limit} more (see --json)")
    counts = ", ".join(f"{code} {n}" for code, n in sorted(report.counts.items())) or "no issues"
    console.print(f"report: {counts}", highlight=False)


app = typer.Typer(name="thesaurus", help="SKOS vocabularies: load, validate, search, show, export.",
                  no_args_is_help=True)


@app.command("load")
def load(
    files: Annotated[list[Path], typer.Argument(help="RDF files (.ttl .nt .rdf .jsonld) "
                                                "and UNBIS TSVs, earlier files win")],
    vocab: Annotated[str, typer.Option("--vocab", help="Vocabulary name, e.g. unbis")],
    fmt: Annotated[str | None, typer.Option("--format", help="turtle, ntriples, rdfxml, "
                                            "jsonld (default: from the suffix)")] = None,
    languages: Annotated[str | None, typer.Option(help="Languages every concept needs "
                                                  "(default: the six)")] = None,
    strict: Annotated[bool, typer.Option(help="Refuse SKOS errors too")] = False,
    label_case: Annotated[str, typer.Option(
        "--label-case", help="as-given (default) or sentence: 'Displaced persons' "
        "whether the source wrote DISPLACED PERSONS or displaced persons")] = "as-given",
    title: Annotated[list[str] | None, typer.Option(
        "--title", help="LANG=TEXT, the vocabulary's title in a language (repeatable); "
        "replaces the scheme's own")] = None,
) -> None:
    """Load (or reload) a vocabulary in one transaction; prints what changed."""
    from hemicycle.thesaurus.casing import POLICIES
    from hemicycle.thesaurus.store import LoadRefused, load_vocabulary

    if label_case not in POLICIES:
        fail(f"--label-case: {label_case!r} is not one of {', '.join(POLICIES)}")
    titles = _titles(title or [])
    s = settings()
    with progress_bar() as bar:
        task = bar.add_task(f"loading {vocab}", total=None, rate="")

        def advance(stage: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=f"{vocab}: {stage}")

        try:
            result = load_vocabulary(s, vocab, files, fmt, _languages(languages), strict,
                                     advance, label_case, titles)
        except LoadRefused as exc:
            bar.stop()
            _print_report(exc.report, limit=20)
            fail(str(exc))
    _print_report(result.report, limit=10)
    if result.outside:
        links = sum(result.outside.values())
        shown = ", ".join(uri.rsplit("/", 1)[-1] for uri in list(result.outside)[:8])
        console.print(f"{links} broader/narrower/related/member links point to "
                      f"{len(result.outside)} concepts not in this thesaurus ({shown}"
                      f"{', ...' if len(result.outside) > 8 else ''}); pages show them as "
                      "such", highlight=False)
    console.print(f"{vocab} version {result.version}: {result.concepts} concepts; "
                  f"{len(result.added)} added, {len(result.changed)} changed, "
                  f"{len(result.deprecated)} deprecated", highlight=False)


@app.command("validate")
def validate(
    files: list[Path],
    fmt: Annotated[str | None, typer.Option("--format")] = None,
    languages: Annotated[str | None, typer.Option()] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    vocab: Annotated[str, typer.Option("--vocab", help="Name to file the report under")]
    = "-",
) -> None:
    """Check files without loading them; the report is printed and stored.
    Exits 1 when there is a fatal problem or a SKOS error."""
    from hemicycle.thesaurus.sources import read_sources
    from hemicycle.thesaurus.store import save_report

    report = read_sources(files, fmt, _languages(languages)).report
    save_report(settings(), vocab, report, None)
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        _print_report(report)
    if report.fatal or report.has("error"):
        raise typer.Exit(1)


@app.command("search")
def search(
    text: str,
    lang: Annotated[str, typer.Option("--lang")] = "en",
    vocab: Annotated[str, typer.Option("--vocab")] = "unbis",
    prefix: Annotated[bool, typer.Option(help="Autocomplete (label starts with TEXT)")]
    = False,
    limit: Annotated[int, typer.Option()] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Find concepts by label in one language (the same answers as the pages and API)."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.thesaurus import lookup

    try:
        lang = normalise_language(lang)
    except UnknownLanguage:
        lang = lang.lower()
    with session_scope(settings().database_url) as db:
        try:
            v = lookup.vocabulary(db, vocab)
        except lookup.NotFound as exc:
            fail(str(exc))
        fn = lookup.autocomplete if prefix else lookup.search
        hits = fn(db, v, text, lang, limit=limit)
    if as_json:
        sys.stdout.write(json.dumps({"vocab": vocab, "lang": lang, "q": text,
                                     "hits": [h.as_dict() for h in hits]},
                                    ensure_ascii=False) + "\n")
        return
    for hit in hits:
        shown = hit.pref if hit.kind == "hidden" else hit.label
        see = f"  -> {hit.pref}" if hit.kind == "alt" else ""
        print(f"{shown}{see}\t{hit.uri}")


@app.command("show")
def show(
    uri: str,
    lang: Annotated[str, typer.Option("--lang")] = "en",
    vocab: Annotated[str | None, typer.Option("--vocab")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show a concept (by URI, T-code, or VOCAB's local id)."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.thesaurus import lookup

    with session_scope(settings().database_url) as db:
        try:
            target = uri
            if not uri.startswith("http"):
                target = lookup.uri_for_tcode(db, uri, vocab) or ""
            if target:
                v, concept = lookup.concept_by_uri(db, target, vocab)
            elif vocab:
                v = lookup.vocabulary(db, vocab)
                concept = lookup.concept_by_id(db, v, uri)
            else:
                raise lookup.NotFound(f"no concept {uri!r} (give a URI, a T-code, or --vocab)")
            view = lookup.concept_view(db, v, concept, lang)
        except lookup.NotFound as exc:
            fail(str(exc))
    if as_json:
        sys.stdout.write(json.dumps(view.as_dict(), ensure_ascii=False) + "\n")
        return
    print(view.uri + (" (deprecated)" if view.deprecated else ""))
    for code, text in view.pref.items():
        print(f"  {code}: {text if text is not None else '-- missing --'}")
    for name in ("broader", "narrower", "related"):
        for ref in getattr(view, name):
            if ref.outside:
                print(f"  {name}: {ref.id} (not in this thesaurus)")
            else:
                print(f"  {name}: {ref.label or ref.id} <{ref.uri}>")


@app.command("export")
def export(
    vocab: str,
    fmt: Annotated[str, typer.Option("--format", help="ttl, json (JSON-LD), xml, nt")]
    = "ttl",
    out: Annotated[Path | None, typer.Option("--out", help="File (default stdout)")] = None,
) -> None:
    """Write a whole vocabulary as RDF."""
    import shutil

    from hemicycle.catalogue.db import session_scope
    from hemicycle.thesaurus import lookup
    from hemicycle.thesaurus.export import MEDIA_TYPES, vocab_dump_path

    if fmt not in MEDIA_TYPES:
        fail(f"unknown format {fmt!r}: expected one of {', '.join(MEDIA_TYPES)}")
    s = settings()
    with session_scope(s.database_url) as db:
        try:
            path = vocab_dump_path(s, db, lookup.vocabulary(db, vocab), fmt)
        except lookup.NotFound as exc:
            fail(str(exc))
    if out is None:
        with path.open("rb") as fh:
            shutil.copyfileobj(fh, sys.stdout.buffer)
    else:
        shutil.copyfile(path, out)
        console.print(f"wrote {out}")
