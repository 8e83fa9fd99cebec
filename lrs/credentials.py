"""Credentials for HTTP Basic authentication, with xAPI scopes.

Secrets are kept only as salted scrypt hashes. Verifying scrypt on every
request would cost tens of milliseconds, and reading the row a database round
trip, so a successful verification is remembered in memory for
``cache_seconds`` (setting ``LRS_CREDENTIAL_CACHE_SECONDS``, default 1): a
revoked or rotated credential is refused at most that long after the change.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import orjson

from lrs.database import Database

# Communication 4.2: the scopes an LRS recognises.
SCOPES = frozenset(
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
# Communication 4.2: what is assumed when no scope is given.
DEFAULT_SCOPES = ("statements/write", "statements/read/mine")

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class UnknownScope(ValueError):
    """A scope that Communication 4.2 does not define."""


@dataclass(frozen=True)
class Credential:
    key: str
    scopes: frozenset[str]
    label: str
    created_at: str
    revoked_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "scopes": sorted(self.scopes),
            "label": self.label,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
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
        self._lock = threading.Lock()

    def create(
        self,
        *,
        key: str | None = None,
        secret: str | None = None,
        scopes: Iterable[str] = DEFAULT_SCOPES,
        label: str = "",
    ) -> tuple[Credential, str]:
        """A new credential and its secret (shown once, stored hashed)."""
        scope_set = frozenset(scopes)
        unknown = scope_set - SCOPES
        if unknown:
            raise UnknownScope(f"unknown scopes: {', '.join(sorted(unknown))}")
        key = key or secrets.token_hex(10)
        secret = secret or secrets.token_urlsafe(24)
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.db.transaction(commit=True) as cur:
            cur.execute(
                "INSERT INTO lrs_credential (key, secret_hash, scopes, label, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, hash_secret(secret), orjson.dumps(sorted(scope_set)).decode(), label, created),
            )
        return Credential(key, scope_set, label, created, None), secret

    def list(self) -> list[Credential]:
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT key, scopes, label, created_at, revoked_at FROM lrs_credential ORDER BY created_at, key"
            ).fetchall()
        return [_credential(row) for row in rows]

    def revoke(self, key: str) -> bool:
        revoked = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.db.transaction(commit=True) as cur:
            row = cur.execute(
                "SELECT key FROM lrs_credential WHERE key = ? AND revoked_at IS NULL", (key,)
            ).fetchone()
            if row is None:
                return False
            cur.execute("UPDATE lrs_credential SET revoked_at = ? WHERE key = ?", (revoked, key))
        return True

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
                "SELECT key, secret_hash, scopes, label, created_at, revoked_at "
                "FROM lrs_credential WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None or row["revoked_at"] is not None:
            with self._lock:
                self._verified.pop(fingerprint, None)
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


def _credential(row: Any) -> Credential:
    return Credential(
        key=row["key"],
        scopes=frozenset(orjson.loads(row["scopes"])),
        label=row["label"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
