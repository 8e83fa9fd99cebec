"""The projection runner: views kept from the ordered log, each batch committed
with its position, exactly once, resumable, rebuildable (issue 5, item 3).

The views here are the tests' own: a count per verb (not idempotent, so a
statement applied twice shows) and the list of positions applied. They do not
depend on the mentoring views.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

import pytest

from lrs.runner import ProjectionRunner, UnknownView, ViewFailed, _Batch
from lrs.services import Services
from lrs.settings import Settings
from lrs.store.database import Cursor
from projections.view import Positioned
from tests import factories
from xapi.documents import DocumentAddress, DocumentKind, DocumentScope, Preconditions
from xapi.identifiers import agent_key
from xapi.versions import V1_0_3

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "provider"}}


class CountingView:
    """Counts statements per verb and logs each position applied."""

    def __init__(self, name: str = "test_counts", fail_at: int | None = None):
        self.name = name
        self.tables = (f"{name}_verb", f"{name}_applied")
        self.fail_at = fail_at
        """Raise on the statement at this position (after writing the ones before)."""

    def create_tables(self, services: Services) -> None:
        with services.store.db.transaction(commit=True) as cur:
            for table in self.tables:
                cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"CREATE TABLE {self.tables[0]} (verb TEXT PRIMARY KEY, n INTEGER NOT NULL)")
            cur.execute(f"CREATE TABLE {self.tables[1]} (position BIGINT NOT NULL)")

    def apply(self, cursor: Cursor, statements: Sequence[Positioned]) -> None:
        for position, statement in statements:
            if position == self.fail_at:
                raise RuntimeError(f"injected failure at {position}")
            cursor.execute(
                f"INSERT INTO {self.tables[0]} (verb, n) VALUES (?, 1) "
                f"ON CONFLICT (verb) DO UPDATE SET n = {self.tables[0]}.n + 1",
                (statement["verb"]["id"],),
            )
            cursor.execute(f"INSERT INTO {self.tables[1]} (position) VALUES (?)", (position,))

    def counts(self, services: Services) -> dict[str, int]:
        with services.store.db.read() as cur:
            rows = cur.execute(f"SELECT verb, n FROM {self.tables[0]}").fetchall()
        return {r["verb"]: r["n"] for r in rows}

    def applied(self, services: Services) -> list[int]:
        with services.store.db.read() as cur:
            rows = cur.execute(f"SELECT position FROM {self.tables[1]} ORDER BY position").fetchall()
        return [r["position"] for r in rows]


@pytest.fixture
def view(services: Services) -> CountingView:
    counting = CountingView()
    counting.create_tables(services)
    return counting


@pytest.fixture
def other(settings: Settings) -> Iterator[Services]:
    """A second process's services on the same store (its own connections)."""
    built = Services.build(settings)
    yield built
    built.close()


def _record(services: Services, count: int, verb: str = factories.VERB_ATTENDED) -> list[str]:
    statements = [factories.statement(verb={"id": verb}) for _ in range(count)]
    return services.store.record_statements(statements, authority=AUTHORITY, version=V1_0_3)


def _positions(services: Services) -> list[int]:
    """Log positions of every stored statement, from the statement index."""
    with services.store.db.read() as cur:
        rows = cur.execute("SELECT position FROM xapi_statement ORDER BY position").fetchall()
    return [r["position"] for r in rows]


def test_catch_up_applies_every_statement_once_in_log_order(services: Services, view: CountingView) -> None:
    """Issue 5: views are built only from events, in the log's order."""
    _record(services, 3)
    _record(services, 2, factories.VERB_COMPLETED)
    runner = ProjectionRunner(services.store, [view])
    assert runner.catch_up() == 5
    assert view.applied(services) == _positions(services)
    assert view.counts(services) == {factories.VERB_ATTENDED: 3, factories.VERB_COMPLETED: 2}
    assert runner.catch_up() == 0
    assert runner.positions() == {view.name: runner.head()}


def test_batches_are_no_larger_than_the_batch_size(services: Services, view: CountingView) -> None:
    """Issue 5: a batch per transaction, up to the configured size."""
    _record(services, 7)
    seen: list[int] = []

    class Sizes(CountingView):
        def apply(self, cursor: Cursor, statements: Sequence[Positioned]) -> None:
            seen.append(len(statements))
            super().apply(cursor, statements)

    sizes = Sizes()
    sizes.create_tables(services)
    ProjectionRunner(services.store, [sizes], batch_size=3).catch_up()
    assert seen == [3, 3, 1]


def test_an_error_mid_batch_rolls_back_rows_and_position_together(
    services: Services, view: CountingView
) -> None:
    """Issue 5: rows and position are written in one transaction."""
    _record(services, 5)
    third = _positions(services)[2]
    view.fail_at = third
    runner = ProjectionRunner(services.store, [view], batch_size=10)
    with pytest.raises(ViewFailed):
        runner.catch_up()
    assert view.applied(services) == [] and runner.positions() == {view.name: 0}


def test_a_crash_after_committed_batches_resumes_without_double_counting(
    services: Services, other: Services, view: CountingView
) -> None:
    """Issue 5: the runner resumes after a crash; no statement is counted twice."""
    _record(services, 5)
    positions = _positions(services)
    view.fail_at = positions[2]
    with pytest.raises(ViewFailed):
        ProjectionRunner(services.store, [view], batch_size=2).catch_up()
    # The first batch (two statements) committed, the second rolled back.
    assert view.applied(services) == positions[:2]
    # A new runner (another process's connections) takes over where the commit left off.
    restarted = CountingView()
    assert ProjectionRunner(other.store, [restarted], batch_size=2).catch_up() == 3
    assert view.applied(services) == positions
    assert view.counts(services) == {factories.VERB_ATTENDED: 5}


def test_a_runner_whose_position_went_stale_drops_its_batch(
    services: Services, other: Services, view: CountingView
) -> None:
    """Issue 5: a second runner cannot apply an event twice: between reading the
    position and applying, the other runner applied the batch."""
    _record(services, 4)
    rival = ProjectionRunner(other.store, [CountingView()])

    class Stale(ProjectionRunner):
        raced = False

        def _read_batch(self, after: int, head: int) -> _Batch:
            batch = super()._read_batch(after, head)
            if not self.raced:
                self.raced = True
                assert rival.catch_up() == 4  # the rival commits first
            return batch

    assert Stale(services.store, [view]).catch_up() == 0
    assert view.applied(services) == _positions(services)


def test_two_runners_racing_apply_every_statement_exactly_once(
    services: Services, other: Services, view: CountingView
) -> None:
    """Issue 5: two runners on one store, both running while statements arrive."""
    runners = [ProjectionRunner(s.store, [CountingView()], batch_size=7, poll_interval=0.01)
               for s in (services, other)]
    stop = threading.Event()
    threads = [threading.Thread(target=r.run, args=(stop,)) for r in runners]
    for thread in threads:
        thread.start()
    try:
        for _ in range(40):
            _record(services, 5)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    runners[0].catch_up()
    assert view.applied(services) == _positions(services)
    assert view.counts(services) == {factories.VERB_ATTENDED: 200}


def test_document_events_are_not_given_to_views_but_are_passed(
    services: Services, view: CountingView
) -> None:
    """Issue 5: only statements matter to views; the position still reaches the head."""
    _record(services, 1)
    ada = factories.agent()
    scope = DocumentScope(DocumentKind.STATE, activity_id=factories.PROGRAM, agent=ada,
                          agent_key=agent_key(ada))
    address = DocumentAddress(scope, "bookmark")
    services.store.put_document(address, b"{}", "application/json", Preconditions())
    _record(services, 1)
    runner = ProjectionRunner(services.store, [view])
    assert runner.catch_up() == 2
    assert runner.positions()[view.name] == runner.head()
    assert len(view.applied(services)) == 2


def test_rebuild_gives_the_same_rows_as_live_updates(services: Services, view: CountingView) -> None:
    """Issue 5 item 6: rebuild equals live."""
    runner = ProjectionRunner(services.store, [view], batch_size=3)
    _record(services, 4)
    runner.catch_up()
    _record(services, 3, factories.VERB_COMPLETED)
    runner.catch_up()
    live = (view.counts(services), view.applied(services))
    progress: list[tuple[int, int]] = []
    assert runner.rebuild(view.name, progress=lambda done, head: progress.append((done, head))) == 7
    assert (view.counts(services), view.applied(services)) == live
    assert progress[0] == (0, runner.head()) and progress[-1] == (runner.head(), runner.head())


def test_rebuild_of_every_view_replays_each_from_zero(services: Services, view: CountingView) -> None:
    """Issue 5: `lrs projections rebuild` without a name rebuilds every view."""
    second = CountingView("test_second")
    second.create_tables(services)
    _record(services, 3)
    runner = ProjectionRunner(services.store, [view, second])
    runner.catch_up()
    assert runner.rebuild() == 6
    assert view.applied(services) == second.applied(services) == _positions(services)


def test_rebuild_of_an_unknown_view_is_refused(services: Services, view: CountingView) -> None:
    with pytest.raises(UnknownView):
        ProjectionRunner(services.store, [view]).rebuild("no_such_view")


def test_status_reports_head_position_and_lag(services: Services, view: CountingView) -> None:
    """Issue 5: the log head, each view's position and its lag in events and seconds
    (now minus `stored` of the oldest statement the view does not show)."""
    _record(services, 2)
    runner = ProjectionRunner(services.store, [view])
    first = services.store.event_log.statements_at(_positions(services)[:1])[0]
    stored = datetime.fromisoformat(first["stored"])
    status = runner.status(now=stored + timedelta(seconds=5))
    assert status.head == runner.head() == _positions(services)[-1]
    (lagging,) = status.views
    assert (lagging.name, lagging.position, lagging.lag_events) == (view.name, 0, status.head)
    assert lagging.lag_seconds == pytest.approx(5.0)
    runner.catch_up()
    (caught_up,) = runner.status(now=stored + timedelta(seconds=5)).views
    assert (caught_up.position, caught_up.lag_events, caught_up.lag_seconds) == (status.head, 0, 0.0)


def test_a_failing_view_does_not_hold_back_the_others(services: Services, view: CountingView) -> None:
    """Issue 5: views are independent; a view that fails is retried, the rest go on."""
    broken = CountingView("test_broken")
    broken.create_tables(services)
    _record(services, 3)
    broken.fail_at = _positions(services)[0]
    runner = ProjectionRunner(services.store, [broken, view], poll_interval=0.01)
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,))
    thread.start()
    try:
        deadline = datetime.now() + timedelta(seconds=30)
        while runner.positions()[view.name] < runner.head() and datetime.now() < deadline:
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join()
    assert view.applied(services) == _positions(services)
    assert broken.applied(services) == [] and runner.positions()[broken.name] == 0


def test_run_returns_when_stopped(services: Services, view: CountingView) -> None:
    stop = threading.Event()
    runner = ProjectionRunner(services.store, [view], poll_interval=0.01)
    thread = threading.Thread(target=runner.run, args=(stop,))
    thread.start()
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()


def test_a_running_runner_picks_up_new_statements_by_itself(
    services: Services, view: CountingView
) -> None:
    """Issue 5: PostgreSQL wakes the runner with LISTEN/NOTIFY (the polling interval is
    set far beyond the deadline, so only a notification can wake it in time); SQLite
    has no notifications and polls the log."""
    notify = services.store.db.dialect.announces_appends
    runner = ProjectionRunner(services.store, [view], poll_interval=600 if notify else 0.01)
    _record(services, 1)

    def reached(position: int) -> None:
        deadline = datetime.now() + timedelta(seconds=20)
        while runner.positions()[view.name] < position and datetime.now() < deadline:
            stop.wait(0.01)

    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,))
    thread.start()
    try:
        reached(runner.head())  # its first catch-up is done: from now on it waits
        _record(services, 3)
        reached(runner.head())
    finally:
        stop.set()
        thread.join()
    assert view.applied(services) == _positions(services)


def test_a_view_that_failed_is_retried_and_catches_up(services: Services, view: CountingView) -> None:
    """Issue 5: a failure rolls back and is retried later; nothing is lost or doubled."""
    _record(services, 4)
    attempts: list[int] = []

    class FailsOnce(CountingView):
        def apply(self, cursor: Cursor, statements: Sequence[Positioned]) -> None:
            attempts.append(len(statements))
            if len(attempts) == 1:
                raise RuntimeError("injected: the first attempt fails")
            super().apply(cursor, statements)

    flaky = FailsOnce(view.name)
    runner = ProjectionRunner(services.store, [flaky], poll_interval=0.01, retry_seconds=0.01)
    stop = threading.Event()
    thread = threading.Thread(target=runner.run, args=(stop,))
    thread.start()
    try:
        deadline = datetime.now() + timedelta(seconds=30)
        while runner.positions()[view.name] < runner.head() and datetime.now() < deadline:
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join()
    assert len(attempts) >= 2
    assert view.applied(services) == _positions(services)


def _listening(services: Services) -> bool:
    """Whether a connection to this database has LISTENed (the runner's, once it waits)."""
    with services.store.db.read() as cur:
        row = cur.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() "
                          "AND pid <> pg_backend_pid() AND starts_with(query, 'LISTEN ')").fetchone()
    return bool(row["n"])


class _SettleWindow(threading.Event):
    """A stop event whose wait of `settle` seconds (the runner's settle window after a
    NOTIFY) first runs `during` once: appends that commit within the window, made
    deterministic."""

    def __init__(self, settle: float, during: Callable[[], None]):
        super().__init__()
        self.settle, self.during, self.windows = settle, during, 0

    def wait(self, timeout: float | None = None) -> bool:
        if timeout == self.settle and not self.windows:
            self.windows += 1
            self.during()
        return super().wait(timeout)


class BatchesView(CountingView):
    """Also keeps the size of each batch it was given."""

    def __init__(self) -> None:
        super().__init__("test_batches")
        self.batches: list[int] = []

    def apply(self, cursor: Cursor, statements: Sequence[Positioned]) -> None:
        super().apply(cursor, statements)
        self.batches.append(len(statements))


def test_appends_within_the_settle_window_after_a_notify_are_read_as_one_batch(services: Services) -> None:
    """Issue 18 target 6: a wake-up per single-statement append cost the runner ~0.5 ms of CPU per
    statement; after a NOTIFY it lets `settle` pass, so what committed meanwhile is one batch."""
    if not services.store.db.dialect.announces_appends:
        pytest.skip("SQLite has no NOTIFY: the runner polls, every poll reads what arrived since")
    view = BatchesView()
    view.create_tables(services)
    runner = ProjectionRunner(services.store, [view], poll_interval=600, settle=0.2)
    stop = _SettleWindow(runner.settle, lambda: _record(services, 3))
    thread = threading.Thread(target=runner.run, args=(stop,))
    thread.start()
    pause, deadline = threading.Event(), datetime.now() + timedelta(seconds=20)
    try:
        while not _listening(services) and datetime.now() < deadline:
            pause.wait(0.01)
        _record(services, 1)  # its NOTIFY wakes the runner; three more commit in the window
        while (stop.windows == 0 or runner.positions()[view.name] < runner.head()) and datetime.now() < deadline:
            pause.wait(0.01)
    finally:
        stop.set()
        thread.join()
    assert view.batches == [4]
    assert view.applied(services) == _positions(services)
