"""``hemicycle export marc|marcxml|dc QUERY`` and ``hemicycle import marc FILE``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from hemicycle.cli.common import console, fail, progress_bar, settings

QUERY_HELP = "Documents: a search query, * for all. Votes/speeches: *, BODY or BODY:SESSION."
RECORDS_HELP = "documents, votes (voting records) or speeches."


export = typer.Typer(name="export", help="Export catalogue records in library formats.",
                     no_args_is_help=True)
importer = typer.Typer(name="import", help="Import records from library formats.",
                       no_args_is_help=True)


@export.command("marc")
def export_marc(query: Annotated[str, typer.Argument(help=QUERY_HELP)] = "*",
                output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
                records: Annotated[str, typer.Option(help=RECORDS_HELP)] = "documents"
                ) -> None:
    """Records matching QUERY as MARC21 (ISO 2709, UTF-8)."""
    _export(query, "marc", output, records)


@export.command("marcxml")
def export_marcxml(query: Annotated[str, typer.Argument(help=QUERY_HELP)] = "*",
                   output: Annotated[Path | None, typer.Option("-o", "--output")] = None,
                   records: Annotated[str, typer.Option(help=RECORDS_HELP)] = "documents"
                   ) -> None:
    """Records matching QUERY as a MARCXML collection."""
    _export(query, "marcxml", output, records)


@export.command("dc")
def export_dc(query: Annotated[str, typer.Argument(help="Search query; * for all.")] = "*",
              output: Annotated[Path | None, typer.Option("-o", "--output")] = None) -> None:
    """Documents matching QUERY as simple Dublin Core (oai_dc) XML."""
    _export(query, "dc", output)


@importer.command("marc")
def import_marc_cmd(
    file: Annotated[Path, typer.Argument(help="ISO 2709 (.mrc/.dat) or MARCXML file.")],
    replace: Annotated[bool, typer.Option(help="Overwrite values that differ.")] = False,
) -> None:
    """Import a MARC21 file; broken records are reported and the rest kept. An
    interrupted import resumes where it stopped when run again."""
    from hemicycle.interop.marc_import import import_marc
    from hemicycle.marc21.files import MarcFileError, count_records
    from hemicycle.search.index import catch_up

    if not file.is_file():
        fail(f"{file}: no such file")
    s = settings()
    started = time.perf_counter()
    with progress_bar() as bar:
        task = bar.add_task(f"import {file.name}", total=count_records(file), rate="")
        first = 0  # the first record this run reads (after a resumed run's checkpoint)

        def advance(number: int) -> None:
            nonlocal first
            first = first or number
            elapsed = time.perf_counter() - started
            bar.update(task, completed=number, rate=f"{(number - first + 1) / elapsed:,.0f}"
                       " records/s" if elapsed else "")

        try:
            report = import_marc(s, file, replace=replace, progress=advance)
        except MarcFileError as exc:
            fail(str(exc))
    loaded = time.perf_counter()
    indexed = catch_up(s)  # what was saved is searchable, even after Ctrl-C
    if report.resumed_after:
        console.print(f"{file}: resumed after record {report.resumed_after:,}, where an "
                      "interrupted import stopped", highlight=False, soft_wrap=True)
    for problem in report.rejected:
        console.print(f"{file}: {problem}", style="red", highlight=False, markup=False,
                      soft_wrap=True)
    console.print(f"{file}: {report.read} records read: {report.created} created, "
                  f"{report.updated} updated, {report.unchanged} unchanged, "
                  f"{len(report.rejected)} rejected in {loaded - started:.1f} s "
                  f"({report.read / (loaded - started):,.0f} records/s); search index: "
                  f"{indexed:,} documents taken in, in {time.perf_counter() - loaded:.1f} s",
                  highlight=False, soft_wrap=True)
    if report.interrupted:
        console.print("interrupted: rerun the same command to resume", highlight=False)
        raise typer.Exit(130)
    if report.rejected:
        raise typer.Exit(1)


def _export(query: str, fmt: str, output: Path | None, records: str = "documents") -> None:
    from hemicycle.interop.export import ExportError, export_documents, export_proceedings

    if records == "documents":
        def export(s, query, fmt, out, progress):
            return export_documents(s, query, fmt, out, progress)
    else:
        def export(s, query, fmt, out, progress):
            return export_proceedings(s, records, query, fmt, out, progress)

    s = settings()
    target = output.with_name(output.name + ".part") if output else None
    try:
        with progress_bar() as bar:
            task = bar.add_task(f"export {fmt}", total=None, rate="")
            if target is None:
                count = export(s, query, fmt, sys.stdout.buffer,
                               progress=lambda: bar.advance(task))
            else:
                with target.open("wb") as fh:
                    count = export(s, query, fmt, fh, progress=lambda: bar.advance(task))
                target.replace(output)
    except ExportError as exc:
        if target is not None:
            target.unlink(missing_ok=True)
        fail(str(exc))
    except BaseException:
        if target is not None:
            target.unlink(missing_ok=True)  # never leave half a file behind
        raise
    console.print(f"exported {count} records as {fmt}" + (f" to {output}" if output else ""))
