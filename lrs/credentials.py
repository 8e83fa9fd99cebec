"""Credentials for HTTP Basic authentication, with scopes and roles.

Secrets are kept only as salted scrypt hashes. Verifying scrypt on every
request would cost tens of milliseconds, and reading the row a database round
trip, so a successful verification is remembered in memory for
``cache_seconds`` (setting ``LRS_CREDENTIAL_CACHE_SECONDS``, default 1): a
revoked or rotated credential is refused at most that long after the change
(at once in the process that made the change).

A role is a named set of scopes (`ROLES`); a credential has either a role or
explicit scopes. Beside the xAPI scopes (Communication 4.2) the LRS defines
its own for the APIs that are not xAPI (`LRS_SCOPES`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from lrs.grants import ALL, ProgramGrant
from lrs.store.database import Database

# Communication 4.2: the scopes an LRS recognises.
XAPI_SCOPES = frozenset(
    {
        "statements/write",
        "statements/read/mine",
        "statements/read",
        "state",
        "define",
        "profile",
        "all/read",
        "all",
    }
)
# The LRS's own APIs: never implied by the xAPI scope "all".
COORDINATOR_READ = "coordinator/read"
AUDIT_READ = "audit/read"
ADMIN = "admin"
LRS_SCOPES = frozenset({COORDINATOR_READ, AUDIT_READ, ADMIN})
SCOPES = XAPI_SCOPES | LRS_SCOPES

ROLES: dict[str, frozenset[str]] = {
    "provider": frozenset({"statements/write", "state", "profile"}),
    "reader": frozenset({"all/read"}),
    "coordinator": frozenset({COORDINATOR_READ}),
    "auditor": frozenset({AUDIT_READ}),
    "admin": frozenset({ADMIN}),
}

# Communication 4.2: what is assumed when no scope is given.
DEFAULT_SCOPES = ("statements/write", "statements/read/mine")

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class UnknownScope(ValueError):
    """A scope that neither Communication 4.2 nor the LRS defines."""


class UnknownRole(ValueError):
    """A role that is not one of `ROLES`."""


@dataclass(frozen=True)
class Credential:
    key: str
    scopes: frozenset[str]
    label: str
    created_at: str
    revoked_at: str | None
    role: str = ""
    secret_rotated_at: str | None = None
    programs: ProgramGrant = ALL
    """The programs of the coordinator views it may see (issue 20); ``admin`` sees all."""

    def still_valid_for(self, authenticated_at: float) -> bool:
        """Whether a proof of this credential made at `authenticated_at` (epoch
        seconds: a token's `iat`, a dashboard sign-in) still counts: not once the
        credential is revoked, nor once its secret was replaced after that moment."""
        if self.revoked_at is not None:
            return False
        if self.secret_rotated_at is None:
            return True
        return datetime.fromisoformat(self.secret_rotated_at).timestamp() <= authenticated_at

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "role": self.role or None,
            "scopes": sorted(self.scopes),
            "label": self.label,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
            "secret_rotated_at": self.secret_rotated_at,
            "programs": self.programs.as_value(),
        }


def hash_secret(secret: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_secret(secret: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(secret.encode(), salt=bytes.fromhex(salt_hex), dklen=32, **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


class CredentialStore:
    def __init__(self, db: Database, cache_seconds: float = 1.0):
        self.db = db
        self.cache_seconds = cache_seconds
        # (key, sha256 of the secret) -> (credential, stored hash, when verified)
        self._verified: dict[tuple[str, bytes], tuple[Credential, str, float]] = {}
        # key -> (credential or None when unknown, when read): for bearer tokens
        self._current: dict[str, tuple[Credential | None, float]] = {}
        self._lock = threading.Lock()

    def create(
        self,
        *,
        key: str | None = None,
        secret: str | None = None,
        scopes: Iterable[str] | None = None,
        role: str | None = None,
        label: str = "",
        programs: ProgramGrant = ALL,
    ) -> tuple[Credential, str]:
        """A new credential and its secret (shown once, stored hashed).

        ``role`` gives the scopes of that role; otherwise ``scopes`` (default
        `DEFAULT_SCOPES`). Giving both is an error. ``programs``: what it sees of
        the coordinator views (every program by default)."""
        if role:
            if scopes is not None:
                raise ValueError("give a role or scopes, not both")
            if role not in ROLES:
                raise UnknownRole(f"unknown role: {role} (roles: {', '.join(ROLES)})")
            scope_set = ROLES[role]
        else:
            scope_set = frozenset(DEFAULT_SCOPES if scopes is None else scopes)
        unknown = scope_set - SCOPES
        if unknown:
            raise UnknownScope(f"unknown scopes: {', '.join(sorted(unknown))}")
        key = key or secrets.token_hex(10)
        secret = secret or secrets.token_urlsafe(24)
        created = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db.transaction(commit=True) as cur:
            cur.execute(
                "INSERT INTO lrs_credential (key, secret_hash, scopes, label, created_at, role, programs) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (key, hash_secret(secret), orjson.dumps(sorted(scope_set)).decode(), label, created,
                 role or "", programs.stored()),
            )
        with self._lock:
            self._current.pop(key, None)
        return Credential(key, scope_set, label, created, None, role or "", programs=programs), secret

    def list(self) -> list[Credential]:
        with self.db.read() as cur:
            rows = cur.execute(
                f"SELECT {_COLUMNS} FROM lrs_credential ORDER BY created_at, key"
            ).fetchall()
        return [_credential(row) for row in rows]

    def get(self, key: str) -> Credential | None:
        """The credential with this key, revoked or not; None when there is none."""
        with self.db.read() as cur:
            row = cur.execute(
                f"SELECT {_COLUMNS} FROM lrs_credential WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else _credential(row)

    def current(self, key: str) -> Credential | None:
        """`get`, remembered for ``cache_seconds``: what a bearer token is checked
        against (revoked? secret rotated since the token was issued?)."""
        now = time.monotonic()
        with self._lock:
            remembered = self._current.get(key)
        if remembered is not None and now - remembered[1] < self.cache_seconds:
            return remembered[0]
        credential = self.get(key)
        with self._lock:
            if len(self._current) > 10_000:
                self._current.clear()
            self._current[key] = (credential, now)
        return credential

    def revoke(self, key: str) -> bool:
        """Refuse this credential from now on (its tokens too); False when there is
        no active credential with this key."""
        revoked = _now()
        with self.db.transaction(commit=True) as cur:
            row = cur.execute(
                "SELECT key FROM lrs_credential WHERE key = ? AND revoked_at IS NULL", (key,)
            ).fetchone()
            if row is None:
                return False
            cur.execute("UPDATE lrs_credential SET revoked_at = ? WHERE key = ?", (revoked, key))
        self._forget(key)
        return True

    def rotate(self, key: str, secret: str | None = None) -> tuple[Credential, str] | None:
        """Replace the secret of an active credential (tokens issued before are then
        refused); the credential and its new secret, or None when there is no
        active credential with this key."""
        secret = secret or secrets.token_urlsafe(24)
        rotated = _now()
        with self.db.transaction(commit=True) as cur:
            row = cur.execute(
                "SELECT key FROM lrs_credential WHERE key = ? AND revoked_at IS NULL", (key,)
            ).fetchone()
            if row is None:
                return None
            cur.execute(
                "UPDATE lrs_credential SET secret_hash = ?, secret_rotated_at = ? WHERE key = ?",
                (hash_secret(secret), rotated, key),
            )
        self._forget(key)
        credential = self.get(key)
        assert credential is not None
        return credential, secret

    def set_programs(self, key: str, programs: ProgramGrant) -> Credential | None:
        """Grant an active credential these programs instead of its current ones; None
        when there is none. Other processes see the change within ``cache_seconds``."""
        with self.db.transaction(commit=True) as cur:
            row = cur.execute(
                "SELECT key FROM lrs_credential WHERE key = ? AND revoked_at IS NULL", (key,)
            ).fetchone()
            if row is None:
                return None
            cur.execute("UPDATE lrs_credential SET programs = ? WHERE key = ?", (programs.stored(), key))
        self._forget(key)
        return self.get(key)

    def _forget(self, key: str) -> None:
        with self._lock:
            self._current.pop(key, None)
            for fingerprint in [f for f in self._verified if f[0] == key]:
                del self._verified[fingerprint]

    def cached(self, key: str, secret: str) -> Credential | None:
        """The credential this key and secret were verified as within ``cache_seconds``
        (no database read, no scrypt); None when not remembered."""
        fingerprint = (key, hashlib.sha256(secret.encode()).digest())
        with self._lock:
            remembered = self._verified.get(fingerprint)
        if remembered is not None and time.monotonic() - remembered[2] < self.cache_seconds:
            return remembered[0]
        return None

    def verify(self, key: str, secret: str) -> Credential | None:
        """The active credential for this key and secret, or None."""
        fingerprint = (key, hashlib.sha256(secret.encode()).digest())
        now = time.monotonic()
        with self._lock:
            remembered = self._verified.get(fingerprint)
        if remembered is not None and now - remembered[2] < self.cache_seconds:
            return remembered[0]
        with self.db.read() as cur:
            row = cur.execute(
                f"SELECT secret_hash, {_COLUMNS} FROM lrs_credential WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None or row["revoked_at"] is not None:
            with self._lock:
                self._verified.pop(fingerprint, None)
            # As slow as a wrong secret, so that timing does not tell which keys exist.
            hash_secret(secret)
            return None
        if remembered is None or remembered[1] != row["secret_hash"]:
            if not check_secret(secret, row["secret_hash"]):
                return None
        credential = _credential(row)
        with self._lock:
            if len(self._verified) > 10_000:
                self._verified.clear()
            self._verified[fingerprint] = (credential, row["secret_hash"], now)
        return credential


_COLUMNS = "key, scopes, label, created_at, revoked_at, role, secret_rotated_at, programs"


def _now() -> str:
    """Revocations and rotations to the microsecond: they are compared with the
    issue time of tokens."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _credential(row: Any) -> Credential:
    return Credential(
        key=row["key"],
        scopes=frozenset(orjson.loads(row["scopes"])),
        label=row["label"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        role=row["role"],
        secret_rotated_at=row["secret_rotated_at"],
        programs=ProgramGrant.from_stored(row["programs"]),
    )
