"""``hemicycle migrate``: create or upgrade the catalogue schema (and an outdated index)."""

from __future__ import annotations

import typer

from hemicycle.catalogue.db import get_engine, table_names
from hemicycle.cli.common import console, settings
from hemicycle.cli.search import rebuild_with_progress
from hemicycle.search import location

verbs = typer.Typer()  # top-level verbs (see hemicycle.cli)


@verbs.command("migrate")
def migrate() -> None:
    """Create or upgrade the catalogue schema to the newest version; rebuild the
    search index if an older version of Hemicycle built it."""
    s = settings()
    engine = get_engine(s.database_url)
    tables = len(table_names(engine))
    console.print(f"catalogue at {engine.url.render_as_string()} has {tables} tables")
    path = location.current_path(s)
    if path is not None and not location.is_usable(path):
        console.print("the search index was built for an older schema: rebuilding it")
        rebuild_with_progress(s)
