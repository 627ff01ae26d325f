"""``hemicycle db``: create or upgrade the catalogue schema."""

from __future__ import annotations

import typer

from hemicycle.catalogue.db import get_engine, table_names
from hemicycle.cli.common import console, settings


def register(app: typer.Typer) -> None:
    @app.command("migrate")
    def migrate() -> None:
        """Create or upgrade the catalogue schema to the newest version."""
        s = settings()
        engine = get_engine(s.database_url)
        tables = len(table_names(engine))
        console.print(f"catalogue at {engine.url.render_as_string()} has {tables} tables")
