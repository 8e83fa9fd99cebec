"""Accounts for people: coordinators (and admins) who sign in to the dashboard as themselves.

An account has a name (what its owner types), a display name (what the
dashboard shows), a role (`lrs.credentials.ROLES`) and the programs it may see
(`lrs.grants`). Its password is hashed as credential secrets are (salted
scrypt); a new account, or one whose password was reset, gets a one-time
password that must be replaced at the first sign-in. Machines keep using API
credentials; accounts are for the dashboard.

Disabling an account or resetting its password ends its sessions
(`lrs.sessions.SessionStore.end_all`, called by the admin API and the CLI).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lrs.credentials import ROLES, check_secret, hash_secret
from lrs.grants import ALL, ProgramGrant
from lrs.store.database import Database

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")
MAX_DISPLAY_NAME = 200
EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")
"""An address the daily digest can be sent to (issue 21 point 8); empty: none."""
ACCOUNT_ROLES = ("coordinator", "admin", "auditor", "reader")
"""Roles an account may have; only coordinator and admin open the dashboard."""


class AccountError(ValueError):
    """An account that cannot be created or changed as asked (the message says why)."""


class WeakPassword(AccountError):
    """A password below the minimum strength (`check_strength`)."""


@dataclass(frozen=True)
class Account:
    name: str
    display_name: str
    role: str
    programs: ProgramGrant
    created_at: str
    disabled_at: str | None
    must_change_password: bool
    password_changed_at: str | None
    email: str = ""
    """Where its daily digest goes (issue 21 point 8); empty: no digest."""

    @property
    def scopes(self) -> frozenset[str]:
        return ROLES[self.role]

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "display_name": self.display_name,
            "role": self.role,
            "programs": self.programs.as_value(),
            "created_at": self.created_at,
            "disabled_at": self.disabled_at,
            "must_change_password": self.must_change_password,
            "password_changed_at": self.password_changed_at,
            "email": self.email,
        }


def check_strength(password: str, name: str, min_length: int) -> None:
    """`WeakPassword` unless the password has at least ``min_length`` characters, at
    least 5 different ones, and does not contain the account name."""
    if len(password) < min_length:
        raise WeakPassword(f"a password needs at least {min_length} characters")
    if len(set(password)) < 5:
        raise WeakPassword("a password needs at least 5 different characters")
    if name and name.casefold() in password.casefold():
        raise WeakPassword("a password must not contain the account name")


def one_time_password() -> str:
    """A random password for the first sign-in (about 120 bits)."""
    return secrets.token_urlsafe(15)


class AccountStore:
    def __init__(self, db: Database, min_password_length: int = 12):
        self.db = db
        self.min_password_length = min_password_length

    def create(self, name: str, *, display_name: str, role: str,
               programs: ProgramGrant = ALL, email: str = "") -> tuple[Account, str]:
        """A new account and its one-time password (shown once, stored hashed)."""
        if not NAME.fullmatch(name):
            raise AccountError("an account name is 1-100 letters, digits and . _ @ + -, "
                               "starting with a letter or digit")
        if role not in ACCOUNT_ROLES:
            raise AccountError(f"unknown role: {role} (roles: {', '.join(ACCOUNT_ROLES)})")
        display_name = display_name.strip()
        if not display_name or len(display_name) > MAX_DISPLAY_NAME:
            raise AccountError(f"a display name is 1-{MAX_DISPLAY_NAME} characters")
        email = checked_email(email)
        password = one_time_password()
        with self.db.transaction(commit=True) as cur:
            if cur.execute("SELECT 1 AS found FROM lrs_account WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"an account named {name} exists already")
            cur.execute(
                "INSERT INTO lrs_account (name, display_name, password_hash, role, programs, created_at,"
                " must_change_password, email) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
                (name, display_name, hash_secret(password), role, programs.stored(), _now(), email))
        account = self.get(name)
        assert account is not None
        return account, password

    def list(self) -> list[Account]:
        with self.db.read() as cur:
            rows = cur.execute(f"SELECT {_COLUMNS} FROM lrs_account ORDER BY name").fetchall()
        return [_account(r) for r in rows]

    def get(self, name: str) -> Account | None:
        with self.db.read() as cur:
            row = cur.execute(f"SELECT {_COLUMNS} FROM lrs_account WHERE name = ?", (name,)).fetchone()
        return None if row is None else _account(row)

    def verify(self, name: str, password: str) -> Account | None:
        """The active account with this name and password, or None (as slow either way)."""
        with self.db.read() as cur:
            row = cur.execute(f"SELECT password_hash, {_COLUMNS} FROM lrs_account WHERE name = ?",
                              (name,)).fetchone()
        if row is None or row["disabled_at"] is not None:
            hash_secret(password)  # as slow as a wrong password: timing does not tell who exists
            return None
        if not check_secret(password, row["password_hash"]):
            return None
        return _account(row)

    def change_password(self, name: str, current: str, new: str) -> Account:
        """Replace the password (the current one proves who asks); `AccountError` otherwise."""
        if self.verify(name, current) is None:
            raise AccountError("the current password is wrong")
        if new == current:
            raise WeakPassword("the new password must differ from the current one")
        check_strength(new, name, self.min_password_length)
        with self.db.transaction(commit=True) as cur:
            cur.execute("UPDATE lrs_account SET password_hash = ?, must_change_password = 0,"
                        " password_changed_at = ? WHERE name = ?", (hash_secret(new), _now(), name))
        account = self.get(name)
        assert account is not None
        return account

    def reset(self, name: str) -> tuple[Account, str] | None:
        """A new one-time password (to be changed at the next sign-in); None when there is
        no account with this name. A disabled account stays disabled."""
        password = one_time_password()
        with self.db.transaction(commit=True) as cur:
            if cur.execute("SELECT 1 AS found FROM lrs_account WHERE name = ?", (name,)).fetchone() is None:
                return None
            cur.execute("UPDATE lrs_account SET password_hash = ?, must_change_password = 1,"
                        " password_changed_at = ? WHERE name = ?", (hash_secret(password), _now(), name))
        account = self.get(name)
        assert account is not None
        return account, password

    def disable(self, name: str) -> Account | None:
        """Refuse every sign-in of this account from now on; None when there is no active one."""
        with self.db.transaction(commit=True) as cur:
            row = cur.execute("SELECT 1 AS found FROM lrs_account WHERE name = ? AND disabled_at IS NULL",
                              (name,)).fetchone()
            if row is None:
                return None
            cur.execute("UPDATE lrs_account SET disabled_at = ? WHERE name = ?", (_now(), name))
        return self.get(name)

    def set_programs(self, name: str, programs: ProgramGrant) -> Account | None:
        with self.db.transaction(commit=True) as cur:
            if cur.execute("SELECT 1 AS found FROM lrs_account WHERE name = ?", (name,)).fetchone() is None:
                return None
            cur.execute("UPDATE lrs_account SET programs = ? WHERE name = ?", (programs.stored(), name))
        return self.get(name)


    def set_email(self, name: str, email: str) -> Account | None:
        """Where the account's digest goes (empty: none); None when there is no such account."""
        email = checked_email(email)
        with self.db.transaction(commit=True) as cur:
            if cur.execute("SELECT 1 AS found FROM lrs_account WHERE name = ?", (name,)).fetchone() is None:
                return None
            cur.execute("UPDATE lrs_account SET email = ? WHERE name = ?", (email, name))
        return self.get(name)


def checked_email(email: str) -> str:
    """The address, trimmed; `AccountError` unless it is one (or empty)."""
    email = email.strip()
    if email and (len(email) > 254 or not EMAIL.fullmatch(email)):
        raise AccountError(f"not an e-mail address: {email!r}")
    return email


_COLUMNS = ("name, display_name, role, programs, created_at, disabled_at, must_change_password,"
            " password_changed_at, email")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _account(row: Any) -> Account:
    return Account(
        name=row["name"], display_name=row["display_name"], role=row["role"],
        programs=ProgramGrant.from_stored(row["programs"]), created_at=row["created_at"],
        disabled_at=row["disabled_at"], must_change_password=bool(row["must_change_password"]),
        password_changed_at=row["password_changed_at"], email=row["email"] or "")
