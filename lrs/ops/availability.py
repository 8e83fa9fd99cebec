"""When the store is unavailable: errors a client should retry, not bugs.

A request that fails because the database cannot be reached (down, restarting,
out of connections, a lock not granted in time) is answered 503 with
``Retry-After`` by the HTTP layer, not 500: nothing was stored, and the same
request will succeed once the database is back. This module only decides which
exceptions those are; it knows nothing of HTTP.
"""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing import persistence

RETRY_AFTER_SECONDS = 5
"""What a 503 tells the client to wait before trying again."""

_UNAVAILABLE: tuple[type[BaseException], ...] = (
    psycopg.OperationalError,  # connection refused or lost, pool timeout, lock timeout
    psycopg.InterfaceError,  # a connection that is already closed
)
_WRAPPED = (persistence.OperationalError, persistence.InterfaceError)
"""eventsourcing's wrappings of the driver's errors: decided by their cause."""


def store_unavailable(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) says the database could not be used,
    as opposed to a bug or bad data."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _UNAVAILABLE):
            return True
        if isinstance(current, sqlite3.OperationalError):
            return _sqlite_busy(current)
        cause = current.__cause__ or current.__context__
        if cause is None and isinstance(current, _WRAPPED):
            return True
        current = cause
    return False


def _sqlite_busy(exc: sqlite3.OperationalError) -> bool:
    """SQLite's lock timeout ran out, or the file cannot be opened (disk gone)."""
    message = str(exc).lower()
    return "locked" in message or "busy" in message or "unable to open" in message
