"""`since` on a log whose `stored` order and append order disagree.

`stored` is stamped before an append waits for the store's write lock, so a
statement can be stored earlier than one appended before it. The index turns
`since` into a log-position bound through the time read inside the lock
(`lrs_append_time`), which follows the log order; these tests hold it to the answer
the spec asks for, whatever order the appends took.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from lrs.services import Services
from lrs.store.application import StoredClock
from lrs.store.rebuilds import rebuild_statement_views
from projections import statement_index
from projections.statement_index import Filter
from tests import factories
from xapi.prepare import epoch_us
from xapi.versions import V1_0_3

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "provider"}}
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class ScriptedClock(StoredClock):
    """`stored` stamps in the order a test gives them."""

    def __init__(self, stamps: Iterator[datetime]):
        super().__init__()
        self._stamps = stamps

    def now(self) -> datetime:
        return next(self._stamps)


def _append(services: Services, stored_s: float, appended_s: float) -> str:
    """One statement stamped ``stored_s`` after T0 whose append took the lock at ``appended_s``."""
    store = services.store
    store.stored_clock = ScriptedClock(iter([T0 + timedelta(seconds=stored_s)]))
    store.append_clock_us = lambda: epoch_us(T0 + timedelta(seconds=appended_s))
    statement = factories.statement(verb={"id": factories.VERB_ATTENDED})
    store.record_statements([statement], authority=AUTHORITY, version=V1_0_3)
    return str(statement["id"])


def _since(services: Services, seconds: float, *, ascending: bool = False) -> list[str]:
    f = Filter(verb=factories.VERB_ATTENDED, since_us=epoch_us(T0 + timedelta(seconds=seconds)),
               ascending=ascending, limit=100)
    with services.store.db.read() as cur:
        positions = statement_index.find_positions(cur, f)
    return [s["id"] for s in services.store.event_log.statements_at(positions)]


def _history(services: Services) -> dict[str, str]:
    return {
        "early": _append(services, stored_s=0, appended_s=0.2),
        # Stamped at 10 s, appended at once.
        "prompt": _append(services, stored_s=10, appended_s=10.5),
        # Stamped at 5 s, appended after `prompt`: it waited 6 s for the lock.
        "straggler": _append(services, stored_s=5, appended_s=11),
        "late": _append(services, stored_s=20, appended_s=20.2),
    }


def test_since_returns_what_was_stored_after_it_in_log_order(services: Services) -> None:
    # Communication 2.1.3: since, "only Statements stored since the specified Timestamp (exclusive)"
    ids = _history(services)
    assert _since(services, 7) == [ids["late"], ids["prompt"]]
    assert _since(services, 4) == [ids["late"], ids["straggler"], ids["prompt"]]
    assert _since(services, 4, ascending=True) == [ids["prompt"], ids["straggler"], ids["late"]]


def test_since_finds_a_statement_that_waited_for_the_lock_behind_a_later_one(services: Services) -> None:
    # Communication 2.1.3: since. The straggler was stored at 5 s, after `since`, but its
    # position is after `prompt` (stored at 10 s): a bound from stored alone would lose one.
    ids = _history(services)
    assert ids["straggler"] in _since(services, 4.5)
    assert ids["straggler"] not in _since(services, 5)


def test_since_becomes_a_position_bound_at_the_last_append_a_second_before_it(services: Services) -> None:
    ids = _history(services)
    with services.store.db.read() as cur:
        early = statement_index.position_of(cur, ids["early"], voided=False)
        prompt = statement_index.position_of(cur, ids["prompt"], voided=False)
        straggler = statement_index.position_of(cur, ids["straggler"], voided=False)

        def low(seconds: float) -> int | None:
            since = epoch_us(T0 + timedelta(seconds=seconds))
            return statement_index.position_bounds(cur, Filter(since_us=since))[0]

        assert low(0.5) is None  # nothing was appended a second before
        assert low(9) == early
        assert low(12.1) == straggler
        assert low(11.4) == early  # the margin: `prompt`, appended at 10.5, is within a second
        assert low(11.6) == prompt


def test_a_rebuilt_index_keeps_the_append_times_and_its_answers(services: Services) -> None:
    ids = _history(services)
    before = [_since(services, s) for s in (0, 4, 5, 7, 10, 20)]
    assert rebuild_statement_views(services.store) == len(ids)
    with services.store.db.read() as cur:
        straggler = statement_index.position_of(cur, ids["straggler"], voided=False)
        assert statement_index.position_bounds(
            cur, Filter(since_us=epoch_us(T0 + timedelta(seconds=12.1))))[0] == straggler
    assert [_since(services, s) for s in (0, 4, 5, 7, 10, 20)] == before


def test_appends_older_than_the_append_times_answer_the_same(services: Services) -> None:
    # What a store migrated to 0017 holds for its earlier appends: no append time.
    _history(services)
    before = [_since(services, s) for s in (0, 4, 5, 7, 10, 20)]
    with services.store.db.transaction(commit=True) as cur:
        cur.execute("DELETE FROM lrs_append_time")
        assert statement_index.position_bounds(
            cur, Filter(since_us=epoch_us(T0 + timedelta(seconds=12.1))))[0] is None
    assert [_since(services, s) for s in (0, 4, 5, 7, 10, 20)] == before
