"""The forwarders, kept in table ``lrs_forwarder`` (migration 0010), with what each
last reported (position, statements delivered, lag, last error), and the target's
answers for statements it did not simply accept (``lrs_forwarding_record``)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

import orjson

from lrs.store.database import Database
from xapi.errors import FieldError

VERSIONS = ("1.0.3", "2.0.0")
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MAX_IRIS = 100


class InvalidForwarder(ValueError):
    """A forwarder that cannot be added; every reason, each with its field."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))
        self.errors = errors


class ForwarderExists(Exception):
    """A forwarder of that name exists already."""


@dataclass(frozen=True)
class Forwarder:
    name: str
    url: str
    """The target's xAPI endpoint (``https://host/xapi``)."""
    key: str
    secret: str
    verbs: tuple[str, ...]
    activities: tuple[str, ...]
    version: str
    """The ``X-Experience-API-Version`` sent; statements are converted to it."""
    created_at: str
    position: int = 0
    """Newest log position delivered or settled (skipped by the filters, or recorded)."""
    delivered: int = 0
    lag: int = 0
    """Statements on the stream not yet taken by this forwarder, when it last looked."""
    last_error: str | None = None
    last_error_at: str | None = None
    updated_at: str | None = None

    @property
    def consumer(self) -> str:
        """The name of its durable consumer on the stream."""
        return f"lrs-forward-{self.name}"

    def as_dict(self) -> dict[str, Any]:
        """What the admin API and ``lrs forwarding list`` show: never the secret."""
        return {"name": self.name, "url": self.url, "key": self.key, "verbs": list(self.verbs),
                "activities": list(self.activities), "version": self.version,
                "created_at": self.created_at, "position": self.position,
                "delivered": self.delivered, "lag": self.lag, "last_error": self.last_error,
                "last_error_at": self.last_error_at, "updated_at": self.updated_at}


def validated(name: str | None, url: Any, key: Any, secret: Any, verbs: Any, activities: Any,
              version: Any) -> tuple[str, str, str, str, tuple[str, ...], tuple[str, ...], str]:
    """The fields of a new forwarder, checked; `InvalidForwarder` lists every error."""
    errors: list[FieldError] = []
    if name is None:
        name = "fwd-" + secrets.token_hex(4)
    if not isinstance(name, str) or not _NAME.match(name):
        errors.append(FieldError("name", "forwarder-name", "1 to 64 letters, digits, '-' or '_'"))
    if not isinstance(url, str) or urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc:
        errors.append(FieldError("url", "url", "the target LRS's xAPI endpoint, http(s)://host/xapi"))
    for field, value in (("key", key), ("secret", secret)):
        if not isinstance(value, str) or not value or len(value) > 500:
            errors.append(FieldError(field, "required", "the target's Basic credential (1 to 500 characters)"))
    lists: dict[str, tuple[str, ...]] = {}
    for field, value in (("verbs", verbs), ("activities", activities)):
        if not isinstance(value, list | tuple) or len(value) > _MAX_IRIS:
            errors.append(FieldError(field, "iri-list", f"an array of at most {_MAX_IRIS} IRIs"))
            continue
        bad = [i for i, v in enumerate(value) if not isinstance(v, str) or not urlparse(v).scheme]
        errors += [FieldError(f"{field}[{i}]", "iri", "must be an IRI") for i in bad]
        lists[field] = tuple(str(v) for v in value)
    if version not in VERSIONS:
        errors.append(FieldError("version", "xapi-version", "1.0.3 or 2.0.0"))
    if errors:
        raise InvalidForwarder(errors)
    return (name, str(url).rstrip("/"), str(key), str(secret), lists["verbs"], lists["activities"],
            str(version))


class ForwarderRegistry:
    """The forwarders of this store."""

    def __init__(self, db: Database):
        self.db = db

    def add(self, *, url: Any, key: Any, secret: Any, verbs: Any = (), activities: Any = (),
            version: Any = "1.0.3", name: str | None = None) -> Forwarder:
        fields = validated(name, url, key, secret, verbs, activities, version)
        name, url, key, secret, verb_list, activity_list, version = fields
        now = _now()
        with self.db.transaction(commit=True) as cur:
            if cur.execute("SELECT 1 FROM lrs_forwarder WHERE name = ?", (name,)).fetchone():
                raise ForwarderExists(name)
            cur.execute(
                "INSERT INTO lrs_forwarder (name, url, auth_key, auth_secret, verbs, activities, "
                "xapi_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (name, url, key, secret, orjson.dumps(verb_list).decode(),
                 orjson.dumps(activity_list).decode(), version, now))
        found = self.get(name)
        assert found is not None
        return found

    def all(self) -> list[Forwarder]:
        with self.db.read() as cur:
            rows = cur.execute("SELECT * FROM lrs_forwarder ORDER BY created_at, name").fetchall()
        return [_forwarder(r) for r in rows]

    def get(self, name: str) -> Forwarder | None:
        with self.db.read() as cur:
            row = cur.execute("SELECT * FROM lrs_forwarder WHERE name = ?", (name,)).fetchone()
        return _forwarder(row) if row is not None else None

    def remove(self, name: str) -> bool:
        """Remove a forwarder (its records too); its consumer is deleted by the
        forwarding process when it notices."""
        with self.db.transaction(commit=True) as cur:
            if cur.execute("SELECT 1 FROM lrs_forwarder WHERE name = ?", (name,)).fetchone() is None:
                return False
            cur.execute("DELETE FROM lrs_forwarding_record WHERE forwarder = ?", (name,))
            cur.execute("DELETE FROM lrs_forwarder WHERE name = ?", (name,))
            return True

    def progressed(self, name: str, position: int, delivered: int, lag: int,
                   records: Sequence[tuple[int, str, str, int, str]] = ()) -> None:
        """After a batch: its records (position, statement id, outcome, status, answer),
        the new position, `delivered` more statements delivered, the lag; the error cleared."""
        now = _now()
        with self.db.transaction(commit=True) as cur:
            for position_, statement_id, outcome, status, answer in records:
                cur.execute("DELETE FROM lrs_forwarding_record WHERE forwarder = ? AND position = ?",
                            (name, position_))
                cur.execute(
                    "INSERT INTO lrs_forwarding_record (forwarder, position, statement_id, outcome, "
                    "status, answer, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (name, position_, statement_id, outcome, status, answer[:4000], now))
            cur.execute(
                "UPDATE lrs_forwarder SET position = CASE WHEN position > ? THEN position ELSE ? END, "
                "delivered = delivered + ?, lag = ?, last_error = NULL, updated_at = ? WHERE name = ?",
                (position, position, delivered, lag, now, name))

    def failed(self, name: str, error: str, lag: int | None = None) -> None:
        now = _now()
        with self.db.transaction(commit=True) as cur:
            if lag is None:
                cur.execute("UPDATE lrs_forwarder SET last_error = ?, last_error_at = ?, updated_at = ? "
                            "WHERE name = ?", (error[:2000], now, now, name))
            else:
                cur.execute("UPDATE lrs_forwarder SET last_error = ?, last_error_at = ?, lag = ?, "
                            "updated_at = ? WHERE name = ?", (error[:2000], now, lag, now, name))

    def records(self, name: str, outcome: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM lrs_forwarding_record WHERE forwarder = ?"
        params: tuple[Any, ...] = (name,)
        if outcome is not None:
            sql += " AND outcome = ?"
            params = (name, outcome)
        with self.db.read() as cur:
            rows = cur.execute(sql + " ORDER BY position", params).fetchall()
        return [{"position": int(r["position"]), "statement_id": r["statement_id"],
                 "outcome": r["outcome"], "status": int(r["status"]), "answer": r["answer"],
                 "recorded_at": r["recorded_at"]} for r in rows]


def _forwarder(row: Any) -> Forwarder:
    return Forwarder(
        name=row["name"], url=row["url"], key=row["auth_key"], secret=row["auth_secret"],
        verbs=tuple(orjson.loads(row["verbs"])), activities=tuple(orjson.loads(row["activities"])),
        version=row["xapi_version"], created_at=row["created_at"], position=int(row["position"]),
        delivered=int(row["delivered"]), lag=int(row["lag"]), last_error=row["last_error"],
        last_error_at=row["last_error_at"], updated_at=row["updated_at"])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
