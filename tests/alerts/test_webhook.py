"""The webhook (issue 21 point 8): one signed call per change of a pair's status, retried
with backoff, never sent twice; against a real HTTP receiver, on both stores."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from lrs.alerts.worker import AlertWorker
from tests.alerts.conftest import SECRET, Clock, Receiver
from tests.projections import factories as f
from tests.projections.support import post

GRACE, ADA = f.key(f.GRACE), f.key(f.ADA)
AT_RISK_DAY = "2026-01-25T08:00:00Z"
"""15 days after the pair's last session: at risk (LRS_AT_RISK_DAYS = 14)."""


def _at_risk(worker: Any, clock: Clock) -> None:
    worker()  # on track: first seen, nothing to say
    clock.set(AT_RISK_DAY)
    worker()


def test_a_pair_that_becomes_at_risk_is_notified_once_with_a_valid_signature(
        a_pair: None, worker: Any, clock: Clock, receiver: Receiver) -> None:
    assert worker().changes == [] and receiver.calls == []
    clock.set(AT_RISK_DAY)
    tick = worker()
    assert [(c.from_status, c.to_status) for c in tick.changes] == [("on_track", "at_risk")]
    [call] = receiver.calls
    expected = "sha256=" + hmac.new(SECRET.encode(), call.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(call.headers["X-LRS-Signature"], expected)
    assert call.headers["Content-Type"] == "application/json" and call.path == "/hook"
    body = json.loads(call.body)
    assert body["type"] == "pair.at_risk" and body["status"] == {"from": "on_track", "to": "at_risk"}
    assert (body["program"]["id"], body["mentor"]["key"], body["mentee"]["key"]) == (f.PROGRAM, GRACE, ADA)
    assert body["mentee"]["name"] == "Ada Mentee" and body["reasons"] == ["no_session"]
    assert body["at"] == "2026-01-25T08:00:00.000Z" and call.headers["X-LRS-Alert-Id"] == body["id"]


def test_an_unchanged_status_sends_nothing(a_pair: None, worker: Any, clock: Clock, receiver: Receiver) -> None:
    _at_risk(worker, clock)
    clock.set("2026-01-26T08:00:00Z")
    assert worker().changes == []
    clock.set("2026-01-27T08:00:00Z")
    assert worker().changes == []
    assert len(receiver.calls) == 1


def test_a_recovery_is_notified_once(a_pair: None, worker: Any, clock: Clock, receiver: Receiver,
                                     client: Any) -> None:
    _at_risk(worker, clock)
    post(client, f.session(f.ADA, f.GRACE, "2026-01-26T10:00:00Z"))
    clock.set("2026-01-27T08:00:00Z")
    worker()
    clock.set("2026-01-28T08:00:00Z")
    worker()
    assert [json.loads(c.body)["type"] for c in receiver.calls] == ["pair.at_risk", "pair.recovered"]
    assert json.loads(receiver.calls[1].body)["status"] == {"from": "at_risk", "to": "on_track"}


def test_a_pair_without_activity_for_inactive_days_becomes_inactive(
        a_pair: None, worker: Any, clock: Clock, receiver: Receiver) -> None:
    _at_risk(worker, clock)
    clock.set("2026-02-10T08:00:00Z")  # 31 days after the session (LRS_INACTIVE_DAYS = 30)
    worker()
    assert [json.loads(c.body)["status"] for c in receiver.calls][1] == {"from": "at_risk", "to": "inactive"}


def test_a_receiver_down_then_up_gets_the_change_once_after_the_backoff(
        a_pair: None, worker: Any, clock: Clock, receiver: Receiver) -> None:
    worker()
    receiver.stop()
    clock.set(AT_RISK_DAY)
    first = worker()
    assert first.delivery is not None and first.delivery.failed == 1
    receiver.start()
    clock.set("2026-01-25T08:00:29Z")  # the first retry is due 30 s after the failure
    assert worker().delivery.failed == 0 and receiver.calls == []
    clock.set("2026-01-25T08:00:30Z")
    assert worker().delivery.delivered == 1
    clock.set("2026-01-26T08:00:00Z")
    worker()
    assert len(receiver.calls) == 1 and json.loads(receiver.calls[0].body)["id"] == first.changes[0].id


def test_a_failing_receiver_is_retried_with_doubling_waits(
        a_pair: None, worker: Any, clock: Clock, receiver: Receiver) -> None:
    worker()
    receiver.status = 503
    clock.set(AT_RISK_DAY)
    worker()
    for at in ("08:00:30", "08:01:30", "08:03:30"):  # 30 s, 60 s, 120 s after each failure
        clock.set(f"2026-01-25T{at}Z")
        assert worker().delivery.failed == 1
    assert len(receiver.calls) == 4 and len({c.body for c in receiver.calls}) == 1
    receiver.status = 204
    clock.set("2026-01-25T08:07:30Z")
    assert worker().delivery.delivered == 1 and len(receiver.calls) == 5


def test_a_change_is_given_up_after_the_most_attempts(
        a_pair: None, app: Any, project: Any, config: Any, clock: Clock, receiver: Receiver) -> None:
    from dataclasses import replace

    worker = AlertWorker(app.extensions["lrs"], replace(config, max_attempts=2), clock=clock)
    project()
    worker.tick()
    receiver.status = 500
    clock.set(AT_RISK_DAY)
    assert worker.tick().delivery.failed == 1
    clock.set("2026-01-25T09:00:00Z")
    assert worker.tick().delivery.given_up == 1
    clock.set("2026-01-26T09:00:00Z")
    worker.tick()
    assert len(receiver.calls) == 2


def test_a_restart_and_a_rebuild_of_the_views_send_nothing_again(
        a_pair: None, app: Any, worker: Any, config: Any, clock: Clock, receiver: Receiver) -> None:
    _at_risk(worker, clock)
    services = app.extensions["lrs"]
    services.projections.rebuild()
    again = AlertWorker(services, config, clock=clock)  # a new process on the same store
    assert again.tick().changes == []
    assert len(receiver.calls) == 1


def test_nothing_is_evaluated_while_the_view_lags_the_log(
        a_pair: None, app: Any, config: Any, clock: Clock, receiver: Receiver) -> None:
    worker = AlertWorker(app.extensions["lrs"], config, clock=clock)  # the runner has not caught up
    clock.set(AT_RISK_DAY)
    tick = worker.tick()
    assert not tick.evaluated and tick.changes == [] and receiver.calls == []


def test_two_workers_record_a_change_once(a_pair: None, app: Any, worker: Any, config: Any, clock: Clock,
                                          receiver: Receiver) -> None:
    worker()
    clock.set(AT_RISK_DAY)
    other = AlertWorker(app.extensions["lrs"], config, clock=clock)
    assert len(other.tick().changes) == 1
    assert worker().changes == [] and len(receiver.calls) == 1
