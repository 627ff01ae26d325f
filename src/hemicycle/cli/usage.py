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
    from hemicycle.usage.process import (
        ProcessBusy,
        pending_bytes,
        process_spool,
        remove_processed,
    )

    s = settings()
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
                  "deleted", highlight=False)


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
