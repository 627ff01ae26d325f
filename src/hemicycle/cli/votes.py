"""``hemicycle votes`` and ``hemicycle speeches``: import, show, compare and export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from hemicycle.cli.common import console, fail, progress_bar, settings


def _importing(run):
    """Run an import with a progress bar; print its summary; exit 1 on unusable input."""
    from hemicycle.proceedings.importers.frame import ImportFailed

    tasks: dict[str, int] = {}
    with progress_bar() as bar:
        def progress(stage: str, advance: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total, rate="")
            bar.update(tasks[stage], advance=advance, total=total)
        try:
            result = run(progress)
        except ImportFailed as exc:
            fail(str(exc))
    summary = result.as_dict()
    if result.unchanged:
        console.print(f"{result.importer}: these files were imported already; nothing changed")
    else:
        found = ", ".join(f"{k} {v}" for k, v in sorted(result.counts.items())) or "none"
        console.print(f"{result.importer}: {result.loaded} loaded from {result.rows} rows; "
                      f"quality findings: {found}")
    print(json.dumps(summary))


def _dump(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


app = typer.Typer(name="votes", help="Voting records: import, show, agreement, export.",
                  no_args_is_help=True)
speeches = typer.Typer(name="speeches", help="Speech records: import and export.",
                       no_args_is_help=True)
votes_import = typer.Typer(name="import", help="Import voting data from one source.",
                           no_args_is_help=True)
app.add_typer(votes_import)


@votes_import.command("ga")
def import_ga_cmd(
    roll_calls: Annotated[Path, typer.Option("--roll-calls", help="un_roll_calls.csv[.gz]")],
    votes_file: Annotated[Path, typer.Option("--votes", help="un_votes.csv[.gz]")],
    issues: Annotated[Path | None, typer.Option(help="un_roll_call_issues.csv")] = None,
    voeten: Annotated[Path | None, typer.Option(
        help="Voeten's raw file, for absent (8) and non-member (9) codes")] = None,
    force: Annotated[bool, typer.Option(help="Import even if unchanged.")] = False,
) -> None:
    """General Assembly roll calls and votes (unvotes / Voeten)."""
    from hemicycle.proceedings.importers.ga import GAFiles, import_ga

    files = GAFiles(roll_calls, votes_file, issues, voeten)
    _importing(lambda p: import_ga(settings(), files, p, force))


@votes_import.command("sc")
def import_sc_cmd(
    records: Annotated[Path, typer.Option(help="UNSC_Record-Table CSV")],
    voting: Annotated[Path | None, typer.Option(help="UNSC_Record_Voting CSV")] = None,
    years: Annotated[Path | None, typer.Option(help="res_no,year CSV")] = None,
    force: Annotated[bool, typer.Option(help="Import even if unchanged.")] = False,
) -> None:
    """Security Council resolutions with their Digital Library links (CR-UNSC)."""
    from hemicycle.proceedings.importers.sc import SCFiles, import_sc

    files = SCFiles(records, voting, years)
    _importing(lambda p: import_sc(settings(), files, p, force))


@votes_import.command("csv")
def import_csv_cmd(
    path: Annotated[Path, typer.Argument(help="CSV in the shape of `votes export`")],
    force: Annotated[bool, typer.Option(help="Import even if unchanged.")] = False,
) -> None:
    """Votes in the DHL dataset shape (state, vote Y/N/A/X, resolution, meeting...)."""
    from hemicycle.proceedings.importers.dhl import import_votes_csv

    _importing(lambda p: import_votes_csv(settings(), path, p, force))


@app.command("show")
def show(symbol: str,
         as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Per-state votes and tallies of the resolution SYMBOL."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.proceedings.queries import record_detail, voting_record_for_symbol

    with session_scope(settings().database_url) as db:
        rec = voting_record_for_symbol(db, symbol)
        if rec is None:
            fail(f"no voting record for {symbol!r}")
        detail = record_detail(db, rec)
    if as_json:
        _dump(detail)
        return
    t = detail["tallies"]
    print(f"{detail['resolution'] or detail['source_ref']}  {detail['date'] or ''}  "
          f"{detail['title'] or ''}")
    print(f"yes {t['yes']}  no {t['no']}  abstain {t['abstain']}  "
          f"non-voting {t['non_voting']}  absent {t['absent']}")
    for v in detail["votes"]:
        print(f"  {v['state']}  {v['code'] or '-'}  {v['name']}")


@app.command("agreement")
def agreement(a: str, b: str,
              as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """How often states A and B (ISO3) voted alike, session by session."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.proceedings.queries import agreement_over_time, state

    with session_scope(settings().database_url) as db:
        sa, sb = state(db, a), state(db, b)
        for code, found in ((a, sa), (b, sb)):
            if found is None:
                fail(f"no member state with ISO3 code {code!r}")
        rows = agreement_over_time(db, sa.id, sb.id)
    if as_json:
        _dump({"a": sa.iso3, "b": sb.iso3, "sessions": rows})
        return
    for r in rows:
        share = f"{r['agreement'] * 100:5.1f}%" if r["agreement"] is not None else "   -"
        print(f"session {r['session']:>3}  {share}  ({r['same']}/{r['both_voted']})")


@app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    body: Annotated[str | None, typer.Option(help="GA or SC")] = None,
    session_no: Annotated[int | None, typer.Option("--session")] = None,
    state_code: Annotated[str | None, typer.Option("--state")] = None,
) -> None:
    """Votes in the DHL voting dataset shape (stdout unless --output)."""
    from hemicycle.proceedings.exports import VOTE_FIELDS, as_csv, as_json, vote_rows

    if fmt not in ("csv", "json"):
        fail(f"unknown format {fmt!r}: expected csv or json")
    _export(lambda db: vote_rows(db, body=body, session_no=session_no, state=state_code),
            fmt, output, VOTE_FIELDS, as_csv, as_json)


@app.command("quality")
def quality(importer: Annotated[str | None, typer.Argument()] = None,
            as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The data-quality report of the latest import (ga, sc, gdc or all)."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.proceedings.quality import report_json

    with session_scope(settings().database_url) as db:
        reports = report_json(db, importer)
    if as_json:
        _dump(reports)
        return
    for rep in reports:
        print(f"{rep['importer']}: {rep['loaded']} loaded from {rep['rows']} rows "
              f"({', '.join(rep['files'][:4])}{'...' if len(rep['files']) > 4 else ''})")
        for f in rep["findings"]:
            print(f"  {f['code']:<16} {f['file']}:{f['row'] or '-'}  {f['message']}")


speeches_import = typer.Typer(name="import", help="Import speech records from one source.",
                              no_args_is_help=True)
speeches.add_typer(speeches_import)


@speeches_import.command("gdc")
def import_speeches(
    speakers: Annotated[Path, typer.Option(help="Speakers_by_session.xlsx")],
    texts: Annotated[Path | None, typer.Option(help="Folder of ISO3_ss_yyyy.txt")] = None,
    force: Annotated[bool, typer.Option(help="Import even if unchanged.")] = False,
) -> None:
    """General Debate speeches (UNGDC speakers table and texts)."""
    from hemicycle.proceedings.importers.gdc import GDCFiles, import_gdc

    files = GDCFiles(speakers, texts)
    _importing(lambda p: import_gdc(settings(), files, p, force))


@speeches_import.command("csv")
def import_speeches_csv_cmd(
    path: Annotated[Path, typer.Argument(help="CSV in the shape of `speeches export`")],
    force: Annotated[bool, typer.Option(help="Import even if unchanged.")] = False,
) -> None:
    """Speeches with speaker, state, meeting record, agenda item and text."""
    from hemicycle.proceedings.importers.dhl import import_speeches_csv

    _importing(lambda p: import_speeches_csv(settings(), path, p, force))


@speeches.command("export")
def export_speeches(
    fmt: Annotated[str, typer.Option("--format", help="csv or json")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o")] = None,
    session_no: Annotated[int | None, typer.Option("--session")] = None,
    state_code: Annotated[str | None, typer.Option("--state")] = None,
) -> None:
    """Speeches (speaker, title, state, session, text) as CSV or JSON."""
    from hemicycle.proceedings.exports import SPEECH_FIELDS, as_csv, as_json, speech_rows

    if fmt not in ("csv", "json"):
        fail(f"unknown format {fmt!r}: expected csv or json")
    _export(lambda db: speech_rows(db, session_no=session_no, state=state_code),
            fmt, output, SPEECH_FIELDS, as_csv, as_json)


def _export(rows, fmt, output, fields, as_csv, as_json) -> None:
    from hemicycle.catalogue.db import session_scope

    out = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        with session_scope(settings().database_url) as db:
            pieces = as_csv(rows(db), fields) if fmt == "csv" else as_json(rows(db))
            for piece in pieces:
                out.write(piece)
    finally:
        if output:
            out.close()
