"""``hemicycle user``: accounts for cataloguers, administrators and knowledge-service staff.

Every command that changes an account (a reset by ``add``, ``password``, ``role``,
``remove``) ends that user's sessions at once; ``signout`` ends them and nothing else.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import Annotated

import typer

from hemicycle.accounts import (
    ALL_ROLES,
    AccountError,
    add_user,
    end_sessions,
    remove_user,
    set_password,
    set_role,
)
from hemicycle.cli.common import console, fail, settings

app = typer.Typer(name="user", help="Accounts for cataloguers and administrators.",
                  no_args_is_help=True)

Password = Annotated[
    str | None, typer.Option(envvar="HEMICYCLE_PASSWORD", help="Asked for when absent.")
]


def _apply(change: Callable[[], object], done: str) -> None:
    try:
        change()
    except AccountError as exc:
        fail(str(exc))
    console.print(done)


@app.command("add")
def add(
    name: str,
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ALL_ROLES)}")] = "cataloguer",
    password: Password = None,
) -> None:
    """Create an account (or reset its password and role, ending its sessions)."""
    if password is None:
        password = getpass.getpass(f"password for {name}: ")
    try:
        created = add_user(settings().database_url, name, password, role)
    except AccountError as exc:
        fail(str(exc))
    console.print(f"{'created' if created else 'updated'} {role} {name}")


@app.command("password")
def password_(name: str, password: Password = None) -> None:
    """Set a new password; the user's sessions end."""
    if password is None:
        password = getpass.getpass(f"new password for {name}: ")
    _apply(lambda: set_password(settings().database_url, name, password),
           f"new password for {name}; their sessions are ended")


@app.command("role")
def role_(name: str,
          role: Annotated[str, typer.Argument(help=f"One of: {', '.join(ALL_ROLES)}")]) -> None:
    """Change the role; the user's sessions end."""
    _apply(lambda: set_role(settings().database_url, name, role),
           f"{name} is now {role}; their sessions are ended")


@app.command("remove")
def remove(name: str) -> None:
    """Remove the account; its sessions end."""
    _apply(lambda: remove_user(settings().database_url, name), f"removed {name}")


@app.command("signout")
def signout(name: str) -> None:
    """End every session of the user (on every device)."""
    _apply(lambda: end_sessions(settings().database_url, name),
           f"every session of {name} is ended")
