"""The ``hemicycle`` command: a thin Typer app over the domain modules.

Each verb lives in its own module of this package and registers itself through
``register(app)``; adding a verb is adding a module and one line below.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Annotated

import typer

COMMAND_MODULES: tuple[str, ...] = (
    "hemicycle.cli.db",
    "hemicycle.cli.ingest",
    "hemicycle.cli.users",
    "hemicycle.cli.serve",
    "hemicycle.cli.storage",
    "hemicycle.cli.thesaurus",
    "hemicycle.cli.symbol",
    "hemicycle.cli.interop",
    "hemicycle.cli.subjects",
    "hemicycle.cli.search",
    "hemicycle.cli.votes",
    "hemicycle.cli.proceedings",
    "hemicycle.cli.digitise",
    "hemicycle.cli.usage",
    "hemicycle.cli.review",
    "hemicycle.cli.knowledge",
)

app = typer.Typer(
    name="hemicycle",
    help="Hemicycle: the documents of deliberative bodies: ingest, describe, find, preserve.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(
    data: Annotated[
        Path | None,
        typer.Option("--data", envvar="HEMICYCLE_DATA", help="Data directory (default ./var)."),
    ] = None,
) -> None:
    if data is not None:
        os.environ["HEMICYCLE_DATA"] = str(data)


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    app()
