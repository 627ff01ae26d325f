"""``hemicycle usage``: process the spooled events, write COUNTER reports."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Annotated

import typer

from hemicycle.cli.common import console, fail, progress_bar, settings

REPORT_HELP = "pr, pr_p1 or ir."


app = typer.Typer(name="usage", help="COUNTER R5.1 usage statistics: process, report.",
                  no_args_is_help=True)


@app.command("process")
def process(
    delete_processed: Annotated[bool, typer.Option(
        help="Then delete the spool files of past days read to their end.")] = False,
) -> None:
    """Count the spooled events (robots out, double clicks once); safe to rerun."""
    from hemicycle.usage.geo import GeoDatabaseError, resolver_for
    from hemicycle.usage.process import (
        ProcessBusy,
        pending_bytes,
        process_spool,
        remove_processed,
    )

    s = settings()
    try:
        resolver_for(s)
    except GeoDatabaseError as exc:  # spooled events carry their places: count them
        console.print(f"[red]geoip_database[/]: {exc}; the web app will not start "
                      "until it is fixed", highlight=False)
    started = time.perf_counter()
    with progress_bar() as bar:
        reading = bar.add_task("reading spool (bytes)", total=pending_bytes(s), rate="")
        counting: list = []

        def days(total: int):
            counting.append(bar.add_task("counting days", total=total, rate=""))
            return lambda n: bar.advance(counting[0], n)

        try:
            result = process_spool(s, advance=lambda n: bar.advance(reading, n),
                                   count_days=days)
        except ProcessBusy as exc:
            fail(str(exc))
    elapsed = time.perf_counter() - started
    for problem in result.broken:
        console.print(f"[yellow]skipped[/] {problem}", highlight=False)
    for problem in result.late:
        console.print(f"[yellow]refused[/] {problem}", highlight=False)
    for problem in result.unplaced:
        console.print(f"[yellow]unknown place[/] {problem}", highlight=False)
    rate = result.lines / elapsed if elapsed > 0 else 0.0
    console.print(f"{result.lines:,} lines from {result.files} files: {result.events:,} "
                  f"events, {result.robots:,} robots left out, {len(result.broken)} "
                  f"broken lines skipped, {len(result.late)} lines of pruned days "
                  f"refused; {result.days} days counted in {elapsed:.1f} s "
                  f"({rate:,.0f} lines/s)", highlight=False)
    if delete_processed:
        try:
            removed = remove_processed(s)
        except ProcessBusy as exc:
            fail(str(exc))
        console.print(f"deleted {len(removed)} processed spool files", highlight=False)


@app.command("prune")
def prune(
    keep_days: Annotated[int, typer.Option(
        min=0, help="Keep the raw events of the last N days (0: only days still "
        "open).")] = 35,
) -> None:
    """Delete raw events (reader hashes) of closed days older than --keep-days; the
    daily and monthly counts, and so every report, stay as they are."""
    from hemicycle.usage.process import ProcessBusy
    from hemicycle.usage.retention import prune as prune_events

    s = settings()
    with progress_bar() as bar:
        def start(total: int):
            task = bar.add_task("deleting raw events", total=total, rate="")
            return lambda n: bar.advance(task, n)

        try:
            result = prune_events(s, keep_days, start=start)
        except ProcessBusy as exc:
            fail(str(exc))
    for name in result.blocked_by:
        console.print(f"[yellow]waiting[/] {name}: spool file not read to its end and "
                      "not named by date; run `hemicycle usage process` first",
                      highlight=False)
    if result.open_days:
        console.print(f"{len(result.open_days)} old days still open (uncounted or unread "
                      f"spool lines), kept: {', '.join(map(str, result.open_days[:10]))}"
                      + (" …" if len(result.open_days) > 10 else ""), highlight=False)
    console.print(f"pruned {len(result.days)} closed days, {result.events:,} raw events "
                  f"deleted; daily counts by place of {len(result.months)} whole closed "
                  "months folded into their monthly sums", highlight=False)


@app.command("report")
def report(
    name: Annotated[str, typer.Argument(help=REPORT_HELP)],
    begin: Annotated[str, typer.Option(help="First month: YYYY-MM or YYYY-MM-DD.")],
    end: Annotated[str, typer.Option(help="Last month: YYYY-MM or YYYY-MM-DD.")],
    format_: Annotated[str, typer.Option("--format", help="json or tsv.")] = "json",
    output: Annotated[Path | None, typer.Option(help="File to write (default stdout).")]
    = None,
    item_id: Annotated[str | None, typer.Option(help="IR: one document (uid or symbol).")]
    = None,
    metric_type: Annotated[str | None, typer.Option(
        help="Metric types separated by |, e.g. Total_Item_Requests.")] = None,
    granularity: Annotated[str, typer.Option(help="Month or Total.")] = "Month",
    data_type: Annotated[str | None, typer.Option(
        help="Data types separated by |, e.g. Report|Conference_Item.")] = None,
) -> None:
    """Write a COUNTER R5.1 report (JSON or TSV)."""
    from hemicycle.usage.exceptions import CounterError
    from hemicycle.usage.period import parse_period
    from hemicycle.usage.reports import KINDS, ReportRequest, build_report
    from hemicycle.usage.tabular import report_tsv

    if name.lower() not in KINDS:
        fail(f"unknown report {name!r}: expected one of {', '.join(KINDS)}")
    if format_ not in ("json", "tsv"):
        fail(f"--format {format_!r}: expected json or tsv")
    if granularity not in ("Month", "Total"):
        fail(f"--granularity {granularity!r}: expected Month or Total")
    try:
        period = parse_period(begin, end)
    except CounterError as exc:
        fail(exc.data)
    metrics = tuple(m for m in (metric_type or "").split("|") if m)
    data_types = tuple(d for d in (data_type or "").split("|") if d)
    built = build_report(settings(), ReportRequest(name.lower(), period, metrics,
                                                   item_id, granularity, data_types))
    text = (json.dumps(built, ensure_ascii=False, indent=1) + "\n" if format_ == "json"
            else report_tsv(built, period))
    _write(text, output)


@app.command("places")
def places(
    begin: Annotated[str, typer.Option(help="First month: YYYY-MM or YYYY-MM-DD.")],
    end: Annotated[str, typer.Option(help="Last month: YYYY-MM or YYYY-MM-DD.")],
    by: Annotated[str, typer.Option(
        help="Group by, comma-separated: country, city, item, language, body, type.")]
    = "country",
    metric: Annotated[str | None, typer.Option(
        help="investigations, downloads or both (default).")] = None,
    granularity: Annotated[str, typer.Option(help="Month or Total.")] = "Month",
    limit: Annotated[int, typer.Option(min=0, help="First N rows by total (0: all).")]
    = 0,
    format_: Annotated[str, typer.Option("--format", help="json or tsv.")] = "json",
    output: Annotated[Path | None, typer.Option(help="File to write (default stdout).")]
    = None,
) -> None:
    """Usage by place: investigations and downloads per country, city, item,
    language version, body and document type (Hemicycle's own report)."""
    from hemicycle.usage.exceptions import CounterError
    from hemicycle.usage.period import parse_period
    from hemicycle.usage.places import (
        PlaceReportError,
        PlaceRequest,
        build_place_report,
        parse_by,
        parse_metrics,
        place_report_tsv,
    )

    if format_ not in ("json", "tsv"):
        fail(f"--format {format_!r}: expected json or tsv")
    if granularity not in ("Month", "Total"):
        fail(f"--granularity {granularity!r}: expected Month or Total")
    try:
        period = parse_period(begin, end)
        request = PlaceRequest(period, parse_by(by), parse_metrics(metric), granularity,
                               limit)
    except CounterError as exc:
        fail(exc.data)
    except PlaceReportError as exc:
        fail(f"--{exc}")
    built = build_place_report(settings(), request)
    text = (json.dumps(built, ensure_ascii=False, indent=1) + "\n" if format_ == "json"
            else place_report_tsv(built, period))
    _write(text, output)

@app.command("figures")
def figures(
    year: Annotated[int, typer.Option(min=1970, max=9999, help="Calendar year.")],
    top: Annotated[int, typer.Option(min=1, max=100, help="How many top items.")] = 10,
    format_: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """The figures a yearly report quotes: downloads, cities and countries, top
    documents, views of guides and FAQ answers per language."""
    from hemicycle.usage.figures import year_figures

    if format_ not in ("text", "json"):
        fail(f"--format {format_!r}: expected text or json")
    f = year_figures(settings(), year, top)
    if format_ == "json":
        typer.echo(json.dumps({
            "Year": f.year, "Downloads": f.downloads, "Investigations": f.investigations,
            "Countries": f.countries, "Cities": f.cities,
            "Investigations_Unknown_Place": f.unknown_place,
            "Top_Items": [{"Item_ID": uid, "Item": symbol, "Downloads": n}
                          for uid, symbol, n in f.top_items],
            "Page_Views": f.page_views, "Geography_Sources": f.sources,
            "Sample_Events": f.sample}, ensure_ascii=False, indent=1))
        return
    out = [f"Usage in {f.year}"]
    if f.sample:
        out.append(f"WARNING: includes {f.sample:,} events of SAMPLE TRAFFIC "
                   "(hemicycle usage sample): not real readers")
    out += [f"downloads (Total_Item_Requests)\t{f.downloads:,}",
            f"investigations (Total_Item_Investigations)\t{f.investigations:,}",
            f"countries\t{f.countries:,}", f"cities\t{f.cities:,}",
            f"investigations from an unknown place\t{f.unknown_place:,}",
            "top items by downloads:"]
    out += [f"  {n:,}\t{symbol}" for _, symbol, n in f.top_items] or ["  (none)"]
    out.append("page views by language:")
    for kind, languages in f.page_views.items():
        out.append(f"  {kind}\t" + "\t".join(f"{lang} {n:,}"
                                              for lang, n in languages.items()))
    out.append("places resolved by:")
    months: dict[str, list[str]] = {}
    for source in f.sources:
        months.setdefault(source["Source"], []).append(source["Month"])
    out += [f"  {name}\t{ms[0]} to {ms[-1]}" for name, ms in months.items()] \
        or ["  (no usage)"]
    typer.echo("\n".join(out))

@app.command("sample")
def sample(
    days: Annotated[int, typer.Option(min=1, max=3660, help="Days before today.")]
    = 365,
    per_day: Annotated[int, typer.Option(min=1, help="Events per day.")] = 300,
) -> None:
    """Spool SAMPLE TRAFFIC for a demonstration site with no readers; every report
    and the staff page mark it as such. Never on a site with real readers."""
    from hemicycle.usage.sample import write_sample

    try:
        n = write_sample(settings(), days=days, per_day=per_day)
    except ValueError as exc:
        fail(str(exc))
    console.print(f"spooled {n:,} sample events; run `hemicycle usage process`",
                  highlight=False)


def _write(text: str, output: Path | None) -> None:
    """To stdout, or to ``output`` whole (a .part file renamed) or not at all."""
    if output is None:
        typer.echo(text, nl=False)
        return
    tmp = output.with_name(output.name + ".part")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"{output}: {exc.strerror or exc}")
    console.print(f"wrote {output}", highlight=False)
