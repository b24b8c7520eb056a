"""Users, roles and passwords of the web app.

Roles (a user has one):
    editor  reviews findings: confirm, dismiss (with a reason), ignore, reopen
    legal   everything an editor does, plus notices, RDAP look-ups, evidence bundles, and every
            other state (notified, escalated, removed, credit added)
    admin   everything, plus the users

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's second recommended
parameter set); a hash made with older parameters is upgraded at the next login.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..cases.service import now_utc
from ..errors import CopywatchError
from ..store import Store

ROLES = ("editor", "legal", "admin")
REVIEW_STATES = frozenset({"new", "confirmed", "dismissed", "ignored"})
MIN_PASSWORD = 10
_NAME_OK = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so a login takes as long either way.
_DUMMY = _hasher.hash("copywatch-no-such-user")


class UserError(CopywatchError):
    """A user could not be added or changed."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    epoch: int = field(default=0, compare=False)  # the store's session_epoch: see web/app.py

    def can(self, permission: str) -> bool:
        """``review``, ``legal`` or ``admin``."""
        return {
            "review": self.role in ROLES,
            "legal": self.role in ("legal", "admin"),
            "admin": self.role == "admin",
        }[permission]

    def can_move_to(self, state: str) -> bool:
        return self.can("review") if state in REVIEW_STATES else self.can("legal")


def check_name(name: str) -> str:
    name = name.strip().lower()
    if not name or len(name) > 64 or set(name) - _NAME_OK:
        raise UserError(f"{name!r}: a user name is 1-64 of a-z, 0-9 and . _ - @")
    return name


def add_user(store: Store, name: str, role: str, password: str) -> User:
    """Add a user, or reset an existing one's role and password (and enable it again)."""
    name = check_name(name)
    if role not in ROLES:
        raise UserError(f"unknown role {role!r} (roles: {', '.join(ROLES)})")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters")
    store.add_user(name, role, _hasher.hash(password), now_utc())
    return User(name, role)


def _user(row: dict[str, Any]) -> User:
    """The user a store row describes (its session_epoch: 0 in a store older than migration 10)."""
    return User(row["name"], row["role"], int(row.get("session_epoch") or 0))


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user if the name and password match an enabled user, else None."""
    try:
        name = check_name(name)
    except UserError:
        name = ""
    row = store.user(name) if name else None
    try:
        _hasher.verify(row["password_hash"] if row else _DUMMY, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or row["disabled"]:
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        store.set_password_hash(name, _hasher.hash(password))
    return _user(row)


def current_user(store: Store, name: str) -> User | None:
    """The session's user as the store knows it now: a disabled or removed user is logged out."""
    row = store.user(name) if name else None
    if row is None or row["disabled"]:
        return None
    return _user(row)
