"""Views kept from the stream on another database (issue 23, point 2): built by
``lrs project --source nats``'s runner, they equal, row by row, the views built from
the store's own log; exactly once by each view's own tracking position."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lrs.runner import ProjectionRunner
from lrs.services import Services
from lrs.settings import Settings
from lrs.simulate import SimulationConfig, simulate
from lrs.stream.commands import stream_runner
from lrs.stream.publisher import Publisher, wait_until_published
from tests.support.servers import scratch_database
from xapi.versions import V1_0_3

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "provider"}}


@pytest.fixture(scope="module")
def history() -> list[dict[str, Any]]:
    """A small mentoring history (two programmes, voiding included)."""
    return simulate(SimulationConfig(end=date(2026, 11, 27), programs=2, mentors=4, mentees=10,
                                     weeks=6, seed=7)).statements


@pytest.fixture
def view_services(stream_settings: Settings, tmp_path: Path) -> Iterator[Services]:
    """A second store, of the same kind, that holds views only (no events)."""
    if stream_settings.dialect == "sqlite":
        views_dir = tmp_path / "views"
        views_dir.mkdir()
        built = Services.build(dataclasses.replace(
            stream_settings, database_url=f"sqlite:///{views_dir / 'views.sqlite3'}"))
        yield built
        built.close()
        return
    with scratch_database("lrs_views") as url:
        built = Services.build(dataclasses.replace(stream_settings, database_url=url))
        yield built
        built.close()


def _record(services: Services, statements: list[dict[str, Any]]) -> None:
    for start in range(0, len(statements), 100):
        services.store.record_statements(statements[start:start + 100], authority=AUTHORITY,
                                         version=V1_0_3)


def _publish(services: Services, settings: Settings) -> None:
    publisher = Publisher.from_settings(services.store, settings)
    try:
        wait_until_published(publisher)
    finally:
        publisher.close()


def _rows(services: Services, runner: ProjectionRunner) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every view table, in a fixed order."""
    tables: dict[str, list[tuple[str, ...]]] = {}
    with services.store.db.read() as cur:
        for view in runner.views:
            for table in view.tables:
                rows = cur.execute(f"SELECT * FROM {table}").fetchall()
                tables[table] = sorted(tuple(f"{k}={row[k]!r}" for k in sorted(row.keys())) for row in rows)
    return tables


def _runner_from_stream(view_services: Services, settings: Settings, batch: int = 1000) -> ProjectionRunner:
    return stream_runner(view_services, dataclasses.replace(settings, projection_batch_size=batch))


def test_views_from_the_stream_equal_views_from_the_database(
        stream_services: Services, stream_settings: Settings, view_services: Services,
        history: list[dict[str, Any]]) -> None:
    _record(stream_services, history)
    _publish(stream_services, stream_settings)
    stream_services.projections.catch_up()
    runner = _runner_from_stream(view_services, stream_settings, batch=97)
    try:
        applied = runner.catch_up()
    finally:
        runner.source.close()  # type: ignore[attr-defined]
    assert applied == len(history) * len(runner.views)  # summed over views
    from_database = _rows(stream_services, stream_services.projections)
    assert sum(len(rows) for rows in from_database.values()) > len(history) / 2
    assert _rows(view_services, runner) == from_database


def test_views_from_the_stream_resume_from_their_own_position(
        stream_services: Services, stream_settings: Settings, view_services: Services,
        history: list[dict[str, Any]]) -> None:
    """A runner stopped half-way and started again (a new consumer) takes each statement
    once: it starts after the position the view database holds."""
    half = len(history) // 2
    _record(stream_services, history[:half])
    _publish(stream_services, stream_settings)
    first = _runner_from_stream(view_services, stream_settings)
    try:
        assert first.catch_up() == half * len(first.views)
    finally:
        first.source.close()  # type: ignore[attr-defined]
    _record(stream_services, history[half:])
    _publish(stream_services, stream_settings)
    restarted = _runner_from_stream(view_services, stream_settings, batch=50)
    try:
        assert restarted.catch_up() == (len(history) - half) * len(restarted.views)
        assert restarted.catch_up() == 0
        position = restarted.positions()["mentoring"]
    finally:
        restarted.source.close()  # type: ignore[attr-defined]
    stream_services.projections.catch_up()
    assert position == stream_services.store.recorder.max_notification_id()
    assert _rows(view_services, restarted) == _rows(stream_services, stream_services.projections)


def test_project_source_nats_keeps_the_views_of_another_database(
        stream_services: Services, stream_settings: Settings, view_services: Services,
        history: list[dict[str, Any]]) -> None:
    """`lrs project --source nats` as a process: the view database's views reach the
    stream's newest statement, then it stops on SIGTERM."""
    import os
    import signal
    import subprocess
    import sys
    import time

    _record(stream_services, history[:200])
    _publish(stream_services, stream_settings)
    head = int(stream_services.store.recorder.max_notification_id() or 0)
    env = {**os.environ, "LRS_DATABASE_URL": view_services.settings.resolved_database_url,
           "LRS_DATA_DIR": view_services.settings.data_dir,
           "LRS_NATS_URL": stream_settings.nats_url, "LRS_NATS_STREAM": stream_settings.nats_stream,
           "LRS_NATS_SUBJECT_PREFIX": stream_settings.nats_subject_prefix}
    proc = subprocess.Popen([sys.executable, "-m", "lrs.cli", "project", "--source", "nats"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while view_services.projections.positions()["mentoring"] < head:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read() if proc.stdout else ""
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "log from stream" in output
