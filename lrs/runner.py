"""Keeps the asynchronous views up to date from the event store's ordered log.

Each view (`projections.view.View`) has a position: the notification id of the
last log entry it has taken into account, kept in the `eventsourcing`
library's single-row tracking table (`SQLiteTrackingRecorder` /
`PostgresTrackingRecorder`, on the event store's own connections). A batch is
applied in one transaction that

1. locks the view's tracking row and checks that it still holds the position
   the batch starts from (another runner may have moved it meanwhile),
2. lets the view fold the batch's statements into its tables,
3. records the batch's end with the library's ``_insert_tracking``, which
   refuses a position that is not greater than the one recorded.

So rows and position commit together or not at all: a crash (or an error)
mid-batch leaves both as they were, a restarted runner resumes from the last
committed position, and of two runners racing on one view the second finds
the position moved and drops its batch ("someone else did it"). Views are
independent: each has its own position and its own transactions.

Only `Statement.Stored` events matter to views; document events are filtered
out by topic in the query, but the position still advances over them.

SQLite: a polling loop over the notification log (the library's SQLite
recorder has no subscriptions). PostgreSQL: the library's recorder NOTIFYs on
every append; the runner LISTENs on that channel and wakes at once, polling
as a fallback.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from eventsourcing.persistence import IntegrityError, Tracking

from lrs.store.application import LearningRecordStore
from lrs.store.database import Cursor, one_at_a_time
from projections.view import Positioned, View

log = logging.getLogger("lrs.projections")

"""The only events views see: one per stored statement."""

Progress = Callable[[int, int], None]
"""Called with (position reached, log head) after each committed batch."""


class UnknownView(LookupError):
    """A view name that `build_views` did not return."""


class ViewFailed(Exception):
    """A view raised while applying a batch; nothing of the batch was kept."""

    def __init__(self, name: str, first: int, last: int):
        super().__init__(f"view {name!r} failed on log positions {first}..{last}")
        self.name = name


class _Superseded(Exception):
    """Another runner applied (or is applying) this view's batch."""


@dataclass(frozen=True)
class ViewStatus:
    name: str
    position: int
    """Notification id of the last log entry the view has taken into account."""
    lag_events: int
    """Log entries after `position` up to the head (documents and, on PostgreSQL,
    ids of rolled-back appends included: an upper bound on statements missing)."""
    lag_seconds: float
    """Now minus `stored` of the oldest statement the view does not show yet;
    0 when it shows every statement."""

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "position": self.position, "lag_events": self.lag_events,
                "lag_seconds": round(self.lag_seconds, 3)}


@dataclass(frozen=True)
class ProjectionStatus:
    head: int
    """Notification id of the newest entry of the log (0 when empty)."""
    views: tuple[ViewStatus, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"head": self.head, "views": [v.as_dict() for v in self.views]}


@dataclass(frozen=True)
class _Batch:
    """Statements read from the log, and the position they bring a view to."""

    statements: list[Positioned]
    end: int


class LogSource(Protocol):
    """Where the runner reads statements from when not from the store's own log:
    `lrs.stream.source.StreamLog` (``lrs project --source nats``, issue 23)."""

    def head(self) -> int:
        """The newest position the source holds (0 when empty)."""

    def statements(self, after: int, head: int, limit: int) -> list[Positioned]:
        """Up to `limit` statements after `after`, none after `head`; fewer only when
        every statement up to `head` is among them."""

    def wait(self, stop: threading.Event) -> None:
        """Returns when there may be more (or `stop` is set)."""


class ProjectionRunner:
    """Applies the log to every view, each batch with its position, exactly once."""

    def __init__(
        self,
        store: LearningRecordStore,
        views: Sequence[View],
        *,
        batch_size: int = 1000,
        poll_interval: float = 0.1,
        retry_seconds: float = 5.0,
        source: LogSource | None = None,
        settle: float = 0.0,
    ):
        names = [v.name for v in views]
        if len(set(names)) != len(names):
            raise ValueError(f"view names must be unique: {names}")
        self.store = store
        self.views: tuple[View, ...] = tuple(views)
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.settle = settle
        """After a NOTIFY, seconds to let more appends commit before reading: under single-statement
        traffic each append NOTIFYs, and a wake-up per append (read, lock, fold, commit per view)
        cost the runner ~0.5 ms of CPU per statement (issue 18 target 6); waiting this long gathers
        the appends of the window into one batch, for this much more lag."""
        self.retry_seconds = retry_seconds
        """How long a view that failed (or a log that could not be read) waits for a retry."""
        self.source = source
        """None: the store's own log; else the log as another source holds it (a stream)."""
        # The library's tracking recorder, on the event store's datastore: its
        # table ("tracking" on SQLite, "lrs_tracking" on PostgreSQL) is created
        # here, one process at a time (gunicorn workers build theirs at once).
        with one_at_a_time(store.settings):
            self.tracking = store.factory.tracking_recorder()
        self._table: str = getattr(self.tracking, "tracking_table_name", "tracking")
        self._ensure_tracking_rows([v.name for v in self.views])

    # --- the loop ---------------------------------------------------------------

    def catch_up(self) -> int:
        """Bring every view to the log head as it is now; returns how many
        statements were applied (summed over views). Raises `ViewFailed`."""
        applied = 0
        head = self.head()
        while True:
            done, failures = self._step(self.views, head)
            if failures:
                raise failures[0]
            if done is None:
                return applied
            applied += done

    def run(self, stop: threading.Event) -> None:
        """Keep every view up to date until `stop` is set. A failing view is
        logged and retried later; the others carry on."""
        broken: dict[str, float] = {}  # view name -> when to retry it
        backoff = self.retry_seconds
        # Settling: wait (for a NOTIFY, then `settle`) after every round, not only after an idle
        # one; else under steady single-statement traffic each round finds the one or two appends
        # made while the last was applied, and the window never gathers anything.
        settles = self.settle > 0 and self.store.db.dialect.announces_appends
        with self._waiter(stop) as wait:
            while not stop.is_set():
                now = time.monotonic()
                healthy = [v for v in self.views if broken.get(v.name, 0.0) <= now]
                worked = False
                try:
                    head = self.head()
                    while not stop.is_set():
                        done, failures = self._step(healthy, head)
                        for failure in failures:
                            log.error("projection %s failed; retrying in %.0f s", failure.name,
                                      backoff, exc_info=failure)
                            broken[failure.name] = time.monotonic() + backoff
                        failed = {f.name for f in failures}
                        healthy = [v for v in healthy if v.name not in failed]
                        if done is None:
                            break
                        worked = True
                except Exception:
                    log.exception("projection runner: reading the log failed")
                    stop.wait(backoff)
                    continue
                if not worked or settles:
                    wait()

    def head(self) -> int:
        """The log head: notification id of the newest entry (0 when empty)."""
        if self.source is not None:
            return self.source.head()
        return int(self.store.recorder.max_notification_id() or 0)

    # --- rebuild and status -----------------------------------------------------

    def rebuild(self, name: str | None = None, progress: Progress | None = None) -> int:
        """Empty a view (every view when `name` is None) and replay the log into it
        from position 0; returns the number of statements applied.

        The emptying (tables and position back to 0) is one transaction; the
        replay is the ordinary catch-up, in committed batches: ingest is never
        blocked for long (on SQLite one transaction would hold the only write
        lock for the whole replay), a crash mid-rebuild resumes where it stopped,
        and a runner already running (`lrs serve`) safely shares the work.
        """
        views = self._select(name)
        for view in views:
            with self.store.db.transaction(commit=True) as cur:
                self._lock(cur, view.name)
                for table in view.tables:
                    cur.execute(f"DELETE FROM {table}")
                cur.execute(f"UPDATE {self._table} SET notification_id = 0 "
                            "WHERE application_name = ?", (view.name,))
        applied = 0
        head = self.head()
        if progress is not None:
            progress(0, head)
        while True:
            done, failures = self._step(views, head)
            if failures:
                raise failures[0]
            if done is None:
                return applied
            applied += done
            if progress is not None:
                progress(min(self.positions()[v.name] for v in views), head)

    def forget(self, cur: Cursor) -> None:
        """Empty every view and set it back to position 0 in the caller's transaction
        (an erasure, issue 19): the runner then replays the log into them, so the live
        views after it are a replay. A runner applying a batch meanwhile waits on the
        position's lock, then finds it moved and starts again."""
        for view in self.views:
            self._lock(cur, view.name)
            for table in view.tables:
                cur.execute(f"DELETE FROM {table}")
            cur.execute(f"UPDATE {self._table} SET notification_id = 0 "
                        "WHERE application_name = ?", (view.name,))

    def positions(self) -> dict[str, int]:
        """Each view's committed position."""
        names = [v.name for v in self.views]
        if not names:
            return {}
        with self.store.db.read() as cur:
            where, params = cur.in_list(names)
            rows = cur.execute(
                f"SELECT application_name, notification_id FROM {self._table} "
                f"WHERE application_name {where}", params,
            ).fetchall()
        found = {row["application_name"]: int(row["notification_id"] or 0) for row in rows}
        return {n: found.get(n, 0) for n in names}

    def status(self, now: datetime | None = None) -> ProjectionStatus:
        """The log head and, per view, its position and lag (see `ViewStatus`)."""
        now = now or datetime.now(UTC)
        head = self.head()
        views = []
        for name, position in self.positions().items():
            lag_seconds = 0.0
            if position < head:
                oldest = self._statements(position, head, limit=1)
                if oldest:
                    stored = datetime.fromisoformat(oldest[0][1]["stored"])
                    lag_seconds = max(0.0, (now - stored).total_seconds())
            views.append(ViewStatus(name, position, max(0, head - position), lag_seconds))
        return ProjectionStatus(head, tuple(views))

    def close(self) -> None:
        """Nothing of its own to close: it uses the event store's connections."""

    # --- one step ---------------------------------------------------------------

    def _step(self, views: Sequence[View], head: int) -> tuple[int | None, list[ViewFailed]]:
        """Read one batch after the lowest position among `views` (up to `head`)
        and apply it to every view it concerns, one transaction per view.
        Returns (statements applied, failures), or (None, failures) when every
        view had reached `head`."""
        if not views:
            return None, []
        positions = self.positions()
        behind = [v for v in views if positions[v.name] < head]
        if not behind:
            return None, []
        batch = self._read_batch(min(positions[v.name] for v in behind), head)
        applied = 0
        failures: list[ViewFailed] = []
        for view in behind:
            start = positions[view.name]
            if start >= batch.end:
                continue
            mine = [s for s in batch.statements if s[0] > start]
            try:
                self._apply(view, start, mine, batch.end)
            except _Superseded:
                log.debug("projection %s: batch after %d applied by another runner", view.name, start)
                continue
            except Exception as exc:
                failure = ViewFailed(view.name, start + 1, batch.end)
                failure.__cause__ = exc
                failures.append(failure)
                continue
            applied += len(mine)
        return applied, failures

    def _read_batch(self, after: int, head: int) -> _Batch:
        """Up to `batch_size` statements after `after`, no further than `head`.
        When fewer come back, everything up to `head` has been read (the
        document events between are skipped), so the batch ends at `head`."""
        statements = self._statements(after, head, self.batch_size)
        end = statements[-1][0] if len(statements) >= self.batch_size else head
        # Erased persons (issue 19) hidden only now: a shorter batch must not read as the head.
        return _Batch(self.store.event_log.redact(statements), end)

    def _statements(self, after: int, head: int, limit: int) -> list[Positioned]:
        if self.source is not None:
            return self.source.statements(after, head, limit)
        return self.store.event_log.statements(after=after, until=head, limit=limit)

    def _apply(self, view: View, start: int, statements: list[Positioned], end: int) -> None:
        """Statements (`start`, `end`] into `view`, and `end` as its position, in
        one transaction; `_Superseded` when the position is no longer `start`."""
        with self.store.db.transaction(commit=True) as cur:
            # Lock first: a racing runner waits here, then sees the moved position.
            if self._lock(cur, view.name) != start:
                raise _Superseded
            if statements:
                view.apply(cur, statements)
            try:
                self.tracking._insert_tracking(cur.raw, Tracking(view.name, end))  # type: ignore[attr-defined]
            except IntegrityError:
                raise _Superseded from None

    def _lock(self, cur: Cursor, name: str) -> int:
        """Take the view's tracking row for this transaction; its position.
        A write (not SELECT ... FOR UPDATE) so that on SQLite the write lock is
        taken before the read, which then sees the latest commit."""
        self._insert_zero(cur, name)  # a row to lock, should it be gone
        cur.execute(f"UPDATE {self._table} SET notification_id = notification_id "
                    "WHERE application_name = ?", (name,))
        row = cur.execute(f"SELECT notification_id FROM {self._table} "
                          "WHERE application_name = ?", (name,)).fetchone()
        return int(row["notification_id"] or 0)

    def _insert_zero(self, cur: Cursor, name: str) -> None:
        """Position 0 for a view never tracked (nothing when it has a position)."""
        cur.execute(f"INSERT INTO {self._table} (application_name, notification_id) "
                    "VALUES (?, 0) ON CONFLICT (application_name) DO NOTHING", (name,))

    def _ensure_tracking_rows(self, names: Sequence[str]) -> None:
        """Position 0 for views never tracked, so that the status lists every view."""
        for name in names:
            with self.store.db.transaction(commit=True) as cur:
                self._insert_zero(cur, name)

    def _select(self, name: str | None) -> tuple[View, ...]:
        if name is None:
            return self.views
        for view in self.views:
            if view.name == name:
                return (view,)
        raise UnknownView(name)

    # --- waiting for new events -------------------------------------------------

    @contextmanager
    def _waiter(self, stop: threading.Event) -> Iterator[Callable[[], None]]:
        """A function that returns when there may be new events: at once on a
        NOTIFY (PostgreSQL), else after `poll_interval` (or when stopped)."""
        if not self.store.db.dialect.announces_appends:

            def poll() -> None:
                stop.wait(self.poll_interval)

            yield poll
            return
        listener = _Listener(self.store, self.poll_interval, self.settle)
        try:
            yield lambda: listener.wait(stop)
        finally:
            listener.close()


class _Listener:
    """LISTEN on the event store's channel, on a connection of its own; falls
    back to polling (and reconnects) when that connection fails."""

    def __init__(self, store: LearningRecordStore, poll_interval: float, settle: float = 0.0):
        self.url = store.settings.resolved_database_url
        self.channel: str = store.recorder.channel_name  # type: ignore[attr-defined]
        self.poll_interval = poll_interval
        self.settle = settle
        self.conn: Any = None
        self._connect()

    def _connect(self) -> None:
        import psycopg
        from psycopg import sql

        try:
            self.conn = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
            self.conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        except psycopg.Error:
            log.warning("projection runner: LISTEN failed, polling instead", exc_info=True)
            self.close()

    def wait(self, stop: threading.Event) -> None:
        if self.conn is None:
            stop.wait(self.poll_interval)
            self._connect()
            return
        try:
            # Returns `settle` after the first notification, after the polling interval,
            # or soon after `stop`; the notifications queued meanwhile are drained so
            # that a burst of appends wakes the runner once.
            deadline = time.monotonic() + self.poll_interval
            while not stop.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                if list(self.conn.notifies(timeout=min(remaining, 0.25), stop_after=1)):
                    if self.settle > 0:
                        stop.wait(self.settle)
                    for _ in self.conn.notifies(timeout=0.0):
                        pass
                    return
        except Exception:
            log.warning("projection runner: lost the LISTEN connection", exc_info=True)
            self.close()

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            finally:
                self.conn = None
