"""How long a request may wait for PostgreSQL (issue 17, point 4).

While the database is unreachable every request must fail fast (503, and the
client retries), not wait: the `eventsourcing` library retries its recorders'
calls ten times, each of which could wait for a pooled connection for the whole
connect timeout, so a request waited 15-30 s (or until gunicorn killed its
worker). Here:

* `BoundedPostgresFactory` is the library's factory with every connection given
  libpq's ``connect_timeout``, TCP keep-alives and ``tcp_user_timeout`` (a dead
  network is noticed within about the connect timeout), and the server-side
  ``statement_timeout`` (``LRS_POSTGRES_STATEMENT_TIMEOUT``) and ``lock_timeout``
  (``LRS_POSTGRES_LOCK_TIMEOUT``) for a database that answers but is stuck;
* `once_more` replaces the library's retries: one more attempt, only when the
  connection broke (a restart closes every pooled connection; the next one may
  be fresh), never when no connection came within the connect timeout, nor after
  a statement or lock timeout, which would double the wait.

So a request waits at most about ``LRS_POSTGRES_CONNECT_TIMEOUT`` for the database
while it is unreachable, and a statement runs at most ``LRS_POSTGRES_STATEMENT_TIMEOUT``
while it is reachable (docs/OPERATIONS.md, "Bounds").
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import PostgresFactory
from eventsourcing.utils import Environment
from psycopg_pool import PoolTimeout

F = TypeVar("F", bound=Callable[..., Any])

STATEMENT_TIMEOUT = "LRS_POSTGRES_STATEMENT_TIMEOUT"
"""Key of the eventsourcing environment that carries the statement timeout (seconds)."""
RETRY_WAIT_SECONDS = 0.05

_FINAL = (PoolTimeout, psycopg.errors.QueryCanceled, psycopg.errors.LockNotAvailable)
"""Failures that one more attempt would only repeat, at the same cost."""


class BoundedPostgresFactory(PostgresFactory):  # type: ignore[misc]
    """`eventsourcing.postgres`'s factory, with the LRS's bounds on every connection."""

    def __init__(self, env: Environment | dict[str, str] | None):
        super().__init__(env)
        connect = int(self.env.get(self.POSTGRES_CONNECT_TIMEOUT) or 5)
        statement_ms = int(float(self.env.get(STATEMENT_TIMEOUT) or 0) * 1000)
        lock_ms = int(float(self.env.get(self.POSTGRES_LOCK_TIMEOUT) or 0) * 1000)
        # Read by the pool for every connection it opens (it opens none before the first use).
        # jit=off: the LRS's queries are index lookups of a few milliseconds at most, which
        # JIT compilation only slows down; and on tables without planner statistics yet (a
        # new database, autovacuum off) a bad estimate once made PostgreSQL JIT-compile a
        # query on every append, ~0.7 s each inside the append lock (issue 18 point 3).
        kwargs = self.datastore.pool.kwargs
        assert isinstance(kwargs, dict)
        kwargs.update({
            "connect_timeout": connect,
            "options": f"-c statement_timeout={statement_ms} -c lock_timeout={lock_ms} -c jit=off",
            "keepalives": 1,
            "keepalives_idle": connect,
            "keepalives_interval": 1,
            "keepalives_count": 3,
            "tcp_user_timeout": connect * 1000,
        })


def worth_retrying(exc: BaseException) -> bool:
    """A broken connection (one more attempt gets another), as opposed to no
    connection in time or a statement or lock timeout (one more would wait as long)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _FINAL):
            return False
        current = current.__cause__ or current.__context__
    return True


def once_more(func: F) -> F:
    """Call `func`; after a broken connection, once more (see `worth_retrying`)."""

    @functools.wraps(func)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (InterfaceError, OperationalError) as exc:
            if not worth_retrying(exc):
                raise
        time.sleep(RETRY_WAIT_SECONDS)
        return func(*args, **kwargs)

    return call  # type: ignore[return-value]


def unretried(method: Any) -> Any:
    """A method of the library's recorders without its tenfold retry decorator."""
    return getattr(method, "__wrapped__", method)
