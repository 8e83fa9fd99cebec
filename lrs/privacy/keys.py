"""A data key per person, wrapped under a master key (issue 19 points 1, 5).

A person is named by `PersonKeyring.person_id`: HMAC-SHA256 of the canonical IFI
(`xapi.identifiers.agent_key`) under the store's person-id key, hex; the index and
the views store that, never the identifier. The person-id key is random, made once
per store and kept in ``lrs_secret`` (name ``person-id-key``) wrapped under the
master key: it is not derived from the master key, so that rotating the master key
(`rewrap_all`) re-wraps it and every person keeps their id, and a copy of the
database alone cannot be used to test guessed addresses against the ids
(`PersonKeyring.open` loads it). Each person has a random
AES-256-GCM data key, created on first sight and stored in ``person_key`` wrapped
(AES-GCM) under a key-encryption key derived from the master key. `destroy`
overwrites the wrapped key with NULL in the caller's transaction: from then on
`encrypt`/`decrypt` raise `PersonErased`.

Cache: unwrapped keys are cached per process. Every `key_for` of a cached key
still reads its row's ``destroyed_at`` unless the entry is younger than
``cache_seconds`` (default 0: always check), so a key destroyed by another
process is noticed at its next use after that validity; `destroy` evicts the
local cache at once.

AES-GCM comes from `cryptography`: authenticated encryption done right is not a
thing to write by hand.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from xapi.identifiers import agent_key

VERSION = b"\x01"
"""First byte of every ciphertext: the envelope version (nonce 12 bytes, then AES-GCM)."""


class PersonErased(Exception):
    """The person's key is destroyed: their data cannot be read or written any more."""

    def __init__(self, person_id: str):
        super().__init__(f"person {person_id} is erased")
        self.person_id = person_id


class NoIdentifier(ValueError):
    """The Agent (or anonymous Group) has no inverse functional identifier."""


class Cursor(Protocol):
    def execute(self, sql: str, params: Any = ()) -> Any: ...

    def executemany(self, sql: str, params: Any) -> Any: ...


def seal_bytes(aead: AESGCM, plaintext: bytes, associated: bytes) -> bytes:
    """Version byte, random nonce, AES-GCM of ``plaintext`` bound to ``associated``."""
    nonce = secrets.token_bytes(12)
    return VERSION + nonce + aead.encrypt(nonce, plaintext, associated)


def open_bytes(aead: AESGCM, ciphertext: bytes, associated: bytes) -> bytes:
    """The plaintext of `seal_bytes`; `cryptography.exceptions.InvalidTag` when the
    ciphertext or its associated data was changed."""
    if ciphertext[:1] != VERSION:
        raise ValueError("unknown ciphertext version")
    return aead.decrypt(ciphertext[1:13], ciphertext[13:], associated)


def decode_master_key(text: str) -> bytes:
    """A master key from its base64 text; exactly 32 bytes."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as error:
        raise ValueError("the master key is not base64") from error
    if len(key) != 32:
        raise ValueError(f"the master key must be 32 bytes, not {len(key)}")
    return key


def load_master_key(*, key: str = "", key_file: str = "", generated_file: str = "") -> tuple[bytes, bool]:
    """The master key from ``key`` (base64), else ``key_file``, else ``generated_file``,
    generated there (mode 0600) when absent. Returns the key and whether it was generated
    (or read from the generated file), so the caller can warn loudly in production."""
    if key:
        return decode_master_key(key), False
    if key_file:
        with open(key_file, encoding="ascii") as f:
            return decode_master_key(f.read()), False
    if not generated_file:
        raise ValueError("no master key: set LRS_MASTER_KEY or LRS_MASTER_KEY_FILE")
    if not os.path.exists(generated_file):
        os.makedirs(os.path.dirname(os.path.abspath(generated_file)), exist_ok=True)
        try:
            fd = os.open(generated_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker created it first: read theirs
        else:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(base64.b64encode(secrets.token_bytes(32)).decode("ascii") + "\n")
    with open(generated_file, encoding="ascii") as f:
        return decode_master_key(f.read()), True


HASH_KEY_NAME = "person-id-key"
"""The ``lrs_secret`` row holding the wrapped person-id key."""


class WrongMasterKey(ValueError):
    """The master key does not open this store's keys (changed without ``lrs keys rotate``)."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return hmac.new(master, b"lrs-privacy/" + purpose, hashlib.sha256).digest()


def _now() -> str:
    return datetime.now(UTC).isoformat()


class PersonKeyring:
    """Data keys per person, under one master key; one per app/store, no globals."""

    def __init__(self, master_key: bytes, *, hash_key: bytes | None = None, cache_seconds: float = 0.0):
        """``hash_key`` is the person-id key when known (tests); otherwise `open`
        loads (or makes) the store's before the first `person_id`."""
        if len(master_key) != 32:
            raise ValueError("the master key must be 32 bytes")
        if hash_key is not None and len(hash_key) != 32:
            raise ValueError("the person-id key must be 32 bytes")
        self._hash_key = hash_key
        self._kek = AESGCM(_derive(master_key, b"key-encryption"))
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[AESGCM, float]] = {}

    def open(self, cursor: Cursor) -> PersonKeyring:
        """Load the store's person-id key, making it on the store's first start (the
        first of two starting processes wins; both read it). `WrongMasterKey` when
        the master key cannot unwrap it: ids would change, so nothing may start."""
        select = "SELECT value FROM lrs_secret WHERE name = ?"
        row = cursor.execute(select, (HASH_KEY_NAME,)).fetchone()
        if row is None:
            wrapped = self._wrap(HASH_KEY_NAME, secrets.token_bytes(32))
            cursor.execute(
                "INSERT INTO lrs_secret (name, value, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO NOTHING",
                (HASH_KEY_NAME, base64.b64encode(wrapped).decode("ascii"), _now()),
            )
            row = cursor.execute(select, (HASH_KEY_NAME,)).fetchone()
        try:
            self._hash_key = self._unwrap(HASH_KEY_NAME, base64.b64decode(row["value"]))
        except InvalidTag:
            raise WrongMasterKey(
                "the master key does not open this store's keys: it was changed without "
                "`lrs keys rotate` (set the previous LRS_MASTER_KEY / LRS_MASTER_KEY_FILE)"
            ) from None
        return self

    # --- who ---
    def person_id(self, agent: Mapping[str, Any]) -> str:
        """Keyed hash (hex) of the Agent's or identified Group's canonical IFI."""
        if self._hash_key is None:
            raise RuntimeError("PersonKeyring.open was not called: the person-id key is not loaded")
        canonical = agent_key(agent)
        if canonical is None:
            raise NoIdentifier("the agent has no inverse functional identifier")
        return self.person_id_of_key(canonical)

    def person_id_of_key(self, canonical: str) -> str:
        """`person_id` of an already canonical IFI (`xapi.identifiers.agent_key`), as
        the index and documents keep it in stores made before encryption."""
        if self._hash_key is None:
            raise RuntimeError("PersonKeyring.open was not called: the person-id key is not loaded")
        return hmac.new(self._hash_key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()

    # --- keys ---
    def _wrap(self, person_id: str, key: bytes) -> bytes:
        nonce = secrets.token_bytes(12)
        return VERSION + nonce + self._kek.encrypt(nonce, key, person_id.encode("ascii"))

    def _unwrap(self, person_id: str, wrapped: bytes) -> bytes:
        wrapped = bytes(wrapped)
        return self._kek.decrypt(wrapped[1:13], wrapped[13:], person_id.encode("ascii"))

    def _row(self, person_id: str, cursor: Cursor) -> Any:
        return cursor.execute(
            "SELECT wrapped_key, destroyed_at FROM person_key WHERE person_id = ?", (person_id,)
        ).fetchone()

    def _aead(self, person_id: str, cursor: Cursor, *, create: bool) -> AESGCM:
        cached = self._cache.get(person_id)
        if cached is not None and time.monotonic() - cached[1] < self._cache_seconds:
            return cached[0]
        row = self._row(person_id, cursor)
        if row is None and create:
            cursor.execute(
                "INSERT INTO person_key (person_id, wrapped_key, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (person_id) DO NOTHING",
                (person_id, self._wrap(person_id, AESGCM.generate_key(bit_length=256)), _now()),
            )
            row = self._row(person_id, cursor)
        if row is None:
            raise KeyError(person_id)
        if row["destroyed_at"] is not None or row["wrapped_key"] is None:
            self._cache.pop(person_id, None)
            raise PersonErased(person_id)
        if cached is not None:
            aead = cached[0]
        else:
            aead = AESGCM(self._unwrap(person_id, row["wrapped_key"]))
        self._cache[person_id] = (aead, time.monotonic())
        return aead

    def key_for(self, person_id: str, cursor: Cursor) -> bytes:
        """The person's data key, created (race-free) on first sight; `PersonErased` once destroyed."""
        self._aead(person_id, cursor, create=True)
        row = self._row(person_id, cursor)
        return self._unwrap(person_id, row["wrapped_key"])

    def exists(self, person_id: str, cursor: Cursor) -> bool:
        """Whether the person was ever seen (destroyed or not)."""
        return self._row(person_id, cursor) is not None

    def destroy(self, person_id: str, cursor: Cursor) -> bool:
        """Overwrite the person's wrapped key and mark it destroyed, in the caller's
        transaction; True when a live key was destroyed, False when unknown or already."""
        self._cache.pop(person_id, None)
        row = self._row(person_id, cursor)
        if row is None or row["destroyed_at"] is not None:
            return False
        cursor.execute(
            "UPDATE person_key SET wrapped_key = NULL, destroyed_at = ? WHERE person_id = ?",
            (_now(), person_id),
        )
        return True

    def data_keys(self, person_ids: Sequence[str], cursor: Cursor, *,
                  create: bool) -> dict[str, AESGCM | None]:
        """The AEAD of each person, None for an erased one (or, without ``create``, one
        never seen): a batch's keys in one SELECT (and, with ``create``, one INSERT of
        the missing ones and one SELECT of those), cached entries not read at all.
        What the store's sealing of a batch of statements uses (issue 19 point 6)."""
        found: dict[str, AESGCM | None] = {}
        now = time.monotonic()
        wanted = []
        for person_id in dict.fromkeys(person_ids):
            cached = self._cache.get(person_id)
            if cached is not None and now - cached[1] < self._cache_seconds:
                found[person_id] = cached[0]
            else:
                wanted.append(person_id)
        if create and wanted:
            # The INSERT first: on SQLite a transaction that reads before it writes cannot
            # wait for the write lock (SQLITE_BUSY at once); a writer first waits its turn.
            cursor.executemany(
                "INSERT INTO person_key (person_id, wrapped_key, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (person_id) DO NOTHING",
                [(p, self._wrap(p, AESGCM.generate_key(bit_length=256)), _now()) for p in wanted],
            )
        rows = self._rows(wanted, cursor)
        for person_id in wanted:
            row = rows.get(person_id)
            if row is None or row["destroyed_at"] is not None or row["wrapped_key"] is None:
                self._cache.pop(person_id, None)
                found[person_id] = None
                continue
            cached = self._cache.get(person_id)
            aead = cached[0] if cached is not None else AESGCM(self._unwrap(person_id, row["wrapped_key"]))
            self._cache[person_id] = (aead, now)
            found[person_id] = aead
        return found

    def _rows(self, person_ids: Sequence[str], cursor: Cursor) -> dict[str, Any]:
        rows: dict[str, Any] = {}
        for start in range(0, len(person_ids), 500):
            chunk = list(person_ids[start:start + 500])
            marks = ", ".join("?" for _ in chunk)
            for row in cursor.execute(
                f"SELECT person_id, wrapped_key, destroyed_at FROM person_key WHERE person_id IN ({marks})",
                chunk,
            ).fetchall():
                rows[str(row["person_id"])] = row
        return rows

    # --- data ---
    def seal(self, aead: AESGCM, plaintext: bytes, associated: bytes) -> bytes:
        """`seal_bytes` with one of this keyring's `data_keys`."""
        return seal_bytes(aead, plaintext, associated)

    def unseal(self, aead: AESGCM, ciphertext: bytes, associated: bytes) -> bytes:
        """`open_bytes` with one of this keyring's `data_keys`."""
        return open_bytes(aead, ciphertext, associated)

    def encrypt(self, person_id: str, plaintext: bytes, cursor: Cursor) -> bytes:
        """Version byte, nonce, AES-GCM ciphertext bound to the person id."""
        aead = self._aead(person_id, cursor, create=True)
        nonce = secrets.token_bytes(12)
        return VERSION + nonce + aead.encrypt(nonce, plaintext, person_id.encode("ascii"))

    def decrypt(self, person_id: str, ciphertext: bytes, cursor: Cursor) -> bytes:
        """The plaintext; `PersonErased` when the key is destroyed."""
        aead = self._aead(person_id, cursor, create=False)
        if ciphertext[:1] != VERSION:
            raise ValueError("unknown ciphertext version")
        return aead.decrypt(ciphertext[1:13], ciphertext[13:], person_id.encode("ascii"))

    # --- rotation (point 5) ---
    def rewrap_all(self, new: PersonKeyring, cursor: Cursor) -> int:
        """Re-wrap every live data key, and the person-id key, under ``new``'s master
        key in the caller's transaction; no event rewritten, every person keeps their
        id (``new`` takes this keyring's person-id key). Returns the data keys re-wrapped."""
        if self._hash_key is None:
            raise RuntimeError("PersonKeyring.open was not called: the person-id key is not loaded")
        rows = cursor.execute(
            "SELECT person_id, wrapped_key FROM person_key WHERE wrapped_key IS NOT NULL"
        ).fetchall()
        for row in rows:
            key = self._unwrap(row["person_id"], row["wrapped_key"])
            cursor.execute("UPDATE person_key SET wrapped_key = ? WHERE person_id = ?",
                           (new._wrap(row["person_id"], key), row["person_id"]))
        wrapped = new._wrap(HASH_KEY_NAME, self._hash_key)
        cursor.execute("UPDATE lrs_secret SET value = ? WHERE name = ?",
                       (base64.b64encode(wrapped).decode("ascii"), HASH_KEY_NAME))
        new._hash_key = self._hash_key
        self._cache.clear()
        new._cache.clear()
        return len(rows)
