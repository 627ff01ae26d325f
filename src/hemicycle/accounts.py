"""Accounts: readers need none; cataloguers and administrators sign in.

Passwords are hashed with Argon2id. Roles are ordered: an admin may do anything a
cataloguer may.
"""

from __future__ import annotations

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


def role_allows(role: str | None, required: str) -> bool:
    """Whether ``role`` may do what ``required`` may."""
    if role in SERVICE_ROLES or required in SERVICE_ROLES:
        return role == required or role == "admin"
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(required)


def add_user(database_url: str, name: str, password: str, role: str) -> bool:
    """Create the account or reset it; return True when it is new."""
    name = name.strip()
    if not name or len(name) > 80:
        raise AccountError("user name must be 1 to 80 characters")
    if role not in ALL_ROLES:
        raise AccountError(f"unknown role {role!r}: expected one of {', '.join(ALL_ROLES)}")
    if len(password) < 8:
        raise AccountError("password must be at least 8 characters")
    with session_scope(database_url) as db:
        user = db.scalar(select(User).where(User.name == name))
        created = user is None
        if created:
            user = User(name=name, role=role, password_hash=_hasher.hash(password))
            db.add(user)
        else:
            user.role = role
            user.password_hash = _hasher.hash(password)
    return created


def authenticate(database_url: str, name: str, password: str) -> User | None:
    """The user when name and password match, else None."""
    with session_scope(database_url) as db:
        user = db.scalar(select(User).where(User.name == name))
        try:
            _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return None
        return user
