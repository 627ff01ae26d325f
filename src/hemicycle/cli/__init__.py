"""The ``hemicycle`` command: a thin Typer app over the domain modules.

Each area's verbs live in its own module of this package, as module-level Typer apps:
``verbs`` holds the verbs of the top level (``hemicycle migrate``), a named app a group of
verbs (``hemicycle thesaurus load``). Adding a verb is adding a function to one of them;
adding an area is adding a module and its apps to ``VERBS`` or ``GROUPS`` below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from hemicycle.cli import (
    db,
    digitise,
    ingest,
    interop,
    knowledge,
    proceedings,
    review,
    search,
    serve,
    storage,
    subjects,
    symbol,
    thesaurus,
    usage,
    users,
    votes,
)

# ``hemicycle --help`` lists the top-level verbs, then the groups, each in this order
VERBS: tuple[typer.Typer, ...] = (
    db.verbs, ingest.verbs, serve.verbs, storage.verbs, symbol.verbs, search.verbs,
    digitise.verbs,
)
GROUPS: tuple[typer.Typer, ...] = (
    users.app, storage.app, storage.bag, thesaurus.app, interop.export, interop.importer,
    subjects.app, votes.app, votes.speeches, proceedings.app, usage.app, review.app,
    knowledge.guides, knowledge.faq, knowledge.inquiries, knowledge.training,
    knowledge.knowledge,
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


for _commands in VERBS + GROUPS:
    app.add_typer(_commands)


def main() -> None:
    app()
