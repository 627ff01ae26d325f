"""Accounts: readers need none; cataloguers and administrators sign in.

Passwords are hashed with Argon2id. Roles are ordered: an admin may do anything a
cataloguer may. A session cookie names the user and the user's session version; every
change that must end sessions (signing out, a new password, a new role, removal) bumps
the version, so all the cookies made before stop working at once, on every device.
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import User

ROLES: tuple[str, ...] = ("cataloguer", "admin")
# Knowledge-service roles, beside that ladder: each allows its own work only (editors of
# guides and FAQ answers; staff answering inquiries); an admin may do it too.
SERVICE_ROLES: tuple[str, ...] = ("editor", "inquiries")
ALL_ROLES: tuple[str, ...] = ROLES + SERVICE_ROLES
_hasher = PasswordHasher()
# Verifying against this when the user is unknown keeps timing equal for both cases.
_DUMMY_HASH = _hasher.hash("not a password")


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class Account:
    """Who a valid session or password belongs to, as the catalogue says now."""

    name: str
    role: str
    session_version: int


def role_allows(role: str | None, required: str) -> bool:
    """Whether ``role`` may do what ``required`` may."""
    if role in SERVICE_ROLES or required in SERVICE_ROLES:
        return role == required or role == "admin"
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(required)


def _check_role(role: str) -> None:
    if role not in ALL_ROLES:
        raise AccountError(f"unknown role {role!r}: expected one of {', '.join(ALL_ROLES)}")


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise AccountError("password must be at least 8 characters")


def add_user(database_url: str, name: str, password: str, role: str) -> bool:
    """Create the account or reset it (which ends its sessions); True when it is new."""
    name = name.strip()
    if not name or len(name) > 80:
        raise AccountError("user name must be 1 to 80 characters")
    _check_role(role)
    _check_password(password)
    with session_scope(database_url) as db:
        user = db.scalar(select(User).where(User.name == name))
        created = user is None
        if created:
            user = User(name=name, role=role, password_hash=_hasher.hash(password))
            db.add(user)
        else:
            user.role = role
            user.password_hash = _hasher.hash(password)
            user.session_version += 1
    return created


def _change(database_url: str, name: str, change) -> None:
    """Apply ``change`` to the user and end every session they have."""
    with session_scope(database_url) as db:
        user = db.scalar(select(User).where(User.name == name))
        if user is None:
            raise AccountError(f"no user called {name!r}")
        change(db, user)
        user.session_version += 1


def set_password(database_url: str, name: str, password: str) -> None:
    _check_password(password)
    hashed = _hasher.hash(password)
    _change(database_url, name, lambda db, user: setattr(user, "password_hash", hashed))


def set_role(database_url: str, name: str, role: str) -> None:
    _check_role(role)
    _change(database_url, name, lambda db, user: setattr(user, "role", role))


def end_sessions(database_url: str, name: str) -> None:
    """Sign the user out everywhere."""
    _change(database_url, name, lambda db, user: None)


def remove_user(database_url: str, name: str) -> None:
    _change(database_url, name, lambda db, user: db.delete(user))


def _account(user: User) -> Account:
    return Account(user.name, user.role, user.session_version)


def authenticate(database_url: str, name: str, password: str) -> Account | None:
    """The account when name and password match, else None."""
    with session_scope(database_url) as db:
        user = db.scalar(select(User).where(User.name == name))
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return _account(user)


def session_account(database_url: str, name: str, version: object) -> Account | None:
    """The account a session cookie names, if that session has not been ended."""
    with session_scope(database_url) as db:
        user = db.scalar(select(User).where(User.name == name))
        if user is None or user.session_version != version:
            return None
        return _account(user)
