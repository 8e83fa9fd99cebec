"""``GET /projections/status``: the log head, each view's position and its lag
(issue 5, item 3), for coordinators, auditors and admins only."""

from __future__ import annotations

from typing import Any

import pytest

from lrs.runner import ProjectionRunner
from tests import factories
from tests.conftest import XAPIClient
from tests.core.test_projection_runner import CountingView

STATUS = "/projections/status"


@pytest.fixture
def runner(app: Any) -> ProjectionRunner:
    """The app's runner, over a view of the test's own (not the mentoring views)."""
    services = app.extensions["lrs"]
    view = CountingView("test_status_counts")
    view.create_tables(services)
    services.projections = ProjectionRunner(services.store, [view])
    return services.projections


def _post(client: XAPIClient, count: int) -> None:
    batch = [factories.statement() for _ in range(count)]
    assert client.post("/xapi/statements", json=batch).status_code == 200


@pytest.mark.parametrize("scope", ["coordinator/read", "audit/read", "admin"])
def test_status_is_answered_to_coordinators_auditors_and_admins(
    make_client: Any, runner: ProjectionRunner, scope: str
) -> None:
    """Issue 5: the status endpoint is read with coordinator/read, audit/read or admin."""
    response = make_client((scope,)).get(STATUS)
    assert response.status_code == 200
    assert response.json == {"head": 0, "views": [
        {"name": "test_status_counts", "position": 0, "lag_events": 0, "lag_seconds": 0.0}]}


def test_status_shows_a_view_behind_the_log_then_caught_up(
    client: XAPIClient, make_client: Any, runner: ProjectionRunner
) -> None:
    """Issue 5: the log head, each view's position and the lag, before and after the runner."""
    _post(client, 3)
    coordinator = make_client(("coordinator/read",))
    before = coordinator.get(STATUS).json
    head = before["head"]
    assert head >= 3
    (view,) = before["views"]
    assert (view["position"], view["lag_events"]) == (0, head)
    assert view["lag_seconds"] >= 0
    runner.catch_up()
    after = coordinator.get(STATUS).json
    assert after == {"head": head, "views": [
        {"name": "test_status_counts", "position": head, "lag_events": 0, "lag_seconds": 0.0}]}


@pytest.mark.parametrize("scope", ["all", "all/read", "statements/write"])
def test_status_is_refused_without_an_lrs_scope(
    make_client: Any, runner: ProjectionRunner, scope: str
) -> None:
    """The xAPI scopes (even `all`) do not imply the LRS's own scopes: 403."""
    response = make_client((scope,)).get(STATUS)
    assert response.status_code == 403
    assert "error" in response.json


def test_status_without_credentials_is_401(app: Any, runner: ProjectionRunner) -> None:
    response = app.test_client().get(STATUS)
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers
