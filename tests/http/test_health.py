"""/health/live and /health/ready (issue 12): unauthenticated, cheap, JSON, 200 or 503."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from lrs.api.health import Readiness
from tests import factories
from tests.conftest import XAPIClient
from tests.http.support import post_statements


@pytest.fixture
def forget_migration(app: Flask) -> Iterator[Callable[[], str]]:
    """Make the store look one migration behind (as after an upgrade without `lrs
    migrate`), and put the record back afterwards: the PostgreSQL database is shared
    by the session's tests, and the next app built on it must not apply it again."""
    db = app.extensions["lrs"].store.db
    forgotten: list[Any] = []

    def forget() -> str:
        with db.transaction(commit=True) as cur:
            row = cur.execute(
                "SELECT name, applied_at FROM lrs_migration ORDER BY name DESC LIMIT 1").fetchone()
            cur.execute("DELETE FROM lrs_migration WHERE name = ?", (row["name"],))
        forgotten.append((row["name"], row["applied_at"]))
        return str(row["name"])

    yield forget
    with db.transaction(commit=True) as cur:
        for name, applied_at in forgotten:
            cur.execute("INSERT INTO lrs_migration (name, applied_at) VALUES (?, ?)", (name, applied_at))


def test_live_answers_200_without_credentials(app: Flask) -> None:
    """A process that answers HTTP is live; nothing else is checked."""
    response = app.test_client().get("/health/live")
    assert response.status_code == 200
    assert response.get_json() == {"status": "live"}


def test_ready_answers_200_with_each_check_when_the_store_is_current(app: Flask) -> None:
    response = app.test_client().get("/health/ready")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready" and body["problems"] == []
    assert body["checks"]["store"] is True
    assert body["checks"]["pending_migrations"] == []
    assert isinstance(body["checks"]["log_head"], int)


def test_ready_answers_503_when_a_migration_is_not_applied(
    app: Flask, forget_migration: Callable[[], str]
) -> None:
    """Readiness: migrations current (`Database.pending_migrations`)."""
    name = forget_migration()
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["pending_migrations"] == [name]
    assert any("migrations" in problem for problem in body["problems"])


def test_ready_answers_503_when_a_view_lags_more_than_the_bound(build: Any) -> None:
    """Readiness: projection lag under LRS_READY_MAX_LAG_SECONDS (no runner runs in
    these tests, so a stored statement stays unapplied by the views)."""
    app = build(ready_max_lag_seconds=0.0)
    if not app.extensions["lrs"].projections.views:
        pytest.skip("no asynchronous view is registered")
    credential, secret = app.extensions["lrs"].credentials.create(scopes=["all"])
    post_statements(XAPIClient(app.test_client(), credential.key, secret), factories.statement())
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    lagging = response.get_json()["checks"]["views"]
    assert any(view["lag_events"] > 0 and view["lag_seconds"] > 0 for view in lagging.values())


def test_ready_checks_run_at_most_once_per_cache_period(
    app: Flask, forget_migration: Callable[[], str]
) -> None:
    """Cheap: within the cache period the previous answer is given without a query."""
    now = [100.0]
    readiness = Readiness(app.extensions["lrs"], max_lag_seconds=60, cache_seconds=1.0,
                          clock=lambda: now[0])
    assert readiness.snapshot()["problems"] == []
    forget_migration()
    now[0] += 0.5
    assert readiness.snapshot()["problems"] == []  # cached
    now[0] += 1.0
    assert readiness.snapshot()["problems"] != []  # checked again


def test_health_answers_are_not_cached_by_proxies(app: Flask) -> None:
    for path in ("/health/live", "/health/ready"):
        assert app.test_client().get(path).headers["Cache-Control"] == "no-store"
