"""``hemicycle user``: accounts for cataloguers, administrators and knowledge-service staff."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from hemicycle.accounts import ALL_ROLES, AccountError, add_user
from hemicycle.cli.common import console, fail, settings

app = typer.Typer(name="user", help="Accounts for cataloguers and administrators.",
                  no_args_is_help=True)


@app.command("add")
def add(
    name: str,
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ALL_ROLES)}")] = "cataloguer",
    password: Annotated[
        str | None, typer.Option(envvar="HEMICYCLE_PASSWORD", help="Asked for when absent.")
    ] = None,
) -> None:
    """Create an account (or reset its password and role)."""
    if password is None:
        password = getpass.getpass(f"password for {name}: ")
    try:
        created = add_user(settings().database_url, name, password, role)
    except AccountError as exc:
        fail(str(exc))
    console.print(f"{'created' if created else 'updated'} {role} {name}")
