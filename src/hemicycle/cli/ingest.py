"""``hemicycle ingest PATH``: load a folder described by a manifest."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from hemicycle.cli.common import console, fail, progress_bar, settings
from hemicycle.ingest.manifest import ManifestError
from hemicycle.ingest.run import ingest_folder
from hemicycle.search.index import catch_up

verbs = typer.Typer()  # top-level verbs (see hemicycle.cli)


@verbs.command("ingest")
def ingest(
    path: Annotated[
        Path, typer.Argument(help="A folder with manifest.csv/.jsonl, or the manifest.")
    ],
    replace: Annotated[
        bool, typer.Option(help="Overwrite catalogued values that differ.")
    ] = False,
) -> None:
    """Load documents (PDF or text files) described by a manifest. Safe to rerun."""
    if not path.exists():
        fail(f"{path}: no such file or folder")
    s = settings()
    started = time.monotonic()
    with progress_bar() as progress:
        task = progress.add_task(f"ingest {path.name}", total=None, rate="")

        def planned(count: int) -> None:
            progress.update(task, total=count)

        def done(_doc) -> None:
            progress.advance(task)
            elapsed = time.monotonic() - started
            rate = progress.tasks[0].completed / elapsed if elapsed else 0
            progress.update(task, rate=f"{rate:.0f} docs/s")

        try:
            summary = ingest_folder(s, path, replace=replace, on_planned=planned,
                                    on_document=done)
        except ManifestError as exc:
            fail(str(exc))
    catch_up(s)  # what was saved is searchable, even after Ctrl-C
    for error in summary.errors:
        console.print(f"[red]rejected[/] {error}", highlight=False)
    elapsed = time.monotonic() - started
    console.print(
        f"{summary.manifest}: {summary.created} created, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {len(summary.errors)} rejected "
        f"in {elapsed:.1f}s ({summary.documents / elapsed if elapsed else 0:.0f} docs/s)",
        highlight=False,
    )
    if summary.interrupted:
        console.print("interrupted: rerun the same command to complete", highlight=False)
        raise typer.Exit(130)
    if summary.errors:
        raise typer.Exit(1)
